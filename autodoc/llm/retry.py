"""The one transport retry layer: our knobs, our backoff, interruptible by a stop flag.

SDK clients are built with `max_retries=0` so attempts never multiply; this loop retries
connection errors, timeouts, 408, 409, 429 and 5xx, honours `retry-after(-ms)` (capped at
`max_backoff`), and fails at once on anything else. A set stop flag ends the loop within
about 0.1 s during a backoff, and an in-flight call once the stop's grace period is over,
by raising `Cancelled` (a call that answers within the grace period is kept).
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from autodoc.errors import Cancelled, LLMError
from autodoc.llm import egress
from autodoc.settings.model import BACKOFF_JITTER, INITIAL_BACKOFF, MAX_BACKOFF, MAX_RETRIES, Settings
from autodoc.threads import expired, in_thread

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({408, 409, 429})
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = MAX_RETRIES
    initial_backoff: float = INITIAL_BACKOFF
    max_backoff: float = MAX_BACKOFF
    jitter: float = BACKOFF_JITTER

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """The policy of validated `Settings` (their fields hold the ranges)."""
        s = settings
        return cls(s.max_retries, s.initial_backoff, s.max_backoff, s.backoff_jitter)

    def delay(self, retry: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number `retry` (0-based)."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.max_backoff)
        base = min(self.initial_backoff * (2**retry), self.max_backoff)
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        return min(max(0.0, base * (1.0 + spread)), self.max_backoff)


PROBE_POLICY = RetryPolicy(max_retries=0)  # the preflight counts its own attempts


@dataclass
class Failure:
    """How one failed attempt should be handled."""

    retryable: bool
    message: str
    status: int | None = None
    retry_after: float | None = None
    error: LLMError | None = None  # raised as is when not retryable


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUS or status >= 500


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date)."""
    if not headers:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return float(millis) / 1000.0
    except ValueError:
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):  # neither seconds nor an HTTP date: ignore it
        return None
    return max(0.0, when.timestamp() - time.time())


def call_with_retry(
    call: Callable[[], T],
    policy: RetryPolicy,
    classify: Callable[[BaseException], Failure | None],
    *,
    stop: threading.Event | None = None,
    what: str = "LLM call",
) -> tuple[T, int]:
    """Run `call` under the policy; returns (result, retries spent)."""
    retries = 0
    while True:
        _check_stop(stop, what)
        try:
            return _interruptible(call, stop, what), retries
        except Cancelled as exc:
            egress.failed(exc)  # an attempt abandoned at a stop is still in the record
            raise
        except LLMError:
            raise
        except Exception as exc:
            egress.failed(exc)
            failure = classify(exc)
            if failure is None:
                raise
            if not failure.retryable:
                raise (failure.error or LLMError(failure.message, status=failure.status)) from exc
            if retries >= policy.max_retries:
                raise LLMError(
                    f"{what} failed after {retries + 1} attempt(s): {failure.message}",
                    hint="raise --max-retries or --timeout, or try again later",
                    retryable=True,
                    status=failure.status,
                ) from exc
            _backoff(policy.delay(retries, failure.retry_after), stop, what)
            retries += 1


def _check_stop(stop: threading.Event | None, what: str) -> None:
    if stop is not None and stop.is_set():
        raise Cancelled(f"stopped: {what} not sent")


def _backoff(seconds: float, stop: threading.Event | None, what: str) -> None:
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise Cancelled(f"stopped while waiting to retry {what}")


def _interruptible(call: Callable[[], T], stop: threading.Event | None, what: str) -> T:
    """Run `call`; after a stop, wait for it only until the stop's grace period is over.

    The sync SDKs cannot abort an in-flight request, so the call runs in a helper thread
    that is abandoned when the grace period ends (its answer, if any, is discarded).
    """
    if stop is None:
        return call()
    pending = in_thread(call, "autodoc-llm-call")
    while not pending.wait(POLL_SECONDS):
        if expired(stop):
            raise Cancelled(f"stopped during {what}")
    return pending.result()
