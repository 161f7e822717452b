"""Compare three versions of a tangled file, block by block.

One job: given what was last tangled (BASE), the file as it is now (SRC) and a
fresh tangle of the org file as it is now (ORG), say which blocks each side
changed.  Blocks are the sections between the `# [[file:…][NAME]]` and
`# NAME ends here` link comments; a file without link comments is one block.
Nothing here reads or writes files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN_RE = re.compile(r"\S+ \[\[file:(.+?)::(.+?)\]\[(.+)\]\]\Z")


class Shape(ValueError):
    """SRC's lines outside the blocks differ from BASE's (or blocks were added)."""


@dataclass
class Split:
    outside: list           # lines outside the blocks, each block as "<NAME>"
    names: list
    bodies: list


def normal(text: str) -> str:
    """Differences Org cannot keep anyway do not count as edits: DOS line
    endings, a missing final newline."""
    if "\r\n" in text and text.count("\n") == text.count("\r\n"):
        text = text.replace("\r\n", "\n")
    return text if text.endswith("\n") or not text else text + "\n"


def split(text: str) -> Split:
    lines = normal(text).split("\n")
    outside, names, bodies, i = [], [], [], 0
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
            raise Shape(f"the block {name!r} has no '{name} ends here' line")
        names.append(name)
        bodies.append("\n".join(lines[i + 1:end]))
        outside.append(f"<{name}>")
        i = end + 1
    if not names:                       # no link comments: the whole file is one block
        return Split(["<file>"], ["<file>"], [normal(text)])
    return Split(outside, names, bodies)


def trimmed(body: str) -> str:
    return body.strip(" \t\n\r")


def same(a: str, b: str) -> bool:
    return trimmed(a) == trimmed(b)


def edited_blocks(base: Split, src: Split) -> list[int]:
    """Indexes of the blocks SRC changed relative to BASE; Shape when SRC changed
    anything outside its blocks."""
    if src.outside != base.outside:
        raise Shape("lines outside the linked blocks were changed, or blocks were "
                    "added, removed or renamed; make that change in the org file")
    return [k for k, (b, s) in enumerate(zip(base.bodies, src.bodies)) if not same(b, s)]


def distance(base: bytes, src: bytes) -> int:
    """How many blocks differ between two versions (large when the shapes differ);
    used to pick, among several candidate bases, the one that explains SRC best."""
    try:
        a, b = split(base.decode("utf-8")), split(src.decode("utf-8"))
    except (UnicodeDecodeError, Shape):
        return 10 ** 6
    if a.outside != b.outside:
        return 10 ** 5 + sum(x != y for x, y in zip(a.outside, b.outside))
    return len(edited_blocks(a, b))
