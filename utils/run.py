"""Run the primer's scripts, each in its own process, and record what they did.

One job: src/*.py -> build/run/NAME.{out,err,json} and the figures the scripts
write to img/.  Each script runs from a fresh empty working directory, with the
network off, under a time limit.  A script re-runs only when it, a data file it
declares (a line ``# data-file: path/from/repo/root``), requirements.txt or one
of its figures changed or went missing, so a second ``make`` runs nothing.
At the end it prints a table of wall time and peak memory (also written to
build/run-times.txt); a failing script fails the run and shows its last lines.

    python utils/run.py                 # everything that is out of date
    python utils/run.py NAME ...        # only these scripts (stem or path)
    python utils/run.py --force         # re-run even when up to date
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layout  # noqa: E402

ROOT, SRC, RUN_DIR = layout.ROOT, layout.SRC, layout.RUN_DIR
OFFLINE = Path(__file__).resolve().parent / "offline"
DEFAULT_TIMEOUT = 30.0
TAIL = 20


@dataclass
class Result:
    name: str
    status: str            # ran, cached, failed, timeout
    wall: float            # seconds
    peak_mb: float
    figures: list


def data_files(script: Path) -> list[Path]:
    out = []
    for line in script.read_text(encoding="utf-8").splitlines():
        if line.startswith("# data-file:"):
            out.append(ROOT / line.split(":", 1)[1].strip())
    return out


def figures_of(script: Path) -> list[str]:
    """Figures belong to the script whose name they start with: img/CHAPTER/NAME*.png."""
    return [layout.rel(p) for p in layout.figures(script)]


def fingerprint(script: Path) -> str:
    h = hashlib.sha256()
    h.update(sys.version.encode())
    for p in [script, ROOT / "requirements.txt", *data_files(script)]:
        # relative to the checkout, so that a moved or second checkout reuses its build
        h.update((p.relative_to(ROOT) if p.is_relative_to(ROOT) else p).as_posix().encode())
        h.update(p.read_bytes() if p.is_file() else b"<missing>")
    return h.hexdigest()


def up_to_date(script: Path) -> dict | None:
    meta_path = RUN_DIR / f"{script.stem}.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("fingerprint") != fingerprint(script) or meta.get("status") != "ran":
        return None
    if any(not (ROOT / f).is_file() for f in meta.get("figures", [])):
        return None
    if not (RUN_DIR / f"{script.stem}.out").is_file():
        return None
    return meta


_SANDBOX: list[str] | None = None


def sandbox() -> list[str]:
    """`unshare -rn` (a private network namespace: no network at all) where the
    kernel allows it; the socket guard in utils/offline works everywhere."""
    global _SANDBOX
    if _SANDBOX is None:
        _SANDBOX = []
        if shutil.which("unshare"):
            try:
                ok = subprocess.run(["unshare", "-rn", "true"], capture_output=True,
                                    timeout=10).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            _SANDBOX = ["unshare", "-rn"] if ok else []
    return _SANDBOX


def child_env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "MAKE", "MFLAGS"))}
    env.update(PYTHONPATH=str(OFFLINE), PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="Agg", HF_HUB_OFFLINE="1", NO_PROXY="*",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    return env


def command(script: Path) -> list[str]:
    return [*sandbox(), sys.executable, str(script)]


def run_one(script: Path, timeout: float, log) -> Result:
    name = script.stem
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    out_path, err_path = RUN_DIR / f"{name}.out", RUN_DIR / f"{name}.err"
    cwd = tempfile.mkdtemp(prefix=f"primer-{name}-")
    start = time.monotonic()
    status, rusage = "ran", None
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(command(script), cwd=cwd,
                                    stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    env=child_env(), start_new_session=True)
            next_note = 10.0
            while True:
                pid, wstatus, rusage = os.wait4(proc.pid, os.WNOHANG)
                elapsed = time.monotonic() - start
                if pid:
                    code = os.waitstatus_to_exitcode(wstatus)
                    proc.returncode = code
                    status = "ran" if code == 0 else "failed"
                    break
                if elapsed > timeout:
                    os.killpg(proc.pid, signal.SIGKILL)
                    _, wstatus, rusage = os.wait4(proc.pid, 0)
                    proc.returncode = -9
                    status = "timeout"
                    break
                if elapsed > next_note:
                    log(f"      … {name} still running ({elapsed:.0f} s)")
                    next_note += 10.0
                time.sleep(0.02)
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    wall = time.monotonic() - start
    peak = rusage.ru_maxrss / 1024 if rusage else float("nan")
    figs = figures_of(script)
    meta = dict(name=name, status=status, wall=round(wall, 3), peak_mb=round(peak, 1),
                figures=figs, fingerprint=fingerprint(script), timeout=timeout)
    (RUN_DIR / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    return Result(name, status, wall, peak, figs)


def tail(path: Path, n: int = TAIL) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join("    " + l for l in lines[-n:])


def table(results: list[Result]) -> str:
    rows = [f"{'script':<34} {'status':<8} {'wall s':>7} {'peak MB':>8}"]
    rows.append("-" * len(rows[0]))
    for r in results:
        rows.append(f"{r.name:<34} {r.status:<8} {r.wall:>7.2f} {r.peak_mb:>8.0f}")
    total = sum(r.wall for r in results)
    rows.append("-" * len(rows[0]))
    rows.append(f"{'total (' + str(len(results)) + ' scripts)':<34} {'':<8} {total:>7.2f}")
    return "\n".join(rows)


def select(names: list[str]) -> list[Path]:
    try:
        scripts = layout.scripts()
    except layout.LayoutError as err:
        raise SystemExit(f"run: {err}") from None
    if not names:
        return scripts
    chosen = []
    for n in names:
        match = layout.find(n)
        if match is None:
            raise SystemExit(f"run: no script {Path(n).stem}.py under src/ (have: "
                             f"{', '.join(s.stem for s in scripts) or 'none'})")
        chosen.append(match)
    return chosen


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="scripts to run (default: all in src/)")
    ap.add_argument("--force", action="store_true", help="re-run even when up to date")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="scripts run at once")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per script")
    ap.add_argument("--no-table", action="store_true",
                    help="do not print the time/memory table (make prints it at the end)")
    a = ap.parse_args(argv)
    scripts = select(a.names)
    lock = threading.Lock()

    def log(msg):
        with lock:
            print(msg, flush=True)

    todo, results = [], {}
    for s in scripts:
        meta = None if a.force else up_to_date(s)
        if meta:
            results[s.stem] = Result(s.stem, "cached", meta["wall"], meta["peak_mb"],
                                     meta["figures"])
        else:
            todo.append(s)
    if not todo:
        log(f"run: all {len(scripts)} script(s) up to date")
    done = [0]

    def work(s: Path) -> Result:
        log(f"run: {s.relative_to(ROOT)} …")
        r = run_one(s, a.timeout, log)
        with lock:
            done[0] += 1
            print(f"[{done[0]}/{len(todo)}] {r.name}: {r.status} in {r.wall:.1f} s, "
                  f"peak {r.peak_mb:.0f} MB", flush=True)
        return r

    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for r in pool.map(work, todo):
            results[r.name] = r
    ordered = [results[s.stem] for s in scripts]
    report = table(ordered)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    if not a.names:
        (ROOT / "build" / "run-times.txt").write_text(report + "\n")
    if todo and not a.no_table:
        print(report)
    failed = [r for r in ordered if r.status in ("failed", "timeout")]
    for r in failed:
        why = "exceeded its time limit" if r.status == "timeout" else "failed"
        print(f"\nrun: {layout.rel(layout.find(r.name))} {why} ({r.wall:.1f} s); last lines of "
              f"build/run/{r.name}.err:\n{tail(RUN_DIR / f'{r.name}.err')}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
