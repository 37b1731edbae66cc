"""Run a call in a thread and wait for it; a stop flag with a grace period.

`in_thread` is the one home of "start a call in a daemon thread, wait for it on my own
terms" (the CLI polls its display while the pipeline runs, the LLM transport waits while
watching the stop flag, the MLflow probe waits with a deadline). The call runs with the
caller's context variables, so per-call context (the egress record) follows it.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """A call running in a daemon thread; `wait` for it, then take its `result`."""

    def __init__(self, call: Callable[[], T], name: str) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()  # not Thread.join: an interrupted join can misreport is_alive()
        context = contextvars.copy_context()
        self.thread = threading.Thread(target=context.run, args=(self._run, call), name=name, daemon=True)
        self.thread.start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self._value = call()
        except BaseException as exc:  # handed to the waiting thread by `result`
            self._error = exc
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the call has finished (returned or raised)."""
        return self._done.wait(timeout)

    def result(self) -> T:
        """The call's value, or its exception raised here; only after `wait` returned True."""
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    @property
    def error(self) -> BaseException | None:
        return self._error


def in_thread(call: Callable[[], T], name: str = "autodoc-call") -> Background[T]:
    """Start `call` in a daemon thread (with the caller's context variables)."""
    return Background(call, name)


class StopFlag(threading.Event):
    """Set on a stop: no new call starts; calls already running may finish until `deadline`."""

    def __init__(self) -> None:
        super().__init__()
        self.deadline = 0.0

    def stop(self, grace: float = 0.0) -> None:
        """Stop with `grace` seconds for running calls (a second stop never extends it)."""
        deadline = time.monotonic() + max(0.0, grace)
        self.deadline = min(self.deadline, deadline) if self.is_set() else deadline
        self.set()

    def expired(self) -> bool:
        """Stopped and the grace period is over: abandon what is still running."""
        return self.is_set() and time.monotonic() >= self.deadline


def expired(stop: threading.Event | None) -> bool:
    """`StopFlag.expired`, or `is_set` for a plain event (no grace)."""
    if stop is None:
        return False
    if isinstance(stop, StopFlag):
        return stop.expired()
    return stop.is_set()
