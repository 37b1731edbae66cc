"""A local sqlite store is read straight from the file (no MLflow import) with exactly the
evidence MLflow's own client gives; anything the direct reader does not know goes to the client."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from autodoc.scan.mlflow import snapshot as tracking
from autodoc.scan.mlflow.fetch import fetch_artifact
from autodoc.scan.mlflow.snapshot import client_scan, direct_scan, scan_mlflow
from autodoc.scan.mlflow.sqlite_store import Unsupported, open_store
from autodoc.settings import Settings
from tests.support.mlflow_fixtures import clone_store, sqlite_path

pytestmark = pytest.mark.slow


def _same(direct, client) -> None:
    """Item by item, in order, every field (dict order too: it reaches the evidence hash)."""
    assert [i.id for i in direct.items] == [i.id for i in client.items]
    for mine, theirs in zip(direct.items, client.items, strict=True):
        assert mine.model_dump_json() == theirs.model_dump_json(), mine.id
    assert direct.snapshot.model_dump_json() == client.snapshot.model_dump_json()
    assert direct.calls_by_method == client.calls_by_method
    assert (direct.note, direct.redactions) == (client.note, client.redactions)


@pytest.fixture(scope="module")
def client_demo_scan(demo_store_uri):
    return client_scan(demo_store_uri, Settings(mlflow_uri=demo_store_uri))


def test_demo_store_read_directly_gives_the_clients_evidence(demo_store_uri, client_demo_scan):
    direct = scan_mlflow(Settings(mlflow_uri=demo_store_uri))
    assert direct.reader == "sqlite" and client_demo_scan.reader == "mlflow"
    kinds = {i.kind for i in direct.items}
    assert {"registered_model", "alias", "model_version", "run", "run_metric", "metric_history"} <= kinds
    assert {"artifact", "logged_model", "run_param", "run_tag", "experiment"} <= kinds
    _same(direct, client_demo_scan)


@pytest.mark.parametrize(
    "settings",
    [
        {"models": ["breast_cancer_gbm"], "latest_only": True},
        {"experiments": ["breast-*"]},
        {"experiments": ["no-such-experiment"]},
    ],
)
def test_filters_give_the_same_evidence(demo_store_uri, settings):
    chosen = Settings(mlflow_uri=demo_store_uri, **settings)
    direct = direct_scan(demo_store_uri, chosen)
    assert direct is not None
    _same(direct, client_scan(demo_store_uri, chosen))


def test_small_pages_are_followed_to_the_end(demo_store_uri, client_demo_scan, monkeypatch):
    for name in ("MODEL_PAGE", "RUN_PAGE", "VERSION_PAGE", "EXPERIMENT_PAGE", "LOGGED_MODEL_PAGE"):
        monkeypatch.setattr(tracking, name, 1)
    direct = direct_scan(demo_store_uri, Settings(mlflow_uri=demo_store_uri))
    assert direct is not None
    assert [i.model_dump_json() for i in direct.items] == [
        i.model_dump_json() for i in client_demo_scan.items
    ]
    assert sum(direct.calls_by_method.values()) > sum(client_demo_scan.calls_by_method.values())


def test_deleted_runs_versions_and_models_are_treated_as_mlflow_does(demo_store_uri, tmp_path):
    uri = clone_store(demo_store_uri, tmp_path / "store")
    with sqlite3.connect(sqlite_path(uri)) as db:
        run = db.execute("SELECT run_uuid FROM runs WHERE status = 'FAILED' LIMIT 1").fetchone()[0]
        db.execute("UPDATE runs SET lifecycle_stage = 'deleted' WHERE run_uuid = ?", (run,))
        db.execute("UPDATE model_versions SET current_stage = 'Deleted_Internal' WHERE version = 1")
        db.execute("UPDATE logged_models SET lifecycle_stage = 'deleted' WHERE source_run_id = ?", (run,))
        db.execute("UPDATE runs SET name = NULL WHERE run_uuid = ?", (run,))  # named by its tag
    settings = Settings(mlflow_uri=uri)
    direct = direct_scan(uri, settings)
    assert direct is not None
    _same(direct, client_scan(uri, settings))
    assert not any(v.version == "1" for m in direct.snapshot.registered_models for v in m.versions)


def test_artifacts_outside_a_local_folder_go_to_mlflows_client(demo_store_uri, tmp_path, monkeypatch):
    store = sqlite_path(demo_store_uri)
    monkeypatch.chdir(store.parent)  # MLflow resolves a relative artifact location from here
    uri = clone_store(demo_store_uri, tmp_path / "relative", artifact_prefix="mlruns")
    settings = Settings(mlflow_uri=uri)
    assert direct_scan(uri, settings) is None
    scan = scan_mlflow(settings)
    assert scan.reader == "mlflow"
    assert any(i.kind == "artifact" for i in scan.items)


def test_unknown_schema_versions_and_other_stores_are_not_read_directly(demo_store_uri, tmp_path: Path):
    uri = clone_store(demo_store_uri, tmp_path / "newer")
    with sqlite3.connect(sqlite_path(uri)) as db:
        db.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    workspaces = clone_store(demo_store_uri, tmp_path / "workspaces")
    with sqlite3.connect(sqlite_path(workspaces)) as db:
        db.execute("UPDATE registered_models SET workspace = 'team-a'")
    for other in (uri, workspaces, "http://127.0.0.1:5000", "databricks", (tmp_path / "mlruns").as_uri()):
        with pytest.raises(Unsupported):
            open_store(other)
    not_sqlite = tmp_path / "plain.db"
    not_sqlite.write_text("this is not sqlite")
    with pytest.raises(Unsupported):
        open_store(f"sqlite:///{not_sqlite}")


def test_an_image_is_fetched_from_the_local_folder(demo_store_uri, client_demo_scan):
    run = next(r for e in client_demo_scan.snapshot.experiments for r in e.runs if r.image_artifacts)
    data = fetch_artifact(demo_store_uri, run.run_id, run.image_artifacts[0])
    assert data is not None and data.startswith(b"\x89PNG\r\n\x1a\n")
    assert fetch_artifact(demo_store_uri, run.run_id, "../../../etc/passwd") is None
    assert fetch_artifact(demo_store_uri, run.run_id, "no/such.png") is None


def test_a_store_from_before_mlflow_3_is_read_directly(demo_store_uri, client_demo_scan, tmp_path):
    """A 2.x store (no logged models, no output steps) is read as it is; MLflow's client
    would first migrate it (about 9 s for a committed one)."""
    uri = clone_store(demo_store_uri, tmp_path / "older")
    with sqlite3.connect(sqlite_path(uri)) as db:
        for table in ("logged_model_metrics", "logged_model_params", "logged_model_tags", "logged_models"):
            db.execute(f"DROP TABLE {table}")
        db.execute("ALTER TABLE inputs DROP COLUMN step")
        db.execute("UPDATE alembic_version SET version_num = '0584bdc529eb'")
    older = direct_scan(uri, Settings(mlflow_uri=uri))
    assert older is not None
    theirs = [i for i in client_demo_scan.items if i.kind != "logged_model"]
    assert [i.id for i in older.items] == [i.id for i in theirs]
    here, there = str(sqlite_path(uri)), str(sqlite_path(demo_store_uri))
    for mine, item in zip(older.items, theirs, strict=True):  # runs keep their models' ids (outputs)
        assert mine.model_dump_json().replace(here, there) == item.model_dump_json(), item.id
