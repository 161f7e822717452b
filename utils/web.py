"""The HTML editions: a site of one page per section, and primer.html in one file.

One job: turn build/primer.export.org into HTML readers use.  pandoc does the
splitting (``-t chunkedhtml --split-level=2``: a page per section, internal links
and citations rewritten to the page that holds their target), with
``styles/template.html``, ``styles/html.lua`` (margin notes, heading links,
figure numbers, scroll boxes) and ``styles/web.css``/``web.js``.  Afterwards each
page gets what needs the whole book: the sidebar contents with the current page
marked, an on-this-page list, heading permalinks, image sizes, a reference's text
on hover over its citation; the site also gets a search index (MiniSearch, from
npm), the scripts and the figures.

The site is build/site/ (open build/site/index.html; it works from file://, no
server).  primer.html stays one self-contained file for offline reading (figures
embedded, stylesheet and script inlined, no search).  Each edition is rebuilt
only when one of its inputs changed: pandoc only when the text, filters, template
or figures did (the two pandoc runs go in parallel), the finishing step (about a
second) when the stylesheet, script or a script file did.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import re
import shutil
import struct
import sys
import threading
import time
from pathlib import Path

import export
import layout

ROOT = export.ROOT
STYLES = export.STYLES
SITE = export.BUILD / "site"
RAW = export.BUILD / "site-raw"            # what pandoc wrote, before post-processing
SINGLE = ROOT / "primer.html"
SINGLE_RAW = export.BUILD / "primer-raw.html"   # pandoc's primer.html, before finishing
NODE = Path(__file__).resolve().parent / "node_modules"
MINISEARCH = NODE / "minisearch" / "dist" / "umd" / "index.js"
TEMPLATE = STYLES / "template.html"
CSS, JS = STYLES / "web.css", STYLES / "web.js"
FILTERS = [STYLES / "alt.lua", STYLES / "html.lua"]

HEADING_RE = re.compile(r'<h([1-4])([^>]*?\bid="([^"]+)"[^>]*)>(.*?)</h\1>', re.S)
TAG_RE = re.compile(r"<[^>]+>")
INLINE_TAG_RE = re.compile(r"</?(?:span|a|code|em|strong|sup|sub|mark|label)\b[^>]*>")
IMG_RE = re.compile(r'<img\s+src="(img/[^"]+\.png)"')
CITE_RE = re.compile(r'<a\s+href="([^"]*#ref-([^"]+))"')
ENTRY_RE = re.compile(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>\s*</div>', re.S)


def common_args() -> list[str]:
    return ["--mathml", "--syntax-highlighting=default", f"--template={TEMPLATE}",
            "-M", "lang=en", "-M", "link-citations=true", "-M", "document-css=false",
            *(f"--lua-filter={f}" for f in FILTERS)]


def text_of(fragment: str, sep: str = " ") -> str:
    """Plain text of some HTML; SEP stands for each tag (a space keeps blocks apart)."""
    fragment = re.sub(r"<math.*?</math>", " ", fragment, flags=re.S)
    fragment = re.sub(r'<span class="(?:visually-hidden|sidenote-mark)">.*?</span>|'
                      r"<label\b.*?</label>", "", fragment, flags=re.S)
    fragment = INLINE_TAG_RE.sub("", fragment)        # inside words and code lines
    return re.sub(r"\s+", " ", htmllib.unescape(TAG_RE.sub(sep, fragment))).strip()


def attr(text: str) -> str:
    return htmllib.escape(text, quote=True)


def png_size(path: Path) -> tuple[int, int] | None:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


# ---- post-processing shared by both editions ---------------------------------------

def permalinks(page: str) -> str:
    def add(m):
        level, attrs, ident, inner = m.groups()
        if ident == "toc-title":
            return m.group(0)
        return (f'<h{level}{attrs}>{inner}<a class="permalink" href="#{ident}" '
                f'aria-label="Link to “{attr(text_of(inner))}”">#</a></h{level}>')
    return HEADING_RE.sub(add, page)


def scroll_regions(page: str) -> str:
    """Code and program output scroll sideways in their own box, reachable by keyboard."""
    page = re.sub(r'<div class="sourceCode" id="(cb\d+)"',
                  r'<div class="sourceCode" id="\1" tabindex="0" role="group" aria-label="Code"',
                  page)
    return page.replace('<pre>', '<pre tabindex="0" aria-label="Program output">')


def cite_titles(page: str, entries: dict[str, str]) -> str:
    def add(m):
        text = entries.get(m.group(2))
        return m.group(0) + (f' title="{attr(text)}"' if text else "")
    return CITE_RE.sub(add, page)


def reference_entries(page: str) -> dict[str, str]:
    return {k: re.sub(r"^\[\d+\]\s*", "", text_of(v, "")) for k, v in ENTRY_RE.findall(page)}


def polish(page: str, entries: dict[str, str]) -> str:
    return cite_titles(scroll_regions(permalinks(page)), entries)


# ---- the site ----------------------------------------------------------------------

def sidebar(tree: dict, current: str) -> str:
    """The book's contents as nested lists; the current page is marked and lists its
    subsections (the on-this-page contents)."""
    def items(node, depth):
        out = []
        for sub in node["subsections"]:
            s = sub["section"]
            page, _, _ = s["path"].partition("#")
            level = int(s["level"])
            if level > 2:
                continue
            here = page == current
            link = (f'<a href="{attr(page)}"' + (' aria-current="page"' if here else "")
                    + f">{htmllib.escape(s['title'])}</a>")
            inner = items(sub, depth + 1) if level < 2 else (on_page(sub) if here else "")
            out.append(f'<li class="toc-l{level}">{link}{inner}</li>')
        return f'<ol class="toc-list">{"".join(out)}</ol>' if out else ""
    return items(tree, 1)


def on_page(node: dict, cls: str = "toc-onpage") -> str:
    subs = [s["section"] for s in node["subsections"]]
    if not subs:
        return ""
    return (f'<ol class="{cls}">' + "".join(
        f'<li><a href="{attr(s["path"])}">{htmllib.escape(s["title"])}</a></li>'
        for s in subs) + "</ol>")


def pages_of(tree: dict) -> dict[str, dict]:
    """Each page's file name -> its sitemap node (chapters and sections)."""
    out = {tree["section"]["path"]: tree}
    for sub in tree["subsections"]:
        s = sub["section"]
        if int(s["level"]) <= 2:
            out[s["path"].partition("#")[0]] = sub
            out.update({k: v for k, v in pages_of(sub).items() if k != s["path"]})
    return out


