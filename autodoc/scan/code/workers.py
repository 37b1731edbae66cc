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

from autodoc.scan import processes
from autodoc.scan.code.files import FileResult, analyse
from autodoc.scan.code.walk import Candidate, decode

Chunk = bytes | list[FileResult]  # a chunk's results, pickled (from a worker) or not yet
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
                    promote_survivors()
                    gc.enable()


def promote_survivors() -> None:
    """Move every object the collector tracks into its oldest generation, without a pass over them.

    While the collector was paused, everything a scan allocated and keeps (its in-process memo:
    tens of thousands of facts and items) stayed in the youngest generation, so the first young
    collection after the pause would walk all of it (0.3 s after a scan of mlflow's 1300 files),
    and the next ones again. These objects are long-lived by design; in the oldest generation they
    wait for the next full collection like any long-lived data (freeze + unfreeze: no traversal).
    """
    gc.freeze()
    gc.unfreeze()


gc_paused = _GcPause()


def analyse_data(cand: Candidate, data: bytes) -> FileResult:
    """Facts of one file's bytes (decoding problems become `skipped`)."""
    text, problem = decode(data)
    return analyse(cand, text) if text is not None else FileResult(cand.kind, skipped=problem)


def analyse_batch(jobs: list[tuple[Candidate, bytes]]) -> list[FileResult]:
    """`analyse_data` over a chunk; what a worker process runs."""
    return [analyse_data(cand, data) for cand, data in jobs]


def analyse_many(
    jobs: list[tuple[Candidate, bytes]], blobs: list[tuple[list[int], Chunk]] | None = None
) -> list[FileResult]:
    """`analyse_batch` over all jobs, spread over the cores for large trees; same results, same order.

    Each file's facts depend on its bytes only, so splitting the work cannot change them. The jobs
    are cut into chunks, largest first and shrinking (so that the processes finish together); this
    process and fresh interpreters (``python -c``, never a fork: the app scans from threads, and
    unlike `multiprocessing` this never re-runs the caller's script) each claim the next free
    chunk until none is left. A chunk that a worker fails to deliver is analysed here instead.
    `blobs`, when given, receives every chunk's results, ``(job indices, results)``: what the disk
    cache keeps. A worker's chunk comes pickled (as it arrived: never pickled a second time); one
    analysed here comes as the list, for the cache writer to pickle off the scan's critical path.
    """
    cores = _core_count()
    if len(jobs) < PARALLEL_MIN_FILES or cores < 2 or not sys.executable:
        done = analyse_batch(jobs)
        if blobs is not None:
            blobs.append((list(range(len(jobs))), done))
        return done
    chunks = _chunks([len(data) for _, data in jobs], cores)
    results: list[FileResult | None] = [None] * len(jobs)
    with tempfile.TemporaryDirectory(prefix="autodoc-scan-") as tmp:
        board = _Board(tmp)
        inbox = os.path.join(tmp, "in.pkl")
        try:
            with open(inbox, "wb") as fh:
                pickle.dump((jobs, chunks), fh, protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PicklingError):
            inbox = ""
        workers = [_Worker(inbox, tmp, n, board) for n in range(1, min(cores, len(chunks)))]
        for c, share in enumerate(chunks):
            if board.claim(c, 0):
                _analyse_chunk(jobs, share, results, blobs)
                for worker in workers:
                    worker.poll()  # unpickle what is ready while the workers still work
        for worker in workers:
            for c, (done, blob) in (worker.results() or {}).items():
                for i, res in zip(chunks[c], done, strict=True):
                    results[i] = res
                if blobs is not None:
                    blobs.append((chunks[c], blob))
        for share in chunks:  # what a failed worker left undone
            if results[share[0]] is None:
                _analyse_chunk(jobs, share, results, blobs)
    return [res for res in results if res is not None]


def _analyse_chunk(
    jobs: list[tuple[Candidate, bytes]],
    share: list[int],
    results: list[FileResult | None],
    blobs: list[tuple[list[int], Chunk]] | None,
) -> None:
    done = analyse_batch([jobs[i] for i in share])
    for i, res in zip(share, done, strict=True):
        results[i] = res
    if blobs is not None:
        blobs.append((share, done))


