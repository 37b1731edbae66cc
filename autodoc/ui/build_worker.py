"""The app's background rebuilds of the Word document and notebook, in a process of their own.

A build holds the GIL for a second or more. Run in a thread of the app server, it slowed
every page drawn meanwhile: the server's websocket messages waited for the GIL, so an
Approve took up to twice as long to show. In one worker process per server (started with
`spawn` on the first rebuild, or by `warm()`, and kept for the next ones) it costs the
server only pickling the document. The worker shares nothing between sessions: every call
carries its own document, evidence and settings. A worker that died is replaced and that
build runs in the calling thread instead.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import logging
import multiprocessing
import threading

from autodoc import pipeline
from autodoc.document import DocumentState
from autodoc.errors import AutodocError
from autodoc.evidence import EvidenceStore
from autodoc.settings import Settings

log = logging.getLogger("autodoc.app")
_lock = threading.Lock()
_pool: list[cf.ProcessPoolExecutor] = []  # the server's one worker (a list: no `global`)


def _executor() -> cf.ProcessPoolExecutor:
    with _lock:
        if not _pool:
            spawn = multiprocessing.get_context("spawn")  # a fork of a threaded server is unsafe
            _pool.append(cf.ProcessPoolExecutor(max_workers=1, mp_context=spawn))
            atexit.register(_pool[0].shutdown, wait=True, cancel_futures=True)
        return _pool[0]


def _forget(pool: cf.ProcessPoolExecutor) -> None:
    with _lock:
        if _pool and _pool[0] is pool:
            _pool.clear()
    pool.shutdown(wait=False, cancel_futures=True)


def warm() -> None:
    """Start the worker now (it imports the renderers), so the first rebuild does not wait for it."""
    _executor().submit(_ready)


def _ready() -> bool:
    return True


def _build(
    doc: DocumentState, settings: Settings, evidence: EvidenceStore | None, notebook: bool
) -> tuple[pipeline.Outputs | None, str | None]:
    """In the worker: the build, or the user-facing message of its `AutodocError`."""
    try:
        return pipeline.build(doc, settings, evidence=evidence, notebook=notebook), None
    except AutodocError as err:
        return None, str(err)


def build(
    doc: DocumentState, settings: Settings, evidence: EvidenceStore | None, notebook: bool
) -> pipeline.Outputs:
    """`pipeline.build` in the worker process (the caller's thread waits without the GIL)."""
    pool = _executor()
    try:
        outputs, error = pool.submit(_build, doc, settings, evidence, notebook).result()
    except (cf.process.BrokenProcessPool, RuntimeError, OSError):
        log.warning("the build worker stopped; building in the server process instead", exc_info=True)
        _forget(pool)
        outputs, error = _build(doc, settings, evidence, notebook)
    if error is not None:
        raise AutodocError(error)
    assert outputs is not None
    return outputs
