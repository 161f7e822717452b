"""Read what a script reported: the ``key = value`` lines of its captured stdout.

One job: turn build/run/NAME.out into a dict.  Scripts print the quantities the
prose quotes as ``key = value`` (key an identifier); the export fills
{{{result(NAME,key)}}} from them and the tests assert lessons on them, so the
book and its tests read the very numbers this build produced.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / "build" / "run"
LINE_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*) = (.+?)\s*$")


def parse(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        m = LINE_RE.match(line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def load(name: str, run_dir: Path = RUN_DIR) -> dict[str, str]:
    path = run_dir / f"{name}.out"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run `make run` first")
    return parse(path.read_text(encoding="utf-8"))


def number(value: str) -> float:
    """The leading number of a value such as '12.5' or '12.5 MB' or '3/4'."""
    m = re.match(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value.strip())
    if not m:
        raise ValueError(f"not a number: {value!r}")
    return float(m.group(0))
