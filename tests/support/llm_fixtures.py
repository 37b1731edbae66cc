"""Fake LLM server fixtures (owned by the providers work).

`fake_llm` (function scope): a running `tests.support.fake_llm.FakeLLM` on 127.0.0.1,
closed after the test. What you get:

- `fake_llm.openai_url` ("http://127.0.0.1:N/v1") and `fake_llm.anthropic_url`
  ("http://127.0.0.1:N"): use as `Settings(base_url=...)`; `llm_settings(fake_llm, ...)` below
  builds fast settings for either provider (tiny backoff, short timeout, dummy key).
- Answers: default = a minimal valid object for the requested JSON schema (a one-block
  narrative plan for PlanReply, a figure-free sentence for NarrativeReply). Override with
  `fake_llm.responder = lambda body: {...}` (body = the request JSON; `prompt_text(body)`
  and `request_schema(body)` in tests.support.fake_llm help), or queue canned answers with
  `fake_llm.reply({"text": "..."}, ...)`.
- Faults, consumed one per matching request: `fake_llm.fault("429", retry_after=0.2)`,
  `"500"`, `"503"`, `"hang"` (seconds=...), `"invalid_json"`, `"truncate"`, `"401"`, `"404"`,
  `"fabricated"` (text=...), `"text"` (text=...); filter with `path="messages"` or
  `match="<substring of the request body>"` / `match=callable(body) -> bool`; `count=n`.
- `fake_llm.latency = 0.3` delays every answer (concurrent requests are served in parallel).
- `fake_llm.requests`: list of `Recorded(path, body, headers, fault)` (auth headers removed);
  `.text` of a record is its whole prompt. `fake_llm.reset()` clears everything.

`fake_llm_session` (session scope) is one shared server; call `.reset()` before use.
`no_network`: any socket connect or DNS lookup raises `NetworkBlocked` for the test's
duration (proves a code path needs no network; do not combine with `fake_llm`).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from autodoc.settings import Settings
from tests.support.fake_llm import FakeLLM


class NetworkBlocked(RuntimeError):
    """Raised by the `no_network` fixture when code tries to open a connection."""


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    server = FakeLLM()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def fake_llm_session() -> Iterator[FakeLLM]:
    server = FakeLLM()
    try:
        yield server
    finally:
        server.close()


def llm_settings(fake: FakeLLM, provider: str = "openai", **overrides: Any) -> Settings:
    """Settings pointing `provider` at the fake server, with fast retry knobs."""
    values: dict[str, Any] = {
        "provider": provider,
        "model": "fake-model",
        "base_url": fake.anthropic_url if provider == "anthropic" else fake.openai_url,
        "timeout": 5.0,
        "max_retries": 3,
        "initial_backoff": 0.05,
        "max_backoff": 0.2,
        "backoff_jitter": 0.0,
    }
    if provider in ("openai", "anthropic"):
        values[f"{provider}_api_key"] = "sk-test-not-a-real-key"
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to open a network connection during the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise NetworkBlocked(f"network access attempted: {args[1:] or kwargs}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
