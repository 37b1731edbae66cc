"""With no registered version, the values logged by the latest finished run of the experiment the
production code logs to stand for the model, and the document says which run and why."""

from __future__ import annotations

from pathlib import Path

import mlflow
from docx import Document

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import load_spec
from tests.support.documents import REPO, write_tree
from tests.support.mlflow_fixtures import empty_store
from tests.test_logged_settings_words import TRAIN

# (experiment, run name, max_depth, n_estimators, status), in the order they were logged
RUNS = [
    ("churn-xgb", "first-try", 3, 100, "FINISHED"),
    ("churn-xgb", "wider", 4, 200, "FINISHED"),
    ("scratch", "notebook-play", 9, 900, "FINISHED"),
    ("churn-xgb", "deep-trees", 6, 300, "FINISHED"),
    ("churn-xgb", "crashed", 8, 800, "FAILED"),
]


def _hyperparameters(tmp_path: Path, runs: list[tuple[str, str, int, int, str]]) -> str:
    code = write_tree(tmp_path / "code", {"train.py": TRAIN})
    uri = empty_store(tmp_path / "store")
    mlflow.set_tracking_uri(uri)
    try:
        for experiment, name, depth, trees, status in runs:
            mlflow.set_experiment(experiment)
            with mlflow.start_run(run_name=name):
                mlflow.log_params({"max_depth": depth, "n_estimators": trees})
            if status != "FINISHED":
                mlflow.MlflowClient(uri).set_terminated(mlflow.last_active_run().info.run_id, status)
    finally:
        mlflow.set_tracking_uri(None)
    settings = Settings(
        code_root=str(code), mlflow_uri=uri, output_dir=str(tmp_path / "out"), provider="offline"
    )
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    lines = [p.text for p in Document(str(result.outputs.docx)).paragraphs]
    return next(line for line in lines if line.startswith("Hyperparameters:"))


def test_the_latest_finished_run_of_the_codes_experiment_stands_for_the_model(tmp_path: Path) -> None:
    line = _hyperparameters(tmp_path, RUNS)
    assert "max_depth = 6" in line and "n_estimators = 300" in line
    why = "the latest of 3 finished runs of experiment churn-xgb; no version is registered"
    assert line.endswith(f"as logged by run deep-trees ({why}).")


def test_the_only_experiment_with_runs_is_the_models(tmp_path: Path) -> None:
    runs = [("churn", "first-try", 3, 100, "FINISHED"), ("churn", "second", 5, 150, "FINISHED")]
    line = _hyperparameters(tmp_path, runs)
    assert "max_depth = 5" in line and "n_estimators = 150" in line
    why = "the latest of 2 finished runs of experiment churn; no version is registered"
    assert line.endswith(f"as logged by run second ({why}).")
