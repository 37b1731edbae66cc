"""The run cache `<output>/.autodoc_cache.json`: the whole `DocumentState`, schema-versioned.

Written atomically after every finished block, so a `kill -9` loses at most the blocks
that were in flight. Settings are stored through `Settings.public()` only: never a key.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from autodoc.atomic import atomic_write
from autodoc.document import CACHE_SCHEMA_VERSION, DocumentState
from autodoc.errors import CacheError

CACHE_NAME = ".autodoc_cache.json"


def cache_path(output_dir: str | Path) -> Path:
    return Path(output_dir) / CACHE_NAME


def dump_state(state: DocumentState) -> str:
    """The cache text for `state` (compact JSON: images make it large)."""
    return state.model_dump_json()


def save_state(state: DocumentState, path: str | Path) -> None:
    atomic_write(path, dump_state(state))


def load_state(path: str | Path) -> DocumentState:
    """Read a cache; a missing, corrupt or incompatible file raises `CacheError`."""
    file = Path(path)
    if not file.is_file():
        raise CacheError(f"no cache at {file}", hint="run a generation first (it writes the cache)")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CacheError(
            f"{file}: the cache is corrupt ({err})", hint="delete it and generate again"
        ) from None
    if not isinstance(data, dict):
        raise CacheError(
            f"{file}: the cache is corrupt (not a JSON object)", hint="delete it and generate again"
        )
    version = data.get("schema_version")
    if version != CACHE_SCHEMA_VERSION:
        raise CacheError(
            f"{file}: cache schema version {version!r} is not supported "
            f"(this autodoc reads version {CACHE_SCHEMA_VERSION})",
            hint="generate again to rebuild the cache with this version",
        )
    try:
        return DocumentState.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise CacheError(
            f"{file}: the cache does not match this autodoc version ({where}: {first.get('msg')})",
            hint="generate again to rebuild the cache",
        ) from None


class CacheWriter:
    """Saves the state after every change without making the caller wait for the disk.

    `save()` takes the snapshot text at once (in the caller's thread, where the state is
    consistent) and hands it to one background writer thread, which always writes the
    newest snapshot (older pending ones are skipped). A block is on disk a few ms after it
    finished, so a `kill -9` loses at most the blocks in flight. `flush()` waits for the
    newest snapshot to be written and re-raises a write error.
    """

    def __init__(self, path: str | Path | None, snapshot: Callable[[], str]) -> None:
        self.path = Path(path) if path else None
        self._snapshot = snapshot
        self._cond = threading.Condition()
        self._order = threading.Lock()
        self._pending: str | None = None
        self._busy = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.writes = 0

    def save(self) -> None:
        if self.path is None:
            return
        # One snapshot at a time, handed over in the order taken: a save that took its snapshot
        # first but reached the hand-over last would otherwise leave an older state on disk.
        with self._order:
            text = self._snapshot()
            with self._cond:
                self._pending = text
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._loop, name="autodoc-cache", daemon=True)
                    self._thread.start()
                self._cond.notify_all()

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every snapshot taken so far is on disk."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while (self._pending is not None or self._busy) and time.monotonic() < deadline:
                self._cond.wait(0.05)
            err, self._error = self._error, None
        if err is not None:
            raise CacheError(f"could not write the cache {self.path}: {err}") from err

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None:
                    if not self._cond.wait(5.0):
                        return  # idle: the thread ends; the next save starts another
                text, self._pending, self._busy = self._pending, None, True
            try:
                atomic_write(self.path, text)  # type: ignore[arg-type]
                self.writes += 1
            except OSError as err:
                self._error = err
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
