"""Tangle an org file's source blocks into files, byte for byte as Org 9.5 does.

One job: primer.org -> src/.  Supports what the primer uses -- :tangle,
:comments link, :mkdirp, :shebang, :padline, header-args from #+PROPERTY: and
inherited :PROPERTIES: drawers, #+header:/#+name: lines, blocks indented in
list items, several blocks into one file -- and refuses everything else with a
``file:line: message`` error.  It writes only regular files under the
directories the book owns (utils/owned.py), and never overwrites a hand edit:
it compares each file with what it last tangled (utils/tangle_state.py) and
stops when the file changed since (see ``--discard`` and utils/detangle.py).

    python utils/tangle.py primer.org            # write src/ (safely)
    python utils/tangle.py primer.org --check    # is committed src/ a fresh tangle?
    python utils/tangle.py primer.org --out DIR  # tangle into another directory
"""

from __future__ import annotations

import argparse
import codecs
import os
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from org import Block, Document, OrgError, block_args, link_search, parse, read  # noqa: E402
from owned import (OWNED, NotOwned, check_on_disk, mode_of, read_regular,  # noqa: E402
                   relative_target, write_atomic)
from tangle_state import State, git_show  # noqa: E402

COMMENT_PREFIX = {"python": "# ", "sh": "# ", "shell": "# ", "bash": "# "}
SUPPORTED = {"tangle", "comments", "mkdirp", "shebang", "padline", "noweb",
             "session", "results", "exports", "cache", "hlines", "eval"}
# org-babel-tangle-comment-format-beg and -end
LINK_BEGIN, LINK_END = "[[%link][%source-name]]", "%source-name ends here"


@dataclass
class Part:
    block: Block
    body: str
    link: str | None          # "file:../primer.org::*Heading", when commented
    source_name: str
    padline: bool
    shebang: str
    comment_lines: tuple = ("", "")   # the begin and end link comments (without "# ")


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
                out += f"{prefix}{p.comment_lines[0]}\n"
            out += p.body + "\n"
            if p.link:
                out += f"{prefix}{p.comment_lines[1]}\n"
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


def fill_template(template: str, data: dict) -> str:
    """org-fill-template: replace each %KEY, shortest keys first, one after the
    other (so a heading that contains %start-line is filled in too, as in Org)."""
    for key in sorted(data, key=len):
        template = template.replace("%" + key, data[key])
    return template


def collect(doc: Document) -> dict[str, Target]:
    """Targets in order of first appearance, each with its blocks in document order."""
    targets: dict[str, Target] = {}
    org_abs = os.path.abspath(doc.path)
    org_dir = os.path.dirname(org_abs)
    normalised: dict[str, str] = {}
    for block in doc.blocks:
        if block.heading is not None and (block.heading.in_comment or block.heading.archived):
            continue
        args = block_args(doc, block)
        where = (doc.path, block.begin)
        tangle = args.get("tangle", "no")
        if tangle == "no":
            continue
        _check_block(block, args, tangle, where)
        spelled = tangle
        norm = posixpath.normpath(spelled)
        if normalised.setdefault(norm, spelled) != spelled:
            raise OrgError(*where, f":tangle {spelled} names the same file as "
                           f":tangle {normalised[norm]}; spell it one way")
        t = targets.setdefault(spelled, Target(spelled, block.begin))
        t.mkdirp |= args.get("mkdirp", "no") not in ("no", "")
        comments = args.get("comments", "no")
        name = block.name or f"{block.heading.title or 'No heading'}:{block.counter}"
        link, lines = None, ("", "")
        if comments in ("link", "yes"):
            target_dir = os.path.dirname(os.path.normpath(os.path.join(org_dir, spelled)))
            link = f"file:{os.path.relpath(org_abs, target_dir)}::{link_search(block)}"
            data = {"start-line": str(block.begin + 1), "file": os.path.basename(org_abs),
                    "link": link, "source-name": name}
            lines = (fill_template(LINK_BEGIN, data), fill_template(LINK_END, data))
        shebang = args.get("shebang", "")
        if shebang and t.parts and not any(p.shebang for p in t.parts):
            raise OrgError(*where, f":shebang on a block that is not the first of "
                           f"{spelled}; Org would put it mid-file")
        if shebang and any(p.shebang and p.shebang != shebang for p in t.parts):
            raise OrgError(*where, f"conflicting :shebang values for {spelled}")
        t.parts.append(Part(block, body_of(block), link, name,
                            args.get("padline", "yes") != "no", shebang, lines))
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
    if tangle == "" or re.fullmatch(r"[-+]?[0-9]+(\.[0-9]*)?", tangle):
        raise OrgError(*where, f":tangle {tangle!r}: Org reads this as "
                       f"{'nothing' if not tangle else 'a number'}; name the file")
    if tangle.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", tangle):
        raise OrgError(*where, f":tangle {tangle} is an absolute path; tangle "
                       "targets must stay inside the repository")
    if block.heading is None:
        raise OrgError(*where, "a tangled block must sit under a heading")
    if block.name == "":
        raise OrgError(*where, "an empty #+name: above a tangled block; name it or remove the line")
    if args.get("comments", "no") != "no":
        if block.target_above:
            raise OrgError(where[0], block.begin - 1, "a <<target>> at the end of the line "
                           "above a tangled block becomes its link search in Org; move it")
        if re.search(r"[][\\]", link_search(block)):
            raise OrgError(where[0], block.heading.line, "a heading (or #+name / CUSTOM_ID) "
                           "with [, ] or \\ cannot be linked from tangled code; rephrase it")


