"""The tangler and detangler: output format, header arguments, and the safety rules."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from org import OrgError, parse
from tangle import body_of, check, collect, remove_indentation, write

TANGLE = [sys.executable, str(ROOT / "utils" / "tangle.py")]
DETANGLE = [sys.executable, str(ROOT / "utils" / "detangle.py")]


def make_repo(tmp_path: Path, org: str) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "doc.org").write_text(textwrap.dedent(org).lstrip())
    return tmp_path / "doc.org"


def tangle_cli(org: Path, *args):
    return subprocess.run([*TANGLE, str(org), *args], capture_output=True, text=True)


SIMPLE = """
    #+PROPERTY: header-args:python :comments link
    * Heading one
    #+begin_src python :tangle src/a.py
    print(1)
    #+end_src
    Prose between the blocks.
    #+begin_src python :tangle src/a.py
    print(2)
    #+end_src
"""


def test_link_comments_and_padding(tmp_path):
    org = make_repo(tmp_path, SIMPLE)
    assert tangle_cli(org).returncode == 0
    assert (tmp_path / "src" / "a.py").read_text() == (
        "# [[file:../doc.org::*Heading one][Heading one:1]]\n"
        "print(1)\n"
        "# Heading one:1 ends here\n"
        "\n"
        "# [[file:../doc.org::*Heading one][Heading one:2]]\n"
        "print(2)\n"
        "# Heading one:2 ends here\n")


def test_remove_indentation_follows_org():
    assert remove_indentation(["    a", "", "      b"]) == "a\n\n  b"
    assert remove_indentation(["  a", "\tb"]) == "a\n      b"       # tab straddles: spaces
    assert remove_indentation(["a", "  b  "]) == "a\n  b  "        # a flush line: no change
    assert remove_indentation(["  a", "     ", "  b"]) == "a\n\nb"  # blank lines emptied


def test_body_unescapes_commas_and_trims():
    doc = parse("* H\n#+begin_src python :tangle src/x.py\n\n  ,* star\n  ,,#+x\n\n#+end_src\n")
    assert body_of(doc.blocks[0]) == "* star\n,#+x"


def test_header_argument_precedence():
    doc = parse(textwrap.dedent("""
        #+PROPERTY: header-args :tangle src/buffer.py
        * Top
        :PROPERTIES:
        :header-args+: :padline no
        :END:
        #+header: :tangle src/header.py
        #+begin_src python :tangle src/line.py
        x
        #+end_src
        #+begin_src python
        y
        #+end_src
    """))
    targets = collect(doc)
    assert list(targets) == ["src/header.py", "src/buffer.py"]
    assert not targets["src/buffer.py"].parts[0].padline


@pytest.mark.parametrize("org, line, message", [
    ("* H\n#+begin_src python :tangle src/x.py\nprint(1)\n", 2, "no matching #+end_src"),
    ("* H\n#+begin_src python :tangle /tmp/evil.py\nx\n#+end_src\n", 2, "absolute path"),
    ("* H\n#+begin_src python :tangle ../evil.py\nx\n#+end_src\n", 2, "outside the repository"),
    ("* H\n#+begin_src python :tangle src/x.py\nx\n#+end_src\n"
     "#+begin_src python :tangle ./src/x.py\ny\n#+end_src\n", 5, "same file"),
    ("* H\n#+begin_src python :tangle src/x.py\nx\n#+end_src\n"
     "#+begin_src python :tangle src/x.py :shebang #!/bin/sh\ny\n#+end_src\n", 5, "not the first"),
    ("* H\n#+begin_src python :tangle src/x.py :noweb yes\nx\n#+end_src\n", 2, ":noweb"),
    ("* H\n#+begin_src python :tangle src/x.py :var a=1\nx\n#+end_src\n", 2, ":var"),
    ("* H\n#+begin_src python :tangle (concat \"a\")\nx\n#+end_src\n", 2, "Emacs Lisp"),
    ("* H\n#+begin_src ruby :tangle src/x.rb\nx\n#+end_src\n", 2, "cannot tangle language"),
    ("* H\n#+begin_src python :tangle src\nx\n#+end_src\n", 2, "is a directory"),
    ("* H\n#+begin_src python :tangle src/new/ :mkdirp yes\nx\n#+end_src\n", 2,
     "is a directory"),
    ("* H\n#+begin_src python :tangle \"src/x.py\nx\n#+end_src\n", 2, "unbalanced double quote"),
    ("* Target encoding\n#+begin_src python :tangle src/x.py :comments link\nx\n#+end_src\n",
     1, "source encoding declaration"),
])
def test_bad_input_is_a_clear_error(tmp_path, org, line, message):
    path = make_repo(tmp_path, org)
    r = tangle_cli(path)
    assert r.returncode == 2
    assert r.stderr.startswith(f"{path}:{line}: "), r.stderr
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert not list((tmp_path / "src").iterdir()), "nothing may be written on an error"
    assert not (tmp_path.parent / "evil.py").exists()


def test_hand_edit_is_never_overwritten(tmp_path):
    org = make_repo(tmp_path, SIMPLE)
    assert tangle_cli(org).returncode == 0
    target = tmp_path / "src" / "a.py"
    edited = target.read_text().replace("print(2)", "print(2)  # tuned by hand")
    target.write_text(edited)
    org.write_text(org.read_text().replace("print(1)", "print(10)"))
    r = tangle_cli(org)
    assert r.returncode == 3
    assert "src/a.py was edited by hand" in r.stderr
    assert "make detangle FILE=src/a.py" in r.stderr and "make discard FILE=src/a.py" in r.stderr
    assert target.read_text() == edited
    # discarding the edit is an explicit choice
    assert tangle_cli(org, "--discard", str(target)).returncode == 0
    assert "print(10)" in target.read_text() and "tuned by hand" not in target.read_text()


@pytest.mark.parametrize("target", ["/etc/passwd", "src/not_tangled.py", "../outside.py"])
def test_discard_of_a_file_nothing_tangles_to_is_an_error(tmp_path, target):
    org = make_repo(tmp_path, SIMPLE)
    r = tangle_cli(org, "--discard", str(tmp_path / target))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no block of doc.org tangles to that file" in r.stderr
    assert not list((tmp_path / "src").iterdir()), "nothing may be written on an error"


def test_detangle_writes_the_edit_back(tmp_path):
    org = make_repo(tmp_path, """
        #+PROPERTY: header-args:python :comments link
        * Steps
        1. A block inside a list item:
           #+begin_src python :tangle src/a.py
             def f():
                 return 1
           #+end_src
        2. Another:
           #+begin_src python :tangle src/a.py
             print(f())
           #+end_src
    """)
    assert tangle_cli(org).returncode == 0
    target = tmp_path / "src" / "a.py"
    target.write_text(target.read_text().replace("return 1", "return 2\n# * a comment"))
    r = subprocess.run([*DETANGLE, str(target), "--org", str(org)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = org.read_text()
    assert "         return 2\n     ,# * a comment\n" not in text  # only *-lines need commas
    assert "         return 2\n" in text and "     # * a comment\n" in text
    assert "  2. Another" not in text and "2. Another:" in text
    before = target.read_bytes()
    assert tangle_cli(org).returncode == 0          # no conflict any more
    assert target.read_bytes() == before           # the org file now produces the edit


def test_detangle_refuses_edits_outside_blocks(tmp_path):
    org = make_repo(tmp_path, SIMPLE)
    assert tangle_cli(org).returncode == 0
    target = tmp_path / "src" / "a.py"
    target.write_text("import os\n" + target.read_text())
    r = subprocess.run([*DETANGLE, str(target), "--org", str(org)], capture_output=True, text=True)
    assert r.returncode == 2 and "outside the linked blocks" in r.stderr
    assert "import os" not in org.read_text()


def test_check_reports_differences_and_stale_files(tmp_path):
    org = make_repo(tmp_path, SIMPLE)
    doc = parse(org.read_text(), org)
    assert check(doc, tmp_path) == ["src/a.py: missing (run make tangle)"]
    write(doc, tmp_path)
    assert check(doc, tmp_path) == []
    (tmp_path / "src" / "old.py").write_text("x = 1\n")
    assert check(doc, tmp_path) == ["src/old.py: no block in doc.org tangles to it"]


def test_error_type_names_file_and_line():
    with pytest.raises(OrgError) as err:
        parse("* H\n#+begin_src python\n", "x.org")
    assert str(err.value) == "x.org:2: #+begin_src has no matching #+end_src"
