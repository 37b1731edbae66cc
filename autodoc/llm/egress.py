"""The egress hook: every HTTP request to an LLM server is told to a recorder before it is sent.

The SDK clients are built with `event_hooks()`: httpx calls `_on_request` right before a
request goes out (each attempt, each re-ask) and `_on_response` when an answer arrives,
whatever its status. The recorder (the run's append-only ledger) and what the call is for
travel in a context variable set by `recording(...)` around `provider.complete`; the
thread helper copies context, so the hooks see it in the transport's thread. Only counts,
sizes, statuses and evidence ids are recorded, never content.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class CallInfo:
    """What one logical call is for (the same for its retries and transport attempts)."""

    provider: str
    model: str
    purpose: str
    chars: int
    evidence_ids: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    redactions: int = 0
    request_hash: str = ""
    pending: str | None = None  # the attempt sent and not yet answered


class Recorder(Protocol):
    def sent(self, call: CallInfo, request_bytes: int) -> str:
        """Record (durably) that an attempt is about to leave; returns its id."""
        ...

    def outcome(self, attempt: str, outcome: str, status: int | None = None, response_bytes: int = 0) -> None:
        """Record what came back for `attempt` (an HTTP status, or why nothing did)."""
        ...


_current: ContextVar[tuple[Recorder, CallInfo] | None] = ContextVar("autodoc_egress", default=None)


@contextlib.contextmanager
def recording(recorder: Recorder | None, call: CallInfo | None) -> Iterator[None]:
    """Requests sent inside the block are recorded for `call`."""
    if recorder is None or call is None:
        yield
        return
    token = _current.set((recorder, call))
    try:
        yield
    finally:
        _current.reset(token)


def _on_request(request: Any) -> None:
    current = _current.get()
    if current is not None:
        recorder, call = current
        call.pending = recorder.sent(call, len(request.content or b""))


def _on_response(response: Any) -> None:
    current = _current.get()
    if current is None or current[1].pending is None:
        return
    recorder, call = current
    response.read()  # the SDK reads it next anyway; the size is part of the record
    recorder.outcome(call.pending, "answered", response.status_code, len(response.content))
    call.pending = None


def failed(exc: BaseException) -> None:
    """The attempt in flight ended without an answer (timeout, connection lost, abandoned)."""
    current = _current.get()
    if current is None or current[1].pending is None:
        return
    recorder, call = current
    recorder.outcome(call.pending, no_answer_kind(exc))
    call.pending = None


def no_answer_kind(exc: BaseException) -> str:
    """`timeout`, `not delivered` (no connection was made) or `connection lost`."""
    chain = [exc, exc.__cause__, exc.__context__]
    names = " ".join(type(e).__name__ for e in chain if e is not None)
    if "ConnectError" in names or "ConnectTimeout" in names:
        return "not delivered"
    if "Timeout" in names:
        return "timeout"
    if "Cancelled" in names:
        return "abandoned at stop"
    return "connection lost"


def event_hooks() -> dict[str, list[Callable[[Any], None]]]:
    """httpx `event_hooks` for an SDK client whose requests are recorded."""
    return {"request": [_on_request], "response": [_on_response]}
