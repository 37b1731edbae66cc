"""A decision threshold a loop picks among a curve's thresholds is said as chosen when the code runs (by
its rule, on the split the curve reads), never as the value the loop starts from."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import train_test_split

claims = pd.read_csv("data/claims.csv")
X = claims.drop(columns=["fraud"])
y = claims["fraud"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=7)
model = LogisticRegression(C=0.5).fit(X_train, y_train)
scores = model.predict_proba(X_test)[:, 1]
prec, rec, cuts = precision_recall_curve(y_test, scores)
cut_off = 0.5
best_prec = 0.0
for p, r, c in zip(prec, rec, cuts):
    if r >= 0.9 and p > best_prec:
        cut_off = c
        best_prec = p
joblib.dump((model, cut_off), "model.pkl")
"""


def test_a_threshold_picked_in_a_loop_over_a_curve_is_said_with_its_rule(tmp_path: Path) -> None:
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", {"train.py": TRAIN}), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Decision threshold:"))
    assert "chosen when the code runs" in line and "precision_recall_curve on the test split" in line, line
    assert "where r >= 0.9 and p > best_prec (train.py, line 18)" in line, line
    assert "The decision threshold is 0.5" not in line and "it starts at 0.5" in line, line


def test_a_model_saved_in_a_tuple_with_its_threshold_is_the_saved_model(tmp_path: Path) -> None:
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", {"train.py": TRAIN}), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Production model:"))
    assert "LogisticRegression (train.py, line 11)" in line and "saves it to model.pkl" in line, line


SERVE = """\
import pickle

from fastapi import FastAPI

MODEL_PATH = "models/model.pkl"
with open(MODEL_PATH, "rb") as f:
    model, cut_off = pickle.load(f)
app = FastAPI()


@app.post("/score")
def score(rows: list[list[float]]) -> list[int]:
    return [int(p >= cut_off) for p in model.predict_proba(rows)[:, 1]]
"""


def test_a_service_that_opens_the_saved_file_by_a_constant_serves_the_model(tmp_path: Path) -> None:
    """The trainer saves to an absolute Windows path, the service opens models/model.pkl by a constant
    in a with block and unpickles it: one file, the same model."""
    files = {
        "train.py": TRAIN.replace('"model.pkl"', '"C:\\\\work\\\\claims\\\\models\\\\model.pkl"'),
        "serve.py": SERVE,
    }
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Production model:"))
    assert "serve.py (line 7)" in line and "loads that file to serve it" in line, line


def test_no_section_or_table_states_the_loops_starting_value_as_the_threshold(tmp_path: Path) -> None:
    paragraphs, rows = document_lines(write_tree(tmp_path / "code", {"train.py": TRAIN}), tmp_path / "out")
    text = "\n".join(paragraphs)
    assert "threshold of 0.5" not in text and "The decision threshold is 0.5" not in text, text
    assert "Scores become decisions at a threshold chosen when the code runs" in text, text
    row = next(r for r in rows if r.startswith("cut_off"))
    assert "starts at 0.5; a loop over the thresholds of precision_recall_curve picks it (line 18)" in row, (
        row
    )
