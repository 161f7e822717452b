// The HTML editions' small behaviours: the contents toggle on narrow screens,
// copy buttons on code, keyboard focus only for boxes that really scroll, and
// search (MiniSearch over build/site/assets/search-index.js, loaded on first use:
// a <script> tag, so it works from file:// as well as from a server).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function contentsToggle() {
    var button = document.querySelector(".nav-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) document.getElementById("search-input").focus();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && document.body.classList.contains("nav-open")) {
        document.body.classList.remove("nav-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copyButtons() {
    document.querySelectorAll("div.sourceCode").forEach(function (block) {
      var wrap = document.createElement("div");
      wrap.className = "code-block";
      block.parentNode.insertBefore(wrap, block);
      wrap.appendChild(block);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this code");
      button.addEventListener("click", function () {
        var code = block.querySelector("code");
        copyText(code ? code.innerText : block.innerText).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Select and copy";
        });
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      });
      wrap.insertBefore(button, block);
    });
  }

  // Boxes that scroll sideways are focusable so the keyboard can scroll them;
  // the others leave the tab order alone.
  function scrollFocus() {
    document.querySelectorAll(".scroll-box, div.sourceCode, main pre:not(.sourceCode)").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c];
    });
  }

  function snippet(text, terms) {
    var lower = text.toLowerCase(), at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) at = lower.indexOf(terms[i].toLowerCase());
    var start = Math.max(0, at - 60);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;   // at a word
    var cut = (start > 0 ? "… " : "") + text.slice(start, start + 180) + (text.length > start + 180 ? " …" : "");
    var html = escapeHtml(cut);
    terms.forEach(function (t) {
      if (t.length < 2) return;
      var re = new RegExp("(" + t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "ig");
      html = html.replace(re, "<mark>$1</mark>");
    });
    return html;
  }

  function search() {
    var input = document.getElementById("search-input");
    var out = document.getElementById("search-results");
    if (!input || !out || typeof MiniSearch === "undefined") {
      var box = document.querySelector(".search");
      if (box) box.hidden = true;
      return;
    }
    var engine = null, loading = false, pending = "";
    var base = document.querySelector('script[src$="web.js"]').getAttribute("src").replace(/web\.js$/, "");

    function load() {
      if (engine || loading) return;
      loading = true;
      var s = document.createElement("script");
      s.src = base + "search-index.js";
      s.onload = function () {
        engine = new MiniSearch({
          fields: ["t", "x"],
          storeFields: ["u", "t", "p", "x"],
          searchOptions: {boost: {t: 3}, prefix: true, fuzzy: 0.15, combineWith: "AND"}
        });
        engine.addAll(window.PRIMER_SEARCH || []);
        run(pending || input.value);
      };
      s.onerror = function () { out.innerHTML = "<p>The search index could not be loaded.</p>"; };
      document.head.appendChild(s);
    }

    function run(q) {
      pending = q;
      q = q.trim();
      if (!q) { out.innerHTML = ""; return; }
      if (!engine) { load(); out.innerHTML = "<p>Loading the index…</p>"; return; }
      var hits = engine.search(q).slice(0, 20);
      var terms = q.split(/\s+/);
      if (!hits.length) { out.innerHTML = "<p>Nothing found for “" + escapeHtml(q) + "”.</p>"; return; }
      out.innerHTML = "<p>" + hits.length + (hits.length === 20 ? "+" : "") + " results</p><ol>" + hits.map(function (h) {
        return '<li><a href="' + escapeHtml(h.u) + '">' + escapeHtml(h.t) +
          (h.p !== h.t ? '<span class="hit-page">in ' + escapeHtml(h.p) + "</span>" : "") +
          '<span class="hit-text">' + snippet(h.x, terms) + "</span></a></li>";
      }).join("") + "</ol>";
    }

    input.addEventListener("focus", load);
    input.addEventListener("input", function () { run(input.value); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        var first = out.querySelector("a");
        if (first) window.location.href = first.getAttribute("href");
      }
    });
  }

  // The sidebar scrolls on its own: bring the current page's entry into view.
  function showCurrent() {
    var bar = document.getElementById("sidebar");
    var here = bar && bar.querySelector('a[aria-current="page"]');
    if (here && bar.scrollHeight > bar.clientHeight) {
      bar.scrollTop = here.offsetTop - bar.clientHeight / 3;
    }
  }

  ready(function () {
    contentsToggle();
    showCurrent();
    copyButtons();
    scrollFocus();
    window.addEventListener("resize", scrollFocus);
    search();
  });
})();
