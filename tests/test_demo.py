"""The demo project and its MLflow store, seeded by really training it."""

from __future__ import annotations

import ast

import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType

from autodoc.demo import DEMO_MODELS, DEMO_PROJECT, ensure_demo_store

pytestmark = pytest.mark.slow


def test_demo_project_has_the_parts_a_real_project_has(demo_project):
    names = {p.name for p in demo_project.iterdir()}
    assert {
        "data.py",
        "features.py",
        "train.py",
        "evaluate.py",
        "legacy_train.py",
        "config.yaml",
        "README.md",
    } <= names
    for py in demo_project.glob("*.py"):
        ast.parse(py.read_text())  # the code scanner must be able to read every file
    assert 'if __name__ == "__main__":' in (demo_project / "train.py").read_text()
    assert "# if __name__" in (demo_project / "legacy_train.py").read_text()  # legacy: not an entry point


def test_seeded_store_holds_models_aliases_and_the_runs_that_did_not_work(demo_store_uri):
    client = MlflowClient(demo_store_uri)
    models = {m.name: m for m in client.search_registered_models()}
    assert set(DEMO_MODELS) <= set(models)
    for name in DEMO_MODELS:
        assert {"champion", "challenger"} <= set(models[name].aliases)
        assert models[name].description
        assert len(client.search_model_versions(f"name = '{name}'")) >= 2
    exp = client.get_experiment_by_name("breast-cancer-risk")
    runs = client.search_runs([exp.experiment_id], run_view_type=ViewType.ALL)
    statuses = {r.info.status for r in runs}
    assert {"FINISHED", "FAILED", "KILLED"} <= statuses
    gbm = next(r for r in runs if r.info.run_name == "gbm-baseline")
    assert len(client.get_metric_history(gbm.info.run_id, "train_loss")) > 5
    assert {f.path for f in client.list_artifacts(gbm.info.run_id, "plots")} == {
        "plots/confusion_matrix.png",
        "plots/roc_curve.png",
    }


def test_ensure_demo_store_does_not_reseed_a_seeded_store(demo_store_uri):
    client = MlflowClient(demo_store_uri)
    before = len(client.search_model_versions())
    assert ensure_demo_store(demo_store_uri) == demo_store_uri
    assert len(client.search_model_versions()) == before


def test_server_fixture_serves_the_demo_store_and_its_artifacts(mlflow_server_uri):
    client = MlflowClient(mlflow_server_uri)
    assert set(DEMO_MODELS) <= {m.name for m in client.search_registered_models()}
    mv = client.get_model_version_by_alias("breast_cancer_gbm", "champion")
    assert client.get_run(mv.run_id).info.artifact_uri.startswith("mlflow-artifacts:")
    paths = {f.path for f in client.list_artifacts(mv.run_id)}
    assert "feature_importance.json" in paths


def test_demo_project_path_points_at_the_examples_folder():
    assert DEMO_PROJECT.name == "breast_cancer_risk"
    assert (DEMO_PROJECT / "train.py").is_file()


def test_demo_module_entry_prints_the_uri_of_a_seeded_store(demo_store_uri, capsys):
    from autodoc.demo import main

    assert main([demo_store_uri]) == 0
    assert capsys.readouterr().out.strip() == demo_store_uri
