"""The scan's disk cache: each file's facts by (relpath, sha256), and the items built for a whole tree.

Both live in ``<cache dir>/scan-<root hash>[-items].pkl`` with the scanner's version, which changes
whenever the scanner's code does, so stale facts are never reused. The cache is an optimisation,
never a failure: anything unreadable reads as absent.

Both are written off the scan's critical path, in a (non-daemon) thread: the scan returns while its
cache is still being pickled and written, and the interpreter waits for the write before it exits.
Each file is replaced atomically, so a reader sees the previous complete file or the new one; a
reader in this process first waits for the writes still in flight (`wait`).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import pickle
import threading
import time
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

from autodoc.atomic import atomic_write
from autodoc.evidence import CodeReport, EvidenceItem, Redaction, Source
from autodoc.scan.code.itemparts import construct
from autodoc.scan.code.result import FileResult

FileKey = tuple[str, str]  # (relpath, sha256)
Blobs = list[tuple[list[FileKey], Any]]  # lists of FileResult, pickled or not yet, with the key of each


def _scanner_fingerprint() -> str:
    """Changes whenever the per-file analysis code changes, so stale cached facts are never reused."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in [*sorted(here.glob("**/*.py")), here.parent / "secrets.py"]:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(path.name.encode())
    return digest.hexdigest()[:12]


CACHE_VERSION = f"6-{_scanner_fingerprint()}"


def dumps(data: object) -> bytes:
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def _path(cache_dir: str, root_abs: str, suffix: str = "") -> Path:
    return Path(cache_dir) / f"scan-{hashlib.sha256(root_abs.encode()).hexdigest()[:16]}{suffix}.pkl"


def _read(path: Path, key: str) -> Any:
    """What `_write` kept at `path` for `key` by this scanner version, else None."""
    try:
        with open(path, "rb") as fh:
            version, found_key, data = pickle.load(fh)
        return data if version == CACHE_VERSION and found_key == key else None
    except Exception:
        return None


def _write(path: Path, key: str, data: object) -> bool:
    if not path.parent.is_dir():  # removed since the scan (made by `start`): not made again
        return False
    try:
        atomic_write(path, dumps((CACHE_VERSION, key, data)), durable=False)  # a cache: no fsync
        return True
    except (OSError, pickle.PicklingError):
        return False


_PENDING: list[tuple[Path, threading.Thread]] = []  # cache file -> the thread writing it
_PENDING_LOCK = threading.Lock()


Write = tuple[Path, Callable[[], object]]
_HEAD_START = (
    0.02  # s the cache writer waits before its first write  # a cache file and what pickles and writes it
)


def start(writes: list[Write]) -> None:
    """Run `writes` in order in one thread that the interpreter waits for at exit (a cache write is
    never cut), after the writes started before (a later scan's cache is never overwritten by an
    earlier one). One thread: a second one, started while the first pickles (which holds this
    interpreter's lock), would keep the caller waiting."""
    if not writes:
        return

    def run(before: list[threading.Thread]) -> None:
        # Let the scan return first: pickling is one long call that holds the interpreter's lock,
        # so begun at once it would keep the caller waiting for its first chunk.
        time.sleep(_HEAD_START)
        for thread in before:
            thread.join()
        for _path, write in writes:
            with contextlib.suppress(Exception):  # a cache is never a failure
                write()

    for path, _write_it in writes:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
    with _PENDING_LOCK:
        _PENDING[:] = [(p, t) for p, t in _PENDING if t.is_alive()]
        thread = threading.Thread(target=run, args=([t for _, t in _PENDING],), name="autodoc-scan-cache")
        _PENDING.extend((path, thread) for path, _ in writes)
        thread.start()


def wait(path: Path | None = None) -> None:
    """Wait until the cache writes started so far (to `path`, or all) are on disk (or have failed)."""
    with _PENDING_LOCK:
        pending = [t for p, t in _PENDING if path is None or p == path]
    for thread in pending:
        thread.join()


# An exit that skips the interpreter's teardown (`autodoc.cli.main.leave`) does not wait for
# non-daemon threads, but it runs the exit handlers: a started cache write is never cut.
atexit.register(wait)


# -- each file's facts --------------------------------------------------------------------------
def load_files(cache_dir: str | None, root_abs: str) -> dict[FileKey, FileResult]:
    """The cached facts of each (relpath, sha256); they are kept as pickled chunks."""
    if not cache_dir:
        return {}
    path = _path(cache_dir, root_abs)
    wait(path)
    data = _read(path, "files")
    out: dict[FileKey, FileResult] = {}
    try:
        for keys, blob in data if isinstance(data, list) else []:
            out.update(zip(keys, pickle.loads(blob), strict=True))
    except Exception:
        return {}
    return out


def files_write(
    cache_dir: str, root_abs: str, reused: list[tuple[FileKey, FileResult]], blobs: Blobs
) -> Write:
    """Keep the chunks a worker pickled as they are; pickle the others (analysed in this process, or
    `reused` from a cache) in the background, with the write. The results are never changed after
    the scan, so pickling them later keeps what the analysis made."""
    if reused:
        blobs = [*blobs, ([key for key, _ in reused], [res for _, res in reused])]
    path = _path(cache_dir, root_abs)

    def write() -> bool:
        chunks = [(keys, blob if isinstance(blob, bytes) else dumps(blob)) for keys, blob in blobs]
        return _write(path, "files", chunks)

    return path, write


# -- the items of a whole tree ------------------------------------------------------------------
_ITEM_FIELDS = tuple(f for f in EvidenceItem.model_fields if f != "source")
_SOURCE_FIELDS = tuple(Source.model_fields)
Built = tuple[
    CodeReport, list[EvidenceItem], list[Redaction], dict[str, str]
]  # and files read beyond the walk


def load_items(cache_dir: str | None, root_abs: str, key: str) -> Built | None:
    """The items built for exactly this tree last time (`key` covers every file's bytes)."""
    if not cache_dir:
        return None
    path = _path(cache_dir, root_abs, "-items")
    wait(path)
    data = _read(path, key)
    try:
        report, rows, redactions, inputs = data
        items = [
            construct(
                EvidenceItem,
                {
                    **dict(zip(_ITEM_FIELDS, row, strict=True)),
                    "source": construct(Source, dict(zip(_SOURCE_FIELDS, source, strict=True))),
                },
            )
            for *row, source in rows
        ]
    except Exception:
        return None
    return report, items, redactions, inputs


def items_write(cache_dir: str, root_abs: str, key: str, built: Built) -> Write:
    """Keep the items as rows of plain values (pickling the models themselves takes twice as long).

    The rows are taken and pickled in the background: items are never changed after a scan (the
    scan's in-process memo shares them too) and callers get a copy of the report."""
    report, items, redactions, inputs = built
    items, redactions, inputs = list(items), list(redactions), dict(inputs)
    path = _path(cache_dir, root_abs, "-items")

    def write() -> bool:
        item_row, source_row = itemgetter(*_ITEM_FIELDS), itemgetter(*_SOURCE_FIELDS)
        rows = [(*item_row(item.__dict__), source_row(item.source.__dict__)) for item in items]
        return _write(path, key, (report, rows, redactions, inputs))

    return path, write
