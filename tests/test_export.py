"""The exports: complete, offline, cited correctly, and filled from this build."""
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conftest import ROOT
import export
import layout
from org import OrgError, read

ORG_TEXT = (ROOT / "primer.org").read_text()


@pytest.fixture(scope="module")
def html():
    path = ROOT / "primer.html"
    if not path.is_file():
        _build("html")
    return path.read_text()


@pytest.fixture(scope="module")
def pdf_text():
    path = ROOT / "primer.pdf"
    if not path.is_file():
        _build("pdf")
    from pypdf import PdfReader
    return " ".join(p.extract_text() for p in PdfReader(path).pages)


def _build(what):
    for step in ("prepare", what):
        r = subprocess.run([sys.executable, str(ROOT / "utils" / "export.py"), step],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def headings():
    """Every heading a reader should find (the Footnotes heading becomes margin notes)."""
    return [h.title for h in read(ROOT / "primer.org").headings if h.title != "Footnotes"]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html):
    p = Tags()
    p.feed(html)
    return p


def test_html_has_every_heading(html):
    text = squash(" ".join(parsed(html).text))
    for title in headings():
        assert title in text, title


def test_pdf_has_every_heading_and_the_references(pdf_text):
    text = squash(pdf_text)
    for title in headings():
        assert squash(title) in text, title
    assert "[1]" in text and "feature hashing for large scale multitask learning" in text.lower()


def test_html_is_offline_and_images_have_alt_text(html):
    p = parsed(html)
    for tag, attrs in p.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if tag in ("img", "script", "link", "iframe", "audio", "video", "source"):
                assert not re.match(r"^(https?:)?//", value), f"<{tag} {key}={value}> fetches"
    images = [a for t, a in p.tags if t == "img"]
    assert len(images) == len(re.findall(r"^\[\[file:img/", ORG_TEXT, re.M))
    for attrs in images:
        assert attrs.get("src", "").startswith("data:image/"), "images are embedded"
        assert len(attrs.get("alt", "")) > 20, "every figure needs real alt text"
    assert '<math' in html, "math is MathML"
    assert 'class="sidenote"' in html or "[fn:" not in ORG_TEXT


def test_every_figure_of_the_primer_has_caption_alt_and_exists():
    lines = ORG_TEXT.splitlines()
    export.check_structure(ROOT / "primer.org", lines)      # captions and alt text
    figures = [l for l in lines if export.FIGURE_RE.match(l)]
    assert len(figures) >= 70
    for path in (p for l in figures for p in export.IMAGE_RE.findall(l)):
        assert (ROOT / path).is_file(), path


def test_citations_resolve_and_every_entry_is_cited(html):
    cited = {k for _, k in export.cited_keys(ORG_TEXT.splitlines())}
    known = export.bib_keys()
    assert cited, "the primer cites nothing"
    assert cited <= known, f"unknown keys: {cited - known}"
    assert known <= cited, f"bibliography entries never cited: {known - cited}"
    assert "???" not in html and "[cite" not in html
    refs = re.findall(r'id="ref-([^"]+)"', html)
    assert set(refs) == cited
    # each citation renders as [n] and links to its entry in the list
    linked = re.findall(r'data-cites="([^"]+)"><a\s+href="#ref-([^"]+)"[^>]*>\[\d+\]', html)
    assert len(linked) == html.count('class="citation"'), "every citation links to the list"
    assert all(key in keys.split() for keys, key in linked)


def test_each_script_output_and_path_sit_under_its_last_block(html):
    text = squash(" ".join(parsed(html).text))
    for script in layout.scripts():
        marker = f"Output of {layout.rel(script)} in this build:"
        assert marker in text, marker
        printed = (ROOT / "build" / "run" / f"{script.stem}.out").read_text().splitlines()
        first_line = printed[0] if printed else "(no output)"
        after = text.split(marker, 1)[1][:3000]
        assert squash(first_line) in after


def test_result_macros_are_filled(html):
    assert "{{{" not in html and "{{{" not in (ROOT / "build" / "primer.export.org").read_text()
    used = set(export.RESULT_RE.findall(ORG_TEXT))
    assert used, "the prose quotes no script result"


def write_org(tmp_path, body):
    org = tmp_path / "t.org"
    org.write_text("* Heading\n" + body)
    return org


def test_unknown_cite_key_fails_with_line(tmp_path):
    org = write_org(tmp_path, "Text [cite:@no_such_key_2099].\n")
    with pytest.raises(OrgError, match=r"t.org:2: citation key @no_such_key_2099"):
        export.prepare(org)


def test_missing_result_fails_with_line(tmp_path):
    org = write_org(tmp_path, "x\nA value: {{{result(feature_hashing,no_such_key)}}}.\n")
    with pytest.raises(OrgError, match=r"t.org:3: .*did not print a line 'no_such_key = "):
        export.prepare(org)
    org = write_org(tmp_path, "{{{result(no_such_script,x)}}}\n")
    with pytest.raises(OrgError, match=r"t.org:2: .*no recorded output"):
        export.prepare(org)


