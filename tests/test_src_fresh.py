"""Committed src/ is exactly a fresh tangle of primer.org, and every script is runnable."""
import subprocess
import sys

from conftest import ROOT
import layout
from org import read
from tangle import check


def test_src_is_a_fresh_tangle():
    problems = check(read(ROOT / "primer.org"), ROOT)
    assert problems == [], "\n".join(problems + ["run `make tangle` and commit src/"])


def test_check_command_agrees():
    r = subprocess.run([sys.executable, str(ROOT / "utils" / "tangle.py"), "--check",
                        str(ROOT / "primer.org")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_scripts_import_nothing_local():
    for script in layout.scripts():
        text = script.read_text()
        for name in ("utils", "conftest", "results", "tangle"):
            assert f"import {name}" not in text and f"from {name} " not in text, script


def test_every_script_has_a_docstring_and_a_lesson_test():
    import ast
    tests = "".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py"))
    for script in layout.scripts():
        tree = ast.parse(script.read_text())
        assert ast.get_docstring(tree), f"{script.name} should open with a docstring"
        assert f'results("{script.stem}")' in tests, f"no test asserts the lesson of {script.name}"
