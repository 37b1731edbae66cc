"""MLflow scanner on the real demo store (sqlite and through a real `mlflow server`)."""

from __future__ import annotations

import math
import shutil
from datetime import UTC, datetime

import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType

from autodoc.errors import MlflowUnavailableError
from autodoc.evidence import EvidenceStore
from autodoc.scan.mlflow.fetch import fetch_artifact
from autodoc.scan.mlflow.snapshot import scan_mlflow
from autodoc.settings import Settings
from tests.support.mlflow_fixtures import clone_store, sqlite_path

pytestmark = pytest.mark.slow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo_scan(demo_store_uri):
    return scan_mlflow(Settings(mlflow_uri=demo_store_uri))


def _items(scan):
    return {item.id: item for item in scan.items}


def test_scan_finds_models_versions_and_aliases_as_mlflow_holds_them(demo_scan, demo_store_uri):
    client = MlflowClient(demo_store_uri)
    snap = demo_scan.snapshot
    assert snap.warnings == [] and demo_scan.note is None
    for model in client.search_registered_models():
        info = next(m for m in snap.registered_models if m.name == model.name)
        assert info.description == model.description
        assert info.tags == model.tags
        assert info.aliases == {a: str(v) for a, v in model.aliases.items()}
        held = sorted(client.search_model_versions(f"name = '{model.name}'"), key=lambda v: int(v.version))
        assert [v.version for v in info.versions] == [str(v.version) for v in held]
        for mine, theirs in zip(info.versions, held, strict=True):
            assert (mine.run_id, mine.source, mine.status, mine.tags) == (
                theirs.run_id,
                theirs.source,
                theirs.status,
                theirs.tags,
            )
            assert mine.model_id == theirs.source.removeprefix("models:/")
        champion = client.get_model_version_by_alias(model.name, "champion")
        assert "champion" in next(v for v in info.versions if v.version == str(champion.version)).aliases
    items = _items(demo_scan)
    alias = items["m:breast_cancer_gbm@champion"]
    assert alias.kind == "alias" and alias.value == snap.registered_models[0].aliases["champion"]
    assert items["mv:breast_cancer_logreg:1"].source.model_name == "breast_cancer_logreg"


def test_every_run_is_recorded_including_failed_and_killed(demo_scan, demo_store_uri):
    client = MlflowClient(demo_store_uri)
    exp = client.get_experiment_by_name("breast-cancer-risk")
    held = client.search_runs([exp.experiment_id], run_view_type=ViewType.ALL)
    scanned = {r.run_id: r for e in demo_scan.snapshot.experiments for r in e.runs}
    assert set(scanned) == {r.info.run_id for r in held}
    for run in held:
        mine = scanned[run.info.run_id]
        assert mine.status == run.info.status
        assert mine.params == run.data.params
        assert mine.metrics == {k: v for k, v in run.data.metrics.items() if math.isfinite(v)}
    statuses = {r.status for r in scanned.values()}
    assert {"FINISHED", "FAILED", "KILLED"} <= statuses
    killed = next(r for r in scanned.values() if r.status == "KILLED")
    item = _items(demo_scan)[killed.evidence_id]
    assert item.value == "KILLED" and "time budget" in item.text
    assert "validation" in item.topics


def test_metric_values_and_histories_are_what_mlflow_holds(demo_scan, demo_store_uri):
    client = MlflowClient(demo_store_uri)
    gbm = demo_scan.snapshot.registered_models[0]
    assert gbm.name == "breast_cancer_gbm"
    run_id = gbm.versions[0].run_id
    run = demo_scan.snapshot.experiments[0].runs[0]
    run = next(r for e in demo_scan.snapshot.experiments for r in e.runs if r.run_id == run_id)
    history = client.get_metric_history(run_id, "train_loss")
    assert run.metric_history["train_loss"] == [
        (m.step, m.value) for m in sorted(history, key=lambda m: m.step)
    ]
    assert len(run.metric_history["train_loss"]) > 5
    items = _items(demo_scan)
    hist = items[f"{run.evidence_id}:hist:train_loss"]
    assert hist.kind == "metric_history" and hist.attrs["steps"] == len(history)
    auc = items[f"{run.evidence_id}:metric:test_roc_auc"]
    assert auc.value == client.get_run(run_id).data.metrics["test_roc_auc"]
    assert "evaluation" in auc.topics
    assert auc.source.run_id == run_id and auc.source.model_name == "breast_cancer_gbm"
    # metrics logged once at step 0 need no history call
    assert "test_roc_auc" not in run.metric_history


def test_images_feature_importance_commit_and_logged_models(demo_scan):
    items = _items(demo_scan)
    version = demo_scan.snapshot.registered_models[1].versions[0]
    run = next(r for e in demo_scan.snapshot.experiments for r in e.runs if r.run_id == version.run_id)
    assert sorted(run.image_artifacts) == ["plots/confusion_matrix.png", "plots/roc_curve.png"]
    importance = items[f"{run.evidence_id}:art:feature_importance.json"]
    assert isinstance(importance.value, dict) and "features" in importance.topics
    assert len(importance.value) == importance.attrs["n_features"]
    commit = items[f"{run.evidence_id}:tag:mlflow.source.git.commit"]
    assert len(commit.value) == 40 and "code" in commit.topics
    assert items[f"{run.evidence_id}:tag:mlflow.source.name"].value.endswith("train.py")
    assert f"{run.evidence_id}:tag:mlflow.log-model.history" not in items
    assert version.model_id in run.logged_model_ids
    assert items[f"lm:{version.model_id}"].attrs["run_id"] == run.run_id


