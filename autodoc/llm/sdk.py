"""What the two SDK providers share: error classification and answer parsing.

Both official SDKs raise the same shapes (`APIConnectionError`/`APITimeoutError`,
`APIStatusError` with `.status_code` and `.response.headers`), so one classifier turns
them into retry decisions and user-readable `LLMConfigError` messages.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from autodoc.errors import LLMConfigError, LLMError
from autodoc.llm import egress, lenient
from autodoc.llm.base import LLMResponse
from autodoc.llm.retry import Failure, is_retryable_status, parse_retry_after

MAX_SERVER_MESSAGE = 300


def http_client_options(base_url: str) -> dict[str, Any]:
    """What both SDKs' httpx clients are built with: the egress hooks (every request is recorded
    before it leaves); for a plain ``http://`` endpoint, a TLS context that trusts nothing.

    A client loads the system's CA bundle when it is built (20-30 ms on the way to the first
    call), which a plain http endpoint (a local server) never uses. Should that server redirect
    to https, the empty trust store refuses the certificate: it fails closed, never unverified.
    """
    options: dict[str, Any] = {"event_hooks": egress.event_hooks()}
    if base_url.lower().startswith("http://"):
        options["verify"] = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, and trusts no one
    return options


@contextlib.contextmanager
def without_aiohttp() -> Iterator[None]:
    """Import an SDK without its optional aiohttp transport (we call it synchronously, over httpx).

    Both SDKs import their vendored aiohttp client when aiohttp is installed (another package
    may have pulled it in): 0.1 s of imports and two TLS contexts built at import time, on the
    way to the first call. While the SDK loads, `aiohttp` reads as not installed, so the SDK
    keeps its documented fallback (its aiohttp client raises if anyone asks for it); afterwards
    aiohttp imports normally again. Nothing changes where aiohttp is already loaded.
    """
    if "aiohttp" in sys.modules:
        yield
        return
    sys.modules["aiohttp"] = None  # type: ignore[assignment]  # `import aiohttp` raises ImportError
    try:
        yield
    finally:
        if sys.modules.get("aiohttp", 0) is None:
            del sys.modules["aiohttp"]


@dataclass(frozen=True)
class Target:
    """Where calls go, for error messages that say what to fix."""

    provider: str  # "openai" / "anthropic"
    model: str
    base_url: str
    key_variable: str  # OPENAI_API_KEY / ANTHROPIC_API_KEY
    base_url_variable: str  # OPENAI_BASE_URL / ANTHROPIC_BASE_URL


def classify(exc: BaseException, sdk: Any, target: Target) -> Failure | None:
    """Retry decision for an exception raised by `sdk` (the `openai` or `anthropic` module)."""
    if isinstance(exc, sdk.APITimeoutError):
        return Failure(True, f"no answer from {target.base_url} within the timeout")
    if isinstance(exc, sdk.APIConnectionError):
        return Failure(True, f"cannot connect to {target.base_url} ({exc.__cause__ or exc})")
    if isinstance(exc, sdk.APIStatusError):
        status = exc.status_code
        message = _server_message(exc)
        headers = exc.response.headers
        should = should_retry(headers)
        if should if should is not None else is_retryable_status(status):
            return Failure(True, f"HTTP {status}: {message}", status, parse_retry_after(headers))
        if is_retryable_status(status):  # the server said not to retry what usually is retried
            return Failure(False, message, status, error=LLMError(f"HTTP {status}: {message}", status=status))
        return Failure(False, message, status, error=config_error(status, message, target))
    return None


def should_retry(headers: Any) -> bool | None:
    """The server's own word (`x-should-retry: true|false`, as the SDKs honour it), or None."""
    value = (headers.get("x-should-retry") if headers is not None else None) or ""
    return {"true": True, "false": False}.get(value.strip().lower())


def config_error(status: int, message: str, target: Target) -> LLMConfigError:
    """A never-retried failure, worded as what the user should change."""
    who = f"The {target.provider} API at {target.base_url}"
    if status == 401:
        text = f"{who} rejected the API key (HTTP 401)."
        hint = f"set {target.key_variable} to a valid key for this server"
    elif status == 403:
        text = f"{who} refused access (HTTP 403) for model '{target.model}'."
        hint = f"check that the key in {target.key_variable} may use model '{target.model}'"
    elif status == 404:
        text = f"{who} has no model '{target.model}' or no such endpoint (HTTP 404): {message}"
        hint = f"check the model name (--model) and the base URL (--base-url / {target.base_url_variable})"
    else:
        text = f"{who} rejected the request for model '{target.model}' (HTTP {status}): {message}"
        hint = "check the model name (--model) and that it supports structured JSON output"
    return LLMConfigError(text, hint=hint, status=status)


UNREADABLE = (ValueError, AttributeError, KeyError, TypeError, IndexError)  # a body of the wrong shape


def unreadable_answer(target: Target, exc: BaseException) -> LLMError:
    """A 200 answer that is not the protocol's JSON (a proxy page, another API...)."""
    return LLMError(
        f"The {target.provider} API at {target.base_url} answered with something that is not a "
        f"{target.provider} response ({type(exc).__name__}: {_shorten(str(exc))})",
        hint=f"check that the base URL (--base-url / {target.base_url_variable}) points at an "
        f"{'OpenAI-compatible' if target.provider == 'openai' else 'Anthropic'} API",
    )


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _server_message(exc: Any) -> str:
    """The server's own error text, shortened; never echoes request headers."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        text = inner.get("message") if isinstance(inner, dict) else str(inner)
    else:
        text = str(getattr(exc, "message", "") or exc)
    return _shorten(str(text or ""), MAX_SERVER_MESSAGE)


def parse_answer(text: str, model: type[BaseModel]) -> tuple[BaseModel | None, str | None]:
    """Validate an answer against its pydantic contract; returns (parsed, error)."""
    parsed, _, error = lenient.parse(text, model)
    return parsed, error


def read_answer(response: LLMResponse, model: type[BaseModel], *, truncated: bool, max_tokens: int) -> None:
    """Set `response.parsed/notes/error` from its text, leniently (fences, prose, whole
    blocks of a truncated answer); a truncated answer with nothing whole is a truncation."""
    parsed, notes, error = lenient.parse(response.raw_text, model)
    if truncated:
        if parsed is None:
            response.error = truncation_error(max_tokens)
            return
        notes = [f"the answer was cut off at {max_tokens} tokens; its complete part was kept", *notes]
    response.parsed, response.notes, response.error = parsed, notes, error


def describe_validation_error(exc: ValidationError, limit: int = 8) -> str:
    """A short, model-readable account of what is wrong with an answer."""
    errors = exc.errors(include_url=False)
    if errors and errors[0]["type"] in ("json_invalid", "json_type"):
        return f"the answer is not valid JSON ({errors[0]['msg']})"
    lines = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in errors[:limit]]
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    return "the answer does not match the schema: " + "; ".join(lines) + more


def truncation_error(max_tokens: int) -> str:
    return (
        f"the answer was cut off at the {max_tokens}-token limit before the JSON was complete; "
        "answer again more briefly"
    )


def json_text(data: Any) -> str:
    return data if isinstance(data, str) else json.dumps(data)
