"""A score compared with a constant only to log a warning is an alert level (monitoring), not the
decision threshold: the served decision stays the one the model is used at."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.documents import document_lines, write_tree

SERVE = """\
import logging

import joblib
import pandas as pd
from fastapi import FastAPI

log = logging.getLogger("claims")
model = joblib.load("models/model.joblib")
app = FastAPI()


@app.post("/score")
def score(rows: list[dict]) -> list[int]:
    proba = model.predict_proba(pd.DataFrame(rows))[:, 1]
    decided = (proba >= 0.35).astype(int)
    for i in range(len(proba)):
        if proba[i] > 0.9:
            log.warning("very likely fraud: %.3f", proba[i])
    return decided.tolist()
"""

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

rows = pd.read_csv("data/claims.csv")
model = LogisticRegression().fit(rows.drop(columns=["fraud"]), rows["fraud"])
joblib.dump(model, "models/model.joblib")
"""


def test_a_comparison_that_only_logs_is_an_alert_level_not_the_threshold(tmp_path: Path) -> None:
    files = {"train.py": TRAIN, "serve.py": SERVE}
    paragraphs, rows = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Decision threshold:"))
    assert "0.35" in line and "0.9" not in line, line
    assert not any("decision threshold 0.9" in r for r in rows), rows
    items = json.loads((tmp_path / "out" / "evidence.json").read_text())["items"]
    alerts = [i["label"] for i in items if i["kind"] == "monitoring"]
    assert alerts == ["alert when proba[i] > 0.9 (the code only logs it)"], alerts


def test_a_comparison_that_prints_its_decision_stays_the_threshold(tmp_path: Path) -> None:
    printed = SERVE.replace("    decided = (proba >= 0.35).astype(int)\n", "").replace(
        'log.warning("very likely fraud: %.3f", proba[i])', 'print("fraud", proba[i])'
    )
    paragraphs, _ = document_lines(
        write_tree(tmp_path / "code", {"train.py": TRAIN, "serve.py": printed}), tmp_path / "out"
    )
    line = next(p for p in paragraphs if p.startswith("Decision threshold:"))
    assert "0.9" in line, line
