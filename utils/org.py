"""Read the parts of an org file that tangling and export need.

One job: turn the text of an org file into headings, source blocks and
header arguments, following Org 9.5 (Emacs 28) wherever that decides what a
tangled file contains.  Anything the toolchain does not reproduce faithfully
is refused with an ``OrgError`` that names the file and line, never guessed at.

Parsing is a single pass over the lines plus a sorted index of block ends, so
its time grows linearly with the file (no regular expression here can
backtrack over a long line).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path


class OrgError(Exception):
    """A problem in an org file, reported as ``file:line: message``."""

    def __init__(self, path, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


# Every pattern is anchored and free of nested or adjacent unbounded
# quantifiers that could match the same characters (no quadratic backtracking).
BLOCK_BEGIN_RE = re.compile(r"[ \t]*#\+begin_(\S+)", re.I)
BLOCK_END_RE = re.compile(r"[ \t]*#\+end_(\S+)[ \t]*\Z", re.I)
SRC_END_PREFIX_RE = re.compile(r"[ \t]*#\+end_src", re.I)
KEYWORD_RE = re.compile(r"[ \t]*#\+(\S+)")
HEADING_RE = re.compile(r"\*+ ")
PLANNING_RE = re.compile(r"[ \t]*(SCHEDULED|DEADLINE|CLOSED):", re.I)
TAGS_RE = re.compile(r":[\w@#%:]+:\Z")
COOKIE_RE = re.compile(r"\[[0-9]*(?:%|/[0-9]*)\]")
AFFILIATED_RE = re.compile(
    r"[ \t]*#\+(?:(CAPTION|RESULTS)(?:\[.*\])?|(HEADERS?|NAME|PLOT|DATA|LABEL|RESNAME|"
    r"RESULT|SOURCE|SRCNAME|TBLNAME)|(ATTR_[-_A-Za-z0-9]+)):", re.I)
NAME_KEYWORDS = {"NAME", "DATA", "LABEL", "RESNAME", "SOURCE", "SRCNAME", "TBLNAME"}
# Blocks whose contents Org does not parse as elements: a #+begin_src or a
# #+PROPERTY: line inside them is text, not a block or a keyword.
RAW_BLOCKS = {"src", "example", "export", "comment", "verse"}

# Org's defaults for every source block (org-babel-default-header-args).
DEFAULT_ARGS = {"session": "none", "results": "replace", "exports": "code",
                "cache": "no", "noweb": "no", "hlines": "no", "tangle": "no"}


@dataclass
class Heading:
    line: int                 # 1-based line number
    level: int
    title: str | None         # Org's headline text (None when there is none)
    search: str               # the link search Org stores for it, e.g. "*Title"
    tags: list
    commented: bool
    parent: "Heading | None"
    drawer: list = field(default_factory=list)   # (line, key, value) of its property drawer

    in_comment: bool = False  # this heading or an ancestor is COMMENTed
    archived: bool = False    # this heading or an ancestor has the ARCHIVE tag

    def local(self, key: str):
        """Org's org--property-local-values: [base, *appended] or None."""
        return _local_values(self.drawer, key)


@dataclass
class Block:
    begin: int                # line number of #+begin_src
    end: int                  # line number of #+end_src
    indent: str               # whitespace before #+begin_src
    lang: str
    switches: list
    params: str               # header arguments on the #+begin_src line
    headers: list             # values of #+header: lines above the block, top down
    name: str | None
    heading: Heading | None
    counter: int              # position among the blocks under its heading
    raw: list                 # body lines as written (without newlines)
    target_above: bool = False   # the line above ends with a <<target>>


@dataclass
class Document:
    path: Path
    lines: list
    headings: list
    blocks: list
    keywords: list            # (line, KEY, value) for #+KEY: lines outside raw blocks
    eol: str = "\n"           # "\r\n" when every line ends so
    bom: bool = False
    final_newline: bool = True
    todo: set = field(default_factory=lambda: {"TODO", "DONE"})
    cache: dict = field(default_factory=dict, repr=False)


