"""Contain one script: what it may write, see and reach, and its whole process tree.

One job: build the command and environment that run a script contained, and
watch the process tree it starts (CPU time, summed memory, killing all of it).

Full isolation uses bubblewrap (Debian's ``bubblewrap`` package, ``bwrap``):

    bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp (256 MB)
          --bind AREA AREA --bind FIGURES FIGURES
          --unshare-net --unshare-pid --unshare-ipc --die-with-parent --new-session
          --chdir AREA/work -- python SCRIPT

- the whole file system is read-only except the script's temporary AREA (its
  working directory, HOME, TMPDIR, caches) and its chapter's figure folder
  img/NN-chapter/; /tmp is private;
- the network namespace has only ``lo``, and bwrap brings it up: a server on
  127.0.0.1 or torch.distributed (gloo) works, every other host is unreachable;
- the PID namespace dies with the script: when the script exits, or is killed,
  every process it started dies with it, even one that called setsid() or
  double-forked.

Where bwrap is missing or the kernel refuses its namespaces, scripts still run,
with the socket guard of utils/offline only for the network, no file-system
protection, and ``reap()`` (a child subreaper) in place of the PID namespace;
``weakness()`` says in plain words what is weaker, and the runner prints that once.  ``PRIMER_BWRAP`` overrides
the bwrap to use (a missing path or empty: the weaker mode, as tests do).

The runner watches each tree with ``Tree``: every tick it reads /proc once and
sums, over the script's descendants, resident memory (for the memory limit) and
CPU time (for the CPU budget).  Summed RSS counts pages shared between
processes more than once, so it errs on the side of the limit.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

OFFLINE = Path(__file__).resolve().parent / "offline"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "RAYON_NUM_THREADS")
TMPFS_BYTES = 256 << 20
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Area:
    """A script's own writable place: AREA/work (its cwd, empty), home, cache, tmp."""
    root: Path

    @classmethod
    def make(cls, name: str) -> "Area":
        root = Path(tempfile.mkdtemp(prefix=f"primer-{name}-"))
        for sub in ("work", "home", "cache", "tmp"):
            (root / sub).mkdir()
        return cls(root)

    @property
    def cwd(self) -> Path:
        return self.root / "work"

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def bwrap_path() -> str | None:
    if "PRIMER_BWRAP" in os.environ:
        return os.environ["PRIMER_BWRAP"] or None
    return shutil.which("bwrap")


def under_tmp(script: Path | None) -> list[Path]:
    """What must stay visible although it lives under /tmp, which the sandbox replaces:
    the script (a test's), the checkout and the Python installation (a CI clone in /tmp)."""
    import sys
    wanted = [Path(__file__).resolve().parent.parent, Path(sys.prefix).resolve(),
              Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent]
    if script is not None:
        wanted.insert(0, script)
    out = []
    for p in wanted:
        if p.is_relative_to("/tmp") and not any(p.is_relative_to(q) for q in out):
            out = [q for q in out if not q.is_relative_to(p)] + [p]
    return out


def bwrap_args(bwrap: str, area: Area, writable: list[Path], script: Path | None = None) -> list[str]:
    args = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
    for p in under_tmp(script):
        args += ["--ro-bind", str(p), str(p)]
    for p in [area.root, *writable]:
        args += ["--bind", str(p), str(p)]
    return args + ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
                   "--new-session", "--chdir", str(area.cwd), "--"]


_MODE: tuple[str | None, str] | None = None


def mode() -> tuple[str | None, str]:
    """(bwrap path, "") when full isolation works here, else (None, why not)."""
    global _MODE
    if _MODE is None:
        bwrap = bwrap_path()
        if bwrap is None:
            why = ("bubblewrap is not installed (apt-get install bubblewrap)"
                   if "PRIMER_BWRAP" not in os.environ else "PRIMER_BWRAP is empty")
            _MODE = (None, why)
        elif not (os.access(bwrap, os.X_OK) and Path(bwrap).is_file()):
            _MODE = (None, f"{bwrap} does not exist")
        else:
            area = Area.make("probe")
            try:
                r = subprocess.run(bwrap_args(bwrap, area, []) + ["true"],
                                   capture_output=True, text=True, timeout=30)
                _MODE = (bwrap, "") if r.returncode == 0 else (
                    None, f"bwrap could not create its namespaces here "
                          f"({(r.stderr.strip().splitlines() or ['exit ' + str(r.returncode)])[-1]})")
            except (OSError, subprocess.SubprocessError) as err:
                _MODE = (None, f"bwrap failed to start ({err})")
            finally:
                area.remove()
    return _MODE


def isolated() -> bool:
    return mode()[0] is not None


