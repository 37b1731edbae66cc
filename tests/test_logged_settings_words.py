"""Settings the code leaves to run time but a tracked run logged are said to come from that run."""

from __future__ import annotations

from pathlib import Path

import mlflow
from docx import Document

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import load_spec
from tests.support.documents import REPO, write_tree
from tests.support.mlflow_fixtures import empty_store

TRAIN = '''"""Train the churn model."""
import joblib
import mlflow
from xgboost import XGBClassifier


def train(cfg, X, y):
    mlflow.set_experiment("churn-xgb")
    with mlflow.start_run():
        model = XGBClassifier(max_depth=cfg.max_depth, n_estimators=cfg.n_estimators)
        model.fit(X, y)
        mlflow.log_params({"max_depth": cfg.max_depth, "n_estimators": cfg.n_estimators})
    joblib.dump(model, "model.joblib")
'''


def _summary_line(tmp_path: Path, label: str) -> str:
    code = write_tree(tmp_path / "code", {"train.py": TRAIN})
    uri = empty_store(tmp_path / "store")
    mlflow.set_tracking_uri(uri)
    try:
        mlflow.set_experiment("churn-xgb")
        with mlflow.start_run(run_name="deep-trees"):
            mlflow.log_params({"max_depth": 6, "n_estimators": 300})
    finally:
        mlflow.set_tracking_uri(None)
    out = str(tmp_path / "out")
    settings = Settings(code_root=str(code), mlflow_uri=uri, output_dir=out, provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    lines = [p.text for p in Document(str(result.outputs.docx)).paragraphs]
    return next(line for line in lines if line.startswith(label))


def test_settings_read_from_a_run_are_said_to_be_logged_by_it_not_set_in_the_code(tmp_path: Path) -> None:
    line = _summary_line(tmp_path, "Hyperparameters:")
    assert "max_depth = 6" in line and "n_estimators = 300" in line
    why = "the only run of experiment churn-xgb; no version is registered"
    assert line.endswith(f"as logged by run deep-trees ({why}).")
    assert "as set in the code" not in line
