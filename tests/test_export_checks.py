"""The export's checks cannot be walked around: every image however written, files
from elsewhere, raw markup and dangling heading links stop the export at the org
line, before pandoc runs (so it never reads outside the repository or the network)."""
import re

import pytest

from conftest import ROOT
import export
from org import OrgError

FIG = "img/03-features/feature_hashing.png"          # drawn by `make run`
GOOD = "#+caption: A figure.\n#+attr_html: :alt Bars of hash collisions.\n"


def prepared(tmp_path, body):
    org = tmp_path / "t.org"
    org.write_text("* Heading\n" + body)
    return export.prepare(org)


@pytest.mark.parametrize("body, line, message", [
    # images without caption or alt text, however the link is written
    (f"[[file:./{FIG}]]\n", 2, "without a caption"),
    (f"#+caption: A figure.\n[[./{FIG}]]\n", 3, "without alt text"),
    (f"{GOOD}[[{FIG}]]\n", 4, "read as text, not as an image"),
    (f"{GOOD}[[file:{ROOT}/{FIG}]]\n", 4, "relative to the repository"),
    (f"{GOOD}[[file:{FIG}][the figure]]\n", 4, "pandoc shows a link, not a figure"),
    (f"{GOOD}[[https://example.org][file:{FIG}]]\n", 4, "pandoc shows a link, not a figure"),
    (f"Text with [[file:{FIG}]] inline.\n", 2, "inside a paragraph"),
    (f"{GOOD}Text with [[file:{FIG}]] inline.\n", 4, "inside a paragraph"),
    (f"{GOOD}[[file:{FIG}]] [[file:{FIG}]]\n", 4, "inside a paragraph"),
    # alt text that is empty or an option
    (f"#+caption: A figure.\n#+attr_html: :alt :width 50%\n[[file:{FIG}]]\n", 4,
     "empty alt text"),
    (f"#+attr_html: :alt\n#+caption: A figure.\n[[file:{FIG}]]\n", 4, "empty alt text"),
    (f"#+caption: A figure.\n#+attr_html: :width 50%\n[[file:{FIG}]]\n", 4,
     "without alt text"),
    # remote, missing, outside the repository
    (f"{GOOD}[[https://example.org/chart.png]]\n", 4, "remote image"),
    (f"{GOOD}[[ftp://example.org/chart.PNG]]\n", 4, "remote image"),
    (f"{GOOD}[[file:./img/no-such-figure.png]]\n", 4, "does not exist"),
    (f"{GOOD}[[./img/03-features/no-such-figure.svg]]\n", 4, "does not exist"),
    (f"{GOOD}[[file:/usr/share/pixmaps/x.png]]\n", 4, "relative to the repository"),
    (f"{GOOD}[[https://example.org/x.png][the chart]]\n", 4, "remote image"),
    (f"{GOOD}[[file:../../x.png]]\n", 4, "outside the repository"),
    # an image inside a container block is checked too
    (f"#+begin_quote\n[[file:{FIG}]]\n#+end_quote\n", 3, "without a caption"),
    # other files and raw markup
    ('#+INCLUDE: "/etc/hostname"\n', 2, "reads outside the repository"),
    ("#+include: ../../../../etc/hostname src text\n", 2, "reads outside the repository"),
    (f'#+INCLUDE: "{ROOT}/README.org"\n', 2, "is not supported"),
    ("#+SETUPFILE: https://example.org/theme.setup\n", 2, "#+SETUPFILE: is not supported"),  # the org reader refuses it first
    (f"#+setupfile: {ROOT}/README.org\n", 2, "is not supported"),
    ('#+begin_export html\n<img src="https://example.org/x.png">\n#+end_export\n', 2,
     "#+begin_export"),
    ('Text @@html:<img src="https://example.org/x.png">@@.\n', 2, "raw export markup"),
    ('#+html: <img src="https://example.org/x.png">\n', 2, "raw export markup"),
    # links to headings
    ("See [[*No such heading][there]].\n", 2, "no heading is titled 'No such heading'"),
    ("See [[*No such\nheading][there]].\n", 2, "no heading is titled"),
    ("See [[*Heading][it]].\n* Heading\n", 2, "2 headings are titled 'Heading'"),
    ("#+begin_quote\n#+begin_center\nx\n#+end_quote\n", 5, "#+end_quote closes #+begin_center"),
])
def test_bypass_is_refused_with_the_org_line(tmp_path, body, line, message):
    with pytest.raises(OrgError, match=rf"t.org:{line}: .*{re.escape(message)}"):
        prepared(tmp_path, body)


@pytest.mark.parametrize("body", [
    f"{GOOD}[[file:{FIG}]]\n",
    f"{GOOD}[[file:./{FIG}]]\n",
    f"#+attr_html: :alt Bars of hash collisions.\n#+name: fig\n#+caption: A.\n[[./{FIG}]]\n",
    f"#+caption: A.\n#+attr_html: :width 50% :alt Bars of hash collisions.\n[[file:{FIG}]]\n",
    "See [[*Heading][the heading]], [[*Heading]] and [[https://example.org][a site]].\n",
    "#+begin_src org\n#+INCLUDE: \"/etc/hostname\"\n[[file:/x.png]] @@html:x@@\n#+end_src\n",
    "#+begin_example\n[[*nowhere]]\n#+end_example\n",
])
def test_well_formed_images_and_links_pass(tmp_path, body):
    prepared(tmp_path, body)


def test_nothing_outside_the_repository_is_read(tmp_path, monkeypatch):
    """The refusal comes before any file is opened: a file outside the repository
    that does not exist gives the same message as one that does."""
    secret = tmp_path / "secret.org"
    secret.write_text("SECRET TEXT\n")
    for name in (secret, tmp_path / "absent.org"):
        with pytest.raises(OrgError, match="reads outside the repository"):
            prepared(tmp_path, f'#+INCLUDE: "{name}"\n')


def test_pdf_pandoc_cannot_fetch_or_read_other_files():
    import pdf
    args = pdf.pandoc_args(ROOT / "build" / "x.typ", "v", "d")
    assert "--sandbox" in args
    assert not any(a.startswith("--embed-resources") or a.startswith("--self-contained")
                   for a in args)