def weakness() -> str:
    """'' under full isolation, else the plain-words notice of what is weaker."""
    bwrap, why = mode()
    if bwrap:
        return ""
    return (f"run: WEAKER SANDBOX: {why}.  Scripts still run, but:\n"
            "  - files: a script can write anywhere this user can (the repository, $HOME, /tmp),"
            " not only its temporary folder and its img/ chapter folder;\n"
            "  - network: only the Python socket guard (utils/offline) stops it; ctypes, a"
            " `python -I` child or a non-Python program can still reach the network;\n"
            "  - processes: a small reaper (a child subreaper, not a PID namespace) kills what a"
            " script leaves behind; a process that escapes it (e.g. one that outlives the"
            " reaper being killed at a limit) may outlive the script.")


def command(script: Path, area: Area, writable: list[Path], python: str) -> list[str]:
    """bwrap ... python SCRIPT; in the weaker mode, python SCRIPT under our reaper."""
    bwrap, _ = mode()
    if bwrap:
        return [*bwrap_args(bwrap, area, writable, script), python, str(script)]
    return [python, "-I", "-S", str(Path(__file__).resolve()), "--reap", python, str(script)]


def reap(cmd: list[str]) -> int:
    """The weaker mode's stand-in for a PID namespace: run CMD as a child subreaper,
    so that every orphan of the script re-parents to us (even after setsid or a
    double fork); when the script exits, kill whatever it left and exit with its code."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)                 # PR_SET_CHILD_SUBREAPER
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)     # PR_SET_PDEATHSIG: die with the runner
    child = subprocess.Popen(cmd)
    while True:
        pid, status = os.wait()
        if pid == child.pid:
            code = os.waitstatus_to_exitcode(status)
            break
    me = os.getpid()
    while True:                                # orphans keep arriving while their parents die
        left = [p for p, (ppid, _, _) in proc_table().items() if ppid == me]
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            break
        if not left:
            import time
            time.sleep(0.01)
    return code if code >= 0 else 128 - code


def environment(area: Area, threads: int | None) -> dict:
    """The script's environment: the runner's, minus Python/make settings, plus
    the guard, fixed hashing, Agg, HOME/TMPDIR/caches inside AREA, thread counts."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "MAKE", "MFLAGS", "PRIMER_")) and k not in THREAD_VARS}
    env.update(PYTHONPATH=str(OFFLINE), PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="Agg", HF_HUB_OFFLINE="1", NO_PROXY="*",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               HOME=str(area.root / "home"), TMPDIR=str(area.root / "tmp"),
               XDG_CACHE_HOME=str(area.root / "cache"),
               MPLCONFIGDIR=str(area.root / "cache" / "matplotlib"))
    if threads:
        env.update({v: str(threads) for v in THREAD_VARS})
    return env


# ---- the process tree -------------------------------------------------------------

def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds incl. reaped children, resident bytes), or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    rest = raw[raw.rindex(b")") + 2:].split()
    ticks = sum(int(x) for x in rest[11:15])        # utime stime cutime cstime
    return int(rest[1]), ticks / _TICK, int(rest[21]) * _PAGE


def proc_table() -> dict[int, tuple[int, float, int]]:
    """pid -> _stat(pid), for all of /proc."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st is not None:
                table[int(entry.name)] = st
    return table


_CHILDREN = os.path.exists(f"/proc/self/task/{os.getpid()}/children")   # CONFIG_PROC_CHILDREN


def subtree_table(roots) -> dict[int, tuple[int, float, int]]:
    """Like proc_table, but only ROOTS and their descendants: a few files, not all of
    /proc (the runner looks 20 times a second).  Falls back to proc_table."""
    if not _CHILDREN:
        return proc_table()
    table, stack = {}, list(roots)
    while stack:
        pid = stack.pop()
        if pid in table or (st := _stat(pid)) is None:
            continue
        table[pid] = st
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                    stack.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return table


class Tree:
    """The processes descending from ROOT (and, once seen, their orphans)."""

    def __init__(self, root: int):
        self.root = root
        self.known: set[int] = {root}
        self.cpu = 0.0
        self.rss = 0
        self.peak_rss = 0

    def update(self, table: dict | None = None) -> None:
        if table is None:
            table = subtree_table(self.known)
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        # every live process we have seen in the tree is still ours, wherever it
        # was re-parented (an orphan of a setsid'd child, in the weaker mode)
        stack = [p for p in self.known if p in table]
        seen = set()
        while stack:
            p = stack.pop()
            if p in seen:
                continue
            seen.add(p)
            stack.extend(children.get(p, ()))
        self.known = (self.known & set(table)) | seen | {self.root}
        if seen:
            self.cpu = max(self.cpu, sum(table[p][1] for p in seen))
            self.rss = sum(table[p][2] for p in seen)
            self.peak_rss = max(self.peak_rss, self.rss)

    def kill(self) -> None:
        """SIGKILL the whole tree (and the script's session); reap orphans that are ours."""
        try:
            os.killpg(self.root, signal.SIGKILL)
        except OSError:
            pass
        for _ in range(3):         # a fork between our scan and our kill: look again
            self.update()
            for p in self.known:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
        for p in self.known - {self.root}:
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:      # not our child: its own parent or init reaps it
                pass


if __name__ == "__main__":
    import sys
    if sys.argv[1:2] == ["--reap"]:
        sys.exit(reap(sys.argv[2:]))
