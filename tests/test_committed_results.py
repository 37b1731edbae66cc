"""Without logged metrics, a results file committed with the code is reported in the Performance line:
its headline measures, cited, and said to be figures of an earlier run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import json

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

rows = pd.read_csv("data/claims.csv")
X, y = rows.drop(columns=["fraud"]), rows["fraud"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = LogisticRegression().fit(X_train, y_train)
predicted = model.predict(X_test)
scores = {"accuracy": accuracy_score(y_test, predicted), "f1": f1_score(y_test, predicted)}
json.dump(scores, open("reports/metrics.json", "w"))
joblib.dump(model, "models/model.joblib")
"""

RESULTS = {"accuracy": 0.913, "f1": 0.887, "per_class": {"0": {"precision": 0.95}}, "n_rows": 1200}


def test_a_committed_results_file_is_reported_as_an_earlier_runs_figures(tmp_path: Path) -> None:
    files = {"train.py": TRAIN, "reports/metrics.json": json.dumps(RESULTS, indent=2)}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Performance:"))
    assert "reports/metrics.json, kept in the repository, records accuracy = 0.913 [" in line, line
    assert "and f1 = 0.887 [" in line and "figures of an earlier run" in line, line
    assert "0.95" not in line and "1200" not in line, line
