"""Check primer.org for what pandoc would get wrong without a word.

One job: refuse, naming the org line, what the exports would otherwise mangle or
fetch: unclosed blocks, unknown macros, citations left open or empty, links to a
heading that does not exist; an image (however written) without a caption and
real alt text, or that is remote, missing, or outside the repository; and
anything that would make pandoc read another file (#+INCLUDE, #+SETUPFILE) or
pass raw markup through (export blocks and snippets), which no check could see.
Called by utils/export.py before pandoc runs.
"""

from __future__ import annotations

import re
from pathlib import Path

from org import OrgError, parse

ROOT = Path(__file__).resolve().parent.parent

CITE_RE = re.compile(r"\[cite(?:/[\w/-]+)?:([^\]]*)\]")
CITE_KEY_RE = re.compile(r"@([\w:.#$%&+?<>~/-]+)")
MACRO_RE = re.compile(r"\{\{\{\s*([^\s(}]*)")
BEGIN_RE = re.compile(r"^\s*#\+begin_(\w+)", re.I)
END_RE = re.compile(r"^\s*#\+end_(\w+)\s*$", re.I)
VERBATIM = {"src", "example", "comment"}        # their lines are not org markup
LINK_RE = re.compile(r"\[\[([^\[\]]+)\](?:\[((?:[^\[\]]|\[[^\[\]]*\])*)\])?\]")
IMAGE_EXT_RE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?|pdf|eps)$", re.I)
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)
CAPTION_RE = re.compile(r"^\s*#\+caption:\s*\S", re.I)
ATTR_HTML_RE = re.compile(r"^\s*#\+attr_html:(.*)$", re.I)
READS_FILE_RE = re.compile(r"^\s*#\+(include|setupfile):\s*(.*?)\s*$", re.I)
RAW_RE = re.compile(r"^\s*#\+(html|latex|typst|beamer|odt|texinfo|ascii|md):|@@[\w-]+:", re.I)
HEADING_LINK_RE = re.compile(r"^\*\s*(.+)$")


def links(line: str):
    """(target, description) of every [[target]] and [[target][description]]."""
    return [(m.group(1).strip(), (m.group(2) or "").strip()) for m in LINK_RE.finditer(line)]


def image_path(text: str) -> str | None:
    """The image a link target or description names (file: and ./ forms, any scheme)."""
    text = text.split("::", 1)[0]
    return text if IMAGE_EXT_RE.search(text) else None


def images(lines: list[str]) -> list[tuple[int, str]]:
    """(line, target) of every image a link names, as written."""
    return [(i, p) for i, line in enumerate(lines, 1) for link in links(line)
            for p in map(image_path, link) if p]


def check_image(org: Path, lines: list[str], i: int, target: str, description: str,
                root: Path = ROOT) -> Path:
    """An image must be local, inside the repository, exist, and be written the one way
    pandoc turns into a figure: [[file:PATH]] or [[./PATH]] alone on its line, under a
    caption and alt text.  Returns the file."""
    for t in filter(image_path, (target, description)):
        m = SCHEME_RE.match(t)
        if m and m.group(1).lower() != "file":
            raise OrgError(org, i, f"remote image {t}: the export never fetches; "
                           "draw it with a script under img/")
        path = re.sub(r"^file:(//)?", "", t, flags=re.I)
        full = (root / path).resolve()
        if Path(path).is_absolute():
            raise OrgError(org, i, f"image {t}: write the path relative to the repository "
                           "(file:img/…)")
        if not full.is_relative_to(root.resolve()):
            raise OrgError(org, i, f"image {t} is outside the repository")
        if not full.is_file():
            raise OrgError(org, i, f"image {t} does not exist (run `make run`)")
    if description:
        raise OrgError(org, i, f"image link [[{target}][{description}]]: pandoc shows a "
                       "link, not a figure; write the image alone as [[file:PATH]]")
    if not re.match(r"^(file:|\./)", target, re.I):
        raise OrgError(org, i, f"[[{target}]] is read as text, not as an image: "
                       f"write [[file:{target}]]")
    check_figure(org, lines, i, target)
    return full


def html_attributes(above: list[str]) -> dict[str, str]:
    """`#+attr_html:` options, read as org does: a `:key` starts an option and the
    words up to the next `:key` are its value (so `:alt :width 50%` gives no alt)."""
    attrs, key = {}, None
    for line in above:
        m = ATTR_HTML_RE.match(line)
        for word in (m.group(1).split() if m else []):
            if re.match(r"^:[\w-]+$", word):
                key = word[1:].lower()
                attrs[key] = ""
            elif key:
                attrs[key] = (attrs[key] + " " + word).strip()
    return attrs


