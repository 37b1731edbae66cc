"""Paging, client call counts, redaction and Domino project filtering on small purpose-built stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag

from autodoc.scan.mlflow import snapshot as tracking
from autodoc.scan.mlflow.snapshot import scan_mlflow
from autodoc.settings import Settings
from tests.support.mlflow_fixtures import clone_store, empty_store

FAKE_PASSWORD = "Zq8-not-a-real-pass"
FAKE_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"


def add_runs(
    client: MlflowClient, experiment_id: str, n: int, tags: dict[str, str] | None = None
) -> list[str]:
    """Cheap runs straight through the client: 2 params, 2 metrics each, finished."""
    ids = []
    for i in range(n):
        run = client.create_run(experiment_id, run_name=f"run-{i}", tags=tags or {})
        rid = run.info.run_id
        client.log_batch(
            rid,
            metrics=[Metric("auc", 0.7 + i / 1000, 0, 0), Metric("loss", 1.0 / (i + 1), 0, 0)],
            params=[Param("depth", str(i % 5)), Param("lr", "0.1")],
        )
        client.set_terminated(rid)
        ids.append(rid)
    return ids


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Two Domino projects' experiments, 7 registered models, a run with secrets in params and tags."""
    root = tmp_path_factory.mktemp("small_store")
    uri = empty_store(root)
    client = MlflowClient(uri)
    art = (root / "mlruns").as_uri()
    exp_a = client.create_experiment("churn-a", f"{art}/a", tags={"mlflow.domino.project_name": "churn"})
    exp_b = client.create_experiment("fraud-b", f"{art}/b", tags={"mlflow.domino.project_name": "fraud"})
    runs_a = add_runs(client, exp_a, 6)
    add_runs(client, exp_b, 3)
    secret_run = client.create_run(exp_a, run_name="with-secrets").info.run_id
    client.log_batch(
        secret_run,
        params=[Param("db_url", f"postgresql://svc:{FAKE_PASSWORD}@db.internal/churn"), Param("depth", "3")],
        tags=[RunTag("github_token", FAKE_TOKEN), RunTag("note", f"token={FAKE_TOKEN}")],
    )
    client.set_terminated(secret_run)
    for i in range(7):
        name = f"churn_model_{i}" if i < 5 else f"fraud_model_{i}"
        client.create_registered_model(name)
        source_run = runs_a[i % len(runs_a)]
        client.create_model_version(name, f"runs:/{source_run}/model", run_id=source_run)
    client.update_registered_model(
        "churn_model_0", description=f"reads postgresql://svc:{FAKE_PASSWORD}@db/x"
    )
    return uri


def test_paging_follows_every_page(small_store, monkeypatch):
    full = scan_mlflow(Settings(mlflow_uri=small_store))
    monkeypatch.setattr(tracking, "MODEL_PAGE", 2)
    monkeypatch.setattr(tracking, "RUN_PAGE", 3)
    monkeypatch.setattr(tracking, "VERSION_PAGE", 2)
    monkeypatch.setattr(tracking, "EXPERIMENT_PAGE", 1)
    paged = scan_mlflow(Settings(mlflow_uri=small_store))
    assert len(paged.snapshot.registered_models) == 7
    assert sum(len(e.runs) for e in paged.snapshot.experiments) == 10
    assert paged.snapshot.registered_models == full.snapshot.registered_models
    assert paged.snapshot.experiments == full.snapshot.experiments
    assert paged.snapshot.client_calls > full.snapshot.client_calls  # more pages, more calls


def test_client_calls_grow_with_pages_not_runs(small_store, tmp_path: Path):
    before = scan_mlflow(Settings(mlflow_uri=small_store, experiments=["fraud-*"]))
    uri = clone_store(small_store, tmp_path / "more")
    client = MlflowClient(uri)
    add_runs(client, client.get_experiment_by_name("fraud-b").experiment_id, 12)
    after = scan_mlflow(Settings(mlflow_uri=uri, experiments=["fraud-*"]))
    runs_after = sum(len(e.runs) for e in after.snapshot.experiments)
    assert runs_after == sum(len(e.runs) for e in before.snapshot.experiments) + 12
    assert after.snapshot.client_calls == before.snapshot.client_calls


def test_secrets_in_params_tags_and_descriptions_are_redacted(small_store):
    scan = scan_mlflow(Settings(mlflow_uri=small_store))
    dumped = scan.snapshot.model_dump_json() + "".join(i.model_dump_json() for i in scan.items)
    assert FAKE_PASSWORD not in dumped
    assert FAKE_TOKEN not in dumped
    run = next(r for e in scan.snapshot.experiments for r in e.runs if r.run_name == "with-secrets")
    assert run.params["db_url"].startswith("postgresql://svc:[REDACTED")
    assert run.params["depth"] == "3"
    assert "REDACTED" in run.tags["github_token"]
    item = next(i for i in scan.items if i.id == f"{run.evidence_id}:tag:github_token")
    assert "REDACTED" in item.value
    places = {r.place for r in scan.redactions}
    assert any(p.startswith(f"MLflow run {run.evidence_id[2:]}") for p in places)
    assert any("churn_model_0 description" in p for p in places)
    assert all(FAKE_PASSWORD not in r.model_dump_json() for r in scan.redactions)


def test_domino_project_filtering_keeps_only_the_current_project(small_store):
    scan = scan_mlflow(Settings(mlflow_uri=small_store, domino_project="churn"))
    assert [e.name for e in scan.snapshot.experiments] == ["churn-a"]
    assert {m.name for m in scan.snapshot.registered_models} == {f"churn_model_{i}" for i in range(5)} | {
        "fraud_model_5",
        "fraud_model_6",  # their versions come from churn runs
    }
    everything = scan_mlflow(
        Settings(mlflow_uri=small_store, domino_project="churn", project_filtering=False)
    )
    assert {e.name for e in everything.snapshot.experiments} == {"churn-a", "fraud-b"}


def test_domino_project_with_nothing_tagged_is_a_warning(small_store):
    scan = scan_mlflow(Settings(mlflow_uri=small_store, domino_project="other-project"))
    assert scan.snapshot.registered_models == [] and scan.snapshot.experiments == []
    assert "other-project" in scan.note and "--disable-project-filtering" in scan.note
