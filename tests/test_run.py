"""The runner: every script passes offline within its limit, nothing re-runs needlessly."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
import layout
import run

SCRIPTS = layout.scripts()


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_script_ran_offline_within_its_limit(script):
    meta = run.up_to_date(script)
    if meta is None:   # not run yet, or changed since: run it now, through the runner
        subprocess.run([sys.executable, str(ROOT / "utils" / "run.py"), script.stem],
                       capture_output=True)
        meta = run.up_to_date(script)
    assert meta is not None, (ROOT / "build" / "run" / f"{script.stem}.err").read_text()[-3000:]
    assert meta["status"] == "ran"
    assert meta["cpu"] <= meta["cpu_limit"] and meta["peak_mb"] <= meta["mem_limit_mb"]


def test_fingerprint_follows_declared_data_files(tmp_path):
    data = ROOT / "build" / "test-data-file.txt"
    data.parent.mkdir(exist_ok=True)
    data.write_text("one")
    script = tmp_path / "uses_data.py"
    script.write_text("# data-file: build/test-data-file.txt\nprint('x = 1')\n")
    try:
        before = run.fingerprint(script)
        assert run.fingerprint(script) == before
        data.write_text("two")
        assert run.fingerprint(script) != before
    finally:
        data.unlink()


def test_second_run_runs_nothing():
    first = subprocess.run([sys.executable, str(ROOT / "utils" / "run.py")],
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, str(ROOT / "utils" / "run.py")],
                            capture_output=True, text=True)
    assert second.returncode == 0
    assert f"all {len(SCRIPTS)} script(s) up to date" in second.stdout
    table = (ROOT / "build" / "run-times.txt").read_text()
    for s in SCRIPTS:
        assert s.stem in table


def test_failure_and_timeout_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RUN_DIR", tmp_path / "run")
    bad = tmp_path / "bad_script.py"
    bad.write_text("print('partial')\nraise SystemExit('broken on purpose')\n")
    slow = tmp_path / "slow_script.py"
    slow.write_text("import time\ntime.sleep(30)\n")
    assert run.run_one(bad).status == "failed"
    assert "broken on purpose" in (tmp_path / "run" / "bad_script.err").read_text()
    r = run.run_one(slow, limits=run.Limits(wall=1.0))
    assert r.status == "timeout" and r.wall < 10
    meta = json.loads((tmp_path / "run" / "slow_script.json").read_text())
    assert meta["status"] == "timeout"
    assert "wall time" in (tmp_path / "run" / "slow_script.err").read_text()


def test_defaults_all_cores_cpu_budget_and_generous_wall_limit():
    ap_jobs = subprocess.run([sys.executable, str(ROOT / "utils" / "run.py"), "--help"],
                             capture_output=True, text=True).stdout
    assert "one per core" in ap_jobs
    assert run.CPU_LIMIT == 60 and run.WALL_LIMIT >= 120 and run.MEM_LIMIT_MB == 4096
    make = (ROOT / "Makefile").read_text()
    assert "JOBS ?=\n" in make or "JOBS ?= \n" in make, "make should not pin the number of jobs"


@pytest.fixture
def fake_book(tmp_path, monkeypatch):
    monkeypatch.setattr(layout, "ROOT", tmp_path)
    monkeypatch.setattr(layout, "SRC", tmp_path / "src")
    monkeypatch.setattr(layout, "IMG", tmp_path / "img")
    monkeypatch.setattr(run, "RUN_DIR", tmp_path / "run")
    (tmp_path / "run").mkdir()
    return tmp_path


def test_parallel_runs_overlap_but_clock_scripts_get_cores_of_their_own(fake_book):
    src = fake_book / "src" / "01-x"
    src.mkdir(parents=True)
    body = ("import os, time\n"
            "print('threads =', os.environ.get('OMP_NUM_THREADS'))\n"
            "print('cpus =', ','.join(map(str, sorted(os.sched_getaffinity(0)))))\n"
            "time.sleep({s})\n")
    walls = {"p_short": 0.2, "p_long": 9.0, "p_mid": 3.0, "p_new": None}
    for name, last in walls.items():
        (src / f"{name}.py").write_text(body.format(s=1.2))
        if last is not None:     # the wall time recorded at the last run
            (fake_book / "run" / f"{name}.json").write_text(json.dumps({"wall": last}))
    for name in ("c_one", "c_two"):
        (src / f"{name}.py").write_text(body.format(s=1.0) + "t = time.perf_counter()\n")
    # a clock reader that starts processes of its own needs every core
    (src / "c_many.py").write_text(body.format(s=1.0) + "import subprocess\n"
                                   "t = time.perf_counter()\n")
    scripts = layout.scripts(fake_book / "src")
    clock = {"c_one", "c_two", "c_many"}
    assert {s.stem for s in scripts if run.reads_clock(s)} == clock
    assert {s.stem for s in scripts if run.needs_every_core(s)} == {"c_many"}
    results = run.run_all(scripts, 2, run.Limits(), print)
    assert all(r.status == "ran" for r in results)
    by = {r.name: r for r in results}
    out = {name: dict(line.split(" = ") for line in
                      (fake_book / "run" / f"{name}.out").read_text().splitlines())
           for name in by}
    overlap = lambda a, b: a.start < b.end and b.start < a.end  # noqa: E731
    allowed = sorted(os.sched_getaffinity(0))
    # the clock reader with processes of its own overlaps nothing, and has every core
    for other in by:
        assert other == "c_many" or not overlap(by["c_many"], by[other])
    assert out["c_many"]["cpus"] == ",".join(map(str, allowed))
    assert int(out["c_many"]["threads"]) == run.cores()
    # the two single-core clock readers never overlap each other; each had one
    # core (one thread), and whatever ran beside it was kept off that core
    assert not overlap(by["c_one"], by["c_two"])
    for c in ("c_one", "c_two"):
        mine = set(out[c]["cpus"].split(","))
        if len(allowed) > 1:
            assert len(mine) == 1 and int(out[c]["threads"]) == 1
            beside = [n for n in by if n != c and overlap(by[c], by[n])]
            assert beside, f"nothing ran beside {c}: the other core sat idle"
            for n in beside:
                assert not mine & set(out[n]["cpus"].split(",")), f"{n} shared {c}'s core"
    parallel = [n for n in by if n not in clock]
    assert any(overlap(by[a], by[b]) for a in parallel for b in parallel if a < b)
    # longest first by the recorded wall time; never run = first of all
    order = sorted(parallel, key=lambda n: by[n].start)
    assert order == ["p_new", "p_long", "p_mid", "p_short"]
    meta = {n: json.loads((fake_book / "run" / f"{n}.json").read_text()) for n in by}
    assert meta["c_many"]["placement"] == "alone"
    if len(allowed) > 1:
        assert meta["c_one"]["placement"] == meta["c_two"]["placement"] == "own core"