# --- where to write, and whether it is safe ------------------------------------

class Conflict(Exception):
    """Files edited by hand since they were last tangled (args[0]: their paths)."""


@dataclass
class Job:
    target: Target
    rel: str                  # repository-relative path, e.g. "src/ch/name.py"
    path: Path
    data: bytes

    @property
    def mode(self) -> int:
        return 0o755 if self.target.executable else 0o644


def plan(doc: Document, root: Path, targets: dict | None = None) -> list[Job]:
    """Check every target and return what to write where; OrgError when a target
    is not one the book owns (see utils/owned.py)."""
    org_dir = Path(os.path.abspath(doc.path)).parent
    org_rel = None
    try:
        org_rel = Path(os.path.abspath(doc.path)).relative_to(root).as_posix()
    except ValueError:
        pass
    jobs = []
    for t in (targets if targets is not None else collect(doc)).values():
        try:
            rel = relative_target(root, org_dir, t.path)
            if rel == org_rel:
                raise NotOwned(f":tangle {t.path} would overwrite the org file itself")
            check_on_disk(root, rel, t.mkdirp)
        except NotOwned as err:
            raise OrgError(doc.path, t.line, str(err)) from None
        text = t.render()
        _check_coding_line(text, t, doc)
        jobs.append(Job(t, rel, root / rel, text.encode("utf-8")))
    return jobs


# PEP 263: Python reads `coding[:=]NAME` in a comment on line 1 or 2 as the encoding.
CODING_RE = re.compile(r"[ \t\f]*#[^\n]*?coding[:=][ \t]*([-\w.]+)")


def _check_coding_line(text: str, t: Target, doc: Document) -> None:
    """A link comment such as `# [[…][Text coding: latin-1 pitfalls:1]]` on line
    1 or 2 is a source-encoding declaration to Python: with an unknown name the
    script does not start, with a known one (latin-1) it is silently misread.
    Refuse any declaration that is not UTF-8."""
    if not (t.path.endswith(".py") or any(p.block.lang == "python" for p in t.parts)):
        return
    for line in text.split("\n")[:2]:
        m = CODING_RE.match(line)
        if not m:
            continue
        try:
            utf8 = codecs.lookup(m.group(1)).name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8:
            heading = t.parts[0].block.heading
            raise OrgError(doc.path, heading.line if heading else t.line,
                           f"{t.path} would start with {line!r}, which Python reads "
                           f"as a source encoding declaration ({m.group(1)!r}); "
                           "rephrase the heading so no 'coding:' or 'coding=' is in it")


# --- what was tangled before ---------------------------------------------------

class History:
    """Earlier versions of the tangled files, in the order they are trusted: what
    this tangler last wrote (.tangle/), else the tangle of the committed org
    file, else (when that cannot be tangled) the committed file itself."""

    def __init__(self, doc: Document, root: Path):
        self.doc, self.root, self.state = doc, root, State(root)
        self._committed: dict | None = None

    def committed_tangle(self) -> dict | None:
        if self._committed is None:
            self._committed = {}
            try:
                rel_org = Path(os.path.abspath(self.doc.path)).relative_to(self.root).as_posix()
                data = git_show(self.root, rel_org)
                if data is not None:
                    old = parse(data.decode("utf-8"), self.doc.path)
                    self._committed = {j.rel: j.data for j in _plan_lexical(old, self.root)}
                else:
                    self._committed = None
            except (OrgError, NotOwned, UnicodeDecodeError, ValueError):
                self._committed = None
        return self._committed

    def candidates(self, rel: str) -> list[bytes]:
        out = []
        recorded = self.state.recorded(rel)
        if recorded is not None:
            out.append(recorded)
        committed = self.committed_tangle()
        if committed is not None:
            if rel in committed:
                out.append(committed[rel])
        else:
            blob = git_show(self.root, rel)
            if blob is not None:
                out.append(blob)
        return out

    def base(self, rel: str, current: bytes) -> bytes | None:
        """The candidate that explains CURRENT best (fewest blocks changed)."""
        from threeway import distance
        cands = self.candidates(rel)
        if not cands:
            return None
        return min(cands, key=lambda c: distance(c, current))


