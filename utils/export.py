"""Export primer.org to primer.html and primer.pdf with pandoc, citeproc and Typst.

One job: the book as readers see it.  ``prepare`` writes build/primer.export.org:
primer.org with every {{{result(SCRIPT,KEY)}}} filled from that script's output,
each script's real (trimmed) output, run time and memory placed under its last
block and its src/ path above its first, and every citation key checked against
bib/main.bib; mistakes pandoc would pass over in silence (utils/checks.py: unknown
macros, images without caption or alt text or that are remote or missing, files
from elsewhere, open blocks or citations; and unreadable math) stop the export
with the org line.  ``html`` (utils/web.py: the site and primer.html) and ``pdf``
(utils/pdf.py) turn that into the exports; each is skipped when none of its
inputs changed.

    python utils/export.py prepare | html | pdf
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import results  # noqa: E402
from checks import CITE_KEY_RE, CITE_RE, MACRO_RE, check_structure, images  # noqa: E402,F401
from org import OrgError, read  # noqa: E402
from tangle import collect  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "primer.org"
BIB = ROOT / "bib" / "main.bib"
CSL = ROOT / "csl" / "ieee.csl"
BUILD = ROOT / "build"
PREPARED = BUILD / "primer.export.org"
STYLES = Path(__file__).resolve().parent / "styles"
MAX_OUTPUT_LINES = 40

BIB_KEY_RE = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.M)
RESULT_RE = re.compile(r"\{\{\{result\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)\}\}\}")
IMAGE_RE = re.compile(r"\[\[(?:file:)?(img/[^]\[]+?\.(?:png|svg|jpe?g))\]")
FIGURE_RE = re.compile(r"^\s*\[\[(?:file:)?img/[^]\[]+\]\]\s*$")
MATH_WARNING_RE = re.compile(r"Could not convert TeX math (.*), rendering as TeX")
# How Org starts a list item: "12. ", "3) ", "- ", "+ " (or the bullet alone).
LIST_BULLET_RE = re.compile(r"^\s*(?:\d+[.)]|[-+])(?:\s|$)")


def bib_keys(path: Path = BIB) -> set[str]:
    return set(BIB_KEY_RE.findall(path.read_text(encoding="utf-8")))


def cited_keys(lines: list[str]) -> list[tuple[int, str]]:
    out = []
    for i, line in enumerate(lines, 1):
        for m in CITE_RE.finditer(line):
            out += [(i, k) for k in CITE_KEY_RE.findall(m.group(1))]
    return out


def trimmed(text: str, name: str) -> list[str]:
    lines = text.rstrip("\n").splitlines() or ["(no output)"]
    if len(lines) > MAX_OUTPUT_LINES:
        head, tail = lines[:30], lines[-8:]
        skipped = len(lines) - len(head) - len(tail)
        lines = head + [f"[… {skipped} lines omitted; all of it is in build/run/{name}.out]"] + tail
    # Org would read a line starting with * or #+ as structure: escape it with a comma.
    return [re.sub(r"^(\s*)(,*(?:\*|#\+))", r"\1,\2", l) for l in lines]


def run_cost(name: str, ind: str = "") -> list[str]:
    """The line under a script's output: its run time and peak memory in this build,
    from build/run/NAME.json (keys wall, peak_mb and, when the runner records it, cpu)."""
    try:
        rec = json.loads((results.RUN_DIR / f"{name}.json").read_text(encoding="utf-8"))
        parts = [f"ran in {float(rec['wall']):.1f} s"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    for key, fmt in (("cpu", "{:.1f} s of CPU"), ("peak_mb", "peak memory {:.0f} MB")):
        try:
            parts.append(fmt.format(float(rec[key])))
        except (KeyError, ValueError, TypeError):
            pass
    return [f"{ind}/This build: {', '.join(parts)}./"]


def keep_out_of_lists(org: Path, lines: list[str], i: int) -> None:
    """A macro that starts a line and fills in as "768." or "2)" would turn the
    line into an ordered-list item once pandoc reads the filled text (Emacs
    expands macros after parsing, so the source itself is fine).  Move the value
    up to the end of the previous line of the same paragraph: the same words in
    the same paragraph, and no line is added or removed."""
    indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
    value, _, rest = lines[i].lstrip().partition(" ")
    above = lines[i - 1] if i else ""
    prose = (above.strip() and not re.match(r"\*+\s", above) and not FIGURE_RE.match(above)
             and not above.lstrip().startswith(("#", "|", ":", "-----")))
    if not prose:
        raise OrgError(org, i + 1, f"this line starts with a macro that fills in as "
                       f"'{value}', which Org reads as a list item; put a word before it")
    rest = rest.lstrip()
    below = lines[i + 1] if i + 1 < len(lines) else ""
    if not rest and below.strip():
        raise OrgError(org, i + 1, f"this line is only a macro that fills in as "
                       f"'{value}', which Org reads as a list item; join it to a line")
    lines[i - 1] = f"{above.rstrip()} {value}"
    lines[i] = indent + rest if rest else ""


def prepare(org: Path = ORG) -> str:
    doc = read(org)
    lines = list(doc.lines)
    check_structure(org, lines)
    known = bib_keys()
    for line, key in cited_keys(lines):
        if key not in known:
            raise OrgError(org, line, f"citation key @{key} is not in {BIB.relative_to(ROOT)}")

    def fill(m, line):
        name, key = m.group(1), m.group(2)
        try:
            values = results.load(name)
        except FileNotFoundError:
            raise OrgError(org, line, f"{{{{{{result({name},{key})}}}}}}: src/{name}.py "
                           "has no recorded output (run `make run`)") from None
        if key not in values:
            raise OrgError(org, line, f"{{{{{{result({name},{key})}}}}}}: src/{name}.py did "
                           f"not print a line '{key} = …'")
        return values[key]

    for i, line in enumerate(lines):
        if "{{{result(" in line:
            lines[i] = RESULT_RE.sub(lambda m: fill(m, i + 1), line)
            if "{{{result(" in lines[i]:
                raise OrgError(org, i + 1, "malformed {{{result(SCRIPT,KEY)}}} macro")
            if RESULT_RE.match(line.lstrip()) and LIST_BULLET_RE.match(lines[i]):
                keep_out_of_lists(org, lines, i)
    inserts, before = {}, {}
    for target in collect(doc).values():
        path = Path(target.path)
        if path.parent.parent.name != "src" or path.suffix != ".py":
            continue
        rel = path.as_posix()
        last = target.parts[-1].block
        out = results.RUN_DIR / f"{path.stem}.out"
        if not out.is_file():
            raise OrgError(org, last.begin, f"{rel} has no recorded output (run `make run`)")
        ind = last.indent
        body = trimmed(out.read_text(encoding="utf-8", errors="replace"), path.stem)
        inserts[last.end] = ([f"{ind}#+begin_scriptoutput",
                              f"{ind}/Output of/ [[file:{rel}][={rel}=]] /"
                              "in this build:/",
                              f"{ind}#+begin_example"] + [ind + l for l in body] +
                             [f"{ind}#+end_example"] + run_cost(path.stem, ind) +
                             [f"{ind}#+end_scriptoutput"])
        first = target.parts[0].block.begin
        while first > 1 and lines[first - 2].lstrip().lower().startswith("#+"):
            first -= 1                 # above the block's #+name/#+caption lines
        before[first] = [f"{ind}#+begin_scriptname", f"{ind}[[file:{rel}][={rel}=]]",
                         f"{ind}#+end_scriptname"]
    out_lines = []
    for i, line in enumerate(lines, 1):
        if re.match(r"^\*+\s+Footnotes\s*$", line):
            continue          # pandoc places the notes; an empty heading would remain
        out_lines += before.get(i, [])
        out_lines.append(line)
        out_lines += inserts.get(i, [])
    return "\n".join(out_lines) + "\n"


def write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def pandoc() -> str:
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as err:
        raise SystemExit(f"export: pandoc from pypandoc_binary is not available ({err}); "
                         "run `make venv`")


def fingerprint(extra: list[Path], key: str = "") -> str:
    h = hashlib.sha256(key.encode())
    text = PREPARED.read_text(encoding="utf-8")
    shown = sorted({re.sub(r"^file:", "", p) for _, p in images(text.splitlines())})
    for p in [PREPARED, BIB, CSL, Path(__file__), *extra,
              *(ROOT / i for i in shown if (ROOT / i).is_file())]:      # checked by prepare
        h.update(str(p).encode())
        h.update(p.read_bytes())
    h.update(pandoc().encode())
    return h.hexdigest()


def run_pandoc(args: list[str]) -> None:
    cmd = [pandoc(), str(PREPARED), "-f", "org", "--citeproc", f"--bibliography={BIB}",
           f"--csl={CSL}", "--resource-path", str(ROOT), *args]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    warnings = [l for l in r.stderr.splitlines() if l.strip()]
    if r.returncode != 0:
        raise SystemExit("export: pandoc failed:\n" + "\n".join(warnings))
    # The book exports without a single warning; a new one is a mistake in
    # primer.org (pandoc would otherwise print broken math as raw TeX, say).
    for w in warnings:
        m = MATH_WARNING_RE.search(w)
        if m:
            snippet = m.group(1).strip()
            for i, line in enumerate(ORG.read_text(encoding="utf-8").splitlines(), 1):
                if snippet[:40] in line:
                    raise OrgError(ORG, i, f"pandoc cannot read this math: {snippet}")
    if warnings:
        raise SystemExit("export: pandoc warned (fix primer.org):\n" + "\n".join(warnings))


def export(out: Path, deps: list[Path], produce, extra_key: str = "") -> Path:
    """Run PRODUCE() to write OUT unless nothing it depends on changed."""
    key = fingerprint(deps, extra_key)
    stamp = BUILD / f"{out.name}.sha256"
    if out.is_file() and stamp.is_file() and stamp.read_text() == key:
        print(f"export: {out.name} is up to date")
        return out
    t = time.monotonic()
    produce()
    stamp.write_text(key)
    print(f"export: wrote {out.name} ({out.stat().st_size / 1e6:.1f} MB) "
          f"in {time.monotonic() - t:.1f} s")
    return out


def html() -> Path:
    """The site (build/site/) and primer.html: see web.py."""
    import web
    return web.html()


def pdf() -> Path:
    import pdf                 # utils/pdf.py: the Typst side
    return pdf.pdf()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in ("prepare", "html", "pdf"):
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    try:
        if argv[0] == "prepare":
            changed = write_if_changed(PREPARED, prepare())
            print(f"export: {PREPARED.relative_to(ROOT)} "
                  f"{'written' if changed else 'unchanged'}")
        elif not PREPARED.is_file():
            raise SystemExit("export: run `python utils/export.py prepare` first")
        elif argv[0] == "html":
            html()
        else:
            pdf()
    except OrgError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