def check_figure(org: Path, lines: list[str], i: int, target: str) -> None:
    """A figure: the link alone on its line, right under `#+caption:` and
    `#+attr_html: :alt …` (with other #+ lines, in any order)."""
    line = lines[i - 1]
    if not re.fullmatch(r"\s*" + re.escape(LINK_RE.search(line).group(0)) + r"\s*", line) \
            or len(LINK_RE.findall(line)) != 1:
        raise OrgError(org, i, f"image {target} inside a paragraph: a figure stands alone "
                       "on its line, under `#+caption: …` and `#+attr_html: :alt …`")
    j = i - 1
    while j >= 1 and lines[j - 1].lstrip().startswith("#+"):
        j -= 1
    above = lines[j:i - 1]              # the #+ lines right above the link
    if not any(CAPTION_RE.match(l) for l in above):
        raise OrgError(org, i, "figure without a caption: add `#+caption: …` above the link")
    attrs = html_attributes(above)
    if "alt" not in attrs:
        raise OrgError(org, i, "figure without alt text: add `#+attr_html: :alt …` "
                       "above the link")
    if not re.search(r"\w", attrs["alt"]):
        raise OrgError(org, i, "figure with empty alt text: `:alt` must be followed by "
                       "words (org reads `:alt :width 50%` as no alt and a width)")


def check_reads_file(org: Path, i: int, keyword: str, value: str, root: Path = ROOT) -> None:
    name = value[1:].split('"', 1)[0] if value.startswith('"') else (value.split() or [""])[0]
    where = (org.parent / name).resolve() if name and not SCHEME_RE.match(name) else None
    if where is None or not where.is_relative_to(root.resolve()):
        raise OrgError(org, i, f"#+{keyword}: {name} reads outside the repository; "
                       "the book is built from the repository alone")
    raise OrgError(org, i, f"#+{keyword}: is not supported: the export checks only this "
                   "file's own lines; put the text here")


def check_heading_link(org: Path, i: int, target: str, titles: dict) -> None:
    m = HEADING_LINK_RE.match(target)
    title = " ".join(m.group(1).split()) if m else ""
    n = titles.get(title, 0)
    if n != 1:
        raise OrgError(org, i, f"link [[{target}]]: " + (
            f"no heading is titled '{title}'" if n == 0 else
            f"{n} headings are titled '{title}'; the link would be ambiguous"))


def check_structure(org: Path, lines: list[str]) -> None:
    """Everything in the module docstring; raises OrgError at the first problem."""
    defined = {"result"} | {l.split()[1].lower() for l in lines
                            if l.lower().startswith("#+macro:") and len(l.split()) > 1}
    titles: dict[str, int] = {}
    for h in parse("\n".join(lines) + "\n", org).headings:
        t = " ".join(h.title.split())
        titles[t] = titles.get(t, 0) + 1
    stack = []                          # open blocks: (name, line)
    for i, line in enumerate(lines, 1):
        m = END_RE.match(line)
        if stack and m:
            if m.group(1).lower() != stack[-1][0]:
                if stack[-1][0] in VERBATIM:
                    continue
                raise OrgError(org, i, f"#+end_{m.group(1)} closes #+begin_{stack[-1][0]} "
                               f"(line {stack[-1][1]})")
            stack.pop()
            continue
        if stack and stack[-1][0] in VERBATIM:
            continue
        m = BEGIN_RE.match(line)
        if m:
            name = m.group(1).lower()
            if name == "export":
                raise OrgError(org, i, "#+begin_export passes raw markup to one export, "
                               "past every check; write it in org")
            stack.append((name, i))
            continue
        m = READS_FILE_RE.match(line)
        if m:
            check_reads_file(org, i, m.group(1).lower(), m.group(2))
        if RAW_RE.search(line):
            raise OrgError(org, i, "raw export markup (#+html:, @@html:…@@ and the like) "
                           "passes every check; write it in org")
        for name in MACRO_RE.findall(line):
            if name.lower() not in defined:
                raise OrgError(org, i, f"unknown macro {{{{{{{name}: the book defines only "
                               + ", ".join(sorted(defined)))
        if "[cite" in line:
            opened = len(re.findall(r"\[cite[:/]", line))
            closed = len(CITE_RE.findall(line))
            if opened != closed:
                raise OrgError(org, i, "a [cite:…] is not closed on its line")
            if any(not CITE_KEY_RE.search(m.group(1)) for m in CITE_RE.finditer(line)):
                raise OrgError(org, i, "a [cite:…] names no @key")
        text, k = line, i                 # a link's description may go on over lines
        while text.count("[[") > text.count("]]") and k < min(i + 3, len(lines)):
            text, k = text + " " + lines[k], k + 1
        for target, description in links(text):
            if target.startswith("*"):
                check_heading_link(org, i, target, titles)
            if image_path(target) or image_path(description):
                check_image(org, lines, i, target, description)
    if stack:
        name, line = stack[-1]
        raise OrgError(org, line, f"#+begin_{name} has no matching #+end_{name}")
