"""A scaler the training code fits on its own, when the served code loads the model and shows no
scaling, is said in the Serving line: the served rows may not look like the rows the model learnt."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

rows = pd.read_csv("data/claims.csv")
X, y = rows.drop(columns=["fraud"]), rows["fraud"]
scaler = StandardScaler()
X_scaled = scaler.fit_transform(X)
joblib.dump(LogisticRegression().fit(X_scaled, y), "models/model.joblib")
"""

SERVE = """\
import joblib
import pandas as pd
from fastapi import FastAPI

model = joblib.load("models/model.joblib")
app = FastAPI()


@app.post("/score")
def score(rows: list[dict]) -> list[float]:
    return list(model.predict_proba(pd.DataFrame(rows))[:, 1])
"""


def _serving(tmp_path: Path, serve: str) -> str:
    files = {"train.py": TRAIN, "serve.py": serve}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    return next(p for p in paragraphs if p.startswith("Serving:"))


def test_a_served_model_without_its_training_scaler_is_said(tmp_path: Path) -> None:
    line = _serving(tmp_path, SERVE)
    assert (
        "The serving code shows no step that scales its input as StandardScaler (train.py, line 9) [" in line
    )
    assert "scaled the training rows: it loads the model alone (serve.py, line 5) [" in line, line


def test_a_service_that_loads_the_scaler_is_not_flagged(tmp_path: Path) -> None:
    serve = SERVE.replace(
        'model = joblib.load("models/model.joblib")\\n',
        'model = joblib.load("models/model.joblib")\\nscaler = joblib.load("models/scaler.joblib")\\n',
    ).replace("pd.DataFrame(rows)", "scaler.transform(pd.DataFrame(rows))")
    assert "shows no step that scales" not in _serving(tmp_path, serve)
