"""Metrics computed on the rows the model is fitted on, and the model's registered name, as the
code shows them when no MLflow store is read: what the Word document says."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import load_spec
from autodoc.write.summary import summary_facts

REPO = Path(__file__).resolve().parent.parent
IN_SAMPLE = "the metrics are computed on the rows the model is fitted on (in-sample); no held-out data"

HEAD = """import mlflow
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

frame = pd.read_csv("loans.csv")
features = frame.drop(columns=["default"])
labels = frame["default"]
"""
IN_SAMPLE_TRAIN = """

def train():
    mlflow.sklearn.autolog()
    with mlflow.start_run() as run:
        clf = RandomForestClassifier(n_estimators=50)
        clf.fit(features, labels)
        scores = clf.predict_proba(features)[:, 1]
        mlflow.log_metric("auc", roc_auc_score(labels, scores))
        mlflow.register_model(f"runs:/{run.info.run_id}/model", "risk.loans")


train()
"""
HELD_OUT_TRAIN = """
x_train, x_test, y_train, y_test = train_test_split(features, labels, test_size=0.25)
clf = RandomForestClassifier(n_estimators=50)
clf.fit(x_train, y_train)
scores = clf.predict_proba(x_test)[:, 1]
print(roc_auc_score(y_test, scores))
"""


def _project(root: Path, body: str) -> Path:
    root.mkdir(parents=True)
    (root / "train.py").write_text(HEAD + body)
    return root


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("evalscope")
    code = _project(base / "code", IN_SAMPLE_TRAIN)
    settings = Settings(code_root=str(code), output_dir=str(base / "out"), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    paras = [p.text for p in Document(str(result.outputs.docx)).paragraphs]
    bullets = {p.split(":", 1)[0]: p for p in paras if p.startswith(("Performance:", "Production model:"))}
    return {**bullets, "body": "\n".join(paras)}


def test_in_sample_metrics_are_said_in_the_summary_and_the_validation_text(document: dict[str, str]) -> None:
    performance = document["Performance"]
    assert IN_SAMPLE in performance.lower()
    assert "clf.predict_proba reads features, the frame clf.fit is given" in performance
    assert "(train.py, line 17; fitted at line 16) [" in performance  # cited, with both places
    assert document["body"].lower().count(IN_SAMPLE) >= 2  # the validation section says it too


def test_the_registered_name_and_autolog_are_said_without_an_mlflow_store(document: dict[str, str]) -> None:
    model = document["Production model"]
    assert "It is registered as risk.loans (train.py, line 19) [" in model
    assert "mlflow.sklearn.autolog() (train.py, line 13) [" in model
    assert "logs its parameters and metrics automatically" in model
    assert "No registered model version was found" not in model


@pytest.mark.parametrize(
    "body",
    [
        HELD_OUT_TRAIN,
        # a split exists: even a train-set prediction beside it is not "no held-out data"
        HELD_OUT_TRAIN.replace("predict_proba(x_test)", "predict_proba(x_train)"),
        # fitted on one frame, predicted on another: no claim
        IN_SAMPLE_TRAIN.replace("predict_proba(features)", "predict_proba(new_rows)"),
        # the same name bound to other rows between the fit and the prediction
        IN_SAMPLE_TRAIN.replace(
            "        scores =", "        features = pd.read_csv('n.csv')\n        scores ="
        ),
    ],
)
def test_no_in_sample_claim_when_the_code_does_not_show_it(tmp_path: Path, body: str) -> None:
    code = _project(tmp_path / "code", body)
    evidence = pipeline.scan(Settings(code_root=str(code), output_dir=str(tmp_path / "out")), Progress())
    facts = {f.topic: f.text for f in summary_facts(evidence)}
    assert "roc_auc_score" in facts["metrics"]
    assert "in-sample" not in facts["metrics"]


def test_a_part_of_the_fitted_frame_is_in_sample(tmp_path: Path) -> None:
    """``clf.predict_proba(features[kept])``: columns of the rows it was fitted on (a scorecard's
    training stage scoring its own rows with AUC, Gini and KS); before, the selection hid the frame."""
    body = IN_SAMPLE_TRAIN.replace("predict_proba(features)", 'predict_proba(features[["age", "income"]])')
    code = _project(tmp_path / "code", body)
    evidence = pipeline.scan(Settings(code_root=str(code), output_dir=str(tmp_path / "out")), Progress())
    metrics = {f.topic: f.text for f in summary_facts(evidence)}["metrics"]
    assert IN_SAMPLE in metrics.lower()
    assert "clf.predict_proba reads features, the frame clf.fit is given" in metrics
