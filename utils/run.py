"""Run the primer's scripts, each contained in its own sandbox, and record what they did.

One job: src/*.py -> build/run/NAME.{out,err,json} and the figures the scripts
write to img/.  Each script runs from a fresh empty working directory, in a
sandbox (utils/sandbox.py: bubblewrap where available) that lets it write only
there and to its chapter's img/ folder, reach no host but itself, and takes its
whole process tree down with it; under a CPU-time budget, a generous wall-time
limit and a memory limit on the whole tree.  A script re-runs only when it, a
data file it declares (a line ``# data-file: path/from/repo/root``),
requirements.txt or one of its figures changed or went missing, so a second
``make`` runs nothing.

Scripts run in parallel (one per core by default), longest first by their last
recorded wall time.  A script that reads a clock gets cores nobody else uses, so
that its timings stay clean: one that starts processes or threads of its own (a
server and its client, distributed ranks) runs alone with every core; any other
runs on a core of its own, with one thread, while the scripts that read no clock
share the remaining cores.  At the end it prints a table of wall
time, CPU time and peak memory (also written to build/run-times.txt); a failing
script fails the run and shows its last lines.

    python utils/run.py                 # everything that is out of date
    python utils/run.py NAME ...        # only these scripts (stem or path)
    python utils/run.py --force         # re-run even when up to date
    python utils/run.py --jobs 1        # one script at a time
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layout  # noqa: E402
import sandbox  # noqa: E402

ROOT, SRC, RUN_DIR = layout.ROOT, layout.SRC, layout.RUN_DIR
CPU_LIMIT = 60.0        # s of CPU time, the script's whole tree: "30 s on two cores"
WALL_LIMIT = 120.0      # s: catches a hang; generous, so a busy machine does not fail a healthy script
MEM_LIMIT_MB = 4096     # summed resident memory of the whole tree
TARGET_WALL = 30.0      # s: what a script should take alone on two cores (make bench reports it)
TICK = 0.05             # s between two looks at the running scripts
TAIL = 20
FAILED = ("failed", "timeout", "memory")
RECORD_KEYS = {"status", "wall", "cpu", "peak_mb", "figures"}
CLOCK = re.compile(r"\btime\.(perf_counter|process_time|time|monotonic)\b")
# Signs that a script keeps more than one core busy by design.
MANY_CORES = re.compile(r"\b(multiprocessing|subprocess|uvicorn|torch\.distributed)\b"
                        r"|\bn_jobs\s*=\s*(-1|[2-9])")


@dataclass
class Result:
    name: str
    status: str            # ran, cached, failed, timeout, memory
    wall: float            # seconds
    peak_mb: float
    figures: list
    cpu: float = float("nan")     # seconds, the whole process tree
    why: str = ""
    start: float = 0.0            # time.monotonic() at launch and at the end (tests check overlaps)
    end: float = 0.0


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def reads_clock(script: Path) -> bool:
    """Does the script's printed output depend on a clock?  Such a script gets cores
    nobody else uses (see run_all)."""
    return bool(CLOCK.search(script.read_text(encoding="utf-8")))


def needs_every_core(script: Path) -> bool:
    """Does the script start processes or workers of its own?  A clock reader that
    does runs alone; one that does not gets a single core to itself."""
    return bool(MANY_CORES.search(script.read_text(encoding="utf-8")))


def clock_scripts(src: Path = SRC) -> list[str]:
    """Scripts whose printed numbers depend on a clock."""
    return sorted(p.stem for p in layout.scripts(src) if reads_clock(p))


def data_files(script: Path) -> list[Path]:
    out = []
    for line in script.read_text(encoding="utf-8").splitlines():
        if line.startswith("# data-file:"):
            out.append(ROOT / line.split(":", 1)[1].strip())
    return out


def figures_of(script: Path) -> list[str]:
    """Figures belong to the script whose name they start with: img/CHAPTER/NAME*.png."""
    return [layout.rel(p) for p in layout.figures(script)] if in_book(script) else []


def in_book(script: Path) -> bool:
    return script.resolve().is_relative_to(layout.SRC.resolve())


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
    if not RECORD_KEYS <= set(meta):       # recorded by an older runner (no CPU time): redo
        return None
    if any(not (ROOT / f).is_file() for f in meta.get("figures", [])):
        return None
    if not (RUN_DIR / f"{script.stem}.out").is_file():
        return None
    return meta


def last_wall(script: Path) -> float:
    """The wall time recorded at the script's last run (inf if never run: start those first)."""
    try:
        return float(json.loads((RUN_DIR / f"{script.stem}.json").read_text())["wall"])
    except (OSError, ValueError, KeyError, TypeError):
        return float("inf")


