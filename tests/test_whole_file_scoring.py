"""A script that loads the model and scores every row of the file that the training split divides is
said in the Summary's Performance line: the rows the model was fitted on are among those scored."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

PREPARE = """\
import pandas as pd
from sklearn.model_selection import train_test_split

raw = pd.read_csv("data/claims.csv")
train, test = train_test_split(raw, test_size=0.2, random_state=1)
train.to_csv("prepared/train.csv", index=False)
test.to_csv("prepared/test.csv", index=False)
"""

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

train = pd.read_csv("prepared/train.csv")
model = LogisticRegression().fit(train.drop(columns=["fraud"]), train["fraud"])
joblib.dump(model, "models/model.joblib")
"""

EVALUATE = """\
import joblib
import pandas as pd
from sklearn.metrics import roc_auc_score

rows = pd.read_csv("data/claims.csv")
model = joblib.load("models/model.joblib")
print(roc_auc_score(rows["fraud"], model.predict_proba(rows.drop(columns=["fraud"]))[:, 1]))
"""


def _performance(tmp_path: Path, evaluate: str) -> str:
    files = {"jobs/prepare.py": PREPARE, "jobs/train.py": TRAIN, "jobs/evaluate.py": evaluate}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    return next(p for p in paragraphs if p.startswith("Performance:"))


def test_scoring_every_row_of_the_split_file_is_said(tmp_path: Path) -> None:
    line = _performance(tmp_path, EVALUATE)
    assert "jobs/evaluate.py scores the loaded model on every row of claims.csv (line 5)" in line, line
    assert "the file jobs/prepare.py splits for training (line 5)" in line, line
    assert "the rows the model was fitted on are among them" in line, line


def test_scoring_a_held_out_file_is_not_flagged(tmp_path: Path) -> None:
    line = _performance(tmp_path, EVALUATE.replace("data/claims.csv", "prepared/test.csv"))
    assert "every row" not in line, line
