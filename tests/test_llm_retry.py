"""The retry policy's arithmetic and header parsing (no network)."""

from __future__ import annotations

import email.utils
import random
import threading
import time

import pytest

from autodoc.errors import Cancelled, LLMError
from autodoc.llm.retry import Failure, RetryPolicy, call_with_retry, parse_retry_after
from autodoc.settings import Settings


def test_policy_comes_from_the_reference_knobs() -> None:
    assert RetryPolicy.from_settings(Settings()) == RetryPolicy(3, 3.0, 30.0, 0.2)


def test_backoff_doubles_within_jitter_and_never_exceeds_the_cap() -> None:
    policy = RetryPolicy(max_retries=6, initial_backoff=3.0, max_backoff=30.0, jitter=0.2)
    rng = random.Random(7)
    for retry, base in enumerate([3.0, 6.0, 12.0, 24.0, 30.0, 30.0]):
        delays = [policy.delay(retry, rng=rng) for _ in range(300)]
        assert min(delays) >= base * 0.8 - 1e-9
        assert max(delays) <= min(base * 1.2, 30.0) + 1e-9
        assert max(delays) - min(delays) > base * 0.1  # jitter really spreads the waits


def test_retry_after_wins_but_is_capped() -> None:
    policy = RetryPolicy(initial_backoff=3.0, max_backoff=30.0, jitter=0.2)
    assert policy.delay(0, retry_after=7.5) == 7.5
    assert policy.delay(2, retry_after=120.0) == 30.0
    assert policy.delay(0, retry_after=-1.0) == 0.0


def test_retry_after_headers() -> None:
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "1.5", "retry-after-ms": "bad"}) == 1.5
    assert parse_retry_after({}) is None and parse_retry_after(None) is None
    later = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 15 <= (parse_retry_after({"retry-after": later}) or 0) <= 21
    assert parse_retry_after({"retry-after": "soon"}) is None


class Flaky(Exception):
    pass


def test_call_with_retry_counts_retries_and_gives_up() -> None:
    calls: list[float] = []

    def call() -> str:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise Flaky("boom")
        return "ok"

    policy = RetryPolicy(max_retries=2, initial_backoff=0.01, max_backoff=0.01, jitter=0.0)
    classify = lambda exc: Failure(True, str(exc)) if isinstance(exc, Flaky) else None  # noqa: E731
    assert call_with_retry(call, policy, classify) == ("ok", 2)
    calls.clear()
    with pytest.raises(LLMError, match="failed after 2 attempt"):
        call_with_retry(call, RetryPolicy(1, 0.01, 0.01, 0.0), classify, what="test call")


def test_unclassified_errors_are_not_retried() -> None:
    def call() -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        call_with_retry(call, RetryPolicy(3, 0.01, 0.01, 0.0), lambda exc: None)


def test_stop_wins_over_a_long_wait() -> None:
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        call_with_retry(
            lambda: (_ for _ in ()).throw(Flaky("x")),
            RetryPolicy(3, 60.0, 60.0, 0.0),
            lambda exc: Failure(True, "x"),
            stop=stop,
        )
    assert time.monotonic() - started < 2.0