def _plan_lexical(doc: Document, root: Path) -> list[Job]:
    """Like plan(), without looking at the disk: for an old version of the org file."""
    org_dir = Path(os.path.abspath(doc.path)).parent
    return [Job(t, relative_target(root, org_dir, t.path), Path(), t.render().encode("utf-8"))
            for t in collect(doc).values()]


# --- writing ----------------------------------------------------------------------

def write(doc: Document, root: Path, discard=frozenset(), only=None) -> list[str]:
    """Tangle into ROOT.  Checks every target first; refuses (Conflict, nothing
    written) when a file was edited by hand since it was last tangled, unless
    named in DISCARD; refuses (OrgError) to overwrite a file the tangler never
    wrote.  ONLY limits the writing to those repository-relative paths."""
    jobs = [j for j in plan(doc, root) if only is None or j.rel in only]
    history = History(doc, root)
    edited, todo = [], []
    for job in jobs:
        current = read_regular(job.path)
        if current is None or current == job.data:
            todo.append(job)
            continue
        cands = history.candidates(job.rel)
        if not cands:
            raise OrgError(doc.path, job.target.line, f"{job.rel} exists, differs from a "
                           "fresh tangle, and there is no record of the tangler writing it "
                           "(not in .tangle/, not in the committed tangle); refusing to "
                           "overwrite it: move it away, then tangle again")
        if job.rel in discard or current in cands:
            todo.append(job)
        else:
            edited.append(job.rel)
    if edited:
        raise Conflict(edited)
    changed = []
    for job in todo:
        if read_regular(job.path) != job.data or mode_of(job.path) != job.mode:
            write_atomic(job.path, job.data, job.mode)
            changed.append(job.rel)
        history.state.record(job.rel, job.data)
    return changed


def stale(doc: Document, root: Path) -> list[str]:
    """Files in the tangled directories that no block tangles to any more."""
    made = {j.rel for j in plan(doc, root)}
    out = []
    for folder in OWNED:
        for top, dirs, files in os.walk(root / folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for f in files:
                rel = (Path(top) / f).relative_to(root).as_posix()
                if rel not in made:
                    out.append(rel)
    return sorted(out)


def check(doc: Document, root: Path) -> list[str]:
    """Differences between the files on disk and a fresh tangle."""
    problems = []
    for job in plan(doc, root):
        current = read_regular(job.path)
        if current is None:
            problems.append(f"{job.rel}: missing (run make tangle)")
        elif current != job.data:
            problems.append(f"{job.rel}: differs from a fresh tangle of {doc.path.name}")
        elif bool((mode_of(job.path) or 0) & 0o100) != job.target.executable:
            problems.append(f"{job.rel}: executable bit differs from a fresh tangle")
    problems += [f"{rel}: no block in {doc.path.name} tangles to it"
                 for rel in stale(doc, root)]
    return problems


def conflict_message(rels) -> str:
    return "\n".join(
        f"tangle: {rel} was edited by hand since it was last tangled; "
        "nothing was written.  Two ways out:\n"
        f"  keep the edit:    make detangle FILE={rel}   "
        "(writes its blocks back into primer.org)\n"
        f"  discard the edit: make discard FILE={rel}    "
        "(re-tangles it from primer.org)" for rel in rels)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("org", nargs="?", default="primer.org")
    ap.add_argument("--root", help="repository root (default: the org file's directory)")
    ap.add_argument("--out", help="tangle into this directory instead")
    ap.add_argument("--check", action="store_true", help="compare files on disk with a fresh tangle")
    ap.add_argument("--discard", action="append", default=[], metavar="FILE",
                    help="overwrite FILE even though it was edited by hand")
    a = ap.parse_args(argv)
    try:
        doc = read(a.org)
        root = Path(a.root or Path(a.org).resolve().parent).resolve()
        if a.out:
            out = Path(a.out).resolve()
            rel_org = Path(os.path.abspath(doc.path)).relative_to(root)
            copy = out / rel_org
            copy.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(copy, doc.path.read_bytes(), 0o644)
            doc.path = copy
            changed = write(doc, out)
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
        tangled = {j.rel for j in plan(doc, root)} if a.discard else set()
        discard = set()
        for f in a.discard:
            p = Path(os.path.abspath(f))
            try:
                rel = p.relative_to(root).as_posix()
            except ValueError:
                rel = None
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
        print(conflict_message(c.args[0]), file=sys.stderr)
        return 3
    except OSError as err:
        print(f"{err.filename or a.org}: {err.strerror}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
