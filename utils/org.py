"""Read the parts of an org file that tangling and export need.

One job: turn the text of an org file into headings, source blocks and
header arguments, following Org 9.5 (Emacs 28) wherever that decides what a
tangled file contains.  Anything the primer's toolchain does not support is
refused with an ``OrgError`` that names the file and line, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


class OrgError(Exception):
    """A problem in an org file, reported as ``file:line: message``."""

    def __init__(self, path, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


HEADING_RE = re.compile(r"^(\*+)[ \t]+(.*?)[ \t]*$|^(\*+)$")
BEGIN_SRC_RE = re.compile(r"^([ \t]*)#\+begin_src(?:[ \t]+(.*?))?[ \t]*$", re.I)
END_SRC_RE = re.compile(r"^[ \t]*#\+end_src[ \t]*$", re.I)
KEYWORD_RE = re.compile(r"^[ \t]*#\+(\w+(?:\[.*\])?):[ \t]?(.*?)[ \t]*$")
AFFILIATED = {"name", "header", "headers", "caption", "results", "plot"}
PROPERTY_RE = re.compile(r"^[ \t]*:(\S+):(?:[ \t]+(.*?))?[ \t]*$")
TAGS_RE = re.compile(r"[ \t]+(:[\w@#%:]+:)[ \t]*$")
PRIORITY_RE = re.compile(r"^\[#.\][ \t]*")
COOKIE_RE = re.compile(r"\[[0-9]*(?:%|/[0-9]*)\]")

# Org's defaults for every source block (org-babel-default-header-args).
DEFAULT_ARGS = {"session": "none", "results": "replace", "exports": "code",
                "cache": "no", "noweb": "no", "hlines": "no", "tangle": "no"}


@dataclass
class Heading:
    line: int                 # 1-based line number
    level: int
    title: str                # text without TODO keyword, priority and tags
    commented: bool
    parent: "Heading | None"
    properties: dict = field(default_factory=dict)   # lower-case key -> [values]

    @property
    def in_comment(self) -> bool:
        h = self
        while h is not None:
            if h.commented:
                return True
            h = h.parent
        return False


@dataclass
class Block:
    begin: int                # line number of #+begin_src
    end: int                  # line number of #+end_src
    indent: str               # whitespace before #+begin_src
    lang: str
    switches: list
    params: str               # header arguments on the #+begin_src line
    headers: list             # values of #+header: lines above the block
    name: str | None
    heading: Heading | None
    counter: int              # position among the blocks under its heading
    raw: list                 # body lines as written (without newlines)


@dataclass
class Document:
    path: Path
    lines: list
    headings: list
    blocks: list
    keywords: list            # (line, KEY, value) for #+KEY: lines outside blocks


def read(path) -> Document:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise OrgError(path, None, f"not UTF-8 text ({err.reason})") from None
    except OSError as err:
        raise OrgError(path, None, f"cannot read: {err.strerror}") from None
    return parse(text, path)


def parse(text: str, path="<string>") -> Document:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    headings, blocks, keywords = [], [], []
    todo = {"TODO", "DONE"}
    stack: list[Heading] = []
    current: Heading | None = None
    counter = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        m = HEADING_RE.match(line)
        if m:
            stars = m.group(1) or m.group(3)
            current = _heading(i + 1, len(stars), m.group(2) or "", todo, stack)
            headings.append(current)
            counter = 0
            i = _property_drawer(lines, i + 1, current, path)
            continue
        m = BEGIN_SRC_RE.match(line)
        if m:
            end = i + 1
            while end < len(lines) and not END_SRC_RE.match(lines[end]):
                if HEADING_RE.match(lines[end]):
                    end = len(lines)
                    break
                end += 1
            if end >= len(lines):
                raise OrgError(path, i + 1, "#+begin_src has no matching #+end_src")
            counter += 1
            spec = (m.group(2) or "").strip()
            lang, switches, params = _split_begin(spec)
            if not lang:
                raise OrgError(path, i + 1, "#+begin_src names no language")
            name, headers = _affiliated(lines, i)
            blocks.append(Block(i + 1, end + 1, m.group(1), lang, switches, params,
                                headers, name, current, counter, lines[i + 1:end]))
            i = end + 1
            continue
        m = KEYWORD_RE.match(line)
        if m:
            key = m.group(1).upper()
            keywords.append((i + 1, key, m.group(2)))
            if key in ("TODO", "SEQ_TODO", "TYP_TODO"):
                todo |= {w.split("(")[0] for w in m.group(2).split() if w != "|"}
        i += 1
    return Document(Path(path), lines, headings, blocks, keywords)


def _heading(line, level, text, todo, stack) -> Heading:
    words = text.split(None, 1)
    if words and words[0] in todo:
        text = words[1] if len(words) > 1 else ""
    text = PRIORITY_RE.sub("", text)
    commented = text == "COMMENT" or text.startswith("COMMENT ")
    if commented:
        text = text[len("COMMENT"):].lstrip()
    text = TAGS_RE.sub("", text).rstrip()
    while stack and stack[-1].level >= level:
        stack.pop()
    h = Heading(line, level, text, commented, stack[-1] if stack else None)
    stack.append(h)
    return h


def _property_drawer(lines, i, heading, path) -> int:
    """Read the :PROPERTIES: drawer that may follow a heading (after planning)."""
    j = i
    if j < len(lines) and re.match(r"^[ \t]*(SCHEDULED|DEADLINE|CLOSED):", lines[j]):
        j += 1
    if j >= len(lines) or lines[j].strip().upper() != ":PROPERTIES:":
        return i
    start = j
    j += 1
    while j < len(lines) and lines[j].strip().upper() != ":END:":
        m = PROPERTY_RE.match(lines[j])
        if not m or HEADING_RE.match(lines[j]):
            raise OrgError(path, j + 1, "malformed line in :PROPERTIES: drawer "
                           f"(opened at line {start + 1})")
        heading.properties.setdefault(m.group(1).lower(), []).append(m.group(2) or "")
        j += 1
    if j >= len(lines):
        raise OrgError(path, start + 1, ":PROPERTIES: drawer has no :END:")
    return j + 1


def _split_begin(spec: str):
    parts = spec.split(None, 1)
    if not parts:
        return "", [], ""
    lang, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    switches = []
    while rest and not rest.startswith(":"):
        word, _, rest = rest.partition(" ")
        switches.append(word)
        rest = rest.lstrip()
    return lang, switches, rest


def _affiliated(lines, i):
    """#+name: and #+header: lines directly above line index i."""
    name, headers = None, []
    j = i - 1
    while j >= 0:
        m = KEYWORD_RE.match(lines[j])
        if not m or m.group(1).lower() not in AFFILIATED:
            break
        key = m.group(1).lower()
        if key == "name" and name is None:
            name = m.group(2)
        elif key in ("header", "headers"):
            headers.insert(0, m.group(2))
        j -= 1
    return name, headers


