"""Reaching an MLflow tracking store: which URI, is it there, and a client that counts its calls."""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from autodoc.errors import MlflowUnavailableError
from autodoc.settings import Settings, without_password
from autodoc.threads import in_thread

NO_MLFLOW_NOTE = "No MLflow tracking server was configured; the document is written from code alone."

# MLflow's HTTP client retries for minutes by default; an interactive tool must answer in seconds.
# Only applied when the user has not set them.
_HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0.2",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}
CONNECT_TIMEOUT_S = 5.0
PROBE_DEADLINE_S = 6.0


def resolve_uri(settings: Settings, cwd: Path | None = None) -> str | None:
    """The tracking URI to scan: the setting, else ./mlflow.db if present, else None (no MLflow)."""
    if settings.mlflow_uri:
        return settings.mlflow_uri.strip()
    local = (cwd or Path.cwd()) / "mlflow.db"
    return f"sqlite:///{local}" if local.is_file() else None


def is_http(uri: str) -> bool:
    return uri.lower().startswith(("http://", "https://"))


def display_uri(uri: str) -> str:
    """The URI without a user:password part, safe for messages and documents."""
    if not is_http(uri):  # e.g. postgresql://user:pw@db/mlflow: keep the user, hide the password
        return without_password(uri)
    parts = urlsplit(uri)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


class CountingClient:
    """`MlflowClient` proxy that counts every call made through it (the benchmark's figure)."""

    def __init__(self, uri: str, direct: Any = None) -> None:
        """MLflow's own client for `uri`, or `direct`: a reader answering the same calls without it."""
        self.direct = direct is not None
        self._client = direct if direct is not None else _mlflow_client(uri)
        self._lock = threading.Lock()
        self.calls = 0
        self.calls_by_method: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._client, name)
        if not callable(target):
            return target

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.calls += 1
                self.calls_by_method[name] = self.calls_by_method.get(name, 0) + 1
            return target(*args, **kwargs)

        return counted


def _mlflow_client(uri: str) -> Any:
    from mlflow import MlflowClient

    # The registry is read from the same store unless MLflow picks it (Databricks: Unity Catalog);
    # never from a process-wide default some other code may have set.
    registry = None if uri.startswith("databricks") else uri
    return MlflowClient(tracking_uri=uri, registry_uri=registry)


def paged(call: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
    """Yield every entity of a paged MLflow search, following `page_token` to the end."""
    token = None
    while True:
        page = call(page_token=token, **kwargs)
        yield from page
        token = getattr(page, "token", None)
        if not token:
            return


def prepare_http_env() -> None:
    for key, value in _HTTP_DEFAULTS.items():
        os.environ.setdefault(key, value)


def check_reachable(uri: str) -> None:
    """Fail fast (under 10 s) with what to check when the store cannot be used."""
    if is_http(uri):
        _check_tcp(uri)
    elif uri.startswith("sqlite:///"):
        path = Path(uri.removeprefix("sqlite:///"))
        if not path.is_file():
            # MlflowClient would silently create an empty store here; a typo must not look like "no models".
            raise MlflowUnavailableError(
                f"The MLflow store {uri} does not exist.",
                hint="check --mlflow-uri / MLFLOW_TRACKING_URI (sqlite URIs take an absolute path after "
                "sqlite:///), or run `python -m autodoc.demo` to create the demo store",
            )


def _check_tcp(uri: str) -> None:
    parts = urlsplit(uri)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            return
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise MlflowUnavailableError(
            f"Cannot reach the MLflow tracking server at {display_uri(uri)} ({reason}).",
            hint="is the server running? Is the URI right (host, port, http vs https)? "
            "Set it with --mlflow-uri or MLFLOW_TRACKING_URI.",
        ) from None


def probe(client: CountingClient, uri: str) -> None:
    """One cheap real call (with MLflow's own auth headers), bounded in time, mapped to a clear error."""
    pending = in_thread(lambda: client.search_experiments(max_results=1), "autodoc-mlflow-probe")
    answered = pending.wait(PROBE_DEADLINE_S)
    error = pending.error
    if not answered or (error is not None and "timed out" in str(error).lower()):
        raise MlflowUnavailableError(
            f"The MLflow tracking server at {display_uri(uri)} accepted the connection but did not answer "
            f"within {PROBE_DEADLINE_S:g} s.",
            hint="is it an MLflow server (not another service on that port)? Is it overloaded?",
        )
    if error is not None:
        raise unavailable(uri, error)


def unavailable(uri: str, exc: BaseException) -> MlflowUnavailableError:
    """Turn an MLflow/HTTP failure into a message naming the URI and what to check."""
    text = str(exc)
    shown = display_uri(uri)
    first = text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__
    if re.search(r"\b403\b|PERMISSION_DENIED", text):
        hint = (
            "the server refused the request (403). MLflow's security middleware rejects unexpected Host "
            "headers: start the server with --allowed-hosts including this host name, or check your "
            "permissions."
        )
    elif re.search(r"\b401\b|UNAUTHENTICATED", text):
        hint = "the server needs credentials: set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD."
    elif re.search(r"\b404\b|ENDPOINT_NOT_FOUND|Not Found", text):
        hint = "nothing answers MLflow's API at this path: is the URI the server's base URL (no /#/ or /api)?"
    elif is_http(uri):
        hint = "is the server running and healthy? Check the URI (--mlflow-uri or MLFLOW_TRACKING_URI)."
    else:
        hint = "is this an MLflow store? Check --mlflow-uri or MLFLOW_TRACKING_URI."
    return MlflowUnavailableError(f"The MLflow tracking store at {shown} cannot be read: {first}", hint=hint)
