"""Finding the processes a script left behind.

A script is started with a marker in its environment, which every process it
starts inherits (servers, spawned ranks, their helpers); after it is stopped,
/proc is searched for anything still carrying the marker.
"""
import os
import signal
import subprocess
import time
import uuid

VAR = "PRIMER_CLEANUP_MARKER"


def carrying(marker: str) -> list:
    """PIDs whose environment holds PRIMER_CLEANUP_MARKER=marker."""
    needle = f"{VAR}={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                pass
    return found


def alive(pids: list) -> list:
    """Those of pids that still run (a zombie has finished: it only waits to be reaped)."""
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    out.append(pid)
        except OSError:
            pass
    return out


def kill_all(marker: str) -> None:
    for pid in carrying(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def left_after_signal(argv: list, sig: signal.Signals, cwd, ready: str | None = None,
                      processes: int = 2, grace: float = 15.0) -> list:
    """Start argv, wait until it printed the line `ready` (if given) and at least
    `processes` processes carry its marker (the script and its server), send it
    `sig`, and return what still runs `grace` seconds later."""
    marker = uuid.uuid4().hex
    env = dict(os.environ, **{VAR: marker})
    driver = subprocess.Popen(argv, cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE if ready else subprocess.DEVNULL)
    try:
        deadline = time.time() + 100
        if ready:
            line = ""
            while time.time() < deadline and ready not in line:
                line = driver.stdout.readline()
                assert line or driver.poll() is None, "the script exited before it was ready"
            assert ready in line
        while len(alive(carrying(marker))) < processes:
            assert driver.poll() is None, "the script exited before its processes were seen"
            assert time.time() < deadline, "the script's processes never started"
            time.sleep(0.05)
        driver.send_signal(sig)
        driver.wait(30)
        deadline = time.time() + grace
        while alive(carrying(marker)) and time.time() < deadline:
            time.sleep(0.2)
        return alive(carrying(marker))
    finally:
        kill_all(marker)
        if driver.poll() is None:
            driver.kill()
            driver.wait()
