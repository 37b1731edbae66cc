"""A feature-selection cut named like a threshold is no decision threshold.

A script keeps the features whose importance is over ``IMPORTANCE_THRESHOLD = 0.0004``; the
service turns scores into decisions at ``DEFAULT_THRESHOLD = 0.42``. The Summary's Decision
threshold line names the service's value, never the importance cut (a public Home Credit project's
document read 'The decision threshold is 0.0004 (scripts/feature_selection.py, line 22)').
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

SELECT = """\
import joblib
import pandas as pd
from lightgbm import LGBMClassifier

IMPORTANCE_THRESHOLD = 0.0004


def select(X, y, cut):
    model = LGBMClassifier(n_estimators=200).fit(X, y)
    shares = model.feature_importances_ / model.feature_importances_.sum()
    return [c for c, s in zip(X.columns, shares) if s > cut]


if __name__ == "__main__":
    df = pd.read_parquet("data/features.parquet")
    kept = select(df.drop(columns=["TARGET"]), df["TARGET"], IMPORTANCE_THRESHOLD)
    final = LGBMClassifier(n_estimators=500).fit(df[kept], df["TARGET"])
    joblib.dump(final, "models/model.joblib")
"""

APP = """\
import joblib
from fastapi import FastAPI

DEFAULT_THRESHOLD = 0.42
app = FastAPI()
model = joblib.load("models/model.joblib")


@app.post("/predict")
def predict(row: dict, threshold: float = DEFAULT_THRESHOLD):
    proba = model.predict_proba([list(row.values())])[0, 1]
    return {"default": bool(proba >= threshold), "probability": float(proba)}
"""


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = write_tree(tmp_path_factory.mktemp("selection_cut"), {"select.py": SELECT, "app.py": APP})
    paragraphs, rows = document_lines(root, tmp_path_factory.mktemp("selection_cut_out"))
    return paragraphs + rows


def test_the_decision_threshold_is_the_services_not_the_importance_cut(lines: list[str]) -> None:
    said = next(line for line in lines if line.startswith("Decision threshold: "))
    assert said.startswith("Decision threshold: The decision threshold is 0.42 (app.py, line 4) [")
    assert not [
        line for line in lines if "decision threshold is 0.0004" in line or "threshold of 0.0004" in line
    ]
