"""What a user sees when there is no MLflow, or the MLflow store cannot be used."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import mlflow  # noqa: F401 (imported up front: the 10 s bounds below are about waiting on the network)
import pytest

from autodoc.errors import MlflowUnavailableError
from autodoc.scan.mlflow.client import NO_MLFLOW_NOTE
from autodoc.scan.mlflow.snapshot import scan_mlflow
from autodoc.settings import Settings
from tests.support.mlflow_fixtures import free_port


def test_no_mlflow_configured_means_a_note_not_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no mlflow.db here
    scan = scan_mlflow(Settings())
    assert scan.snapshot is None and scan.items == []
    assert scan.note == NO_MLFLOW_NOTE
    assert "written from code alone" in scan.note
    assert not (tmp_path / "mlflow.db").exists()


def test_unreachable_server_is_reported_quickly_with_the_uri():
    uri = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(MlflowUnavailableError) as err:
        scan_mlflow(Settings(mlflow_uri=uri))
    assert time.monotonic() - started < 10
    assert uri in str(err.value)
    assert "server running" in str(err.value)


def test_credentials_in_the_uri_never_reach_the_message():
    uri = f"http://alice:hunter2secret@127.0.0.1:{free_port()}"
    with pytest.raises(MlflowUnavailableError) as err:
        scan_mlflow(Settings(mlflow_uri=uri))
    assert "hunter2secret" not in str(err.value)
    assert "127.0.0.1" in str(err.value)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers (a wrong service, a hung proxy)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.mark.slow
def test_server_that_never_answers_is_reported_within_10_seconds(silent_server):
    started = time.monotonic()
    with pytest.raises(MlflowUnavailableError) as err:
        scan_mlflow(Settings(mlflow_uri=silent_server))
    assert time.monotonic() - started < 10
    assert silent_server in str(err.value)
    assert "did not answer" in str(err.value)


class _Forbidden(http.server.BaseHTTPRequestHandler):
    """Answers like MLflow's security middleware when the Host header is not allowed."""

    def do_GET(self) -> None:
        body = b"Invalid Host header - possible DNS rebinding attack detected"
        self.send_response(403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_forbidden_host_names_the_allowed_hosts_setting():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forbidden)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    uri = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        started = time.monotonic()
        with pytest.raises(MlflowUnavailableError) as err:
            scan_mlflow(Settings(mlflow_uri=uri))
        assert time.monotonic() - started < 10
    finally:
        server.shutdown()
        server.server_close()
    assert uri in str(err.value)
    assert "--allowed-hosts" in str(err.value)


def test_missing_sqlite_store_is_an_error_and_is_not_created(tmp_path: Path):
    db = tmp_path / "typo" / "mlflow.db"
    with pytest.raises(MlflowUnavailableError) as err:
        scan_mlflow(Settings(mlflow_uri=f"sqlite:///{db}"))
    assert str(db) in str(err.value)
    assert not db.exists()


def test_a_file_that_is_not_an_mlflow_store_names_the_uri(tmp_path: Path):
    db = tmp_path / "mlflow.db"
    db.write_text("this is not sqlite")
    uri = f"sqlite:///{db}"
    with pytest.raises(MlflowUnavailableError) as err:
        scan_mlflow(Settings(mlflow_uri=uri))
    assert uri in str(err.value)
