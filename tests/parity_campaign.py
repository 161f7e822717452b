"""Property-based parity campaign: random org documents, tangled by Emacs and by ours.

A hypothesis strategy writes org documents that mix the constructs where a
tangler can go wrong (headings with TODO words, priorities, tags, cookies, %,
COMMENT, ARCHIVE and CUSTOM_ID; property drawers and #+PROPERTY: lines with
tabs; header-args inheritance; example/comment/export blocks around src blocks;
#+header/#+name/#+attr_html orderings; blocks in list items indented with
spaces or tabs; comma-escaped lines; CRLF; a BOM; shebangs; several blocks per
file).  Each document is tangled by Emacs in batch (many documents per Emacs
run) and by utils/tangle.py.  Ours must write the same bytes with the same
executable bits, or refuse with one `file:line: message` line, exit 2, and
write nothing.

    python tests/parity_campaign.py --n 500 [--seed 1] [--keep DIR]

prints the counts (identical / refused / differing / emacs-failed) and exits 1
when any document differs.  tests/test_parity_campaign.py runs a small fixed-seed
campaign wherever Emacs is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "utils"))

import tangle as ours  # noqa: E402

# --- the document generator ------------------------------------------------------

WORDS = ["Intro", "Sampling", "data", "50%", "[1/2]", "[33%]", "[%]", "[/]", "x%y",
         "%source-name", "%start-line", "café", "A", "b", "load:", "TODO"]
TARGETS = ["src/a.py", "src/b.py", "src/c.sh", "src/sub/d.py", "src/a.py"]


@st.composite
def title(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=4))
    sep = draw(st.sampled_from([" ", " ", "  ", "\t"]))
    return sep.join(words)


@st.composite
def heading(draw, level):
    parts = ["*" * level]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["TODO", "DONE", "WAIT", "OK"])))
    if draw(st.integers(0, 4)) == 0:
        parts.append("[#A]")
    if draw(st.integers(0, 6)) == 0:
        parts.append("COMMENT")
    parts.append(draw(title()))
    line = " ".join(parts)
    tags = draw(st.sampled_from(["", "", "", ":t:", ":ARCHIVE:", ":a:b:", ":noexport:"]))
    if tags:
        line += draw(st.sampled_from([" ", "   ", "\t"])) + tags
    return line


def header_args(draw, tangle_odds=2):
    args = []
    if draw(st.integers(1, tangle_odds)) != 1 or tangle_odds == 1:
        rare = draw(st.integers(0, 24)) == 0           # the same file spelled another way
        args.append(":tangle " + ("./src/a.py" if rare else draw(st.sampled_from(TARGETS + ["no"]))))
    if draw(st.integers(0, 2)) == 0:
        args.append(":comments " + draw(st.sampled_from(["link", "no", "yes"])))
    if draw(st.integers(0, 3)) == 0:
        args.append(":padline " + draw(st.sampled_from(["no", "yes"])))
    if draw(st.integers(0, 3)) == 0:
        args.append(":mkdirp yes")
    if draw(st.integers(0, 8)) == 0:
        args.append(':shebang "#!/usr/bin/env python3"')
    if draw(st.integers(0, 12)) == 0:
        args.append(':shebang "#!/bin/sh\\n# two lines"')
    return " ".join(args)


def drawer(draw):
    lines = [":PROPERTIES:"]
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(["header-args", "header-args+", "header-args:python",
                                    "header-args:python+", "header-args:sh", "CUSTOM_ID",
                                    "header-args"]))
        value = ("id-" + draw(st.sampled_from(["x", "y", "z"])) if key == "CUSTOM_ID"
                 else header_args(draw))
        lines.append(f":{key}: {value}".rstrip())
    lines.append(":END:")
    return lines


BODIES = [["print('hi')"], ["x = 1", "", "print(x)"], ["def f():", "    return 1"],
          [",* escaped star", ",#+begin_src inside"], ["   indented = 1  ", "more = 2"],
          ["", "  ", "y = 'café'", ""], ["s = '''", ",,* two commas", "'''"], []]


def src_block(draw, indent=""):
    lang = draw(st.sampled_from(["python", "python", "sh"]))
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["name", "header", "attr", "caption", "srcname"]))
        value = {"name": "blk-" + draw(st.sampled_from("pqr")),
                 "header": header_args(draw) or ":padline no",
                 "attr": ":width 10", "caption": "A caption",
                 "srcname": "old-" + draw(st.sampled_from("pq"))}[kind]
        key = {"attr": "attr_html", "srcname": "srcname"}.get(kind, kind)
        lines.append(f"{indent}#+{key}: {value}")
    begin = draw(st.sampled_from(["#+begin_src", "#+BEGIN_SRC"]))
    lines.append(f"{indent}{begin} {lang} {header_args(draw, 4)}".rstrip())
    inner = draw(st.sampled_from(["", "", "  ", "\t"]))
    for l in draw(st.sampled_from(BODIES)):
        lines.append((indent + inner + l) if l else l)
    lines.append(indent + begin.replace("begin", "end").replace("BEGIN", "END"))
    return lines


@st.composite
def section_body(draw):
    out = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["src", "src", "src", "text", "list", "wrapped",
                                     "property", "target", "quote"]))
        if kind == "src":
            out += src_block(draw)
        elif kind == "text":
            out.append(draw(st.sampled_from(["Some prose.", "", "A line with 50% and [1/2].",
                                             "# a comment line"])))
        elif kind == "list":
            indent = draw(st.sampled_from(["   ", "  ", "\t"]))
            out.append(draw(st.sampled_from(["1. A step:", "- an item:"])))
            out += src_block(draw, indent)
        elif kind == "wrapped":
            name = draw(st.sampled_from(["example", "comment", "export html", "EXAMPLE"]))
            out.append(f"#+begin_{name}")
            out += (src_block(draw) if draw(st.booleans())
                    else ["#+PROPERTY: header-args :tangle src/wrapped.py"])
            out.append(f"#+end_{name.split()[0]}")
        elif kind == "quote":
            out.append("#+begin_quote")
            out += src_block(draw)
            out.append("#+end_quote")
        elif kind == "property":
            sep = draw(st.sampled_from([" ", "\t"]))
            out.append(f"#+PROPERTY:{sep}header-args{sep}{header_args(draw)}".rstrip())
        elif kind == "target":
            out.append("See <<here>>")
    return out


@st.composite
def documents(draw):
    lines = []
    if draw(st.booleans()):
        sep = draw(st.sampled_from([" ", "\t"]))
        lines.append(f"#+PROPERTY:{sep}header-args{sep}:comments link :mkdirp yes")
    if draw(st.integers(0, 3)) == 0:
        lines.append("#+PROPERTY: header-args:python+ " + header_args(draw))
    if draw(st.integers(0, 4)) == 0:
        lines.append("#+TODO: WAIT | OK")
    if draw(st.integers(0, 3)) == 0:
        lines.append("Text before the first heading.")
    level = 0
    for _ in range(draw(st.integers(1, 5))):
        level = draw(st.integers(1, min(level + 1, 3)))
        lines.append(draw(heading(level)))
        if draw(st.integers(0, 2)) == 0:
            if draw(st.integers(0, 4)) == 0:
                lines.append("SCHEDULED: <2026-11-21 Sat>")
            lines += drawer(draw)
        lines += draw(section_body())
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 6)) == 0:
        text = "\ufeff" + text
    return text


def generate(n: int, seed_value: int) -> list[str]:
    docs: list[str] = []

    @seed(seed_value)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(documents())
    def collect(doc):
        docs.append(doc)

    collect()
    return docs[:n]


# --- tangling both ways ------------------------------------------------------------

def tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), os.access(p, os.X_OK))
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "doc.org"
            and not {".tangle", "build"} & set(p.relative_to(root).parts)
            and p.name != "emacs-error.txt"}


def emacs_tangle(dirs: list[Path]) -> None:
    """Tangle doc.org in every directory, in one Emacs run."""
    lisp = ("(progn (require 'org) (require 'ob-tangle) (dolist (d command-line-args-left) "
            "(let ((default-directory (file-name-as-directory d))) (condition-case err "
            "(org-babel-tangle-file \"doc.org\") (error (with-temp-file \"emacs-error.txt\" "
            "(insert (format \"%S\" err))))))) (setq command-line-args-left nil))")
    subprocess.run(["emacs", "--batch", "-Q", "--eval", lisp, *map(str, dirs)],
                   capture_output=True, timeout=600, env=dict(os.environ, LANG="C.UTF-8"),
                   stdin=subprocess.DEVNULL)


REFUSAL_RE = re.compile(r"\A[^\n]+:\d+: [^\n]+\n\Z")


def our_tangle(d: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = ours.main([str(d / "doc.org")])
    return code, err.getvalue()


def compare(docs: list[str], work: Path, batch: int = 40) -> dict:
    counts = {"identical": 0, "refused": 0, "differing": 0, "emacs-failed": 0}
    problems = []
    for start in range(0, len(docs), batch):
        chunk = list(enumerate(docs[start:start + batch], start))
        for i, text in chunk:
            for side in ("emacs", "ours"):
                d = work / f"{i:04d}" / side
                (d / "src").mkdir(parents=True)
                (d / "doc.org").write_bytes(text.encode("utf-8"))
        emacs_tangle([work / f"{i:04d}" / "emacs" for i, _ in chunk])
        for i, text in chunk:
            e, o = work / f"{i:04d}" / "emacs", work / f"{i:04d}" / "ours"
            code, err = our_tangle(o)
            if code == 2 and REFUSAL_RE.match(err) and not tree(o):
                counts["refused"] += 1
            elif code == 0 and (e / "emacs-error.txt").exists():
                counts["emacs-failed"] += 1
                problems.append((i, "Emacs failed where ours tangled: "
                                 + (e / "emacs-error.txt").read_text()[:200]))
            elif code == 0 and tree(o) == tree(e):
                counts["identical"] += 1
            else:
                counts["differing"] += 1
                problems.append((i, f"ours exit {code}: {err.strip()[:300]}"))
    return {"counts": counts, "problems": problems}


def campaign(n: int, seed_value: int, keep: Path | None = None) -> dict:
    docs = generate(n, seed_value)
    work = Path(tempfile.mkdtemp(prefix="parity-"))
    try:
        result = compare(docs, work)
        if keep:
            for i, _ in result["problems"]:
                shutil.copytree(work / f"{i:04d}", keep / f"{i:04d}", dirs_exist_ok=True)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="copy differing documents here")
    a = ap.parse_args(argv)
    if not shutil.which("emacs"):
        print("parity_campaign: emacs is not installed", file=sys.stderr)
        return 2
    result = campaign(a.n, a.seed, a.keep)
    for i, why in result["problems"]:
        print(f"document {i}: {why}")
    c = result["counts"]
    print(f"{sum(c.values())} documents: {c['identical']} identical, {c['refused']} refused, "
          f"{c['differing']} differing, {c['emacs-failed']} where Emacs failed and ours did not")
    return 1 if c["differing"] or c["emacs-failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
