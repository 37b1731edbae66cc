"""One executor, a dependency graph, and the LLM session every call goes through.

`Scheduler` runs planning and generation jobs on ONE `ThreadPoolExecutor` sized
planning + generation workers. A section's write jobs are queued the moment its plan
arrives (no barrier between phases); separate in-flight counters cap each kind, except
that plans may take generation slots nothing is waiting for (at the start of a run every
slot plans; writes take their slots back as plans finish, and go first). Results
are applied to the document state by the dispatching thread only, so workers never share
mutable state. On a Stop no job starts; running calls may finish within the grace period
(their answers are kept), then whatever still runs is abandoned, not awaited.

`Session` wraps a provider: it refuses new calls after a Stop, never sends the same
request twice in a run (memo by `LLMRequest.request_hash`), counts usage into `Progress`
and hands every request that leaves to the run's egress ledger (`pipeline/ledger.py`).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Literal

from autodoc.document import EgressRecord, Usage
from autodoc.errors import AutodocError, Cancelled
from autodoc.evidence import EvidenceStore
from autodoc.limits import check_prompt
from autodoc.llm.base import LLMRequest, LLMResponse, Provider
from autodoc.llm.egress import CallInfo, recording
from autodoc.llm.scrub import Scrubber
from autodoc.pipeline.ledger import Ledger
from autodoc.progress import Progress

JobKind = Literal["plan", "write", "fetch", "local"]
POLL_SECONDS = 0.1  # how often the dispatcher looks at the stop flag while waiting
FETCH_WORKERS = 2  # artifact downloads (images) run beside the LLM calls, never in their slots


class Session:
    """A provider wrapper shared by every call of one run (thread-safe)."""

    def __init__(
        self,
        provider: Provider,
        progress: Progress,
        evidence: EvidenceStore | None = None,
        max_prompt_chars: int | None = None,
        ledger: Ledger | None = None,
        scrubber: Scrubber | None = None,
    ) -> None:
        self.provider = provider
        self.max_prompt_chars = max_prompt_chars
        self.progress = progress
        self.name = provider.name
        self.model = provider.model
        # every request that leaves is recorded by the transport's hook (llm/egress.py)
        self.ledger = ledger or Ledger(None, "", provider.name, provider.model)
        self.scrubber = scrubber or Scrubber([])  # what the server returns, before anyone sees it
        self.calls = 0
        self.memo_hits = 0
        self.usage = Usage()
        self._memo: dict[str, LLMResponse] = {}
        self._flights = itertools.count(1)
        self._spans: list[tuple[float, float]] = []  # (start, end) of every provider call
        self._lock = threading.Lock()
        self._redactions = _redaction_places(evidence)

    @property
    def leaves_machine(self) -> bool:
        return self.name != "offline"

    @property
    def egress(self) -> list[EgressRecord]:
        """The requests this session sent (each attempt, retry and re-ask)."""
        return self.ledger.records()

    def complete(self, request: LLMRequest) -> LLMResponse:
        if self.progress.cancelled:
            raise Cancelled("stopped: no new LLM calls")
        if self.max_prompt_chars is not None:
            check_prompt(request.prompt_chars(), self.max_prompt_chars, request.purpose)
        key = request.request_hash(self.name, self.model)
        with self._lock:
            cached = self._memo.get(key)
        if cached is not None:
            with self._lock:
                self.memo_hits += 1
            return cached
        flight = f"{request.purpose}#{next(self._flights)}"
        self.progress.call_started(flight, request.purpose)
        started = time.monotonic()
        try:
            with recording(self.ledger, self._call_info(request, key)):
                response = self.provider.complete(request)
        except AutodocError as err:
            raise self.scrubber.error(err)  # noqa: B904 - the same error, its server text scrubbed
        finally:
            self.progress.call_ended(flight)
            with self._lock:
                self._spans.append((started, time.monotonic()))
        response.raw_text = self.scrubber.text(response.raw_text)
        response.error = self.scrubber.text(response.error) if response.error else None
        response.parsed = self.scrubber.model(response.parsed)
        self._record(request, response, key)
        if response.parsed is not None:
            with self._lock:
                self._memo[key] = response
        return response

    def in_flight_seconds(self) -> float:
        """Wall time during which at least one call was in flight (the LLM-bound time)."""
        with self._lock:
            spans = sorted(self._spans)
        total, end = 0.0, float("-inf")
        for start, stop in spans:
            if stop > end:
                total += stop - max(start, end)
                end = stop
        return total

    def _record(self, request: LLMRequest, response: LLMResponse, key: str) -> None:
        self.progress.usage(
            input_tokens=response.input_tokens,
            output_tokens=response.output_tokens,
            calls=1 if self.leaves_machine else 0,  # the offline writer makes no LLM call
            retries=response.retries,
        )
        with self._lock:
            self.calls += 1
            self.usage.add(
                Usage(
                    calls=1,
                    input_tokens=response.input_tokens,
                    output_tokens=response.output_tokens,
                    cached_tokens=response.cached_tokens,
                    prompt_chars=request.prompt_chars(),
                    retries=response.retries,
                    seconds=response.seconds,
                )
            )

    def _call_info(self, request: LLMRequest, key: str) -> CallInfo | None:
        if not self.leaves_machine:
            return None
        return CallInfo(
            provider=self.name,
            model=self.model,
            purpose=request.purpose,
            chars=request.prompt_chars(),
            evidence_ids=list(request.evidence_ids),
            files=list(request.files),
            redactions=self._redactions_for(request),
            request_hash=key,
        )

    def _redactions_for(self, request: LLMRequest) -> int:
        """How many secrets were removed from the files and runs this request drew on."""
        places = set(request.files) | {
            eid.split(":")[1] for eid in request.evidence_ids if eid.startswith("r:") and eid.count(":") >= 1
        }
        return sum(count for place, count in self._redactions if place in places)


def _redaction_places(evidence: EvidenceStore | None) -> list[tuple[str, int]]:
    """(file path or run8, count) for every redaction in the scan."""
    out: list[tuple[str, int]] = []
    for red in evidence.redactions if evidence else []:
        place = red.place
        if place.startswith("MLflow run "):
            out.append((place.split()[2][:8], red.count))
        else:
            out.append((place.split(":")[0], red.count))
    return out


@dataclass
class Job:
    """One unit of work; `on_done` runs on the dispatching thread and may add jobs."""

    kind: JobKind
    name: str
    fn: Callable[[], Any]
    on_done: Callable[[Any], list[Job] | None]


@dataclass
class SchedulerStats:
    submitted: dict[str, int] = field(default_factory=lambda: {"plan": 0, "write": 0, "fetch": 0, "local": 0})
    max_in_flight: dict[str, int] = field(default_factory=lambda: {"plan": 0, "write": 0, "fetch": 0})
    cancelled: bool = False
    seconds: float = 0.0


class Scheduler:
    """Dispatch jobs with per-kind in-flight limits over one thread pool."""

    def __init__(self, planning_workers: int, generation_workers: int, progress: Progress) -> None:
        self.limits = {
            "plan": max(1, planning_workers),
            "write": max(1, generation_workers),
            "fetch": FETCH_WORKERS,
        }
        self.progress = progress
        self.stats = SchedulerStats()
        self._abort = False
        self._halt = False

    def halt(self) -> None:
        """Start no new job; the running ones finish and their results are applied (the
        circuit breaker: every request that leaves is then answered and counted)."""
        self._halt = True

    def abort(self) -> None:
        """Issue no more jobs (e.g. the key is wrong); in-flight ones are abandoned."""
        self._abort = True

    def run(self, jobs: list[Job]) -> SchedulerStats:
        """Run `jobs` and everything they add.

        On Stop no new job starts; running ones may finish within the stop's grace period and
        their results are applied (kept); what still runs after it is abandoned.
        """
        t0 = time.monotonic()
        queues: dict[str, deque[Job]] = {kind: deque() for kind in ("plan", "write", "fetch", "local")}
        for job in jobs:
            queues[job.kind].append(job)
        in_flight: dict[Future[Any], Job] = {}
        counts = {"plan": 0, "write": 0, "fetch": 0}
        pool = ThreadPoolExecutor(max_workers=sum(self.limits.values()), thread_name_prefix="autodoc")
        try:
            while any(queues.values()) or in_flight:
                if self._abort or self._stopping(queues, in_flight):
                    break
                if self._halt:
                    for queue in queues.values():
                        queue.clear()
                elif not self.progress.cancelled:
                    self._submit_ready(pool, queues, in_flight, counts)
                    self._run_local(queues)
                if not in_flight:
                    continue
                done, _ = wait(list(in_flight), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    job = in_flight.pop(future)
                    counts[job.kind] -= 1
                    self._finish(job, _outcome(future), queues)
        finally:
            # Never wait for abandoned calls: past the grace period a Stop returns at once.
            pool.shutdown(wait=False, cancel_futures=True)
            self.stats.seconds = time.monotonic() - t0
        return self.stats

    def _stopping(self, queues: dict[str, deque[Job]], in_flight: dict[Future[Any], Job]) -> bool:
        """After a Stop: drop queued jobs; True once nothing runs or the grace period is over."""
        if not self.progress.cancelled:
            return False
        self.stats.cancelled = True
        for queue in queues.values():
            queue.clear()
        return not in_flight or self.progress.stop_expired

    def _submit_ready(
        self,
        pool: ThreadPoolExecutor,
        queues: dict[str, deque[Job]],
        in_flight: dict[Future[Any], Job],
        counts: dict[str, int],
    ) -> None:
        # Writes first: they finish sections; plans and downloads keep their own slots.
        for kind in ("write", "plan", "fetch"):
            queue = queues[kind]
            while queue and self._has_slot(kind, counts, queues):
                job = queue.popleft()
                in_flight[pool.submit(self._guard, job.fn)] = job
                counts[kind] += 1
                self.stats.submitted[kind] += 1
                self.stats.max_in_flight[kind] = max(self.stats.max_in_flight[kind], counts[kind])

    def _has_slot(self, kind: str, counts: dict[str, int], queues: dict[str, deque[Job]]) -> bool:
        """A free slot of its kind, or (a plan) a generation slot no write is waiting for.

        A write waits for the plans that borrowed generation slots to give them back."""
        if kind == "fetch":
            return counts[kind] < self.limits[kind]
        free = counts["plan"] + counts["write"] < self.limits["plan"] + self.limits["write"]
        if counts[kind] < self.limits[kind]:
            return free
        return kind == "plan" and free and not queues["write"]

    def _run_local(self, queues: dict[str, deque[Job]]) -> None:
        """Jobs without an LLM call (tables, charts, images) run right here, quickly."""
        while queues["local"] and not self.progress.cancelled:
            job = queues["local"].popleft()
            self.stats.submitted["local"] += 1
            try:
                outcome: Any = job.fn()
            except Exception as err:  # a failed fill costs that block only
                outcome = err
            self._finish(job, outcome, queues)

    def _guard(self, fn: Callable[[], Any]) -> Any:
        if self.progress.cancelled or self._abort:
            raise Cancelled("stopped before the call started")
        return fn()

    def _finish(self, job: Job, outcome: Any, queues: dict[str, deque[Job]]) -> None:
        if isinstance(outcome, Cancelled):
            return
        for new in job.on_done(outcome) or []:
            queues[new.kind].append(new)


def _outcome(future: Future[Any]) -> Any:
    """The job's result, or the exception it raised (handled by `on_done`)."""
    err = future.exception()
    return err if err is not None else future.result()
