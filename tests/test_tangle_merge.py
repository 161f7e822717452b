"""No lost edits: tangle and detangle compare what was last tangled, the org file
now and the tangled file now, merge edits to different blocks, and stop (changing
nothing) when both sides changed the same block."""
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

TANGLE = [sys.executable, str(ROOT / "utils" / "tangle.py")]
DETANGLE = [sys.executable, str(ROOT / "utils" / "detangle.py")]

DOC = """
    #+PROPERTY: header-args:python :comments link
    * One
    #+begin_src python :tangle src/a.py
    print("one")
    #+end_src
    * Two
    #+begin_src python :tangle src/a.py
    print("two")
    #+end_src
    * Other
    #+begin_src python :tangle src/b.py
    print("b")
    #+end_src
"""


def repo(tmp_path: Path, org: str = DOC, git: bool = False) -> Path:
    (tmp_path / "src").mkdir()
    path = tmp_path / "doc.org"
    path.write_text(textwrap.dedent(org).lstrip())
    if git:
        for cmd in (["init", "-q"], ["config", "user.email", "t@t"], ["config", "user.name", "t"]):
            subprocess.run(["git", "-C", str(tmp_path), *cmd], check=True)
    return path


def git(tmp_path, *args):
    subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)


def tangle(org: Path, *args):
    return subprocess.run([*TANGLE, str(org), *args], capture_output=True, text=True, timeout=60)


def detangle(org: Path, *files):
    return subprocess.run([*DETANGLE, *map(str, files), "--org", str(org)],
                          capture_output=True, text=True, timeout=60)


def edit(path: Path, old: str, new: str):
    text = path.read_bytes().decode()
    assert old in text
    path.write_bytes(text.replace(old, new).encode())


def snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not {".git", ".tangle", "build"} & set(p.relative_to(root).parts)}


