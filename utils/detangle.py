"""Write a hand edit in a tangled file back into the org file it came from.

One job, as org-babel-detangle does: read the ``# [[file:…][Heading:N]]`` …
``# Heading:N ends here`` link comments of a tangled file, and put each block's
edited body back into its source block in the org file.  Edits outside the
linked blocks, or blocks added or removed, are refused: make those in the org
file.  Afterwards the file is re-tangled, so it is again exactly what the org
file produces.

    python utils/detangle.py src/NAME.py [--org primer.org]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from org import OrgError, read  # noqa: E402
from tangle import Conflict, Target, collect, write  # noqa: E402

BEGIN_RE = re.compile(r"^\S+ \[\[file:(.+?)::(.+?)\]\[(.+)\]\]$")


def sections(text: str, tangled: str) -> list[tuple[str, str]]:
    """(source name, body) of every linked block in TEXT; raises ValueError when
    anything outside the blocks differs from the freshly tangled TANGLED."""
    out, outside, lines, i = [], [], text.split("\n"), 0
    while i < len(lines):
        m = BEGIN_RE.match(lines[i])
        if not m:
            outside.append(lines[i])
            i += 1
            continue
        name = m.group(3)
        end = next((j for j in range(i + 1, len(lines))
                    if lines[j].endswith(f" {name} ends here")), None)
        if end is None:
            raise ValueError(f"the block {name!r} has no '{name} ends here' line")
        out.append((name, "\n".join(lines[i + 1:end])))
        outside.append(f"<{name}>")
        i = end + 1
    # The fresh tangle with each block's body reduced to a marker.
    cleaned, inside = [], None
    for line in tangled.split("\n"):
        m = BEGIN_RE.match(line)
        if inside is None and m:
            inside = m.group(3)
            cleaned.append(f"<{inside}>")
        elif inside is not None:
            if line.endswith(f" {inside} ends here"):
                inside = None
        else:
            cleaned.append(line)
    if cleaned != outside:
        raise ValueError("lines outside the linked blocks were changed, or blocks were "
                         "added or removed; make that change in the org file")
    return out


def escape(line: str) -> str:
    return re.sub(r"^([ \t]*)(,*(?:\*|#\+))", r"\1,\2", line)


def detangle(org_path: Path, file: Path, root: Path) -> list[str]:
    doc = read(org_path)
    targets = collect(doc)
    file = file.resolve()
    match = [t for t in targets.values() if (org_path.resolve().parent / t.path).resolve() == file]
    if not match:
        raise OrgError(org_path, None, f"no block tangles to {file}")
    target: Target = match[0]
    if any(p.link is None for p in target.parts):
        raise OrgError(org_path, target.line, f"{target.path} has blocks without "
                       ":comments link; they cannot be detangled")
    edited = sections(file.read_text(encoding="utf-8"), target.render())
    names = [p.source_name for p in target.parts]
    if [n for n, _ in edited] != names:
        raise OrgError(org_path, target.line, f"{target.path}: its blocks "
                       f"{[n for n, _ in edited]} do not match the org file's {names}")
    lines = list(doc.lines)
    changed = []
    # Replace from the bottom up so earlier line numbers stay valid.
    for part, (name, body) in sorted(zip(target.parts, edited),
                                     key=lambda pe: -pe[0].block.begin):
        if body.strip(" \t\n\r") == part.body:
            continue
        block = part.block
        raw = [l for l in block.raw if l.strip()]
        ind = min((len(l) - len(l.lstrip(" ")) for l in raw), default=len(block.indent))
        if any(l.startswith("\t") for l in raw):
            ind = len(block.indent)
        new = [(" " * ind + escape(l)) if l.strip() else "" for l in body.split("\n")]
        lines[block.begin:block.end - 1] = new
        changed.append(f"{name} (lines {block.begin + 1}-{block.end - 1})")
    if changed:
        backup = root / "build" / (org_path.name + ".before-detangle")
        backup.parent.mkdir(parents=True, exist_ok=True)
        backup.write_bytes(org_path.read_bytes())
        tmp = org_path.with_suffix(".org.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(org_path)
    rel = file.relative_to(root).as_posix()
    before = file.read_bytes()
    write(read(org_path), root, discard={rel})
    if file.read_bytes() != before:
        print(f"detangle: note: {rel} was re-tangled; it differs from your edit only "
              "outside the code (white space Org trims at block edges, or the link "
              "comments)", file=sys.stderr)
    return changed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", help="the tangled file that was edited, e.g. src/NAME.py")
    ap.add_argument("--org", default=None, help="the org file (default: primer.org at the root)")
    a = ap.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    org_path = Path(a.org).resolve() if a.org else root / "primer.org"
    if a.org:
        root = org_path.parent
    try:
        changed = detangle(org_path, Path(a.file), root)
    except OrgError as err:
        print(err, file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"detangle: {a.file}: {err}", file=sys.stderr)
        return 2
    except Conflict as c:
        print(f"detangle: other files were edited by hand too: {', '.join(c.args[0])}",
              file=sys.stderr)
        return 3
    except OSError as err:
        print(f"detangle: {err}", file=sys.stderr)
        return 2
    if changed:
        print(f"detangle: wrote {len(changed)} block(s) back into {org_path.name}: "
              + "; ".join(changed))
    else:
        print(f"detangle: {a.file} holds no edits to write back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
