"""One ``asc run`` per output folder (and per processed-data folder it prepares) at a time.

The lock is a file holding ``<pid> <process start time>``, created with O_EXCL. A lock whose
process is gone (or whose pid now belongs to another process: the start time differs) is
stale and taken over. The same process may take a lock it already holds (nested use: the
``asc`` command holds the output lock across preparation and the run).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


class LockedByAnotherRun(Exception):  # noqa: N818 (a state, said in one line)
    """Another live ``asc run`` holds the lock."""

    def __init__(self, pid: int, what: Path):
        self.pid = pid
        super().__init__(f"another asc run (pid {pid}) is writing {what}")


LOCK_NAME = ".asc-run.lock"


def lock_path(folder: Path, beside: bool = False) -> Path:
    """The lock file of ``folder``: inside it, or beside it (``beside``) for a folder that is
    replaced as a whole (the processed data)."""
    folder = Path(folder).resolve()
    return folder.parent / f".{folder.name}{LOCK_NAME}" if beside else folder / LOCK_NAME


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    now = _start_time(pid)
    return started is None or now is None or now == started


def _read(path: Path) -> tuple[int, str | None] | None:
    try:
        words = path.read_text(encoding="ascii").split()
        return int(words[0]), (words[1] if len(words) > 1 else None)
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def hold(folder: str | Path, beside: bool = False) -> Iterator[Path]:
    """Hold the lock of ``folder`` for the ``with`` block (``beside``: see :func:`lock_path`).

    Raises LockedByAnotherRun when a live process holds it; OSError when it cannot be written.
    """
    folder = Path(folder)
    path = lock_path(folder, beside)
    path.parent.mkdir(parents=True, exist_ok=True)
    me = os.getpid()
    mine = f"{me} {_start_time(me) or ''}".strip()
    owned = False
    for _ in range(20):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _read(path)
            if holder is not None and holder[0] == me:
                break  # this process holds it already (nested)
            if holder is not None and _alive(*holder):
                raise LockedByAnotherRun(holder[0], folder) from None
            if holder is None:  # being written right now, or garbage: look again shortly
                import time

                time.sleep(0.05)
                holder = _read(path)
                if holder is not None and _alive(*holder):
                    raise LockedByAnotherRun(holder[0], folder) from None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)  # stale: its process is gone
            continue
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(mine + "\n")
        owned = True
        break
    else:  # pragma: no cover (a lock fought over 20 times)
        holder = _read(path)
        raise LockedByAnotherRun(holder[0] if holder else -1, folder)
    try:
        yield path
    finally:
        if owned and _read(path) is not None and _read(path)[0] == me:
            with contextlib.suppress(OSError):
                os.unlink(path)
