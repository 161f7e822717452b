"""The tangler writes only what it owns, fails with one `file:line: message` (exit 2,
nothing written) instead of a traceback or a hang, and parses in linear time."""
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import ROOT
from org import parse
from tangle import collect

TANGLE = [sys.executable, str(ROOT / "utils" / "tangle.py")]


def repo(tmp_path: Path, org: str, git: bool = False) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "README.org").write_text("readme\n")
    (tmp_path / "utils").mkdir()
    (tmp_path / "utils" / "run.py").write_text("toolchain\n")
    path = tmp_path / "doc.org"
    path.write_text(textwrap.dedent(org).lstrip())
    if git:
        subprocess.run(["git", "-C", str(tmp_path), "init", "-q"], check=True)
    return path


def tangle(org: Path, *args):
    return subprocess.run([*TANGLE, str(org), *args], capture_output=True, text=True, timeout=20)


def block(target: str, extra: str = "") -> str:
    return f"* H\n#+begin_src sh :tangle {target}{extra}\necho hi\n#+end_src\n"


def files(root: Path) -> dict:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if ".git" in rel.parts[:1] and rel.parts[1:2] != ("hooks",):
            continue
        if p.is_symlink():
            out[rel.as_posix()] = ("link", os.readlink(p))
        elif p.is_file():
            out[rel.as_posix()] = p.read_bytes()
    return out


def assert_refused(tmp_path, org, r, line, words):
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.startswith(f"{org}:{line}: "), r.stderr
    assert words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1, r.stderr


@pytest.mark.parametrize("setup, target, extra, words", [
    (lambda d: os.symlink("../README.org", d / "src" / "m.py"), "src/m.py", "", "symbolic link"),
    (lambda d: os.symlink("../utils", d / "src" / "sub"), "src/sub/x.py", "", "symbolic link"),
    (lambda d: None, ".git/hooks/pre-commit", ' :shebang "#!/bin/sh"', ".git"),
    (lambda d: None, "utils/run.py", "", "outside the directories the book tangles into"),
    (lambda d: None, "README.org", "", "outside the directories the book tangles into"),
    (lambda d: os.symlink("loop", d / "src" / "loop"), "src/loop/x.py", " :mkdirp yes",
     "symbolic link"),
    (lambda d: (d / "src" / "a.py").write_text("x\n"), "src/a.py/x.py", " :mkdirp yes",
     "not a directory"),
    (lambda d: None, "README.org/x.py", " :mkdirp yes", "outside the directories"),
    (lambda d: None, "src/" + "n" * 300 + ".py", "", "longer than 255 bytes"),
    (lambda d: os.mkfifo(d / "src" / "fifo.py"), "src/fifo.py", "", "not a regular file"),
    (lambda d: (d / "src" / "mine.py").write_text("written by a person\n"), "src/mine.py", "",
     "no record of the tangler writing it"),
])
def test_writes_only_regular_files_it_owns(tmp_path, setup, target, extra, words):
    org = repo(tmp_path, block(target, extra), git=True)
    setup(tmp_path)
    before = files(tmp_path)
    r = tangle(org)
    assert_refused(tmp_path, org, r, 2, words)
    assert files(tmp_path) == before
    assert not (tmp_path / ".git" / "hooks" / "pre-commit").exists()


def test_a_tracked_file_the_tangler_did_not_produce_is_refused(tmp_path):
    org = repo(tmp_path, "* Nothing tangled yet\n", git=True)
    (tmp_path / "src" / "helper.py").write_text("# written by hand, committed\n")
    for cmd in (["add", "-A"], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(tmp_path), *cmd], check=True, capture_output=True)
    org.write_text(block("src/helper.py"))
    r = tangle(org)
    assert_refused(tmp_path, org, r, 2, "no record of the tangler writing it")
    assert (tmp_path / "src" / "helper.py").read_text() == "# written by hand, committed\n"


def test_a_nul_byte_is_a_clear_error(tmp_path):
    org = repo(tmp_path, "")
    org.write_bytes(b"* H\n#+begin_src sh :tangle src/a\x00b.sh\necho\n#+end_src\n")
    r = tangle(org)
    assert_refused(tmp_path, org, r, 2, "NUL byte")


def test_a_fifo_as_the_org_file_does_not_hang(tmp_path):
    fifo = tmp_path / "doc.org"
    os.mkfifo(fifo)
    r = tangle(fifo)
    assert r.returncode == 2 and "not a regular file" in r.stderr


@pytest.mark.parametrize("heading", ["Text coding: latin-1 pitfalls", "Target encoding",
                                     "Source coding=ascii"])
def test_a_heading_that_declares_an_encoding_is_refused(tmp_path, heading):
    org = repo(tmp_path, f"* {heading}\n#+begin_src python :tangle src/x.py :comments link\n"
                         "print('café')\n#+end_src\n")
    r = tangle(org)
    assert_refused(tmp_path, org, r, 1, "source encoding declaration")
    assert not (tmp_path / "src" / "x.py").exists()


SLOW_INPUTS = {
    "a heading with 50 KB of spaces": "* a" + " " * 50_000 + "b :t:\n"
    "#+begin_src python :tangle src/a.py\nx\n#+end_src\n",
    "3,000 nested headings with drawers": "".join(
        "*" * (k + 1) + f" h{k}\n:PROPERTIES:\n:header-args+: :padline no\n:END:\n"
        "#+begin_src python :tangle src/a.py\nx\n#+end_src\n" for k in range(3000)),
    "3,000 nested drawers": "* h\n" + ":D:\n" * 3000 + ":END:\n" * 3000,
    "a keyword with 50 KB of spaces": "#+PROPERTY: header-args" + " " * 50_000 + ":x y\n",
    "a #+begin_src line with 50 KB of spaces": "* h\n#+begin_src python" + " " * 50_000
    + ":tangle no\nx\n#+end_src\n",
    "5,000 unterminated example blocks": "* h\n" + "#+begin_example\n" * 5000,
}


@pytest.mark.parametrize("name", SLOW_INPUTS)
def test_parsing_takes_linear_time(name):
    start = time.process_time()
    try:
        collect(parse(SLOW_INPUTS[name], "x.org"))
    except Exception as err:          # a refusal is fine; it must be quick too
        assert type(err).__name__ == "OrgError", err
    assert time.process_time() - start < 2.0, name