def search_docs(name: str, title: str, main: str) -> list[dict]:
    """One search document per heading of the page, with the text up to the next one."""
    cuts = [(m.start(), m.group(3), text_of(m.group(4))) for m in HEADING_RE.finditer(main)]
    docs = []
    for i, (start, ident, head) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(main)
        body = main[start:end]
        body = re.sub(r'<aside class="onthispage".*?</aside>', " ", body, flags=re.S)
        body = re.sub(r'<a class="permalink".*?</a>', "", body, flags=re.S)
        text = text_of(HEADING_RE.sub(" ", body, count=1))
        head = re.sub(r"\s*#$", "", head)          # the permalink
        docs.append({"id": len(docs), "u": f"{name}#{ident}", "t": head, "p": title,
                     "x": text})
    return docs


def build_site(raw: Path, site: Path) -> int:
    tree = json.loads((raw / "sitemap.json").read_text(encoding="utf-8"))
    pages = pages_of(tree)
    refs_page = next((p for p in raw.glob("*.html")
                      if 'id="refs"' in p.read_text(encoding="utf-8")), None)
    entries = reference_entries(refs_page.read_text(encoding="utf-8")) if refs_page else {}
    wanted: dict[Path, bytes] = {}
    docs = []
    for path in sorted(raw.glob("*.html")):
        page = path.read_text(encoding="utf-8")
        node = pages.get(path.name)
        page = page.replace("<!--SIDEBAR-->", sidebar(tree, path.name))
        here = on_page(node, "onthispage-list") if node and path.name != "index.html" else ""
        box = (f'<aside class="onthispage" aria-label="On this page"><details><summary>'
               f"On this page</summary>{here}</details></aside>") if here else ""
        page = page.replace("<!--ONTHISPAGE-->", "")
        page = polish(page, entries)
        if box:      # right under the page's heading
            page = re.sub(r"(<h[12][^>]*\bid=[^>]*>.*?</h[12]>)", lambda m: m.group(1) + box,
                          page, count=1, flags=re.S)

        def sized(m):
            p = raw / m.group(1)
            wh = png_size(p) if p.is_file() else None
            size = f' width="{wh[0]}" height="{wh[1]}"' if wh else ""
            return f'<img loading="lazy" decoding="async"{size} src="{m.group(1)}"'
        page = IMG_RE.sub(sized, page)
        main = page.split('<main id="main">', 1)[-1].split('<nav class="pagenav"', 1)[0]
        title = node["section"]["title"] if node else path.stem
        docs += [dict(d, id=len(docs) + i) for i, d in
                 enumerate(search_docs(path.name, title, main))]
        wanted[site / path.name] = page.encode("utf-8")
    index = "window.PRIMER_SEARCH = " + json.dumps(docs, ensure_ascii=False,
                                                   separators=(",", ":")) + ";\n"
    wanted[site / "assets" / "search-index.js"] = index.encode("utf-8")
    for src, dst in [(CSS, "assets/web.css"), (JS, "assets/web.js"),
                     (MINISEARCH, "assets/minisearch.js")]:
        wanted[site / dst] = src.read_bytes()
    for img in sorted((raw / "img").rglob("*")):
        if img.is_file():
            wanted[site / img.relative_to(raw)] = img.read_bytes()
    for script in layout.scripts():
        wanted[site / layout.rel(script)] = script.read_bytes()
    changed = 0
    for path, data in wanted.items():
        if not (path.is_file() and path.read_bytes() == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed += 1
    for path in sorted(site.rglob("*"), reverse=True):       # files no longer produced
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


# ---- the two exports ---------------------------------------------------------------

def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
    return h.hexdigest()


def stamp_ok(stamp: Path, key: str) -> bool:
    return stamp.is_file() and stamp.read_text() == key


def site_pandoc() -> None:
    tmp = export.BUILD / "site-raw-tmp"     # no suffix: pandoc would write a zip
    shutil.rmtree(tmp, ignore_errors=True)
    export.run_pandoc(["-t", "chunkedhtml", "--split-level=2", "--chunk-template=%i.html",
                       "--toc", "--toc-depth=2", "-V", "site=true",
                       "--css=assets/web.css", "-V", "script=assets/minisearch.js",
                       "-V", "script=assets/web.js", *common_args(), "-o", str(tmp)])
    shutil.rmtree(RAW, ignore_errors=True)
    tmp.rename(RAW)


def single_pandoc() -> None:
    """primer.html without its stylesheet and script, which build_single inlines."""
    tmp = SINGLE_RAW.with_suffix(".tmp.html")
    export.run_pandoc(["-t", "html5", "--standalone", "--embed-resources", "--toc",
                       "--toc-depth=2", *common_args(), "-o", str(tmp)])
    tmp.replace(SINGLE_RAW)


def build_single(raw: Path, out: Path) -> int:
    page = raw.read_text(encoding="utf-8")
    inline = (f"<style>\n{CSS.read_text(encoding='utf-8')}</style>\n"
              f"<script>\n{JS.read_text(encoding='utf-8')}</script>\n</head>")
    page = polish(page.replace("</head>", inline, 1), reference_entries(page))
    return int(export.write_if_changed(out, page))


def html() -> Path:
    """Bring both editions up to date: pandoc where the text, filters or figures
    changed (the two runs in parallel), then the fast finishing step where that or
    the stylesheet, script or scripts changed."""
    if not MINISEARCH.is_file():
        raise SystemExit(f"export: {MINISEARCH.relative_to(ROOT)} is missing: run `make html` "
                         "(it installs utils/package-lock.json with npm ci)")
    raw_key = export.fingerprint([TEMPLATE, *FILTERS, Path(__file__)])
    scripts = layout.scripts()
    editions = [  # name, pandoc output, pandoc, finishing step, output, its inputs' key
        ("build/site/", RAW / "sitemap.json", site_pandoc,
         lambda: build_site(RAW, SITE), SITE / "index.html",
         digest(raw_key, *(p.read_bytes() for p in [CSS, JS, MINISEARCH, *scripts]),
                *(layout.rel(p) for p in scripts))),
        ("primer.html", SINGLE_RAW, single_pandoc, lambda: build_single(SINGLE_RAW, SINGLE),
         SINGLE, digest(raw_key, CSS.read_bytes(), JS.read_bytes())),
    ]
    stale, threads, errors = [], [], []
    for name, raw, run, finish, out, key in editions:
        stem = Path(name).name                 # site, primer.html
        stamp, raw_stamp = export.BUILD / f"{stem}.sha256", export.BUILD / f"{stem}-raw.sha256"
        if stamp_ok(stamp, key) and out.is_file():
            print(f"export: {name} is up to date")
            continue
        stale.append((name, finish, out, stamp, key))
        if stamp_ok(raw_stamp, raw_key) and raw.is_file():
            continue

        def pandoc_job(run=run, raw_stamp=raw_stamp, name=name):
            t = time.monotonic()
            try:
                run()
            except BaseException as err:       # SystemExit from run_pandoc included
                errors.append(err)
                return
            raw_stamp.write_text(raw_key)
            print(f"export: pandoc for {name} in {time.monotonic() - t:.1f} s", flush=True)
        threads.append(threading.Thread(target=pandoc_job))
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for e in errors[1:]:
        print(e, file=sys.stderr)
    if errors:
        raise errors[0]
    for name, finish, out, stamp, key in stale:
        t = time.monotonic()
        changed = finish()
        stamp.write_text(key)
        print(f"export: wrote {name} ({changed} file(s) changed) in {time.monotonic() - t:.1f} s")
    if stale:
        print(f"export: open {SITE.relative_to(ROOT)}/index.html, or {SINGLE.name} "
              f"({SINGLE.stat().st_size / 1e6:.1f} MB, self-contained)")
    return SINGLE
