"""Tangle an org file's source blocks into files, byte for byte as Org 9.5 does.

One job: primer.org -> src/*.py.  Supports what the primer uses -- :tangle,
:comments link, :mkdirp, :shebang, :padline, header-args from #+PROPERTY: and
inherited :PROPERTIES: drawers, #+header:/#+name: lines, blocks indented in
list items, several blocks into one file -- and refuses everything else with a
``file:line: message`` error.  It never writes outside the repository and never
overwrites a file in src/ that was edited by hand (see ``--discard`` and
utils/detangle.py for the two ways out).

    python utils/tangle.py primer.org            # write src/ (safely)
    python utils/tangle.py primer.org --check    # is committed src/ a fresh tangle?
    python utils/tangle.py primer.org --out DIR  # tangle into another directory
"""

from __future__ import annotations

import argparse
import codecs
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from org import Block, Document, OrgError, block_args, link_search, read  # noqa: E402

COMMENT_PREFIX = {"python": "# ", "sh": "# ", "shell": "# ", "bash": "# "}
SUPPORTED = {"tangle", "comments", "mkdirp", "shebang", "padline", "noweb",
             "session", "results", "exports", "cache", "hlines", "eval"}
MANIFEST = Path("build") / "tangle-manifest.json"


@dataclass
class Part:
    block: Block
    body: str
    link: str | None          # "file:../primer.org::*Heading", when commented
    source_name: str
    padline: bool
    shebang: str


@dataclass
class Target:
    path: str                 # as written after :tangle, relative to the org file
    line: int                 # where it was first named
    mkdirp: bool = False
    parts: list = field(default_factory=list)

    def render(self) -> str:
        out, banged = "", False
        for p in self.parts:
            if p.padline and out:
                out += "\n"
            if p.shebang and not banged:
                out += p.shebang + "\n"
                banged = True
            prefix = COMMENT_PREFIX[p.block.lang]
            if p.link:
                out += f"{prefix}[[{p.link}][{p.source_name}]]\n"
            out += p.body + "\n"
            if p.link:
                out += f"{prefix}{p.source_name} ends here\n"
        return out

    @property
    def executable(self) -> bool:
        return any(p.shebang for p in self.parts)


# --- from blocks to files -----------------------------------------------------

def body_of(block: Block) -> str:
    """What Org 9.5 tangles for a block: unescape ,* and ,#+ lines, drop the
    common indentation (tab stops every 8 columns), trim white space at both ends."""
    lines = [re.sub(r"^([ \t]*,*),(\*|#\+)", r"\1\2", l) for l in block.raw]
    return remove_indentation(lines).strip(" \t\n\r")


