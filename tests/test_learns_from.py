"""The overview's 'It learns from' names the training files, never the test file read beside them, and
names a file by its bare name in a Windows path too."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score

X_test = pd.read_csv("C:\\\\work\\\\claims\\\\processed\\\\X_test.csv")
X_train = pd.read_csv("C:\\\\work\\\\claims\\\\processed\\\\X_train.csv")
y_train = pd.read_csv("C:\\\\work\\\\claims\\\\processed\\\\y_train.csv").values.ravel()
y_test = pd.read_csv("C:\\\\work\\\\claims\\\\processed\\\\y_test.csv").values.ravel()
model = RandomForestClassifier(n_estimators=50).fit(X_train, y_train)
print(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
joblib.dump(model, "models/forest.joblib")
"""


def test_the_overview_names_the_training_files_it_learns_from(tmp_path: Path) -> None:
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", {"train.py": TRAIN}), tmp_path / "out")
    line = next(p for p in paragraphs if "It learns from" in p)
    learnt = line.split("It learns from", 1)[1].split(".csv")[:2]
    assert "X_train" in learnt[0] and "y_train" in learnt[1], line
    assert "X_test" not in line and "C:\\\\" not in line.split("It learns from", 1)[1], line
