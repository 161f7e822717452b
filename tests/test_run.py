"""The runner: every script passes offline within its limit, nothing re-runs needlessly."""
import json
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
    assert meta["wall"] <= meta["timeout"] <= 30


def test_scripts_have_no_network(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import socket, urllib.request\n"
        "for attempt in (lambda: socket.create_connection(('1.1.1.1', 80), timeout=3),\n"
        "                lambda: urllib.request.urlopen('https://pypi.org', timeout=3)):\n"
        "    try:\n"
        "        attempt()\n"
        "    except OSError as err:\n"
        "        print('blocked:', type(err).__name__)\n"
        "    else:\n"
        "        print('CONNECTED')\n")
    r = subprocess.run(run.command(probe), env=run.child_env(), capture_output=True,
                       text=True, timeout=60, cwd=tmp_path)
    assert r.stdout.count("blocked:") == 2, r.stdout + r.stderr
    assert "CONNECTED" not in r.stdout


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
    assert run.run_one(bad, 20, print).status == "failed"
    assert "broken on purpose" in (tmp_path / "run" / "bad_script.err").read_text()
    r = run.run_one(slow, 1.0, print)
    assert r.status == "timeout" and r.wall < 10
    meta = json.loads((tmp_path / "run" / "slow_script.json").read_text())
    assert meta["status"] == "timeout"
