"""No process outlives a distributed script, however it ends.

Each of the chapter's multi-process scripts is started with a marker in its
environment (the ranks it spawns inherit it), one rank is stopped as a wedged
partner would be, the launcher is killed, and /proc is then searched for
anything still carrying the marker.  SIGKILL is the hard case: the launcher gets
no chance to clean up, so each rank has to notice on its own that its parent is
gone.
"""
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from conftest import ROOT
from leftovers import VAR, alive, carrying

SCRIPTS = ["ddp_allreduce", "ddp_equivalence", "grad_accumulation", "pipeline_gpipe",
           "tensor_parallel", "zero_sharding"]


def ranks(pids: list) -> list:
    """Those of pids that are ranks started by multiprocessing's spawn method."""
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"spawn_main" in f.read():
                    out.append(pid)
        except OSError:
            pass
    return out


def kill_mid_run(name: str, sig: signal.Signals, cwd) -> tuple[list, list]:
    """Start src/05-scaling/NAME.py, wait until both ranks run, stop one rank
    (SIGSTOP: a wedged partner), send `sig` to the launcher and look 10 s later:
    return the ranks still running then (the stopped one aside), and, after the
    stopped rank is let go again, every process left 10 s after that.

    The running rank is the discriminating one: without a launcher and with its
    partner stopped it would wait in a collective or in the rendezvous until the
    process group's 60-second timeout."""
    marker = uuid.uuid4().hex
    env = dict(os.environ, **{VAR: marker}, OMP_NUM_THREADS="1")
    for key in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"):
        env.pop(key, None)
    script = ROOT / "src" / "05-scaling" / f"{name}.py"
    proc = subprocess.Popen([sys.executable, str(script)], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stopped = None
    try:
        deadline = time.time() + 120
        while len(ranks(alive(carrying(marker)))) < 2:
            assert proc.poll() is None, f"{name} ended before both ranks were seen"
            assert time.time() < deadline, f"{name}: ranks never started"
            time.sleep(0.05)
        stopped = ranks(alive(carrying(marker)))[0]
        os.kill(stopped, signal.SIGSTOP)
        time.sleep(0.5)
        assert proc.poll() is None, f"{name} finished before it could be killed"
        proc.send_signal(sig)
        proc.wait(60)
        deadline = time.time() + 10
        # (multiprocessing's resource tracker is not a rank: it ends when the last
        # process holding its pipe does, so it waits for the stopped rank)
        while [p for p in ranks(alive(carrying(marker))) if p != stopped] \
                and time.time() < deadline:
            time.sleep(0.2)
        first = [p for p in ranks(alive(carrying(marker))) if p != stopped]
        try:
            os.kill(stopped, signal.SIGCONT)
        except ProcessLookupError:
            pass                             # the launcher's clean-up already killed it
        deadline = time.time() + 10
        while alive(carrying(marker)) and time.time() < deadline:
            time.sleep(0.2)
        return first, alive(carrying(marker))
    finally:
        for pid in carrying(marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("name", SCRIPTS)
def test_no_rank_outlives_a_killed_launcher(name, tmp_path):
    assert kill_mid_run(name, signal.SIGKILL, tmp_path) == ([], [])


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_no_rank_outlives_a_stopped_launcher(sig, tmp_path):
    assert kill_mid_run("ddp_equivalence", sig, tmp_path) == ([], [])
