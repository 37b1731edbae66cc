"""Before the first section: is the LLM endpoint there, does it take our key and model?

One cheap request to the provider's models endpoint with a short timeout. Connection
refused, a DNS failure, no answer, 401/403, a 404 for the model on the provider's own
host, or three 5xx in a row stop the run within about 15 s with a message that names the
URL, the provider and the model and says what to check. A 404 from an OpenAI-compatible
server (which may not serve a models endpoint) and a 429 (the server is there) pass.
A successful check is remembered for the process, so a run checks once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from autodoc.errors import LLMConfigError, LLMError

TIMEOUT = 5.0  # seconds per attempt
ATTEMPTS = 3  # 5xx or no answer, in a row, before giving up
PAUSE = 0.5

_passed: set[tuple[str, str, str]] = set()
_lock = threading.Lock()


def check(provider: Any) -> None:
    """Raise `LLMError`/`LLMConfigError` if `provider`'s endpoint cannot serve the run."""
    probe: Callable[[float], None] | None = getattr(provider, "probe", None)
    if probe is None:  # the offline writer and plug-ins without a probe
        return
    key = (provider.name, str(getattr(provider, "target", "")), provider.model)
    with _lock:
        if key in _passed:
            return
    _probe(provider, probe)
    with _lock:
        _passed.add(key)


def start(make_provider: Callable[[], Any]) -> Future[Any]:
    """`check(make_provider())` on a helper thread (e.g. while the code and MLflow are
    scanned: building an SDK client imports the SDK, which takes a while too); the future
    holds the checked provider, for the run to use (its client is built once)."""
    future: Future[Any] = Future()

    def run() -> None:
        try:
            provider = make_provider()
            check(provider)
            future.set_result(provider)
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name="autodoc-preflight", daemon=True).start()
    return future


def _probe(provider: Any, probe: Callable[[float], None]) -> None:
    target = provider.target
    last: LLMError | None = None
    for attempt in range(ATTEMPTS):
        try:
            probe(TIMEOUT)
            return
        except LLMConfigError as err:
            if err.status == 404 and not provider_host(target):
                return  # an OpenAI-compatible server without a models endpoint
            raise _named(err, target) from err
        except LLMError as err:
            if err.status == 429:
                return
            if not err.retryable or err.status is None:  # refused, DNS, no answer: at once
                raise _named(err, target) from err
            last = err
        if attempt + 1 < ATTEMPTS:
            time.sleep(PAUSE)
    assert last is not None
    raise _named(last, target) from last


def provider_host(target: Any) -> bool:
    """True for the provider's own API (where a 404 means the model does not exist)."""
    return any(host in target.base_url for host in ("api.openai.com", "api.anthropic.com"))


def _named(err: LLMError, target: Any) -> LLMError:
    """The error, saying where the run was going and what to check."""
    if isinstance(err, LLMConfigError):
        return LLMConfigError(f"LLM check failed: {err.message}", hint=err.hint, status=err.status)
    return LLMError(
        f"LLM check failed: the {target.provider} API at {target.base_url} (model '{target.model}') "
        f"cannot be used: {err.message}",
        hint=f"check that the server is running and reachable, the base URL (--base-url / "
        f"{target.base_url_variable}) and the network; or use --provider offline",
        status=err.status,
    )
