"""A store committed in the code root is read, read-only, when no tracking server is given."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from autodoc.scan import run_scan
from autodoc.settings import Settings
from tests.support.mlflow_fixtures import clone_store, sqlite_path


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mlflow.db", "mlruns.db"])
def test_committed_sqlite_store_is_read_from_a_copy(
    name: str, demo_store_uri: str, demo_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./mlflow.db: nothing else to read
    code = tmp_path / "project"
    shutil.copytree(demo_project, code, ignore=shutil.ignore_patterns("__pycache__"))
    store = sqlite_path(clone_store(demo_store_uri, tmp_path / "clone"))
    shutil.copyfile(store, code / name)
    (code / "notes.db").write_bytes(b"not a database")  # other .db files are not MLflow stores
    before = _digest(code)
    evidence = run_scan(Settings(code_root=str(code), output_dir=str(tmp_path / "out")))
    assert evidence.mlflow is not None and evidence.mlflow.registered_models
    assert evidence.mlflow.origin == str(code / name)
    assert f"committed in the code root (project/{name})" in (evidence.mlflow_note or "")
    assert _digest(code) == before  # nothing in the user's tree was written
    assert str(code) not in evidence.mlflow.tracking_uri  # the copy was opened, not the user's file


def test_no_store_and_no_server_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./mlflow.db either
    (tmp_path / "train.py").write_text("x = 1\n")
    evidence = run_scan(Settings(code_root=str(tmp_path), output_dir=str(tmp_path / "out")))
    assert evidence.mlflow is None and "No MLflow tracking server" in (evidence.mlflow_note or "")


@pytest.mark.slow
def test_committed_mlruns_file_store_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlflow import MlflowClient

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    code = tmp_path / "project"
    code.mkdir()
    (code / "train.py").write_text("x = 1\n")
    client = MlflowClient((code / "mlruns").as_uri())
    exp = client.create_experiment("churn")
    run = client.create_run(exp)
    client.log_metric(run.info.run_id, "auc", 0.81)
    client.set_terminated(run.info.run_id)
    before = _digest(code)
    evidence = run_scan(Settings(code_root=str(code), output_dir=str(tmp_path / "out")))
    assert evidence.mlflow is not None and evidence.mlflow.origin == str(code / "mlruns/")
    runs = [r for e in evidence.mlflow.experiments for r in e.runs]
    assert [r.metrics for r in runs] == [{"auc": 0.81}]
    assert _digest(code) == before
