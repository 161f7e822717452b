"""What was last tangled: the base of the three-way comparison.

One job: remember, for every tangled file, the exact bytes the tangler last
wrote (or found already in step), and recall them later.  Kept as plain copies
under .tangle/last/ at the repository root -- not in build/, so `make clean`
keeps it; ignored by git.  A copy is only ever compared, never trusted to be
well formed: an unreadable or odd entry is simply "no record".

When there is no record (a fresh clone, a deleted .tangle/), the callers fall
back to git: the tangle of the committed primer.org, then the committed file.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from owned import NotOwned, check_on_disk, read_regular, write_atomic

STATE_DIR = Path(".tangle") / "last"


class State:
    def __init__(self, root: Path):
        self.root = root
        self.base = root / STATE_DIR

    def recorded(self, rel: str) -> bytes | None:
        """The bytes last tangled to REL, or None."""
        here = self.root
        for name in (*STATE_DIR.parts, *rel.split("/")[:-1]):
            here = here / name
            if here.is_symlink() or not here.is_dir():
                return None
        return read_regular(self.base / rel)

    def record(self, rel: str, data: bytes) -> None:
        if self.recorded(rel) == data:
            return
        target = STATE_DIR.as_posix() + "/" + rel
        try:
            check_on_disk(self.root, target, mkdirp=True)
        except NotOwned:
            return                      # an odd state folder: keep no record, write nothing there
        write_atomic(self.root / target, data, 0o644)


def git_show(root: Path, rel: str) -> bytes | None:
    """The committed (HEAD) bytes of REL, or None outside git or when untracked."""
    try:
        r = subprocess.run(["git", "-C", str(root), "show", f"HEAD:./{rel}"],
                           capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout if r.returncode == 0 else None
