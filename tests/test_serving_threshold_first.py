"""The threshold the service decides at, not the training script's evaluation cut.

The trainer reports metrics at ``proba >= 0.5``; the service (which also runs a drift check on
the scores, so it holds monitoring code too) decides ``DEFAULT`` at ``OPTIMAL_THRESHOLD = 0.12``.
The Summary names 0.12 as the decision threshold and the 0.5 as the training code's metrics cut
(a public credit-risk project's document read 'The decision threshold is 0.5
(src/models/train_credit.py, line 308)'), and the Executive Summary says the same.
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/credit.csv")
X, y = df.drop(columns=["default"]), df["default"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = LGBMClassifier(n_estimators=300).fit(X_train, y_train)
y_test_proba = model.predict_proba(X_test)[:, 1]
print(f1_score(y_test, (y_test_proba >= 0.5).astype(int)))
joblib.dump(model, "models/final_model.joblib")
"""

API = """\
import joblib
import numpy as np
from fastapi import FastAPI
from scipy import stats

OPTIMAL_THRESHOLD = 0.12
app = FastAPI()
model = joblib.load("models/final_model.joblib")


@app.post("/predict")
def predict(row: dict):
    probability = float(model.predict_proba([list(row.values())])[0, 1])
    return {"prediction": "DEFAULT" if probability >= OPTIMAL_THRESHOLD else "NO_DEFAULT"}


@app.post("/monitoring/drift")
def drift(reference: list[float], current: list[float]):
    ks = stats.ks_2samp(np.asarray(reference), np.asarray(current)).statistic
    return {"ks": ks}
"""


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = write_tree(tmp_path_factory.mktemp("serving_threshold"), {"train.py": TRAIN, "api.py": API})
    paragraphs, rows = document_lines(root, tmp_path_factory.mktemp("serving_threshold_out"))
    return paragraphs + rows


def test_the_decision_threshold_is_the_one_the_service_applies(lines: list[str]) -> None:
    said = next(line for line in lines if line.startswith("Decision threshold: "))
    assert said.startswith("Decision threshold: The decision threshold is 0.12 (api.py, line 6) [")
    assert "]. The training code's metrics cut scores at 0.5 (train.py, line 12) [" in said
    assert [line for line in lines if "Scores become decisions at a threshold of 0.12 [" in line]
