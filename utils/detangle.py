"""Write hand edits in tangled files back into the org file they came from.

One job, as org-babel-detangle does, but as a three-way merge: for each block
between the `# [[file:…][NAME]]` … `# NAME ends here` link comments, compare
what was last tangled (the base, see utils/tangle_state.py), the file now, and
the org file now.  A block edited only in the file is written back; a block
edited only in the org file is kept (the re-tangle brings it into the file); a
block edited on both sides, differently, stops everything with both versions
shown.  Edits outside the linked blocks, or blocks added or removed, are
refused: make those in the org file.  Every check is done, for every file
named, before anything is written; then the org file is replaced atomically
(line endings, indentation and a missing final newline kept) and the named
files are re-tangled.

    python utils/detangle.py src/NAME.py [src/OTHER.py …] [--org primer.org]
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import stat
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from org import Document, OrgError, parse, read  # noqa: E402
from owned import mode_of, read_regular, write_atomic  # noqa: E402
from tangle import Conflict, History, Part, _column, body_of, collect, plan, write  # noqa: E402
from threeway import Shape, edited_blocks, normal, same, split, trimmed  # noqa: E402


class Refused(Exception):
    """Nothing was written; the message says why (exit 2)."""


class BothEdited(Exception):
    """A block changed in the org file and in the tangled file (exit 3)."""


def escape(line: str) -> str:
    return re.sub(r"^([ \t]*)(,*(?:\*|#\+))", r"\1,\2", line)


def _indent_prefix(part: Part) -> str:
    """The indentation to put before each written line: the block's own (tabs
    kept), i.e. the literal common prefix whose width Org removes on tangling."""
    block = part.block
    lead = [re.match(r"[ \t]*", l).group(0) for l in block.raw if l.strip(" \t")]
    if not lead:
        return block.indent
    width = min(_column(w) for w in lead)
    common = os.path.commonprefix(lead)
    for k in range(len(common), -1, -1):
        if _column(common[:k]) == width:
            return common[:k]
    return " " * width


def block_lines(part: Part, body: str) -> list[str]:
    if not trimmed(body):
        return []
    prefix = _indent_prefix(part)
    return [prefix + escape(l) if l.strip(" \t") else "" for l in trimmed(body).split("\n")]


def _loose(body: str) -> str:
    """A body as Org can keep it: trimmed, blank lines empty."""
    return "\n".join(l if l.strip(" \t") else "" for l in trimmed(body).split("\n"))


def merge(doc: Document, root: Path, files: list[str]):
    """Plan the detangle of FILES.  Returns (new org lines or None, report lines,
    repository-relative paths).  Raises Refused or BothEdited; writes nothing."""
    targets = collect(doc)
    jobs = {j.rel: j for j in plan(doc, root, targets)}
    history = History(doc, root)
    writes: list[tuple[Part, str]] = []
    conflicts, report, rels = [], [], []
    for f in files:
        p = Path(os.path.abspath(f))
        try:
            rel = p.relative_to(root).as_posix()
        except ValueError:
            rel = None
        if rel not in jobs:
            raise Refused(f"{f}: no block of {doc.path.name} tangles to that file")
        rels.append(rel)
        job = jobs[rel]
        if any(part.link is None for part in job.target.parts):
            raise Refused(f"{doc.path}:{job.target.line}: {job.target.path} has blocks "
                          "without :comments link; they cannot be detangled")
        current = read_regular(job.path)
        if current is None:
            raise Refused(f"{rel}: missing or not a regular file")
        if normal(current.decode("utf-8", "replace")) == normal(job.data.decode("utf-8")):
            continue
        base = history.base(rel, current)
        if base is None:
            raise Refused(f"{rel}: there is no record of what was last tangled to it "
                          "(no .tangle/ entry, nothing committed), so your edits cannot be "
                          "told from primer.org's; copy them into primer.org by hand, "
                          f"then `make discard FILE={rel}`")
        try:
            b, s, n = split(base.decode("utf-8")), split(current.decode("utf-8")), \
                split(job.data.decode("utf-8"))
            edited = edited_blocks(b, s)
        except (Shape, UnicodeDecodeError) as err:
            raise Refused(f"{rel}: {err}") from None
        if not edited:
            continue
        if b.names != n.names:
            raise Refused(f"{rel}: {doc.path.name} changed which blocks make this file "
                          f"since it was last tangled ({b.names} -> {n.names}); copy your "
                          f"edit into {doc.path.name} by hand, then `make discard FILE={rel}`")
        for k in edited:
            part = job.target.parts[k]
            if same(s.bodies[k], n.bodies[k]):
                continue
            if same(n.bodies[k], b.bodies[k]):
                writes.append((part, s.bodies[k]))
                report.append(f"{part.source_name} (lines {part.block.begin + 1}-"
                              f"{part.block.end - 1})")
            else:
                conflicts.append(_both(doc, rel, part, n.bodies[k], s.bodies[k]))
    if conflicts:
        raise BothEdited("\n".join(conflicts) + "\nNothing was written.  Decide which "
                         f"version to keep: put it in {doc.path.name}, then "
                         "`make discard FILE=…` re-tangles the file from it.")
    if not writes:
        return None, [], rels
    lines = list(doc.lines)
    for part, body in sorted(writes, key=lambda w: -w[0].block.begin):
        lines[part.block.begin:part.block.end - 1] = block_lines(part, body)
    _verify(doc, lines, targets, dict((id(p), body) for p, body in writes))
    return lines, report, rels


def _both(doc, rel, part: Part, org_body: str, src_body: str) -> str:
    diff = difflib.unified_diff(trimmed(org_body).split("\n"), trimmed(src_body).split("\n"),
                                f"{doc.path.name} (lines {part.block.begin + 1}-"
                                f"{part.block.end - 1})", rel, lineterm="", n=2)
    return (f"detangle: block {part.source_name!r} was changed both in {doc.path.name} "
            f"and in {rel} since the last tangle:\n  " + "\n  ".join(diff))


def _verify(doc: Document, lines: list[str], targets: dict, written: dict) -> None:
    """Re-read the new org text: every block must tangle to what was intended."""
    new = parse(_text(doc, lines), doc.path)
    new_targets = collect(new)
    if list(new_targets) != list(targets):
        raise Refused("writing the edit back would change which files are tangled; "
                      "make that change in the org file by hand")
    for key, t in targets.items():
        for old, fresh in zip(t.parts, new_targets[key].parts):
            want = written.get(id(old))
            got = body_of(fresh.block)
            if (want is None and got != old.body) or (want is not None and _loose(got) != _loose(want)):
                raise Refused(f"{doc.path}:{old.block.begin}: the edit of {old.source_name!r} "
                              "cannot be written back exactly (its indentation mixes tabs "
                              "and spaces?); make it in the org file by hand")


def _text(doc: Document, lines: list[str]) -> str:
    text = doc.eol.join(lines) + (doc.eol if doc.final_newline and lines else "")
    return ("\ufeff" if doc.bom else "") + text


def detangle(org_path: Path, files: list[str], root: Path) -> list[str]:
    st = os.lstat(org_path)
    if stat.S_ISLNK(st.st_mode):
        raise Refused(f"{org_path} is a symbolic link; detangle the file it points to")
    doc = read(org_path)
    lines, report, rels = merge(doc, root, files)
    if lines is not None:
        backup = root / "build" / (org_path.name + ".before-detangle")
        write_atomic(backup, org_path.read_bytes(), 0o644)
        write_atomic(org_path, _text(doc, lines).encode("utf-8"), mode_of(org_path) or 0o644)
        doc = read(org_path)
    before = {rel: read_regular(root / rel) for rel in rels}
    write(doc, root, discard=set(rels), only=set(rels))
    for rel in rels:
        if read_regular(root / rel) != before[rel]:
            print(f"detangle: note: {rel} was re-tangled; it differs from your edit only "
                  "outside the code you wrote back (white space Org trims, the link "
                  "comments, or blocks changed in the org file)", file=sys.stderr)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", metavar="FILE",
                    help="the tangled file(s) that were edited, e.g. src/NAME.py")
    ap.add_argument("--org", default=None, help="the org file (default: primer.org at the root)")
    a = ap.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    org_path = Path(os.path.abspath(a.org)) if a.org else root / "primer.org"
    if a.org:
        root = org_path.parent
    try:
        changed = detangle(org_path, a.files, root)
    except (OrgError, Refused) as err:
        print(err if isinstance(err, OrgError) else f"detangle: {err}", file=sys.stderr)
        return 2
    except BothEdited as err:
        print(err, file=sys.stderr)
        return 3
    except Conflict as c:            # cannot happen: the named files are discarded
        print(f"detangle: unexpected hand edits in {', '.join(c.args[0])}", file=sys.stderr)
        return 3
    except OSError as err:
        print(f"detangle: {err.filename or org_path}: {err.strerror}", file=sys.stderr)
        return 2
    if changed:
        print(f"detangle: wrote {len(changed)} block(s) back into {org_path.name}: "
              + "; ".join(changed))
    else:
        print(f"detangle: {' '.join(a.files)}: no edits to write back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