def test_an_org_edit_survives_make_clean(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    edit(org, 'print("one")', 'print("(v1)")')
    assert tangle(org).returncode == 0
    shutil.rmtree(tmp_path / "build", ignore_errors=True)          # make clean
    edit(org, 'print("(v1)")', 'print("(v2)")')
    r = tangle(org)
    assert r.returncode == 0, r.stderr
    assert '"(v2)"' in (tmp_path / "src" / "a.py").read_text()
    assert '"(v2)"' in org.read_text()


def test_without_any_record_detangle_stops_instead_of_reverting_the_org_file(tmp_path):
    """The state is gone too: git's committed version is the base; both sides
    changed the same block, so nothing is written and both versions are named."""
    org = repo(tmp_path, git=True)
    assert tangle(org).returncode == 0
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    edit(org, 'print("one")', 'print("(v1)")')
    assert tangle(org).returncode == 0
    shutil.rmtree(tmp_path / ".tangle")
    shutil.rmtree(tmp_path / "build", ignore_errors=True)
    edit(org, 'print("(v1)")', 'print("(v2)")')
    before = snapshot(tmp_path)
    r = tangle(org)
    assert r.returncode == 3 and "was edited by hand" in r.stderr
    r = detangle(org, tmp_path / "src" / "a.py")
    assert r.returncode == 3, r.stderr
    assert "(v1)" in r.stderr and "(v2)" in r.stderr and "changed both" in r.stderr
    assert snapshot(tmp_path) == before


def test_edits_to_different_blocks_are_merged(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    a = tmp_path / "src" / "a.py"
    edit(org, 'print("one")', 'print("one, edited in org")')
    edit(a, 'print("two")', 'print("two, edited in src")')
    r = tangle(org)
    assert r.returncode == 3                        # a hand edit: tangle alone never overwrites
    r = detangle(org, a)
    assert r.returncode == 0, r.stderr
    assert "one, edited in org" in org.read_text() and "two, edited in src" in org.read_text()
    assert "one, edited in org" in a.read_text() and "two, edited in src" in a.read_text()
    assert tangle(org).returncode == 0
    assert tangle(org, "--check").returncode == 0


def test_the_same_block_edited_on_both_sides_stops_and_changes_nothing(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    a = tmp_path / "src" / "a.py"
    edit(org, 'print("two")', 'print("two, org version")')
    edit(a, 'print("two")', 'print("two, src version")')
    before = snapshot(tmp_path)
    r = detangle(org, a)
    assert r.returncode == 3
    assert "two, org version" in r.stderr and "two, src version" in r.stderr
    assert "Nothing was written" in r.stderr
    assert snapshot(tmp_path) == before


def test_the_same_edit_on_both_sides_is_not_a_conflict(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    a = tmp_path / "src" / "a.py"
    edit(org, 'print("two")', 'print(2)')
    edit(a, 'print("two")', 'print(2)')
    assert tangle(org).returncode == 0
    assert 'print(2)' in a.read_text()


def test_detangle_checks_every_file_before_writing_any(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    a, b = tmp_path / "src" / "a.py", tmp_path / "src" / "b.py"
    edit(a, 'print("two")', 'print("fine")')
    b.write_text("import os\n" + b.read_text())           # outside the blocks: refused
    before = snapshot(tmp_path)
    r = detangle(org, a, b)
    assert r.returncode == 2 and "outside the linked blocks" in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(tmp_path) == before


def test_detangling_one_of_two_edited_files_leaves_the_other_alone(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    a, b = tmp_path / "src" / "a.py", tmp_path / "src" / "b.py"
    edit(a, 'print("two")', 'print("a edited")')
    edit(b, 'print("b")', 'print("b edited")')
    r = detangle(org, a)
    assert r.returncode == 0, r.stderr
    assert "a edited" in org.read_text() and "b edited" not in org.read_text()
    assert "b edited" in b.read_text()
    r = tangle(org)
    assert r.returncode == 3 and "src/b.py was edited by hand" in r.stderr
    assert "b edited" in b.read_text()


def test_a_committed_hand_edit_is_not_overwritten(tmp_path):
    org = repo(tmp_path, git=True)
    assert tangle(org).returncode == 0
    a = tmp_path / "src" / "a.py"
    edit(a, 'print("two")', 'print("committed by hand")')
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "hand edit")
    edit(org, 'print("one")', 'print("org moved on")')
    r = tangle(org)
    assert r.returncode == 3 and "src/a.py was edited by hand" in r.stderr
    assert "committed by hand" in a.read_text()
    shutil.rmtree(tmp_path / ".tangle")          # also without the record: git is the base
    r = tangle(org)
    assert r.returncode == 3 and "committed by hand" in a.read_text()


def test_detangle_keeps_tabs_crlf_bom_and_a_missing_final_newline(tmp_path):
    text = ("\ufeff#+PROPERTY: header-args:python :comments link\r\n* Steps\r\n"
            "- item\r\n\t#+begin_src python :tangle src/a.py\r\n\tdef f():\r\n"
            "\t    return 1\r\n\t#+end_src\r\n* After\r\ntext")
    (tmp_path / "src").mkdir()
    org = tmp_path / "doc.org"
    org.write_bytes(text.encode())
    assert tangle(org).returncode == 0, tangle(org).stderr
    a = tmp_path / "src" / "a.py"
    edit(a, "return 1", "return 2")
    r = detangle(org, a)
    assert r.returncode == 0, r.stderr
    assert org.read_bytes().decode() == text.replace("return 1", "return 2")


def test_a_tangled_file_without_its_final_newline_can_be_detangled(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    a = tmp_path / "src" / "a.py"
    a.write_bytes(a.read_bytes().rstrip(b"\n").replace(b'"two"', b'"deux"'))
    before = org.read_text()
    assert tangle(org).returncode == 3
    r = detangle(org, a)
    assert r.returncode == 0, r.stderr
    assert org.read_text() == before.replace('"two"', '"deux"')
    assert a.read_bytes().endswith(b"ends here\n")
    assert tangle(org).returncode == 0


def test_an_org_file_without_a_final_newline_tangles(tmp_path):
    org = repo(tmp_path)
    org.write_bytes(org.read_bytes().rstrip(b"\n"))
    assert tangle(org).returncode == 0
    assert (tmp_path / "src" / "b.py").read_text().endswith("# Other:1 ends here\n")


def test_an_unreadable_or_odd_record_is_no_traceback(tmp_path):
    org = repo(tmp_path)
    assert tangle(org).returncode == 0
    (tmp_path / "build").mkdir(exist_ok=True)
    (tmp_path / "build" / "tangle-manifest.json").write_text("[1, 2")     # the old manifest
    state = tmp_path / ".tangle" / "last" / "src"
    (state / "a.py").unlink()
    (state / "a.py").mkdir()                                             # wrong shape
    (state / "b.py").write_bytes(b"\xff\xfe garbage")                    # corrupt
    edit(org, 'print("one")', 'print(1)')
    r = tangle(org)
    assert "Traceback" not in r.stderr
    assert r.returncode in (2, 3), r.stderr
    assert 'print("one")' in (tmp_path / "src" / "a.py").read_text()    # nothing overwritten
