"""Constructs where the first tangler differed from Org 9.5: each either tangles to
the bytes Emacs 28's org-babel-tangle writes (recorded from Emacs; test_parity.py
and tests/parity_campaign.py re-check them against a live Emacs) or is refused
with `file:line: message`."""
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

H = "#+PROPERTY: header-args :comments link\n"
B = "#+begin_src python :tangle src/{}.py\ny\n#+end_src\n"


def link(search, name):
    return f"# [[file:../doc.org::{search}][{name}]]\ny\n# {name} ends here\n".encode()


SAME_AS_EMACS = [
    ("src block inside example/comment/export",
     H + "* A\n#+begin_example\n#+begin_src python :tangle src/ex.py\nx\n#+end_src\n"
         "#+end_example\n#+begin_comment\n" + B.format("c") + "#+end_comment\n"
         "#+BEGIN_EXPORT html\n" + B.format("e") + "#+END_EXPORT\n" + B.format("a"),
     {"src/a.py": link("*A", "A:1")}),
    ("#+PROPERTY inside an example block",
     "#+PROPERTY: header-args :tangle src/real.py\n* A\n#+begin_example\n"
     "#+PROPERTY: header-args :tangle src/p.py\n#+end_example\n#+begin_src python\ny\n"
     "#+end_src\n", {"src/real.py": b"y\n"}),
    ("ARCHIVE subtree",
     H + "* A :ARCHIVE:\n" + B.format("a") + "** B\n" + B.format("b") + "* C\n" + B.format("c"),
     {"src/c.py": link("*C", "C:1")}),
    ("#+attr_html between #+header/#+name and the block",
     H + "* A\n#+header: :tangle src/h1.py\n#+attr_html: :x y\n#+begin_src python\ny\n#+end_src\n"
         "#+name: nm\n#+attr_html: :x y\n#+begin_src python :tangle src/n.py\ny\n#+end_src\n",
     {"src/h1.py": link("*A", "A:1"), "src/n.py": link("nm", "nm")}),
    ("two #+header lines: the first wins",
     H + "* A\n#+header: :tangle src/h1.py\n#+header: :tangle src/h2.py\n#+begin_src python\ny\n"
         "#+end_src\n", {"src/h1.py": link("*A", "A:1")}),
    ("a repeated drawer key: the first wins",
     "* A\n:PROPERTIES:\n:header-args: :tangle src/d1.py\n:header-args: :tangle src/d2.py\n"
     ":END:\n#+begin_src python\ny\n#+end_src\n", {"src/d1.py": b"y\n"}),
    ("tabs in #+PROPERTY", "#+PROPERTY:\theader-args\t:tangle src/tab.py\n* A\n"
     "#+begin_src python\ny\n#+end_src\n", {"src/tab.py": b"y\n"}),
    ("a UTF-8 BOM", "\ufeff#+PROPERTY: header-args :tangle src/bom.py\n* A\n"
     "#+begin_src python\ny\n#+end_src\n", {"src/bom.py": b"y\n"}),
    ("a shebang with \\n", "* A\n#+begin_src sh :tangle src/s.sh :shebang \"#!/bin/sh\\n# x\"\n"
     "echo\n#+end_src\n", {"src/s.sh": b"#!/bin/sh\n# x\necho\n"}),
    ("CRLF everywhere", (H + "* A\n" + B.format("crlf")).replace("\n", "\r\n"),
     {"src/crlf.py": link("*A", "A:1")}),
    ("empty titles", H + "* \n" + B.format("empty") + "* TODO\n" + B.format("todo")
     + "* :tag:\n" + B.format("tagonly") + "***\n" + B.format("stars"),
     {"src/empty.py": link("*", "No heading:1"), "src/todo.py": link("*", "No heading:1"),
      "src/tagonly.py": link("*", "No heading:1"), "src/stars.py": link("*", "No heading:2")}),
    ("cookies next to text", H + "* A[1/2]b [50%]c\n" + B.format("cookie"),
     {"src/cookie.py": link("*A b c", "A[1/2]b [50%]c:1")}),
    ("% in headings", H + "* A %source-name x %start-line\n" + B.format("pct"),
     {"src/pct.py": link("*A A %source-name x %start-line:1 x 4", "A %source-name x %start-line:1")}),
    ("CUSTOM_ID", H + "* A\n:PROPERTIES:\n:CUSTOM_ID: cid\n:END:\n" + B.format("cid"),
     {"src/cid.py": link("#cid", "A:1")}),
    ("#+TODO redefines the keywords", H + "#+TODO: WAIT | OK\n* TODO x\n" + B.format("todo2")
     + "* WAIT y\n" + B.format("wait"),
     {"src/todo2.py": link("*TODO x", "TODO x:1"), "src/wait.py": link("*y", "y:1")}),
    ("two #+name lines, #+srcname", H + "* A\n#+name: n1\n#+name: n2\n" + B.format("names")
     + "#+srcname: sn\n" + B.format("srcname"),
     {"src/names.py": link("n2", "n2"), "src/srcname.py": link("sn", "sn")}),
    ("a file that opens with a heading lends its drawer to the other top-level headings",
     "* One\n:PROPERTIES:\n:header-args: :tangle src/one.py\n:END:\n* Two\n"
     "#+begin_src python\nx\n#+end_src\n** Three\n#+begin_src python\ny\n#+end_src\n",
     {"src/one.py": b"x\n\ny\n"}),
]

