"""Export build/primer.export.org to primer.pdf: pandoc's Typst writer, then Typst.

One job: the printed book.  utils/styles/template.typ lays out the pages (title page
with build date and version, contents, running heads), header.typ the body (numbered
headings, code that wraps with a mark, script output in its own boxes, math scaled
to the text width), typst.lua and links.lua adapt pandoc's output.  Like the HTML,
the PDF is rebuilt only when one of its inputs changed (utils/export.py's
fingerprint, which here includes the version, but not the date).
"""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import export
from export import BUILD, ROOT, STYLES

FILTERS = [STYLES / "alt.lua", STYLES / "links.lua", STYLES / "typst.lua"]
TEMPLATE = STYLES / "template.typ"
HEADER = STYLES / "header.typ"
# Symbols pandoc's Typst writer spells the old way, which the pinned Typst rejects.
TYPST_FIXES = {"dot.circle": "dot.o"}
# What the book is made of: the version names the last commit that changed one of these.
SOURCES = ["primer.org", "bib", "utils/export.py", "utils/pdf.py",
           *(f.relative_to(ROOT).as_posix() for f in [TEMPLATE, HEADER, *FILTERS])]


def version() -> str:
    """`git describe --always` of the last commit that changed the book's sources, with
    `-dirty` when they have uncommitted changes; "unversioned" outside git.  (Not of
    HEAD: a commit that touches only tests would otherwise rebuild the PDF.)"""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=30)
    try:
        last = git("log", "-1", "--format=%H", "--", *SOURCES)
        if last.returncode != 0 or not last.stdout.strip():
            return "unversioned"
        name = git("describe", "--always", last.stdout.strip()).stdout.strip()
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", *SOURCES)
        return name + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unversioned"


def pandoc_args(typ: Path, ver: str, date: str) -> list[str]:
    return ["-t", "typst", "--sandbox", "--standalone", f"--template={TEMPLATE}", "--toc",
            "--toc-depth=2", *(f"--lua-filter={f}" for f in FILTERS),
            f"--include-in-header={HEADER}", "-M", "link-citations=true",
            "-V", f"version={ver}", "-V", f"date={date}", "-o", str(typ)]


def render(typ: Path, out: Path, ver: str, date: str) -> None:
    """export.PREPARED -> TYP (pandoc) -> OUT (Typst)."""
    export.run_pandoc(pandoc_args(typ, ver, date))
    text = typ.read_text(encoding="utf-8")
    for old, new in TYPST_FIXES.items():
        text = text.replace(old, new)
    typ.write_text(text, encoding="utf-8")
    try:
        import typst
        typst.compile(str(typ), output=str(out), root=str(ROOT))
    except Exception as err:  # the typst module raises its own error types
        raise SystemExit(f"export: typst could not compile {typ}:\n{err}")


def pdf() -> Path:
    out = ROOT / "primer.pdf"
    ver = version()
    return export.export(
        out, [TEMPLATE, HEADER, *FILTERS, Path(__file__)],
        lambda: render(BUILD / "primer.typ", out, ver, datetime.date.today().isoformat()),
        extra_key=ver)