@pytest.mark.parametrize("body, line, message", [
    ("x\nSee {{{reslt(feature_hashing,x)}}}.\n", 3, "unknown macro {{{reslt"),
    ("Text [cite:@huber1964robust and more\n", 2, "not closed on its line"),
    ("Text [cite:].\n", 2, "names no @key"),
    ("#+begin_quote\nA quote never closed.\n", 2, "#+begin_quote has no matching"),
    ("#+caption: A figure.\n[[file:img/03-features/feature_hashing.png]]\n", 3, "without alt text"),
    ("#+attr_html: :alt Bars.\n[[file:img/03-features/feature_hashing.png]]\n", 3, "without a caption"),
])
def test_what_pandoc_would_silently_mangle_fails_with_line(tmp_path, body, line, message):
    org = write_org(tmp_path, body)
    with pytest.raises(OrgError, match=rf"t.org:{line}: .*{re.escape(message)}"):
        export.prepare(org)


def test_well_formed_text_passes_the_structure_check(tmp_path):
    org = write_org(tmp_path, "#+macro: v 1.0\nVersion {{{v}}} [cite:@huber1964robust].\n"
                    "#+begin_src python\nprint(f\"{{{x}}}\")  # braces in code are no macro\n"
                    "#+end_src\n#+caption: A figure.\n#+attr_html: :alt Bars.\n"
                    "[[file:img/03-features/feature_hashing.png]]\n")
    assert "{{{v}}}" in export.prepare(org)


def test_pandoc_warning_fails_the_export_with_line(tmp_path, monkeypatch):
    org = write_org(tmp_path, "Fine $x^2$.\n\nBroken $\\frac{1}{$ here.\n")
    monkeypatch.setattr(export, "ORG", org)
    monkeypatch.setattr(export, "PREPARED", org)
    if not export.CSL.is_file():
        subprocess.run([sys.executable, str(ROOT / "utils" / "csl.py")], check=True)
    with pytest.raises(OrgError, match=r"t.org:4: pandoc cannot read this math"):
        export.run_pandoc(["-t", "html5", "--mathml", "-o", str(tmp_path / "t.html")])


def test_a_number_filled_in_at_the_start_of_a_line_does_not_start_a_list(tmp_path):
    """Org reads "768. The" at the start of a line as a list item; pandoc parses the
    filled text, so the value moves to the end of the line above."""
    org = write_org(tmp_path, "The attention overtakes at $n$ =\n"
                    "{{{result(kv_cache,attention_overtakes_at)}}}.  Then the\n"
                    "sentence goes on.\n")
    lines = export.prepare(org).splitlines()
    assert "The attention overtakes at $n$ = 768." in lines
    assert "Then the" in lines and not any(export.LIST_BULLET_RE.match(l) for l in lines)
    # a value that does not look like a bullet stays where it was
    org = write_org(tmp_path, "Text\n{{{result(kv_cache,macs_growth_256_to_1024)}}}-fold.\n")
    assert export.prepare(org).splitlines()[1:3] == [
        "Text", export.results.load("kv_cache")["macs_growth_256_to_1024"] + "-fold."]


@pytest.mark.parametrize("body, line, message", [
    ("{{{result(kv_cache,attention_overtakes_at)}}}. Starts a paragraph.\n", 2,
     "fills in as '768.', which Org reads as a list item; put a word before it"),
    ("The value is\n{{{result(kv_cache,attention_overtakes_at)}}}.\nand more.\n", 3,
     "fills in as '768.', which Org reads as a list item; join it to a line"),
])
def test_a_list_the_author_did_not_write_fails_with_line(tmp_path, body, line, message):
    org = write_org(tmp_path, body)
    with pytest.raises(OrgError, match=rf"t.org:{line}: .*{re.escape(message)}"):
        export.prepare(org)


def test_every_numbered_list_item_of_the_book_is_in_the_source():
    """No filled-in number turned a line of prose into a list item."""
    prepared = (ROOT / "build" / "primer.export.org").read_text()
    source = set(ORG_TEXT.splitlines())
    inside = False
    for line in prepared.splitlines():
        if re.match(r"\s*#\+begin_", line, re.I):
            inside = True
        elif re.match(r"\s*#\+end_", line, re.I):
            inside = False
        elif not inside and export.LIST_BULLET_RE.match(line):
            assert line in source, line


def test_long_output_is_trimmed():
    lines = export.trimmed("\n".join(f"line {i}" for i in range(100)), "x")
    assert len(lines) <= export.MAX_OUTPUT_LINES
    assert "omitted" in lines[30] and lines[-1] == "line 99"
    assert export.trimmed("* starts like a heading", "x") == [",* starts like a heading"]


def test_second_make_runs_nothing():
    def make():
        return subprocess.run(["make", "--no-print-directory", "NO_TANGLE=1", "html", "pdf"],
                              cwd=ROOT, capture_output=True, text=True, timeout=900)
    first = make()             # brings everything up to date (a no-op under `make test`)
    assert first.returncode == 0, first.stderr
    r = make()
    assert r.returncode == 0, r.stderr
    assert "up to date" in r.stdout and "ran in" not in r.stdout
    assert "primer.html is up to date" in r.stdout and "primer.pdf is up to date" in r.stdout
    assert "build/site/ is up to date" in r.stdout
