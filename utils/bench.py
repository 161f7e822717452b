"""Benchmarks for the toolchain: numbers, no assertions about speed.

One job: time our tangler against `emacs --batch` on primer.org (with their
ratio, where Emacs exists), a no-op `make`, a forced run of every script, and
the HTML and PDF exports.

The forced run is compared with the best any schedule could do on this
machine: bound = max(longest script's wall time, total CPU time of all scripts
/ cores), from the times each script recorded in build/run/NAME.json.  The goal
is a ratio (run wall / bound) within 1.3.  Timings taken while other work runs on
the machine are slower and noisier than these bounds assume; the load average
is printed with them.

    python utils/bench.py        (or: make bench)
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(cmd, cwd=ROOT, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if r.returncode != 0:
            raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed:\n{r.stderr[-2000:]}")
    return statistics.median(times)


def tangle_times() -> list[tuple[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for who in ("ours", "emacs"):
            d = Path(tmp) / who
            (d / "src").mkdir(parents=True)
            shutil.copy(ROOT / "primer.org", d)
        rows.append(("tangle primer.org, ours", timed([PY, str(ROOT / "utils" / "tangle.py"),
                                                        str(Path(tmp) / "ours" / "primer.org")])))
        emacs = shutil.which("emacs")
        if emacs:
            lisp = "(progn (require 'ob-tangle) (org-babel-tangle-file \"primer.org\"))"
            rows.append(("tangle primer.org, emacs --batch",
                         timed([emacs, "--batch", "-Q", "--eval", lisp], cwd=Path(tmp) / "emacs",
                               repeat=3)))
    return rows


def forced_run() -> list[str]:
    """Run every script again, as a cold `make` would; compare with the bound."""
    sys.path.insert(0, str(ROOT / "utils"))
    import layout
    import run
    load = os.getloadavg()[0]
    start = time.perf_counter()
    r = subprocess.run([PY, str(ROOT / "utils" / "run.py"), "--force", "--no-table"], cwd=ROOT,
                       capture_output=True, text=True)
    wall = time.perf_counter() - start
    metas = [json.loads((layout.RUN_DIR / f"{s.stem}.json").read_text()) for s in layout.scripts()]
    cores = run.cores()
    longest = max(metas, key=lambda m: m["wall"])
    cpu_total = sum(m["cpu"] for m in metas)
    bound = max(longest["wall"], cpu_total / cores)
    clock = [m for m in metas if m["name"] in set(run.clock_scripts())]
    lines = [
        f"forced run of {len(metas)} scripts: {wall:.1f} s wall on {cores} cores "
        f"(load average {load:.1f} before it{'; SOME SCRIPTS FAILED' if r.returncode else ''})",
        f"  longest script {longest['name']} {longest['wall']:.1f} s; total CPU "
        f"{cpu_total:.1f} s / {cores} cores = {cpu_total / cores:.1f} s; total wall "
        f"{sum(m['wall'] for m in metas):.1f} s",
        *(f"  {len(group)} clock-reading scripts ran {where}: "
          f"{sum(m['wall'] for m in group):.1f} s wall"
          for where, group in [(p, [m for m in clock if m.get("placement") == p])
                               for p in ("alone", "own core")] if group),
        f"  bound max(longest, CPU/cores) = {bound:.1f} s; run / bound = {wall / bound:.2f} "
        f"(goal <= 1.3)",
    ]
    slow = [m for m in metas if m["wall"] > run.TARGET_WALL]
    lines.append(f"  scripts over the {run.TARGET_WALL:.0f} s target: "
                 + (", ".join(f"{m['name']} ({m['wall']:.1f} s)" for m in slow) or "none"))
    return lines


def main() -> int:
    run_lines = forced_run()
    rows = tangle_times()
    subprocess.run(["make", "--no-print-directory"], cwd=ROOT, capture_output=True)  # warm
    rows.append(("no-op make (everything up to date)", timed(["make", "--no-print-directory"])))
    # html: the site and primer.html, each a pandoc run and a finishing step (web.py)
    stamps = {"html": ["site.sha256", "site-raw.sha256", "primer.html.sha256",
                       "primer.html-raw.sha256"], "pdf": ["primer.pdf.sha256"]}
    for what in ("html", "pdf"):
        def fresh_export():
            for name in stamps[what]:
                (ROOT / "build" / name).unlink(missing_ok=True)
            return [PY, str(ROOT / "utils" / "export.py"), what]
        times = []
        for _ in range(3):
            cmd = fresh_export()
            start = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        label = "the site and primer.html" if what == "html" else "primer.pdf"
        rows.append((f"export {label} (forced)", statistics.median(times)))
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  median s")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.3f}")
    names = dict(rows)
    if "tangle primer.org, emacs --batch" in names:
        ratio = names["tangle primer.org, emacs --batch"] / names["tangle primer.org, ours"]
        print(f"emacs / ours tangle time: {ratio:.1f}x")
    print("\n".join(run_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