def _dumps(data: object) -> bytes:
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def _core_count() -> int:
    return min(processes.cores(), _MAX_WORKERS)


_MIN_CHUNK_BYTES = 60_000


def _chunks(sizes: list[int], n: int) -> list[list[int]]:
    """Job indices in chunks of consecutive jobs, each about 1/(2n) of the bytes still left.

    The first chunks are large (few hand-overs), the last ones small (the processes end together).
    """
    weights = [size + 2000 for size in sizes]  # a per-file floor: tiny files still cost something
    left = sum(weights)
    chunks: list[list[int]] = []
    current: list[int] = []
    filled = 0
    target = max(_MIN_CHUNK_BYTES, left // (2 * n))
    for i, weight in enumerate(weights):
        current.append(i)
        filled += weight
        if filled >= target:
            chunks.append(current)
            left -= filled
            current, filled = [], 0
            target = max(_MIN_CHUNK_BYTES, left // (2 * n))
    if current:
        chunks.append(current)
    return chunks


class _Board:
    """Who analyses which chunk: the first process to create ``claim-<chunk>`` (O_EXCL) owns it."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def claim(self, chunk: int, process: int) -> bool:
        try:
            fd = os.open(os.path.join(self.folder, f"claim-{chunk}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        except OSError:
            return process == 0  # no shared folder to claim through: this process does it all
        os.write(fd, str(process).encode())
        os.close(fd)
        return True


_WORKER_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from autodoc.scan.code.workers import worker_main; "
    "worker_main(sys.argv[2], sys.argv[3], int(sys.argv[4])); "
    "import os; os._exit(0)"  # its results are on disk: no interpreter teardown to wait for
)


class _Worker:
    """One child interpreter claiming and analysing chunks; jobs in and results out through files.

    Files, not pipes: feeding a pipe from a thread would need the GIL that this process's own
    analysis holds, starving the worker of input. The worker's first chunk (the n-th) is claimed
    for it here, so that every worker starts with work even if this process is quicker.
    """

    def __init__(self, inbox: str, tmp: str, n: int, board: _Board) -> None:
        self.n = n
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None
        self.done: dict[int, tuple[list[FileResult], bytes]] = {}
        if not inbox or not board.claim(n, n):
            return
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, processes.PACKAGE_PARENT, inbox, tmp, str(n)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError):
            self.proc = None

    def poll(self) -> None:
        """Take in the chunks this worker has delivered so far."""
        prefix = f"out-{self.n}-"
        try:
            names = os.listdir(self.tmp)
        except OSError:
            return
        for name in names:
            if not name.startswith(prefix):
                continue
            chunk = int(name[len(prefix) : -len(".pkl")])
            if chunk in self.done:
                continue
            try:
                with open(os.path.join(self.tmp, name), "rb") as fh:
                    blob = fh.read()
                done = pickle.loads(blob)
            except Exception:
                continue  # cut short: analysed again by the caller
            if isinstance(done, list):
                self.done[chunk] = (done, blob)

    def results(self) -> dict[int, tuple[list[FileResult], bytes]] | None:
        """chunk -> (its results in job order, their pickle) of each chunk this worker delivered."""
        if self.proc is None:
            return None
        try:
            self.proc.wait()
        except Exception:
            return None
        self.poll()
        return self.done


def worker_main(inbox: str, tmp: str, n: int) -> None:
    """Entry of worker `n`: analyse its first chunk, then every chunk it can claim, one pickle each."""
    gc.disable()  # a short-lived process that makes no reference cycles (see `_GcPause`)
    with open(inbox, "rb") as fh:
        jobs, chunks = pickle.load(fh)
    board = _Board(tmp)
    for c in [n, *range(len(chunks))]:
        if c != n and not board.claim(c, n):
            continue
        blob = _dumps(analyse_batch([jobs[i] for i in chunks[c]]))
        part = os.path.join(tmp, f"part-{n}-{c}")
        with open(part, "wb") as fh:
            fh.write(blob)
        os.replace(part, os.path.join(tmp, f"out-{n}-{c}.pkl"))  # whole or absent
