"""Thread-safe progress reporting: workers write events, front ends read snapshots.

Workers never touch a UI. The CLI polls `Progress.snapshot()` from its own thread; the
Streamlit page keeps a `Progress` in session state and reads it from a fragment.
Cancellation lives here too, so one object travels with a job.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from autodoc.threads import StopFlag

Phase = Literal["scanning", "planning", "generating", "building", "done"]
PHASES: tuple[Phase, ...] = ("scanning", "planning", "generating", "building")


@dataclass(frozen=True)
class Event:
    phase: str
    message: str
    section: str | None = None
    block: str | None = None
    level: Literal["info", "detail", "warning", "error"] = "info"
    at: float = field(default_factory=time.monotonic)


@dataclass
class PhaseState:
    done: int = 0
    total: int = 0
    current: str | None = None
    started: float | None = None
    finished: float | None = None


@dataclass(frozen=True)
class Snapshot:
    phase: str
    phases: dict[str, PhaseState]
    input_tokens: int
    output_tokens: int
    calls: int
    retries: int
    errors: int
    elapsed: float
    events: list[Event]
    cancelled: bool
    finished: bool
    counts: dict[str, int] = field(default_factory=dict)  # e.g. "failed attempts", "flagged"
    in_flight: list[str] = field(default_factory=list)  # what the LLM calls running now are for


class Progress:
    """A lock-guarded sink of progress events plus a stop flag."""

    def __init__(self, max_events: int = 2000) -> None:
        self._lock = threading.Lock()
        self._stop = StopFlag()
        self._events: deque[Event] = deque(maxlen=max_events)
        self._phases: dict[str, PhaseState] = {p: PhaseState() for p in PHASES}
        self._phase: str = "scanning"
        self._tokens_in = self._tokens_out = self._calls = self._retries = self._errors = 0
        self._t0 = time.monotonic()
        self._finished = False
        self._counts: dict[str, int] = {}
        self._in_flight: dict[str, str] = {}

    # -- writers (any thread) ----------------------------------------------------------
    def start_phase(self, phase: str, total: int = 0) -> None:
        with self._lock:
            self._phase = phase
            state = self._phases.setdefault(phase, PhaseState())
            if state.started is None:  # a phase started again (scan inside generate) is logged once
                self._events.append(Event(phase, f"{phase} started"))
            state.started = state.started or time.monotonic()
            state.total = max(state.total, total)

    def add_total(self, phase: str, n: int) -> None:
        with self._lock:
            self._phases.setdefault(phase, PhaseState()).total += n

    def advance(self, phase: str, current: str | None = None, n: int = 1) -> None:
        with self._lock:
            state = self._phases.setdefault(phase, PhaseState())
            state.done += n
            state.current = current

    def set_current(self, phase: str, current: str | None) -> None:
        with self._lock:
            self._phases.setdefault(phase, PhaseState()).current = current

    def finish_phase(self, phase: str) -> None:
        with self._lock:
            state = self._phases.setdefault(phase, PhaseState())
            state.finished = time.monotonic()
            state.current = None

    def event(
        self,
        phase: str,
        message: str,
        *,
        section: str | None = None,
        block: str | None = None,
        level: Literal["info", "detail", "warning", "error"] = "info",
    ) -> None:
        with self._lock:
            self._events.append(Event(phase, message, section, block, level))
            if level == "error":
                self._errors += 1

    def usage(
        self, *, input_tokens: int = 0, output_tokens: int = 0, calls: int = 0, retries: int = 0
    ) -> None:
        with self._lock:
            self._tokens_in += input_tokens
            self._tokens_out += output_tokens
            self._calls += calls
            self._retries += retries

    def count(self, name: str, n: int = 1) -> None:
        """Add to a named counter the display shows as it happens (failed attempts, flagged)."""
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + n

    def call_started(self, key: str, label: str) -> None:
        with self._lock:
            self._in_flight[key] = label

    def call_ended(self, key: str) -> None:
        with self._lock:
            self._in_flight.pop(key, None)

    def finish(self) -> None:
        with self._lock:
            self._finished = True
            self._phase = "done"

    # -- cancellation -------------------------------------------------------------------
    def stop(self, grace: float = 0.0) -> None:
        """No new call starts; running calls may finish within `grace` seconds (answers kept)."""
        self._stop.stop(grace)

    @property
    def stop_expired(self) -> bool:
        """Stopped and the grace period is over: stop waiting for running calls."""
        return self._stop.expired()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    @property
    def stop_event(self) -> StopFlag:
        return self._stop

    # -- readers ------------------------------------------------------------------------
    def snapshot(self, since: int = 0) -> Snapshot:
        with self._lock:
            events = list(self._events)[since:]
            phases = {k: PhaseState(**vars(v)) for k, v in self._phases.items()}
            return Snapshot(
                self._phase,
                phases,
                self._tokens_in,
                self._tokens_out,
                self._calls,
                self._retries,
                self._errors,
                time.monotonic() - self._t0,
                events,
                self._stop.is_set(),
                self._finished,
                dict(self._counts),
                list(self._in_flight.values()),
            )
