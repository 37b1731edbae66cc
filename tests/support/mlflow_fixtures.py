"""MLflow fixtures (owned by the MLflow scanner work).

- `demo_project`: the examples project (Path).
- `demo_store_uri`: a sqlite MLflow store seeded once per session by really training the demo.
  Treat it as read-only; call `clone_store(demo_store_uri, tmp_path)` for a copy you may change.
- `empty_store(dest)`: a fresh empty sqlite store (a plain function, not a fixture).
- `mlflow_server_uri`: a real `mlflow server` (1 worker, job execution off) on 127.0.0.1
  serving a copy of the demo store; artifacts are served through the server
  (`mlflow-artifacts:/` URIs), so listing and downloading them exercises HTTP.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow import MlflowClient

from autodoc import demo as demo_module
from autodoc.demo import DEMO_PROJECT, ensure_demo_store

# Columns holding absolute artifact locations in MLflow 3.17's sqlite schema.
_LOCATION_COLUMNS = [
    ("experiments", "artifact_location"),
    ("runs", "artifact_uri"),
    ("logged_models", "artifact_location"),
    ("model_versions", "storage_location"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sqlite_path(uri: str) -> Path:
    return Path(uri.removeprefix("sqlite:///"))


def clone_store(uri: str, dest: Path, *, artifact_prefix: str | None = None) -> str:
    """Copy a sqlite store and its `mlruns` artifacts to `dest`; returns the new URI.

    Artifact locations are rewritten to the copy, or to `artifact_prefix` (e.g.
    ``mlflow-artifacts:``) when given, in which case the artifacts are not copied.
    """
    src_db = sqlite_path(uri)
    dest.mkdir(parents=True, exist_ok=True)
    dest_db = dest / "mlflow.db"
    shutil.copyfile(src_db, dest_db)
    old_root = str(src_db.parent / "mlruns")
    if artifact_prefix is None:
        if Path(old_root).is_dir():
            shutil.copytree(old_root, dest / "mlruns", dirs_exist_ok=True)
        new_root = str(dest / "mlruns")
    else:
        new_root = artifact_prefix
    with sqlite3.connect(dest_db) as db:
        for table, column in _LOCATION_COLUMNS:
            db.execute(f"UPDATE {table} SET {column} = replace({column}, ?, ?)", (old_root, new_root))
    return f"sqlite:///{dest_db}"


def start_mlflow_server(
    backend_uri: str, artifacts_dir: Path, log_path: Path
) -> tuple[subprocess.Popen, str]:
    """Start `mlflow server` on a free port and wait for /health (at most 60 s)."""
    port = free_port()
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true"}
    cmd = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        backend_uri,
        "--artifacts-destination",
        str(artifacts_dir),
        "--workers",
        "1",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = open(log_path, "wb")  # noqa: SIM115 (kept open for the server's lifetime)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mlflow server exited early:\n{log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop_process(proc)
    raise RuntimeError(
        f"mlflow server did not become healthy:\n{log_path.read_text(errors='replace')[-2000:]}"
    )


def stop_process(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: uvicorn forks a worker)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=3)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with_kill = proc.poll() is None
        if with_kill:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def demo_project() -> Path:
    return DEMO_PROJECT


def _demo_fingerprint() -> str:
    """Hash of everything that decides what seeding produces (code, config, MLflow version)."""
    import mlflow

    digest = hashlib.sha256(mlflow.__version__.encode())
    files = [*sorted(DEMO_PROJECT.glob("*.py")), DEMO_PROJECT / "config.yaml", Path(demo_module.__file__)]
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def demo_store_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded demo store in this session's tmp dir.

    Seeding really trains (about 40 s, minutes on a loaded 2-core machine), so the seeded store
    is kept in a machine-wide cache keyed by the demo's code and MLflow version and cloned into
    the session. AUTODOC_TEST_CACHE=off seeds afresh; AUTODOC_TEST_CACHE=DIR moves the cache.
    """
    session_dir = tmp_path_factory.mktemp("demo_store")
    cache = _cache_root()
    if cache is None:
        return ensure_demo_store(f"sqlite:///{session_dir / 'mlflow.db'}")
    seeded = _cached_demo_store(cache / f"demo-{_demo_fingerprint()}")
    return clone_store(seeded, session_dir)


def _cache_root() -> Path | None:
    cache = os.environ.get("AUTODOC_TEST_CACHE", str(Path(tempfile.gettempdir()) / "autodoc-test-cache"))
    return None if cache.lower() in ("off", "0", "false", "no") else Path(cache)


def empty_store(dest: Path) -> str:
    """A fresh, empty sqlite MLflow store in `dest` (cloned from a cached one: creating the
    schema takes 3-15 s on this machine). Create experiments with an explicit artifact location."""
    import mlflow

    root = _cache_root()
    if root is None:
        dest.mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{dest / 'mlflow.db'}"
        MlflowClient(uri).search_experiments(max_results=1)
        return uri
    folder = root / f"empty-{mlflow.__version__}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "created.ok").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            MlflowClient(f"sqlite:///{folder / 'mlflow.db'}").search_experiments(max_results=1)
            (folder / "created.ok").touch()
    return clone_store(f"sqlite:///{folder / 'mlflow.db'}", dest)


def _cached_demo_store(folder: Path) -> str:
    """Seed `folder/mlflow.db` once per machine; a half-seeded folder (crash) is wiped and redone."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    done = folder / "seeded.ok"
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # other engineers' sessions wait instead of seeding twice
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            ensure_demo_store(uri)
            done.touch()
    return uri


@pytest.fixture(scope="session")
def mlflow_server_uri(demo_store_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("mlflow_server")
    backend = clone_store(demo_store_uri, workdir, artifact_prefix="mlflow-artifacts:")
    artifacts = sqlite_path(demo_store_uri).parent / "mlruns"
    proc, url = start_mlflow_server(backend, artifacts, workdir / "server.log")
    try:
        yield url
    finally:
        stop_process(proc)
