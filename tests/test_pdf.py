"""primer.pdf's typesetting, on a small fixture book built through the real pipeline
(checks, pandoc with utils/styles/, Typst): title page, numbered headings, running
heads, working links, code that wraps visibly, short blocks kept whole, script
output unlike code, nothing in the margins."""
import re

import pytest

from conftest import ROOT
import export
import pdf

LONG = "print('" + "a long string that does not fit " * 6 + "')"
WIDE = " + ".join(f"\\frac{{x_{{{i}}}^2}}{{\\sigma_{{{i}}}}}" for i in range(40))
SHORT_BLOCKS = 14


def fixture_org() -> str:
    blocks = "".join(
        f"Paragraph {k} before a short block, long enough to make the layout vary a "
        f"little from one block to the next {'and so on ' * (k % 5)}.\n\n"
        "#+begin_src python\n" + "".join(f"# block {k} line {j}\n" for j in range(20)) +
        "#+end_src\n\n" for k in range(SHORT_BLOCKS))
    return f"""#+title: Fixture Book
#+subtitle: A subtitle for the test
* About this fixture
Introductory text with a citation [cite:@huber1964robust].
* Chapter Alpha
** Section One
See [[*Section Two][the second section]] for more.

#+begin_src python
x = 1
{LONG}
#+end_src
#+begin_scriptoutput
/Output of/ [[file:src/x.py][=src/x.py=]] /in this build:/
#+begin_example
answer = 42
#+end_example
#+end_scriptoutput

A wide equation:
\\[ {WIDE} \\]

{blocks}
** Section Two
The target of the link.
*** Deeper
Text at level three.
* References
#+print_bibliography:
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdf")
    org = tmp / "book.org"
    org.write_text(fixture_org())
    prepared = tmp / "book.export.org"
    prepared.write_text(export.prepare(org))
    if not export.CSL.is_file():
        import subprocess
        import sys
        subprocess.run([sys.executable, str(ROOT / "utils" / "csl.py")], check=True)
    # Typst reads only under its root, the repository: compile in build/.
    (ROOT / "build").mkdir(exist_ok=True)
    typ, out = ROOT / "build" / "test-pdf.typ", tmp / "book.pdf"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(export, "PREPARED", prepared)
        pdf.render(typ, out, "v-test-123", "2099-01-02")
    from pypdf import PdfReader
    reader = PdfReader(out)
    yield {"reader": reader, "typ": typ, "texts": [p.extract_text() for p in reader.pages]}
    typ.unlink(missing_ok=True)


def squash(text):
    return re.sub(r"\s+", " ", text)


def page_of(book, pattern):
    return next(i for i, t in enumerate(book["texts"]) if re.search(pattern, squash(t)))


def test_title_page(book):
    first = squash(book["texts"][0])
    for s in ("Fixture Book", "A subtitle for the test", "v-test-123", "2099-01-02"):
        assert s in first


def test_version_outside_git_is_unversioned(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "ROOT", tmp_path)
    assert pdf.version() == "unversioned"
    assert pdf.version.__module__ == "pdf"


def test_numbered_headings_and_running_heads(book):
    text = squash(" ".join(book["texts"]))
    for heading in (r"Chapter 1 Chapter Alpha", r"1\.1 Section One", r"1\.2 Section Two",
                    r"1\.2\.1 Deeper"):
        assert re.search(heading, text), heading
    assert not re.search(r"\d About this fixture", text), "front matter is unnumbered"
    opener = page_of(book, r"Chapter 1 Chapter Alpha")
    # The pages after the chapter opens carry its title and a section in their head.
    heads = [squash(t)[:80] for t in book["texts"][opener + 1:opener + 4]]
    assert all(re.match(r"1 Chapter Alpha 1\.[12] Section (One|Two) \d+", h) for h in heads), heads


def links_on(book, page):
    """The pages that the internal links on PAGE lead to."""
    reader = book["reader"]
    named = reader.named_destinations
    out = []
    for a in reader.pages[page].get("/Annots", []):
        a = a.get_object()
        if "/Dest" in a:
            dest = a["/Dest"].get_object()
            if isinstance(dest, str):
                out.append(reader.get_destination_page_number(named[dest]))
            else:
                ids = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
                out.append(ids[dest[0].idnum])
    return out


def test_cross_reference_and_citation_are_links(book):
    source = page_of(book, r"the second section")
    target = page_of(book, r"1\.2 Section Two The target")
    assert target in links_on(book, source), "[[*Section Two][…]] links to the heading"
    cite = page_of(book, r"citation \[1\]")
    refs = page_of(book, r"\[1\] P\. J\. Huber")
    assert refs in links_on(book, cite), "a citation links to its reference"


def test_long_code_lines_wrap_with_a_mark(book):
    text = " ".join(book["texts"])
    assert "↪" in text
    assert "a long string that does not fit" in text


def test_short_blocks_stay_on_one_page(book):
    for k in range(SHORT_BLOCKS):
        assert page_of(book, rf"# block {k} line 0 ") == page_of(book, rf"# block {k} line 19\b")


@pytest.fixture(scope="module")
def pngs(book):
    import io

    import numpy as np
    import typst
    from PIL import Image
    pages = typst.compile(str(book["typ"]), format="png", ppi=36, root=str(ROOT))
    return [np.asarray(Image.open(io.BytesIO(p)).convert("RGB")).astype(int) for p in pages]


def assert_clear_margins(pngs):
    for n, img in enumerate(pngs):
        width = img.shape[1]
        margin = int(round(2.2 / 21.0 * width)) - 2          # 2.2 cm of 21 cm, less 2 px
        for side in (img[:, :margin], img[:, width - margin:]):
            assert (side > 235).all(), f"page {n + 1}: ink in the side margin"


def test_nothing_in_the_margins(pngs):
    assert_clear_margins(pngs)


def test_nothing_in_the_margins_of_the_primer():
    """No code line, output line, equation or table of the book runs into a margin."""
    import io

    import numpy as np
    import typst
    from PIL import Image
    typ = ROOT / "build" / "primer.typ"
    if not typ.is_file():
        pytest.skip("primer.pdf is not built (`make pdf`)")
    pages = typst.compile(str(typ), format="png", ppi=30, root=str(ROOT))
    assert_clear_margins([np.asarray(Image.open(io.BytesIO(p)).convert("RGB")).astype(int)
                          for p in pages])


def test_output_looks_unlike_code(book, pngs):
    page = page_of(book, r"Output of src/x\.py in this build: answer = 42")
    img = pngs[page]

    def has(rgb):
        return (abs(img - rgb).sum(axis=2) <= 3).sum() > 200

    assert has((0xfb, 0xf6, 0xe9)), "output box colour"
    assert has((245, 245, 245)), "code box colour"
    assert "#output-box(" in book["typ"].read_text()


def test_the_primer_pdf_has_a_title_page_numbers_and_marks():
    path = ROOT / "primer.pdf"
    if not path.is_file():
        pytest.skip("primer.pdf is not built (`make pdf`)")
    from pypdf import PdfReader
    reader = PdfReader(path)
    first = squash(reader.pages[0].extract_text())
    assert "ML System Design Primer" in first and "Version" in first and "Built" in first
    text = squash(" ".join(p.extract_text() for p in reader.pages[:40]))
    assert "Contents" in text and re.search(r"Chapter 1 Scope and frame the question", text)
    assert re.search(r"1\.1 Framing the problem", text) and "↪" in text