def _column(ws: str) -> int:
    col = 0
    for c in ws:
        col = (col // 8 + 1) * 8 if c == "\t" else col + 1
    return col


def remove_indentation(lines: list[str]) -> str:
    indents = [_column(re.match(r"[ \t]*", l).group(0)) for l in lines if l.strip(" \t")]
    n = min(indents, default=0)
    if n == 0:
        return "\n".join(lines)
    out = []
    for line in lines:
        ws = re.match(r"[ \t]*", line).group(0)
        rest = line[len(ws):]
        if not rest:
            out.append("")
            continue
        target, col, keep = _column(ws) - n, 0, None
        for k, c in enumerate(ws):
            if col == target:
                keep = ws[:k]
                break
            nxt = (col // 8 + 1) * 8 if c == "\t" else col + 1
            if nxt > target:          # a tab straddles the new indentation
                keep = ws[:k] + " " * (target - col)
                break
            col = nxt
        out.append((keep if keep is not None else ws) + rest)
    return "\n".join(out)


def collect(doc: Document) -> dict[str, Target]:
    """Targets in order of first appearance, each with its blocks in document order."""
    targets: dict[str, Target] = {}
    org_dir = doc.path.resolve().parent
    resolved: dict[Path, str] = {}
    for block in doc.blocks:
        if block.heading is not None and block.heading.in_comment:
            continue
        args = block_args(doc, block)
        where = (doc.path, block.begin)
        tangle = args.get("tangle", "no")
        if tangle == "no":
            continue
        _check_block(block, args, tangle, where)
        spelled = tangle
        real = (org_dir / spelled).resolve()
        if real in resolved and resolved[real] != spelled:
            raise OrgError(*where, f":tangle {spelled} names the same file as "
                           f":tangle {resolved[real]}; spell it one way")
        resolved[real] = spelled
        t = targets.setdefault(spelled, Target(spelled, block.begin))
        t.mkdirp |= args.get("mkdirp", "no") not in ("no", "")
        comments = args.get("comments", "no")
        target_dir = (org_dir / spelled).parent
        link = None
        if comments in ("link", "yes"):
            rel = os.path.relpath(doc.path.resolve(), target_dir)
            link = f"file:{rel}::{link_search(block)}"
        name = block.name or f"{block.heading.title}:{block.counter}"
        shebang = args.get("shebang", "")
        if shebang and t.parts and not any(p.shebang for p in t.parts):
            raise OrgError(*where, f":shebang on a block that is not the first of "
                           f"{spelled}; Org would put it mid-file")
        if shebang and any(p.shebang and p.shebang != shebang for p in t.parts):
            raise OrgError(*where, f"conflicting :shebang values for {spelled}")
        t.parts.append(Part(block, body_of(block), link, name,
                            args.get("padline", "yes") != "no", shebang))
    return targets


def _check_block(block: Block, args: dict, tangle: str, where) -> None:
    if block.lang not in COMMENT_PREFIX:
        raise OrgError(*where, f"cannot tangle language {block.lang!r} "
                       f"(supported: {', '.join(sorted(COMMENT_PREFIX))})")
    if block.switches:
        raise OrgError(*where, f"block switches {' '.join(block.switches)} are not supported")
    unknown = sorted(set(args) - SUPPORTED)
    if unknown:
        raise OrgError(*where, "unsupported header argument(s) for tangling: "
                       + ", ".join(":" + k for k in unknown))
    if args.get("noweb", "no") != "no":
        raise OrgError(*where, ":noweb references are not supported")
    if args.get("comments", "no") not in ("link", "yes", "no"):
        raise OrgError(*where, f":comments {args['comments']} is not supported "
                       "(use link or no)")
    if tangle == "yes":
        raise OrgError(*where, ":tangle yes depends on Emacs's language setup; "
                       "name the file, e.g. :tangle src/name.py")
    if tangle.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", tangle):
        raise OrgError(*where, f":tangle {tangle} is an absolute path; tangle "
                       "targets must stay inside the repository")
    if block.heading is None:
        raise OrgError(*where, "a tangled block must sit under a heading")
    if args.get("comments", "no") != "no" and re.search(r"[][\\]", link_search(block)):
        raise OrgError(where[0], block.heading.line, "a heading with [, ] or \\ cannot be "
                       "linked from tangled code; rephrase it")


# --- writing safely -------------------------------------------------------------

class Conflict(Exception):
    pass


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git_head(root: Path, rel: str) -> bytes | None:
    try:
        r = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{rel}"],
                           capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout if r.returncode == 0 else None


def _inside(root: Path, path: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def plan(doc: Document, root: Path) -> list[tuple[Target, Path, bytes]]:
    """Check every target and return (target, absolute path, new bytes)."""
    org_dir = doc.path.resolve().parent
    out = []
    for t in collect(doc).values():
        path = (org_dir / t.path).resolve()
        if not _inside(root, path):
            raise OrgError(doc.path, t.line, f":tangle {t.path} is outside the "
                           f"repository ({root}); refusing to write it")
        if path == doc.path.resolve():
            raise OrgError(doc.path, t.line, f":tangle {t.path} would overwrite the org file itself")
        if path.is_dir() or t.path.endswith(("/", "/.", "/..")) or t.path in (".", ".."):
            raise OrgError(doc.path, t.line, f":tangle {t.path} is a directory")
        if not t.mkdirp and not path.parent.is_dir():
            raise OrgError(doc.path, t.line, f"directory {path.parent.relative_to(root)} "
                           "does not exist (add :mkdirp yes)")
        text = t.render()
        _check_coding_line(text, t, doc)
        out.append((t, path, text.encode("utf-8")))
    return out


CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _check_coding_line(text: str, t: Target, doc: Document) -> None:
    """Python reads `coding:X` in a comment on line 1 or 2 as the file's encoding
    (PEP 263).  A link comment such as `# [[…][Target encoding:1]]` does exactly
    that, and the script then fails to start; catch it here."""
    if not t.path.endswith(".py"):
        return
    for line in text.split("\n")[:2]:
        m = CODING_RE.match(line)
        if m:
            try:
                codecs.lookup(m.group(1))
            except LookupError:
                raise OrgError(doc.path, t.parts[0].block.heading.line,
                               f"{t.path} would start with {line!r}, which Python reads "
                               f"as a source encoding declaration ({m.group(1)!r}); "
                               "rephrase the heading so it does not end in 'coding'") from None


def write(doc: Document, root: Path, discard: set[str] = frozenset(),
          manifest: Path | None = None) -> list[str]:
    """Tangle into ROOT.  Refuses, before writing anything, when a target was
    edited by hand since it was last tangled (unless named in DISCARD)."""
    manifest = manifest or root / MANIFEST
    known = json.loads(manifest.read_text()) if manifest.is_file() else {}
    jobs = plan(doc, root)
    edited = []
    for t, path, data in jobs:
        rel = path.relative_to(root).as_posix()
        if not path.exists() or rel in discard:
            continue
        current = path.read_bytes()
        if current == data or known.get(rel) == _sha(current) or current == _git_head(root, rel):
            continue
        edited.append(rel)
    if edited:
        raise Conflict(edited)
    changed = []
    for t, path, data in jobs:
        rel = path.relative_to(root).as_posix()
        mode = 0o755 if t.executable else 0o644
        if not path.exists() or path.read_bytes() != data or (path.stat().st_mode & 0o777) != mode:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
            changed.append(rel)
        known[rel] = _sha(data)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    return changed


def stale(doc: Document, root: Path, folder: str = "src") -> list[str]:
    """Files in FOLDER that no block tangles to any more."""
    made = {p for _, p, _ in plan(doc, root)}
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in base.rglob("*")
                  if p.is_file() and p.resolve() not in made and "__pycache__" not in p.parts)


def check(doc: Document, root: Path) -> list[str]:
    """Differences between the files on disk and a fresh tangle."""
    problems = []
    for t, path, data in plan(doc, root):
        rel = path.relative_to(root).as_posix()
        if not path.exists():
            problems.append(f"{rel}: missing (run make tangle)")
        elif path.read_bytes() != data:
            problems.append(f"{rel}: differs from a fresh tangle of {doc.path.name}")
        elif bool(path.stat().st_mode & 0o100) != t.executable:
            problems.append(f"{rel}: executable bit differs from a fresh tangle")
    problems += [f"{rel}: no block in {doc.path.name} tangles to it"
                 for rel in stale(doc, root)]
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("org", nargs="?", default="primer.org")
    ap.add_argument("--root", help="repository root (default: the org file's directory)")
    ap.add_argument("--out", help="tangle into this directory instead (no safety checks)")
    ap.add_argument("--check", action="store_true", help="compare files on disk with a fresh tangle")
    ap.add_argument("--discard", action="append", default=[], metavar="FILE",
                    help="overwrite FILE even though it was edited by hand")
    a = ap.parse_args(argv)
    try:
        doc = read(a.org)
        root = Path(a.root or Path(a.org).resolve().parent).resolve()
        if a.out:
            out = Path(a.out).resolve()
            out.mkdir(parents=True, exist_ok=True)
            rel_org = doc.path.resolve().relative_to(root)
            copy = out / rel_org
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(doc.path.read_bytes())
            doc.path = copy
            changed = write(doc, out, manifest=out / MANIFEST)
            print(f"tangled {len(changed)} file(s) into {out}")
            return 0
        if a.check:
            problems = check(doc, root)
            for p in problems:
                print(f"check: {p}", file=sys.stderr)
            if problems:
                print("src/ is not what primer.org tangles to: run `make tangle` and commit.",
                      file=sys.stderr)
            return 1 if problems else 0
        tangled = ({path.relative_to(root).as_posix() for _, path, _ in plan(doc, root)}
                   if a.discard else set())
        discard = set()
        for f in a.discard:
            p = Path(f).resolve()
            rel = p.relative_to(root).as_posix() if _inside(root, p) else None
            if rel not in tangled:
                raise OrgError(doc.path, None, f"--discard {f}: no block of "
                               f"{doc.path.name} tangles to that file; nothing was written")
            discard.add(rel)
        changed = write(doc, root, discard)
        for f in stale(doc, root):
            print(f"tangle: warning: {f} is not tangled from {doc.path.name} any more "
                  "(delete it if it is obsolete)", file=sys.stderr)
        print(f"tangle: {len(changed)} file(s) written" + (": " + " ".join(changed) if changed else ""))
        return 0
    except OrgError as err:
        print(err, file=sys.stderr)
        return 2
    except Conflict as c:
        for rel in c.args[0]:
            print(f"tangle: {rel} was edited by hand since it was last tangled; "
                  "nothing was written.  Two ways out:\n"
                  f"  keep the edit:    make detangle FILE={rel}   "
                  "(writes its blocks back into primer.org)\n"
                  f"  discard the edit: make discard FILE={rel}    "
                  "(re-tangles it from primer.org)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
