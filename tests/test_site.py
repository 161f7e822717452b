"""The HTML site (build/site/) and primer.html as a reader's browser shows them.

The static checks need only the files.  The browser checks drive Debian's Chromium
headless through selenium and ChromeDriver: every page at phone (390 px) and
desktop (1,400 px) width fits without sideways scrolling, every internal link and
anchor resolves, search finds a phrase from the text, axe-core (from npm) finds no
serious or critical accessibility problem, every image has alt text, and margin
notes never sit on code or figures.  Without Chromium they skip, unless
PRIMER_REQUIRE_BROWSER=1 (set by .ci/run where it installs Chromium).
"""
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from conftest import ROOT, browser_or_skip

SITE = ROOT / "build" / "site"
SINGLE = ROOT / "primer.html"
AXE = ROOT / "utils" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1400)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").is_file() or not SINGLE.is_file():
        for step in ("prepare", "html"):
            r = subprocess.run([sys.executable, str(ROOT / "utils" / "export.py"), step],
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
    return SITE


def pages(site):
    return sorted(site.glob("*.html"))


# ---- static checks ------------------------------------------------------------------

def test_every_page_has_the_frame(site):
    names = [p.name for p in pages(site)]
    assert len(names) >= 40 and "index.html" in names and "references.html" in names
    for path in pages(site):
        page = path.read_text()
        assert '<html lang="en">' in page and '<main id="main">' in page, path.name
        assert 'id="sidebar"' in page and 'id="search-input"' in page, path.name
        if path.name != "index.html":
            assert re.search(rf'<a href="{re.escape(path.name)}" aria-current="page">', page), \
                f"{path.name}: the sidebar does not mark the current page"
            assert 'rel="prev"' in page, f"{path.name}: no previous-page link"
            if path.name != "references.html":          # the last page in reading order
                assert 'rel="next"' in page, f"{path.name}: no next-page link"
            assert 'class="permalink"' in page, f"{path.name}: headings have no permalinks"


def test_scripts_are_named_linked_and_costed(site):
    import layout
    text = "".join(p.read_text() for p in pages(site))
    for script in layout.scripts():
        rel = layout.rel(script)
        assert (site / rel).read_bytes() == script.read_bytes(), f"{rel} not copied"
        assert re.search(rf'<div class="scriptname">\s*<p><a href="{re.escape(rel)}">', text), rel
    assert re.search(r"This build:\s+ran\s+in\s+[\d.]+\s+s(,\s+[\d.]+\s+s\s+of\s+CPU)?,\s+peak\s+memory\s+\d+\s+MB", text)


def test_images_are_files_sized_and_lazy(site):
    seen = 0
    for path in pages(site):
        text = path.read_text()
        tags = re.findall(r"<img\s[^>]*>", text)
        assert len(tags) == text.count("<img"), path.name     # none missed by the pattern
        seen += len(tags)
        for tag in tags:
            src = re.search(r'src="([^"]+)"', tag).group(1)
            assert not src.startswith("data:") and (site / src).is_file(), (path.name, src)
            assert 'loading="lazy"' in tag and re.search(r'width="\d+" height="\d+"', tag), tag
    assert seen > 0


def test_citations_and_cross_references_are_links(site):
    text = "".join(p.read_text() for p in pages(site))
    cites = re.findall(r'data-cites="[^"]+"><a\s+href="references\.html#ref-[^"]+" title="[^"]{20,}"',
                       text)
    assert len(cites) >= 100, "citations link to their reference, with its text on hover"
    assert 'class="spurious-link"' not in text, "an org [[*Heading]] link did not resolve"
    assert len(re.findall(r'class="xref"', text)) >= 30


def test_search_index_holds_the_text(site):
    index = (site / "assets" / "search-index.js").read_text()
    docs = json.loads(index.split("=", 1)[1].rstrip().rstrip(";"))
    assert len(docs) > 100 and not any(d["t"].endswith("#") for d in docs)
    assert any("MurmurHash3" in d["x"] for d in docs)


def test_single_file_is_self_contained_and_shares_the_fixes(site):
    page = SINGLE.read_text()
    assert '<html lang="en">' in page and '<main id="main">' in page
    assert 'href="src/' not in page, "a relative link to a script breaks once the file is shared"
    assert re.search(r'data-cites="[^"]+"><a\s+href="#ref-', page), "citations link to the list"
    assert 'class="xref"' in page and 'class="figure-number"' in page
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    missing = {h for h in re.findall(r'href="#([^"]+)"', page) if h not in ids}
    assert not missing, f"links to anchors that do not exist: {sorted(missing)[:10]}"


# ---- in the browser -------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    chromium, driver = browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.TemporaryDirectory(prefix="primer-chromium-")
    options.add_argument(f"--user-data-dir={profile.name}")
    d = webdriver.Chrome(service=Service(driver), options=options)
    d.set_script_timeout(180)
    yield d
    d.quit()
    profile.cleanup()


def show(d, url, width, scheme="light"):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844 if width < 600 else 900,
        "deviceScaleFactor": 1, "mobile": width < 600})
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    d.get(url)
    d.execute_script("return document.fonts && document.fonts.ready")