@dataclass
class Limits:
    cpu: float = CPU_LIMIT
    wall: float = WALL_LIMIT
    mem_mb: float = MEM_LIMIT_MB


@dataclass
class Job:
    """One script running in its sandbox, watched every tick."""
    script: Path
    limits: Limits
    threads: int | None
    cpus: frozenset | None = None      # the cores it may use (None: any)
    placement: str = "shared"          # shared, own core, alone
    area: sandbox.Area = None
    proc: subprocess.Popen = None
    pid: int = 0
    start: float = 0.0
    end: float = 0.0
    tree: sandbox.Tree = None
    status: str = ""
    why: str = ""
    rusage: object = None
    next_note: float = 10.0
    files: list = field(default_factory=list)

    def launch(self) -> None:
        name = self.script.stem
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.area = sandbox.Area.make(name)
        writable = []
        if in_book(self.script):
            writable.append(layout.figure_dir(self.script))
            writable[0].mkdir(parents=True, exist_ok=True)
        out = open(RUN_DIR / f"{name}.out", "wb")
        err = open(RUN_DIR / f"{name}.err", "wb")
        self.files = [out, err]
        self.start = time.monotonic()
        cmd = sandbox.command(self.script.resolve(), self.area, writable, sys.executable)
        cpus = self.cpus
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        self.proc = subprocess.Popen(cmd, cwd=self.area.cwd, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=err, start_new_session=True,
                                     env=sandbox.environment(self.area, self.threads),
                                     preexec_fn=pin)
        self.pid = self.proc.pid
        self.tree = sandbox.Tree(self.pid)

    def poll(self, log) -> bool:
        """Look once; True when the script is over (exited, or killed at a limit)."""
        pid, wstatus, rusage = os.wait4(self.pid, os.WNOHANG)
        if pid:
            self.end = time.monotonic()
            self.rusage = rusage
            code = self.proc.returncode = os.waitstatus_to_exitcode(wstatus)
            self.status = self.status or ("ran" if code == 0 else "failed")
            if code != 0 and not self.why:
                self.why = f"exit status {code}"
            return True
        self.tree.update()
        elapsed = time.monotonic() - self.start
        mb = self.tree.rss / 2**20
        if mb > self.limits.mem_mb:
            self.stop("memory", f"its processes used {mb:.0f} MB of memory, over the "
                                f"{self.limits.mem_mb:.0f} MB limit")
        elif self.tree.cpu > self.limits.cpu:
            self.stop("timeout", f"its processes used {self.tree.cpu:.0f} s of CPU time, over "
                                 f"the {self.limits.cpu:.0f} s budget")
        elif elapsed > self.limits.wall:
            self.stop("timeout", f"it ran {elapsed:.0f} s of wall time, over the "
                                 f"{self.limits.wall:.0f} s limit")
        elif elapsed > self.next_note:
            log(f"      … {self.script.stem} still running ({elapsed:.0f} s, "
                f"CPU {self.tree.cpu:.0f} s, {mb:.0f} MB)")
            self.next_note += 10.0
        return False

    def stop(self, status: str, why: str) -> None:
        self.status, self.why = status, why
        self.tree.kill()

    def finish(self) -> Result:
        """Make sure nothing of the script survives, then record it."""
        self.tree.kill()
        if self.rusage is None:        # stopped before we saw it exit: reap it
            try:
                _, _, self.rusage = os.wait4(self.pid, 0)
                self.end = self.end or time.monotonic()
            except ChildProcessError:
                pass
        for f in self.files:
            f.close()
        self.area.remove()
        name = self.script.stem
        wall = (self.end or time.monotonic()) - self.start
        cpu = self.tree.cpu
        peak = self.tree.peak_rss / 2**20
        if self.rusage is not None:
            cpu = max(cpu, self.rusage.ru_utime + self.rusage.ru_stime)
            peak = max(peak, self.rusage.ru_maxrss / 1024)
        if self.status in ("timeout", "memory"):
            with open(RUN_DIR / f"{name}.err", "a", encoding="utf-8") as err:
                err.write(f"\nrun: stopped: {self.why}\n")
        figs = figures_of(self.script)
        meta = dict(name=name, status=self.status, wall=round(wall, 3), cpu=round(cpu, 3),
                    peak_mb=round(peak, 1), figures=figs, fingerprint=fingerprint(self.script),
                    threads=self.threads, placement=self.placement,
                    cpus=sorted(self.cpus) if self.cpus else None,
                    cpu_limit=self.limits.cpu, wall_limit=self.limits.wall,
                    mem_limit_mb=self.limits.mem_mb,
                    sandbox="bwrap" if sandbox.isolated() else "socket guard only")
        (RUN_DIR / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
        return Result(name, self.status, wall, peak, figs, cpu, self.why, self.start,
                      self.start + wall)


_NOTICED = [False]


def notice_weakness(log) -> None:
    """Say once per run, in plain words, when full isolation is not available."""
    if not _NOTICED[0]:
        _NOTICED[0] = True
        weak = sandbox.weakness()
        if weak:
            log(weak)


def run_all(scripts: list[Path], jobs: int, limits: Limits, log, on_done=None) -> list[Result]:
    """Run these scripts, JOBS at a time, longest first, keeping clock readers clean:

    1. clock readers that use several cores, each alone with every core;
    2. the other clock readers one at a time on a core of their own (the last one
       this process may use), with one thread, while the scripts that read no
       clock run on the other cores, one thread each;
    3. the rest of those, on every core, cores/JOBS threads each.

    With one core or one job everything simply runs in turn."""
    notice_weakness(log)
    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    n = cores()
    jobs = max(1, jobs)
    split = jobs > 1 and len(allowed) > 1
    by_wall = lambda group: sorted(group, key=last_wall, reverse=True)  # noqa: E731
    clock = [s for s in scripts if reads_clock(s)]
    alone = by_wall(s for s in clock if needs_every_core(s) or not split)
    own = by_wall(s for s in clock if s not in alone)
    rest = by_wall(s for s in scripts if not reads_clock(s))
    own_core = frozenset(allowed[-1:]) if split else None
    others = frozenset(allowed[:-1]) if split else None
    running: list[Job] = []
    results = []

    def start(s: Path, placement: str, threads: int, cpus=None) -> None:
        job = Job(s, limits, threads, cpus=cpus, placement=placement)
        note = {"alone": " (alone: reads a clock)", "own core": " (own core: reads a clock)"}
        log(f"run: {layout.rel(s) if in_book(s) else s} …" +
            (note.get(placement, "") if jobs > 1 else ""))
        job.launch()
        running.append(job)

    try:
        while alone or own or rest or running:
            if alone or any(j.placement == "alone" for j in running):      # phase 1
                if alone and not running:
                    start(alone.pop(0), "alone", n)
            elif own or any(j.placement == "own core" for j in running):   # phase 2
                if own and not any(j.placement == "own core" for j in running):
                    start(own.pop(0), "own core", 1, own_core)
                while rest and sum(j.placement == "shared" for j in running) < min(
                        jobs - 1, len(others)):
                    start(rest.pop(0), "shared", 1, others)
            else:                                       # phase 3
                while rest and len(running) < jobs:
                    start(rest.pop(0), "shared", n if jobs == 1 else max(1, n // jobs))
            time.sleep(TICK)
            for job in list(running):
                if job.poll(log):
                    running.remove(job)
                    r = job.finish()
                    results.append(r)
                    if on_done:
                        on_done(r)
    finally:
        for job in running:             # interrupted: leave nothing behind
            job.stop("failed", "the runner was interrupted")
            job.finish()
    return results


def run_one(script: Path, log=print, limits: Limits | None = None, threads: int | None = None) -> Result:
    """Run one script alone (as the tests do)."""
    notice_weakness(log)
    job = Job(script, limits or Limits(), threads or cores())
    job.launch()
    while not job.poll(log):
        time.sleep(TICK)
    return job.finish()


def tail(path: Path, n: int = TAIL) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join("    " + l for l in lines[-n:])


def table(results: list[Result]) -> str:
    rows = [f"{'script':<34} {'status':<8} {'wall s':>7} {'cpu s':>7} {'peak MB':>8}"]
    rows.append("-" * len(rows[0]))
    for r in results:
        rows.append(f"{r.name:<34} {r.status:<8} {r.wall:>7.2f} {r.cpu:>7.2f} {r.peak_mb:>8.0f}")
    rows.append("-" * len(rows[0]))
    rows.append(f"{'total (' + str(len(results)) + ' scripts)':<34} {'':<8} "
                f"{sum(r.wall for r in results):>7.2f} {sum(r.cpu for r in results):>7.2f}")
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
    ap.add_argument("--jobs", "-j", type=int, default=0,
                    help=f"scripts run at once (default 0: one per core, here {cores()})")
    ap.add_argument("--cpu-limit", type=float, default=CPU_LIMIT,
                    help="CPU seconds per script, its whole process tree (default %(default)s)")
    ap.add_argument("--timeout", type=float, default=WALL_LIMIT,
                    help="wall seconds per script (default %(default)s)")
    ap.add_argument("--mem-limit", type=float, default=MEM_LIMIT_MB,
                    help="MB of memory per script, its whole process tree (default %(default)s)")
    ap.add_argument("--no-table", action="store_true",
                    help="do not print the time/memory table (make prints it at the end)")
    a = ap.parse_args(argv)
    scripts = select(a.names)
    jobs = a.jobs if a.jobs > 0 else cores()

    def log(msg):
        print(msg, flush=True)

    todo, results = [], {}
    for s in scripts:
        meta = None if a.force else up_to_date(s)
        if meta:
            results[s.stem] = Result(s.stem, "cached", meta["wall"], meta["peak_mb"],
                                     meta["figures"], meta.get("cpu", float("nan")))
        else:
            todo.append(s)
    if not todo:
        log(f"run: all {len(scripts)} script(s) up to date")
    done = [0]

    def report_one(r: Result) -> None:
        done[0] += 1
        log(f"[{done[0]}/{len(todo)}] {r.name}: {r.status} in {r.wall:.1f} s "
            f"(CPU {r.cpu:.1f} s), peak {r.peak_mb:.0f} MB" + (f"; {r.why}" if r.why else ""))

    if todo:
        for r in run_all(todo, jobs, Limits(a.cpu_limit, a.timeout, a.mem_limit), log, report_one):
            results[r.name] = r
    ordered = [results[s.stem] for s in scripts]
    report = table(ordered)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    if not a.names:
        (ROOT / "build" / "run-times.txt").write_text(report + "\n")
    if todo and not a.no_table:
        print(report)
    failed = [r for r in ordered if r.status in FAILED]
    for r in failed:
        why = {"timeout": "exceeded its time limit", "memory": "exceeded its memory limit"
               }.get(r.status, "failed")
        print(f"\nrun: {layout.rel(layout.find(r.name))} {why} ({r.why}; {r.wall:.1f} s); last "
              f"lines of build/run/{r.name}.err:\n{tail(RUN_DIR / f'{r.name}.err')}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
