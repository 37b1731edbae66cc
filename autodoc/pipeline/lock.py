"""One writer per output folder: a lock file naming its holder, and stale leftovers removed.

`output_lock(folder)` holds `<folder>/.autodoc.lock` (the holder's PID, process start time,
host and start time) for the length of a run; a second run into the same folder gets
`OutputBusyError` (exit 2) naming the holder. A lock whose process is gone (kill -9, a
crash) is stale: it is replaced, and the temporary files of dead runs are removed.
The app calls `busy_message(folder)` to show the same message before it starts a job.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from autodoc.atomic import remove_dead_temporaries
from autodoc.errors import AutodocError

LOCK_NAME = ".autodoc.lock"
_held: set[str] = set()  # folders locked by this process (the app runs several sessions)
_guard = threading.Lock()


class OutputBusyError(AutodocError):
    """Another autodoc run is writing into the same output folder."""


def lock_path(folder: str | Path) -> Path:
    return Path(folder) / LOCK_NAME


def process_start(pid: int) -> str | None:
    """The kernel's start time of `pid` (clock ticks since boot), to tell a reused PID apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22 counted after the command name


def alive(pid: int, start: str | None = None) -> bool:
    """True if process `pid` runs (and, when known, is the same process that started at `start`)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    now = process_start(pid)
    return start is None or now is None or now == start


def holder(folder: str | Path) -> dict | None:
    """The live holder of the folder's lock, or None (no lock, unreadable or stale)."""
    try:
        data = json.loads(lock_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("host") != socket.gethostname():
        return data if isinstance(data, dict) else None  # another machine's lock: assume live
    return data if alive(int(data.get("pid", 0)), data.get("pid_start")) else None


def busy_message(folder: str | Path) -> str | None:
    """Why a run may not write into `folder` now, or None when it may."""
    with _guard:
        if _key(folder) in _held:
            return f"the output folder {folder} is in use by another run in this process"
    data = holder(folder)
    if data is None:
        return None
    return (
        f"the output folder {folder} is in use by another autodoc run (PID {data.get('pid')} on "
        f"{data.get('host')}, started {data.get('started')})"
    )


def _write_lock(path: Path) -> bool:
    """Create the lock file atomically; False if one exists."""
    record = {
        "pid": os.getpid(),
        "pid_start": process_start(os.getpid()),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle)
    return True


def _key(folder: str | Path) -> str:
    return str(Path(folder).resolve())


def acquire(folder: str | Path) -> None:
    """Take the folder's lock, replacing a stale one; `OutputBusyError` when a live run holds it."""
    path = lock_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3):  # another process may replace a stale lock at the same moment
        message = busy_message(folder)
        if message is not None:
            raise OutputBusyError(message, hint="wait for it to finish, or pass another --output folder")
        if _write_lock(path):
            with _guard:
                _held.add(_key(folder))
            remove_dead_temporaries(path.parent, alive)
            return
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # stale: its process is gone
    raise OutputBusyError(f"could not take the lock {path}", hint="try again")


def release(folder: str | Path) -> None:
    with _guard:
        _held.discard(_key(folder))
    data = holder(folder)
    if data is not None and data.get("pid") == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            lock_path(folder).unlink()


@contextlib.contextmanager
def output_lock(folder: str | Path) -> Iterator[None]:
    """Hold the folder's lock while the block runs; a second holder (any process) is refused."""
    acquire(folder)
    try:
        yield
    finally:
        release(folder)
