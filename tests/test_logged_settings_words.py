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


PARAMS_TRAIN = '''"""Train the forest."""
import pickle

import pandas as pd
import yaml
from sklearn.ensemble import RandomForestClassifier

params = yaml.safe_load(open("params.yaml"))["train"]
data = pd.read_csv("data/train.csv")
model = RandomForestClassifier(n_estimators=params["n_estimators"], random_state=params["seed"]{extra})
model.fit(data.drop(columns=["label"]), data["label"])
pickle.dump(model, open("model.pkl", "wb"))
'''


def _hyper_line(tmp_path: Path, extra: str) -> str:
    from tests.support.documents import document_lines

    files = {
        "train.py": PARAMS_TRAIN.replace("{extra}", extra),
        "params.yaml": "train:\n  seed: 7\n  n_estimators: 50\n",
    }
    paragraphs, _rows = document_lines(write_tree(tmp_path / "repo", files), tmp_path / "out")
    return next(line for line in paragraphs if line.startswith("Hyperparameters:"))


def test_settings_read_from_a_params_file_are_said_to_be_set_there(tmp_path: Path) -> None:
    """A DVC project's forest takes its settings from params.yaml: the line ended "as set in the code"."""
    line = _hyper_line(tmp_path / "a", "")
    assert "n_estimators = 50 (from params.yaml, line 3)" in line, line
    assert line.endswith(", as set in params.yaml."), line
    mixed = _hyper_line(tmp_path / "b", ", n_jobs=2")
    assert mixed.endswith(", as set in the code and params.yaml."), mixed
