"""Atomic file writes: a reader sees the previous complete file or the new complete one.

The temporary file is named `.<name>.<pid>.<random>.tmp` and removed on every exit path
that Python sees; after a kill -9, `remove_dead_temporaries` (run when an output folder is
locked) removes the ones whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

TMP_SUFFIX = ".tmp"
_TMP_RE = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; outputs get the usual mode (read once: umask is process-wide)
_DEFAULT_MODE = 0o666 & ~_read_umask()


def atomic_write(path: str | Path, data: bytes | str, *, durable: bool = True) -> None:
    """Write `data` to `path` via a temp file in the same directory, fsync, then rename.

    `durable=False` skips the fsyncs, for caches: a crash may lose the new file but a reader still
    never sees half of one (saves the wait for the disk, 0.1-0.3 s for a large tree's scan cache).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=TMP_SUFFIX)
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(target.parent)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the umask's default."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return _DEFAULT_MODE


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself (POSIX); silently skipped where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_dead_temporaries(folder: Path, alive: Callable[[int], bool]) -> list[Path]:
    """Remove the temporary files in `folder` whose writing process is gone; returns them."""
    removed = []
    for path in folder.glob(".*" + TMP_SUFFIX):
        match = _TMP_RE.match(path.name)
        if match is None or alive(int(match.group(1))):
            continue  # not ours, or its writer still runs
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed
