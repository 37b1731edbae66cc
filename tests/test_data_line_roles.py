"""The Summary's Data line names the files the production model's training code reads first, and the
reads of other scripts that train nothing apart from them: never as if the model learnt from them."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression


def main():
    rows = pd.read_csv("data/loans.csv")
    model = LogisticRegression(C=0.5).fit(rows.drop(columns=["default"]), rows["default"])
    joblib.dump(model, "models/model.joblib")


if __name__ == "__main__":
    main()
"""

REPORT = """\
import pandas as pd


def main():
    scores = pd.read_csv("outputs/monthly_scores.csv")
    print(scores.describe())


if __name__ == "__main__":
    main()
"""


def test_other_scripts_reads_are_said_apart_from_the_training_data(tmp_path: Path) -> None:
    files = {"jobs/train.py": TRAIN, "reports/summary.py": REPORT}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Data:"))
    assert line.startswith("Data: Data are read from data/loans.csv (jobs/train.py, line 7)"), line
    assert "Other scripts read outputs/monthly_scores.csv (reports/summary.py, line 5)" in line, line