def test_items_have_unique_ids_and_the_evidence_store_round_trips(demo_scan):
    ids = [item.id for item in demo_scan.items]
    assert len(ids) == len(set(ids))
    store = EvidenceStore(
        created_at=datetime.now(UTC).isoformat(),
        generator_version="test",
        mlflow=demo_scan.snapshot,
        items=demo_scan.items,
    )
    again = EvidenceStore.from_json(store.to_json())
    assert again.mlflow == demo_scan.snapshot
    assert again.run(demo_scan.snapshot.registered_models[0].versions[0].run_id) is not None


def test_scan_never_needs_the_model_files(demo_store_uri, tmp_path):
    uri = clone_store(demo_store_uri, tmp_path / "store")
    for models_dir in (tmp_path / "store" / "mlruns").glob("*/models"):
        shutil.rmtree(models_dir)  # serialized models gone: a scan that loaded one would fail
    scan = scan_mlflow(Settings(mlflow_uri=uri))
    assert len(scan.snapshot.registered_models) == 2
    assert scan.snapshot.warnings == []


def test_scan_through_a_real_mlflow_server(mlflow_server_uri, demo_scan):
    scan = scan_mlflow(Settings(mlflow_uri=mlflow_server_uri))
    snap = scan.snapshot
    assert snap.ui_base_url == mlflow_server_uri
    assert snap.registered_models == demo_scan.snapshot.registered_models
    assert [e.runs for e in snap.experiments] == [e.runs for e in demo_scan.snapshot.experiments]
    item = _items(scan)["mv:breast_cancer_gbm:1"]
    assert item.source.uri == f"{mlflow_server_uri}/#/models/breast_cancer_gbm/versions/1"
    run = next(r for e in snap.experiments for r in e.runs if r.image_artifacts)
    png = fetch_artifact(mlflow_server_uri, run.run_id, run.image_artifacts[0])
    assert png is not None and png.startswith(PNG_MAGIC)


def test_fetch_artifact_returns_none_for_missing_or_too_large(demo_scan, demo_store_uri):
    run = next(r for e in demo_scan.snapshot.experiments for r in e.runs if r.image_artifacts)
    path = run.image_artifacts[0]
    assert fetch_artifact(demo_store_uri, run.run_id, path).startswith(PNG_MAGIC)
    assert fetch_artifact(demo_store_uri, run.run_id, "plots/nope.png") is None
    assert fetch_artifact(demo_store_uri, run.run_id, path, max_bytes=10) is None
    assert fetch_artifact(demo_store_uri, run.run_id, "plots") is None  # a folder


@pytest.mark.parametrize(
    ("models", "expected"),
    [
        (["*gbm"], ["breast_cancer_gbm"]),
        (["breast_cancer_?ogreg"], ["breast_cancer_logreg"]),
        (["BREAST_CANCER_GBM,nothing*"], ["breast_cancer_gbm"]),
        ([], ["breast_cancer_gbm", "breast_cancer_logreg"]),
    ],
)
def test_model_filters_with_wildcards(demo_store_uri, models, expected):
    scan = scan_mlflow(Settings(mlflow_uri=demo_store_uri, models=models))
    assert [m.name for m in scan.snapshot.registered_models] == expected
    assert scan.snapshot.warnings == []


def test_latest_only_keeps_the_latest_version_of_each_model(demo_store_uri, demo_scan):
    scan = scan_mlflow(Settings(mlflow_uri=demo_store_uri, latest_only=True))
    for mine, full in zip(scan.snapshot.registered_models, demo_scan.snapshot.registered_models, strict=True):
        assert [v.version for v in mine.versions] == [full.versions[-1].version]
    assert not any(i.kind == "model_version" and i.value == "1" for i in scan.items)


def test_experiment_filters_and_default_experiment(demo_store_uri):
    scan = scan_mlflow(Settings(mlflow_uri=demo_store_uri, experiments=["breast-*"]))
    assert [e.name for e in scan.snapshot.experiments] == ["breast-cancer-risk"]
    scan = scan_mlflow(Settings(mlflow_uri=demo_store_uri, experiment_name="breast-cancer-risk"))
    assert [e.name for e in scan.snapshot.experiments] == ["breast-cancer-risk"]


def test_nothing_matching_the_filters_is_a_warning_not_a_silent_success(demo_store_uri):
    scan = scan_mlflow(Settings(mlflow_uri=demo_store_uri, models=["fraud_*"]))
    assert scan.snapshot.registered_models == []
    assert any("fraud_*" in w for w in scan.snapshot.warnings)
    assert "fraud_*" in scan.note
    scan = scan_mlflow(Settings(mlflow_uri=demo_store_uri, experiments=["churn?"]))
    assert any("churn?" in w and "breast-cancer-risk" in w for w in scan.snapshot.warnings)


def test_local_mlflow_db_in_the_working_directory_is_used(demo_store_uri, tmp_path, monkeypatch):
    uri = clone_store(demo_store_uri, tmp_path)
    monkeypatch.chdir(tmp_path)
    scan = scan_mlflow(Settings())
    assert scan.snapshot.tracking_uri == uri
    assert sqlite_path(uri) == tmp_path / "mlflow.db"


def test_a_wrong_path_on_a_real_server_names_the_uri_and_what_to_check(mlflow_server_uri):
    uri = f"{mlflow_server_uri}/mlflow-typo"
    with pytest.raises(MlflowUnavailableError) as err:
        scan_mlflow(Settings(mlflow_uri=uri))
    assert uri in str(err.value)
    assert "base URL" in str(err.value)