def read(path) -> Document:
    path = Path(path)
    try:
        if not path.is_file():
            raise OrgError(path, None, "not a regular file")
        data = path.read_bytes()
    except OSError as err:
        raise OrgError(path, None, f"cannot read: {err.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise OrgError(path, line, f"not UTF-8 text ({err.reason})") from None
    return parse(text, path)


def parse(text: str, path="<string>") -> Document:
    bom = text.startswith("\ufeff")
    if bom:                       # Emacs drops a UTF-8 signature when it reads the file
        text = text[1:]
    if "\0" in text:
        raise OrgError(path, text.count("\n", 0, text.index("\0")) + 1,
                       "NUL byte in the org file")
    eol = _line_endings(text, path)
    if eol == "\r\n":
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    final_newline = lines[-1] == ""
    if final_newline:
        lines.pop()
    doc = Document(Path(path), lines, [], [], [], eol, bom, final_newline)
    _Parser(doc).run()
    return doc


def _line_endings(text: str, path) -> str:
    """"\n", or "\r\n" when every line ends with CRLF (Emacs then reads the file
    as DOS text).  Anything else with a CR in it Emacs keeps as ^M characters
    in headings and code: refused."""
    if "\r" not in text:
        return "\n"
    if text.replace("\r\n", "").count("\r") == 0 and text.count("\n") == text.count("\r\n"):
        return "\r\n"
    lone = re.search(r"\r(?!\n)", text)
    if lone:
        raise OrgError(path, text.count("\n", 0, lone.start()) + 1,
                       "a carriage return that does not end a line; save the file "
                       "with one kind of line ending")
    first_lf = re.search(r"(?<!\r)\n", text)
    raise OrgError(path, text.count("\n", 0, first_lf.start()) + 1,
                   "mixed line endings (CRLF and LF); save the file with one kind")


class _Parser:
    """One pass over the lines: headings, property drawers, blocks, keywords."""

    def __init__(self, doc: Document):
        self.doc, self.lines = doc, doc.lines
        self.todo_set = False
        n = len(self.lines)
        # Index of block ends, and the next heading after each line, so finding
        # a block's end is a binary search, not a scan (linear time overall).
        self.ends: dict[str, list[int]] = {}
        self.next_heading = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            line = self.lines[i]
            self.next_heading[i] = i if _is_heading(line) else self.next_heading[i + 1]
            if line.lstrip(" \t")[:6].lower() == "#+end_":
                m = BLOCK_END_RE.match(line)
                if m:
                    self.ends.setdefault(m.group(1).lower(), []).append(i)
        for v in self.ends.values():
            v.reverse()

    def block_end(self, i: int, name: str) -> int | None:
        ends = self.ends.get(name.lower(), [])
        k = bisect.bisect_right(ends, i)
        if k < len(ends) and ends[k] < self.next_heading[i + 1]:
            return ends[k]
        return None

    def run(self):
        doc, lines = self.doc, self.lines
        raw_headings = []         # (index, Heading) parsed once the TODO words are known
        stack: list[Heading] = []
        current: Heading | None = None
        counter = 0
        i = 0
        while i < len(lines):
            line = lines[i]
            if self.next_heading[i] == i:
                level = len(line) - len(line.lstrip("*"))
                while stack and stack[-1].level >= level:
                    stack.pop()
                current = Heading(i + 1, level, None, "*", [], False, stack[-1] if stack else None)
                stack.append(current)
                raw_headings.append((i, current))
                doc.headings.append(current)
                counter = 0
                i = self.property_drawer(i + 1, current)
                continue
            if current is None and line.strip(" \t").upper() == ":PROPERTIES:":
                raise OrgError(doc.path, i + 1, "a property drawer before the first "
                               "heading is not supported; use #+PROPERTY: lines")
            stripped = line.lstrip(" \t")
            if stripped[:2] == "#+":
                m = BLOCK_BEGIN_RE.match(line)
                if m:
                    name = m.group(1).lower()
                    end = self.block_end(i, name) if name in RAW_BLOCKS else None
                    if name == "src":
                        counter += 1
                        self.src_block(i, end, current, counter)
                        i = end + 1
                        continue
                    if end is not None:
                        i = end + 1          # example, export, comment, verse: text only
                        continue
                    i += 1                   # quote, center, special: contents are parsed
                    continue
                self.keyword(i, line)
            i += 1
        for i, h in raw_headings:         # parents come before their children
            _heading_text(lines[i], h, doc.todo)
            up = h.parent
            h.in_comment = h.commented or (up is not None and up.in_comment)
            h.archived = "ARCHIVE" in h.tags or (up is not None and up.archived)

    def keyword(self, i: int, line: str):
        m = KEYWORD_RE.match(line)
        if not m:
            return
        run = m.group(1)
        colon = run.rfind(":")           # Org: #+\S*: -- the last colon of the word
        if colon < 0:
            return
        key = run[:colon].upper()
        value = (run[colon + 1:] + line[m.end():]).strip(" \t")
        if key == "SETUPFILE":
            raise OrgError(self.doc.path, i + 1, "#+SETUPFILE: is not supported; "
                           "put its settings in this file")
        self.doc.keywords.append((i + 1, key, value))
        if key in ("TODO", "SEQ_TODO", "TYP_TODO"):
            if not self.todo_set:         # #+TODO: lines replace Org's TODO/DONE
                self.doc.todo, self.todo_set = set(), True
            for w in value.split():
                if w != "|":
                    self.doc.todo.add(re.sub(r"\(.*\)\Z", "", w))

    def property_drawer(self, i: int, heading: Heading) -> int:
        """Read the :PROPERTIES: drawer that may follow a heading (after planning),
        exactly where org-get-property-block looks for it."""
        lines = self.lines
        j = i
        if j < len(lines) and PLANNING_RE.match(lines[j]):
            j += 1
        if j >= len(lines) or lines[j].strip(" \t").upper() != ":PROPERTIES:":
            return i
        start = j
        j += 1
        while j < len(lines) and lines[j].strip(" \t").upper() != ":END:":
            entry = _node_property(lines[j])
            if entry is None or _is_heading(lines[j]):
                raise OrgError(self.doc.path, j + 1, "malformed line in the :PROPERTIES: "
                               f"drawer opened at line {start + 1} (write `:KEY: value`, "
                               "with a space after the key, and no blank lines)")
            heading.drawer.append((j + 1, *entry))
            j += 1
        if j >= len(lines):
            raise OrgError(self.doc.path, start + 1, ":PROPERTIES: drawer has no :END:")
        return j + 1

    def src_block(self, i: int, end: int | None, heading: Heading | None, counter: int):
        doc, lines = self.doc, self.lines
        if end is None:
            raise OrgError(doc.path, i + 1, "#+begin_src has no matching #+end_src")
        for k in range(i + 1, end):
            if SRC_END_PREFIX_RE.match(lines[k]):
                raise OrgError(doc.path, k + 1, "a line starting with #+end_src inside a "
                               "block; Org and Babel disagree on where the block ends")
        line = lines[i]
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        spec = line[len(indent) + len("#+begin_src"):]
        if spec[:1] not in ("", " ", "\t"):
            raise OrgError(doc.path, i + 1, "#+begin_src must be followed by a space")
        lang, switches, params = _split_begin(spec.strip(" \t"))
        if not lang:
            raise OrgError(doc.path, i + 1, "#+begin_src names no language")
        name, headers = _affiliated(lines, i)
        above = lines[i - 1].rstrip(" \t") if i > 0 else ""
        target = "<<" in above and above.endswith(">>")
        doc.blocks.append(Block(i + 1, end + 1, indent, lang, switches, params, headers,
                                name, heading, counter, lines[i + 1:end], target))


def _is_heading(line: str) -> bool:
    """Org's outline regexp: stars followed by a space (a tab does not count)."""
    return line[:1] == "*" and HEADING_RE.match(line) is not None


def _heading_text(line: str, h: Heading, todo: set) -> None:
    """Title, tags and COMMENT flag as org-complex-heading-regexp reads them:
    stars, then optionally ` +KEYWORD`, ` +[#P]`, ` +TITLE`, `[ \t]+:TAGS:`."""
    rest = line[h.level:].rstrip(" \t")
    tags = []
    k = max(rest.rfind(" "), rest.rfind("\t"))
    if k >= 0 and TAGS_RE.match(rest, k + 1):
        tags = [t for t in rest[k + 1:].split(":") if t]
        rest = rest[:k].rstrip(" \t")
    m = re.match(r"( +)(\S+)", rest)
    if m and m.group(2) in todo and rest[m.end():m.end() + 1] in ("", " "):
        rest = rest[m.end():]
    m = re.match(r" +\[#.\]", rest)
    if m and rest[m.end():m.end() + 1] in ("", " "):
        rest = rest[m.end():]
    title = rest.lstrip(" ") or None
    h.title, h.tags = title, tags
    h.commented = title is not None and (title == "COMMENT" or title.startswith("COMMENT "))
    plain = re.sub(r"\ACOMMENT[ \t]+", "", title) if h.commented else (title or "")
    plain = re.sub(r"[ \t]+", " ", COOKIE_RE.sub(" ", plain)).strip(" \t\n\r")
    h.search = "*" + plain


def _node_property(line: str):
    """(key, value) of a property drawer line as org-property-drawer-re and
    org-re-property read it (`:KEY:` then nothing, or a space and the value),
    or None when the line does not fit, which makes Org ignore the drawer."""
    s = line.lstrip(" \t")
    cut = min((p for p in (s.find(" "), s.find("\t")) if p >= 0), default=len(s))
    run, after = s[:cut], s[cut:]
    if len(run) < 3 or run[0] != ":" or run[-1] != ":":
        return None
    if after and not after.startswith(" ") and after.strip(" \t"):
        return None
    return run[1:-1], after.strip(" \t")


def _local_values(drawer, key: str):
    key = key.lower()
    base = next((v for _, k, v in drawer if k.lower() == key), None)
    extra = [v for _, k, v in drawer if k.lower() == key + "+"]
    if base == "nil":
        base = None
    values = [base] + extra
    return None if values == [None] else values


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
    """#+name: (the last one wins) and #+header: lines directly above line index i,
    skipping #+caption:, #+attr_…: and the other affiliated keywords as Org does."""
    name, headers = None, []
    j = i - 1
    while j >= 0:
        m = AFFILIATED_RE.match(lines[j])
        if not m:
            break
        key = (m.group(1) or m.group(2) or m.group(3)).upper()
        value = lines[j][m.end():].strip(" \t")
        if key in NAME_KEYWORDS and name is None:
            name = value
        elif key in ("HEADER", "HEADERS"):
            headers.insert(0, value)
        j -= 1
    return name, headers


# --- header arguments -------------------------------------------------------

ARG_KEY_RE = re.compile(r":(\S+)")
LISP_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"'}


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
            m = ARG_KEY_RE.match(text, k + 1)
            key, buf = m.group(1).lower(), []
            k = m.end()
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
    """org-babel-read: a value in double quotes is read as an Emacs Lisp string."""
    if value[:1] in ("(", "'", "`"):
        raise OrgError(path, line, f":{key} {value}: Emacs Lisp values are not "
                       "supported by this tangler; write the value literally")
    if not value.startswith('"'):
        return value
    out, k = [], 1
    while k < len(value):
        c = value[k]
        if c == '"':
            if value[k + 1:].strip():
                raise OrgError(path, line, f":{key} {value}: text after the closing "
                               "quote is ignored by Org; remove it")
            return "".join(out)
        if c == "\\":
            nxt = value[k + 1:k + 2]
            if nxt not in LISP_ESCAPES:
                raise OrgError(path, line, f":{key} {value}: the escape \\{nxt} is not "
                               "supported (only \\n, \\t, \\\\ and \\\")")
            out.append(LISP_ESCAPES[nxt])
            k += 2
            continue
        out.append(c)
        k += 1
    raise OrgError(path, line, f":{key} {value}: unterminated string")


def _inherited_args(heading: Heading | None, key: str, doc: Document) -> dict:
    """Header arguments from property KEY as org-entry-get-with-inheritance sees
    it: walk up from the heading joining each drawer's values until a drawer
    sets a base value, then the #+PROPERTY: lines; parsed into a dict.  Each
    heading's dict is built once from its parent's, so deep outlines cost
    linear time."""
    cache = doc.cache
    chain = []
    h = heading
    while h is not None and (id(h), key) not in cache:
        chain.append(h)
        h = _property_parent(h, doc)
    if h is not None:
        above = cache[(id(h), key)]
    else:
        above = {}
        for line, text in _keyword_value(key, doc):
            above.update(split_args(text, doc.path, line))
    for node in reversed(chain):
        for line, k, v in node.drawer:
            if v == "" and k.lower() in (key.lower(), key.lower() + "+"):
                raise OrgError(doc.path, line, f":{k}: has no value: Org joins it into the "
                               "header arguments as a leading space, and Babel then drops the "
                               "first argument; give it a value or remove the line")
        values = node.local(key)
        if values:
            args = dict(above) if values[0] is None else {}
            for v in values:
                if v is not None:
                    args.update(split_args(v, doc.path, node.line))
            above = args
        cache[(id(node), key)] = above
    return above


def _property_parent(h: Heading, doc: Document) -> Heading | None:
    """Where org-entry-get-with-inheritance looks next.  Above a top-level heading
    it reads the drawer at the start of the buffer, which is the first heading's
    own drawer when the file opens with a heading: Org 9.5 then lets the first
    heading's properties reach every other top-level heading."""
    if h.parent is not None:
        return h.parent
    first = doc.headings[0] if doc.headings else None
    if first is not None and first.line == 1 and h is not first:
        return first
    return None


def _keyword_value(key: str, doc: Document) -> list[tuple[int, str]]:
    """KEY from the #+PROPERTY: lines (org-keyword-properties): a later line
    replaces an earlier one, KEY+ appends."""
    key = key.lower()
    glob: list[tuple[int, str]] | None = None
    for line, k, v in doc.keywords:
        if k != "PROPERTY":
            continue
        m = re.match(r"(\S+)[ \t]+", v)
        if not m:
            continue
        name, value = m.group(1).lower(), v[m.end():]
        if name == key or (name == key + "+" and glob is None):
            glob = [(line, value)]
        elif name == key + "+":
            glob.append((line, value))
    if glob and len(glob) == 1 and glob[0][1] == "nil":
        return []
    return glob or []


def block_args(doc: Document, block: Block) -> dict:
    """Effective header arguments of a block: defaults, then inherited
    header-args, then header-args:LANG, then the #+begin_src line, then the
    #+header: lines from the bottom up (so the first one wins), the order
    org-babel-get-src-block-info merges them in."""
    args = dict(DEFAULT_ARGS)
    args.update(_inherited_args(block.heading, "header-args", doc))
    args.update(_inherited_args(block.heading, f"header-args:{block.lang}", doc))
    for text in [block.params, *reversed(block.headers)]:
        args.update(split_args(text, doc.path, block.begin))
    return args


def link_search(block: Block) -> str:
    """The search part of the file link org-store-link makes for a block: the
    heading's CUSTOM_ID, else the block's #+name, else the heading's text."""
    custom = block.heading.local("custom_id") if block.heading else None
    if custom:
        return "#" + " ".join(v for v in custom if v is not None)
    if block.name:
        return block.name
    return block.heading.search
