"""The scheduler: one pool, per-kind in-flight limits, no idling, prompt Stop."""

from __future__ import annotations

import threading
import time

from autodoc.pipeline.schedule import Job, Scheduler
from autodoc.progress import Progress


class Meter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = {"plan": 0, "write": 0}
        self.peak = {"plan": 0, "write": 0}
        self.peak_total = 0

    def work(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.now[kind] += 1
            self.peak[kind] = max(self.peak[kind], self.now[kind])
            self.peak_total = max(self.peak_total, sum(self.now.values()))
        time.sleep(seconds)
        with self.lock:
            self.now[kind] -= 1


def _graph(
    meter: Meter,
    sections: int,
    blocks: int,
    seconds: float,
    log: list[str],
    write_seconds: float | None = None,
    stagger: bool = False,
) -> list[Job]:
    def plan_job(n: int) -> Job:
        def done(_: object) -> list[Job]:
            log.append(f"planned {n}")
            return [
                Job(
                    "write",
                    f"w{n}.{b}",
                    lambda: meter.work("write", write_seconds or seconds),
                    lambda _o, n=n, b=b: log.append(f"wrote {n}.{b}"),
                )
                for b in range(blocks)
            ]

        plan_seconds = seconds * (n + 1) if stagger else seconds
        return Job("plan", f"p{n}", lambda: meter.work("plan", plan_seconds), done)

    return [plan_job(n) for n in range(sections)]


def test_limits_are_honoured_and_the_pool_stays_busy() -> None:
    meter, log = Meter(), []
    jobs = _graph(meter, sections=6, blocks=3, seconds=0.3, log=log, write_seconds=0.1)
    stats = Scheduler(2, 3, Progress()).run(jobs)
    # never more than 3 writes nor 5 calls in all; at the start, with nothing to write yet,
    # the 3 generation slots plan too
    assert meter.peak == {"plan": 5, "write": 3} and meter.peak_total == 5
    assert len([x for x in log if x.startswith("wrote")]) == 18
    # No barrier between planning and writing: the first section's blocks are written
    # before the last plan is in (the wall time of this graph is in benchmarks/pipeline.py)
    assert min(n for n, x in enumerate(log) if x.startswith("wrote")) < log.index("planned 5")
    assert stats.submitted == {"plan": 6, "write": 18, "fetch": 0, "local": 0}


def test_writes_of_a_section_start_as_soon_as_its_plan_exists() -> None:
    meter, log = Meter(), []
    # 3 slots: the first 3 sections plan at once; a later section's plan takes longer, so
    # the first section's write (ready after 0.1 s) finishes long before the last plan
    # unless writes wait for planning to end
    graph = _graph(meter, sections=5, blocks=1, seconds=0.1, log=log, stagger=True)
    Scheduler(1, 2, Progress()).run(graph)
    assert log.index("wrote 0.0") < log.index("planned 4")


def test_stop_returns_promptly_without_waiting_for_in_flight_jobs() -> None:
    progress, meter, log = Progress(), Meter(), []
    jobs = _graph(meter, sections=4, blocks=2, seconds=5.0, log=log)
    threading.Timer(0.2, progress.stop).start()
    started = time.monotonic()
    stats = Scheduler(2, 2, progress).run(jobs)
    assert time.monotonic() - started < 1.0
    assert stats.cancelled and log == []


def test_local_jobs_run_inline_and_failures_reach_on_done() -> None:
    seen: list[object] = []

    def boom() -> None:
        raise ValueError("bad fill")

    Scheduler(1, 1, Progress()).run(
        [Job("local", "t", boom, seen.append), Job("write", "w", lambda: 7, seen.append)]
    )
    assert any(isinstance(x, ValueError) for x in seen) and 7 in seen


def test_downloads_run_beside_the_llm_calls_not_in_their_slots() -> None:
    """An image download never holds the only generation slot: the LLM write runs while
    both downloads are still waiting (they wait for it)."""
    release, log = threading.Event(), []

    def fetch() -> None:
        log.append("fetched" if release.wait(5) else "fetch timed out")

    def write() -> None:
        log.append("wrote")
        release.set()

    jobs = [
        Job("fetch", "f1", fetch, lambda _o: None),
        Job("fetch", "f2", fetch, lambda _o: None),
        Job("write", "w", write, lambda _o: None),
    ]
    stats = Scheduler(1, 1, Progress()).run(jobs)
    assert log == ["wrote", "fetched", "fetched"]
    assert stats.submitted["fetch"] == 2 and stats.max_in_flight["write"] == 1
