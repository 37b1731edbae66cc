"""Analysing many files at once: worker interpreters for large trees, the cyclic GC paused."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from autodoc.scan.code.files import FileResult, analyse
from autodoc.scan.code.walk import Candidate, decode

PARALLEL_MIN_FILES = 200  # below this, starting worker interpreters costs more than it saves
_MAX_WORKERS = 8


class _GcPause:
    """Pauses the cyclic garbage collector while scans run; nested and concurrent scans share one pause.

    The analysis makes no reference cycles (none found on pandas' 1440 files), so refcounting frees
    everything; with the collector on, its repeated passes over the growing results cost about a
    third of the scan. It resumes, if it was on, when the last scan ends.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holds = 0
        self.was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.holds == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.holds += 1
        try:
            yield
        finally:
            with self.lock:
                self.holds -= 1
                if self.holds == 0 and self.was_enabled:
                    gc.enable()


gc_paused = _GcPause()


def analyse_data(cand: Candidate, data: bytes) -> FileResult:
    """Facts of one file's bytes (decoding problems become `skipped`)."""
    text, problem = decode(data)
    return analyse(cand, text) if text is not None else FileResult(cand.kind, skipped=problem)


def analyse_batch(jobs: list[tuple[Candidate, bytes]]) -> list[FileResult]:
    """`analyse_data` over a chunk; what a worker process runs."""
    return [analyse_data(cand, data) for cand, data in jobs]


def analyse_many(jobs: list[tuple[Candidate, bytes]]) -> list[FileResult]:
    """`analyse_batch` over all jobs, spread over the cores for large trees; same results, same order.

    Each file's facts depend on its bytes only, so splitting the work cannot change them. This
    process analyses one share while fresh interpreters (``python -c``, never a fork: the app
    scans from threads, and unlike `multiprocessing` this never re-runs the caller's script)
    analyse the others. A worker that fails in any way has its share analysed here instead.
    """
    cores = _core_count()
    if len(jobs) < PARALLEL_MIN_FILES or cores < 2 or not sys.executable:
        return analyse_batch(jobs)
    shares = _split([len(data) for _, data in jobs], cores)
    results: list[FileResult | None] = [None] * len(jobs)
    with tempfile.TemporaryDirectory(prefix="autodoc-scan-") as tmp:
        workers = [_Worker([jobs[i] for i in share], tmp, n) for n, share in enumerate(shares[1:])]
        for i, res in zip(shares[0], analyse_batch([jobs[i] for i in shares[0]]), strict=True):
            results[i] = res
        for share, worker in zip(shares[1:], workers, strict=True):
            done = worker.results()
            if done is None:
                done = analyse_batch([jobs[i] for i in share])
            for i, res in zip(share, done, strict=True):
                results[i] = res
    return [res for res in results if res is not None]


def _core_count() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores, _MAX_WORKERS)


def _split(sizes: list[int], n: int) -> list[list[int]]:
    """Job indices in `n` shares of about equal bytes (largest first), each share in job order."""
    shares: list[list[int]] = [[] for _ in range(n)]
    loads = [0] * n
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        k = loads.index(min(loads))
        shares[k].append(i)
        loads[k] += sizes[i] + 2000  # a per-file floor: tiny files still cost something
    return [sorted(share) for share in shares]


_WORKER_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from autodoc.scan.code.workers import worker_main; worker_main(sys.argv[2], sys.argv[3])"
)


class _Worker:
    """One child interpreter analysing a share; pickles in and out through files in `tmp`.

    Files, not pipes: feeding a pipe from a thread would need the GIL that this process's own
    analysis holds, starving the worker of input.
    """

    def __init__(self, jobs: list[tuple[Candidate, bytes]], tmp: str, n: int) -> None:
        self.count = len(jobs)
        self.proc: subprocess.Popen[bytes] | None = None
        self.outbox = os.path.join(tmp, f"out-{n}.pkl")
        inbox = os.path.join(tmp, f"in-{n}.pkl")
        package_parent = str(Path(__file__).resolve().parents[3])  # the folder holding `autodoc`
        try:
            with open(inbox, "wb") as fh:
                pickle.dump(jobs, fh, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, package_parent, inbox, self.outbox],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError, pickle.PicklingError):
            self.proc = None

    def results(self) -> list[FileResult] | None:
        """The share's results in job order, or None if the worker failed."""
        if self.proc is None:
            return None
        try:
            if self.proc.wait() != 0:
                return None
            with open(self.outbox, "rb") as fh:
                done = pickle.load(fh)
        except Exception:
            return None
        if not isinstance(done, list) or len(done) != self.count:
            return None
        return done


def worker_main(inbox: str, outbox: str) -> None:
    """Entry of a worker interpreter: analyse the pickled jobs in `inbox`, pickle the results to `outbox`."""
    gc.disable()  # a short-lived process that makes no reference cycles (see `_GcPause`)
    with open(inbox, "rb") as fh:
        jobs = pickle.load(fh)
    results = analyse_batch(jobs)
    with open(outbox, "wb") as fh:
        pickle.dump(results, fh, protocol=pickle.HIGHEST_PROTOCOL)