# --- header arguments -------------------------------------------------------

def split_args(text: str, path, line) -> list[tuple[str, str]]:
    """Split ':key value :key2 value2' the way org-babel-parse-header-arguments does:
    a new argument starts at white space followed by a colon, outside quotes."""
    out, key, buf, quoted = [], None, [], False
    text = " " + text.strip()
    k = 0
    while k < len(text):
        c = text[k]
        if c == '"' and (k == 0 or text[k - 1] != "\\"):
            quoted = not quoted
        if not quoted and c in " \t" and k + 1 < len(text) and text[k + 1] == ":":
            if key is not None:
                out.append((key, "".join(buf).strip()))
            m = re.match(r":(\S+)", text[k + 1:])
            key, buf = m.group(1).lower(), []
            k += 1 + len(m.group(0))
            continue
        if key is None and not c.isspace():
            raise OrgError(path, line, f"header arguments must start with ':' (got {text.strip()!r})")
        buf.append(c)
        k += 1
    if quoted:
        raise OrgError(path, line, "unbalanced double quote in header arguments")
    if key is not None:
        out.append((key, "".join(buf).strip()))
    return [(k_, _read_value(v, path, line, k_)) for k_, v in out]


def _read_value(value: str, path, line, key) -> str:
    if value[:1] in ("(", "'", "`"):
        raise OrgError(path, line, f":{key} {value}: Emacs Lisp values are not "
                       "supported by this tangler; write the value literally")
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _inherited(heading: Heading | None, key: str, doc: Document) -> list[tuple[int, str]]:
    """Values of property KEY as org-entry-get with inheritance sees them:
    the nearest drawer that sets KEY, with KEY+ values from it and below
    appended, falling back to #+PROPERTY: lines.  Returns (line, text) parts."""
    parts: list[tuple[int, str]] = []
    h = heading
    while h is not None:
        base = h.properties.get(key)
        extra = h.properties.get(key + "+", [])
        here = ([base[-1]] if base else []) + extra
        if here:
            parts = [(h.line, v) for v in here] + parts
        if base:
            return parts
        h = h.parent
    glob: list[tuple[int, str]] = []
    for line, k, v in doc.keywords:
        if k != "PROPERTY":
            continue
        name, _, value = v.partition(" ")
        if name.lower() == key:
            glob = [(line, value)]
        elif name.lower() == key + "+":
            glob.append((line, value))
    return glob + parts


def block_args(doc: Document, block: Block) -> dict:
    """Effective header arguments of a block: defaults, then inherited
    header-args, then header-args:LANG, then the #+begin_src line, then
    #+header: lines (the order org-babel-get-src-block-info merges them)."""
    args = dict(DEFAULT_ARGS)
    layers = _inherited(block.heading, "header-args", doc)
    layers += _inherited(block.heading, f"header-args:{block.lang}", doc)
    layers += [(block.begin, block.params)] + [(block.begin, h) for h in block.headers]
    for line, text in layers:
        for key, value in split_args(text, doc.path, line):
            args[key] = value
    return args


def link_search(block: Block) -> str:
    """The search part of the file link org-store-link makes for a block."""
    if block.name:
        return block.name
    title = COOKIE_RE.sub("", block.heading.title)
    return "*" + re.sub(r"[ \t]+", " ", title).strip()
