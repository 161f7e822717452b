"""Where the tangler may write, and how it writes.

One job: decide whether a `:tangle` path is one the book owns, and write files
atomically.  The tangler writes regular files only under OWNED (relative to
the repository root), never through a symbolic link in any component of the
path, never under .git/, and never over something that is not a regular file.
Every write goes to a temporary file in the same directory, then is renamed
over the target, so a crash leaves either the old or the new file.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tempfile
from pathlib import Path

# The directories the book tangles into.  README.org ("Writing a section") says so too.
OWNED = ("src",)
NAME_MAX = 255


class NotOwned(Exception):
    """A path the tangler refuses to write; the message says why."""


def relative_target(root: Path, org_dir: Path, spelled: str) -> str:
    """The repository-relative, normalised path that `:tangle SPELLED` names,
    or NotOwned.  Purely lexical (as Emacs's expand-file-name), no file access."""
    if any(ord(c) < 32 or c == "\x7f" for c in spelled):
        raise NotOwned(f":tangle {spelled!r} contains a control character")
    if spelled.startswith(("/", "~")) or (len(spelled) > 1 and spelled[1] == ":"):
        raise NotOwned(f":tangle {spelled} is an absolute path; tangle targets must "
                       "stay inside the repository")
    if spelled in (".", "..") or spelled.endswith(("/", "/.", "/..")):
        raise NotOwned(f":tangle {spelled} is a directory")
    try:
        base = org_dir.relative_to(root).as_posix()
    except ValueError:
        raise NotOwned(f"the org file is outside the repository {root}") from None
    rel = posixpath.normpath(posixpath.join(base, spelled))
    if rel == ".." or rel.startswith("../"):
        raise NotOwned(f":tangle {spelled} is outside the repository ({root}); "
                       "refusing to write it")
    parts = rel.split("/")
    if rel in OWNED:
        raise NotOwned(f":tangle {spelled} is a directory")
    if any(p.lower() == ".git" for p in parts):
        raise NotOwned(f":tangle {spelled} is inside .git/; refusing to write it")
    if parts[0] not in OWNED or len(parts) < 2:
        raise NotOwned(f":tangle {spelled} is outside the directories the book "
                       f"tangles into ({', '.join(d + '/' for d in OWNED)})")
    for p in parts:
        if len(p.encode("utf-8", "surrogatepass")) > NAME_MAX:
            raise NotOwned(f":tangle {spelled}: a name longer than {NAME_MAX} bytes")
    return rel


def check_on_disk(root: Path, rel: str, mkdirp: bool) -> None:
    """Refuse a target reached through a symbolic link, below something that is
    not a directory, in a directory that does not exist (without :mkdirp), or
    that exists and is not a regular file."""
    here = root
    parts = rel.split("/")
    for k, name in enumerate(parts):
        here = here / name
        shown = "/".join(parts[:k + 1])
        try:
            st = os.lstat(here)
        except FileNotFoundError:
            if k < len(parts) - 1 and not mkdirp:
                raise NotOwned(f"directory {posixpath.dirname(rel)} does not exist "
                               "(add :mkdirp yes)") from None
            return
        except OSError as err:
            raise NotOwned(f"{shown}: {err.strerror}") from None
        if stat.S_ISLNK(st.st_mode):
            raise NotOwned(f"{shown} is a symbolic link; the tangler never writes "
                           "through one")
        last = k == len(parts) - 1
        if not last and not stat.S_ISDIR(st.st_mode):
            raise NotOwned(f"{shown} is not a directory")
        if last and stat.S_ISDIR(st.st_mode):
            raise NotOwned(f":tangle {rel} is a directory")
        if last and not stat.S_ISREG(st.st_mode):
            raise NotOwned(f"{rel} exists and is not a regular file")


def read_regular(path: Path) -> bytes | None:
    """The bytes of PATH if it is a regular file (not a link, FIFO, …), else None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        return f.read()


def mode_of(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode & 0o777
    except OSError:
        return None


def write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Write DATA to PATH with MODE through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:200]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