SURVEY_JS = """
const doc = document.scrollingElement, w = innerWidth;
const wide = [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.scroll-box, div.sourceCode, pre, table'))
  .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40));
return {
  scrollWidth: doc.scrollWidth, innerWidth: w, wide: wide,
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  images: [...document.querySelectorAll('img')].map(i => ({src: i.getAttribute('src'),
            alt: i.getAttribute('alt') || ''})),
  dark: getComputedStyle(document.body).backgroundColor,
  tallMath: [...document.querySelectorAll('span.scroll-box.math-inline')]
    .filter(e => e.scrollHeight > e.clientHeight + 1 &&
                 (/auto|scroll/.test(getComputedStyle(e).overflowY) ||
                  e.scrollHeight > 1.2 * e.clientHeight))
    .slice(0, 3).map(e => (e.textContent || '').slice(0, 40)),
};
"""


@pytest.fixture(scope="module")
def survey(site, browser):
    """Every page at both widths: what fits, what it links to, which ids it has."""
    out = {}
    for width in WIDTHS:
        for path in pages(site):
            show(browser, path.as_uri(), width)
            out[(path.name, width)] = browser.execute_script(SURVEY_JS)
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(survey, width):
    bad = {name: (s["scrollWidth"], s["wide"]) for (name, w), s in survey.items()
           if w == width and s["scrollWidth"] > s["innerWidth"]}
    assert all(s["innerWidth"] == width for (n, w), s in survey.items() if w == width)
    assert not bad, f"pages wider than {width} px: {bad}"


@pytest.mark.parametrize("width", WIDTHS)
def test_inline_math_fits_its_line_box(survey, width):
    """Inline math scrolls sideways on a phone when it must, but must not get a
    vertical scroll spinner when it is taller than its box, nor lose more than a
    glyph's invisible overhang (a few pixels: the gradient-step formulas' arrow
    and nabla come 4 px over a 31 px box and show whole)."""
    bad = {name: s["tallMath"] for (name, w), s in survey.items() if w == width and s["tallMath"]}
    assert not bad, bad


def test_every_internal_link_and_anchor_resolves(site, survey):
    ids = {name: set(s["ids"]) for (name, w), s in survey.items() if w == 1400}
    broken = []
    for (name, width), s in survey.items():
        if width != 1400:
            continue
        for href in s["links"]:
            if urlparse(href).scheme in ("http", "https", "mailto"):
                continue
            target, frag = urldefrag(href)
            target = unquote(target) or name
            if not (site / target).is_file():
                broken.append((name, href))
            elif frag and target.endswith(".html") and unquote(frag) not in ids.get(target, ()):
                broken.append((name, href))
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:10]}"


def test_every_image_has_alt_text(survey):
    images = [i for s in survey.values() for i in s["images"]]
    assert images, "no figures on the site"
    assert all(len(i["alt"]) > 20 for i in images), [i for i in images if len(i["alt"]) <= 20][:3]