# An empty `:header-args+:` line: Org 9.5 joins its "" into the value, which then
# starts with " :"; Babel's parser reads the first argument as `comments`, not
# `:comments`, and drops it (test_parity_campaign.py shows Emacs doing so).
EMPTY_ARGS = ("* A\n:PROPERTIES:\n:header-args+:\n:header-args+: :comments link :tangle src/e.py\n"
              ":END:\n#+begin_src python\ny\n#+end_src\n")

REFUSED = [
    ("top-level property drawer", ":PROPERTIES:\n:header-args: :tangle src/top.py\n:END:\n* A\n"
     "#+begin_src python\ny\n#+end_src\n", 1, "before the first heading"),
    ("#+SETUPFILE", "#+SETUPFILE: other.org\n* A\n" + B.format("a"), 1, "SETUPFILE"),
    ("*<TAB>x is no heading", "*\tx\n#+begin_src python :tangle src/t.py\ny\n#+end_src\n", 2,
     "must sit under a heading"),
    ("mixed line endings", H + "* A\r\n" + B.format("mixed"), 1, "mixed line endings"),
    ("a lone CR", H + "* A\n#+begin_src python :tangle src/cr.py\ny\rz\n#+end_src\n", 4,
     "carriage return"),
    ("a <<target>> above a block", H + "* A\ntext <<tgt>>\n" + B.format("target"), 3, "<<target>>"),
    ("a tab after a drawer key", "* A\n:PROPERTIES:\n:header-args:\t:tangle src/x.py\n:END:\n"
     + B.format("a"), 3, "malformed line"),
    ("an empty header-args line", EMPTY_ARGS, 3, "has no value"),
    ("an empty header-args:LANG line", EMPTY_ARGS.replace("header-args", "header-args:python"),
     3, "has no value"),
]


def tangle(tmp_path, text):
    (tmp_path / "src").mkdir()
    org = tmp_path / "doc.org"
    org.write_bytes(text.encode())
    r = subprocess.run([sys.executable, str(ROOT / "utils" / "tangle.py"), str(org)],
                       capture_output=True, text=True)
    out = {p.relative_to(tmp_path).as_posix(): p.read_bytes()
           for p in sorted((tmp_path / "src").rglob("*")) if p.is_file()}
    return org, r, out


@pytest.mark.parametrize("name, text, expected", SAME_AS_EMACS, ids=[c[0] for c in SAME_AS_EMACS])
def test_tangles_as_emacs_does(tmp_path, name, text, expected):
    org, r, out = tangle(tmp_path, text)
    assert r.returncode == 0, r.stderr
    assert out == expected


@pytest.mark.parametrize("name, text, line, words", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_the_line(tmp_path, name, text, line, words):
    org, r, out = tangle(tmp_path, text)
    assert r.returncode == 2 and r.stderr.startswith(f"{org}:{line}: "), r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr
    assert out == {}