def test_search_finds_a_phrase_from_the_text(site, browser):
    from selenium.webdriver.common.by import By
    show(browser, (site / "index.html").as_uri(), 1400)
    box = browser.find_element(By.ID, "search-input")
    box.click()
    box.send_keys("MurmurHash3 sign")
    deadline = time.monotonic() + 30
    links = []
    while time.monotonic() < deadline and not links:
        links = [a.get_attribute("href") for a in
                 browser.find_elements(By.CSS_SELECTOR, "#search-results a")]
        time.sleep(0.2)
    assert any("categorical-features.html#feature-hashing" in l for l in links[:5]), links[:5]


OVERLAP_JS = """
  const boxes = [...document.querySelectorAll('div.sourceCode, pre, figure, .scroll-box, table')]
    .map(e => e.getBoundingClientRect());
  const hit = [];
  for (const n of document.querySelectorAll('.sidenote')) {
    const r = n.getBoundingClientRect();
    if (r.width === 0) hit.push('hidden note');
    for (const b of boxes)
      if (r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom)
        hit.push(n.textContent.slice(0, 40));
  }
  return hit;"""


def test_margin_notes_never_cover_code_or_figures(site, browser):
    overlaps = []
    for path in pages(site):
        if 'class="sidenote"' not in path.read_text():
            continue
        show(browser, path.as_uri(), 1400)
        overlaps += browser.execute_script(OVERLAP_JS)
    assert not overlaps, overlaps


def test_margin_notes_open_on_a_phone(site, browser):
    from selenium.webdriver.common.by import By
    show(browser, (site / "experiment-tracking-and-versioning.html").as_uri(), 390)
    label = browser.find_element(By.CSS_SELECTOR, "label.sidenote-number")
    note = browser.find_element(By.CSS_SELECTOR, ".sidenote")
    assert not note.is_displayed()
    size = label.size
    assert size["width"] >= 24 and size["height"] >= 24, f"tap target {size}"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
    label.click()
    assert note.is_displayed()


def test_code_has_copy_buttons_and_dark_mode_follows_the_system(site, browser):
    from selenium.webdriver.common.by import By
    path = (site / "categorical-features.html").as_uri()
    show(browser, path, 1400, "dark")
    code = browser.find_elements(By.CSS_SELECTOR, "div.sourceCode")
    buttons = browser.find_elements(By.CSS_SELECTOR, ".copy-button")
    assert code and len(buttons) == len(code)
    dark = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    show(browser, path, 1400, "light")
    light = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert dark != light


def axe(browser):
    browser.execute_script(AXE.read_text())
    result = browser.execute_async_script("""
      const done = arguments[arguments.length - 1];
      axe.run(document, {resultTypes: ['violations']})
         .then(r => done(r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                          .map(v => [v.id, v.nodes.length, v.nodes[0].target.join(' ')])))
         .catch(e => done([['axe failed', 0, String(e)]]));""")
    return result


@pytest.fixture(scope="module")
def axe_ready():
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: `make html` installs it with npm ci")


@pytest.mark.parametrize("width, scheme", [(1400, "light"), (390, "dark")])
def test_no_serious_accessibility_violations(site, browser, axe_ready, width, scheme):
    found = {}
    for path in pages(site):
        show(browser, path.as_uri(), width, scheme)
        v = axe(browser)
        if v:
            found[path.name] = v
    assert not found, found


def test_single_file_fits_a_phone_and_passes_axe(site, browser, axe_ready):
    show(browser, SINGLE.as_uri(), 1400)
    s = browser.execute_script(SURVEY_JS)
    assert s["scrollWidth"] <= s["innerWidth"], s["wide"]
    assert not browser.execute_script(OVERLAP_JS), "a margin note covers code or a figure"
    show(browser, SINGLE.as_uri(), 390)
    s = browser.execute_script(SURVEY_JS)
    assert s["scrollWidth"] <= s["innerWidth"], s["wide"]
    assert not axe(browser)
