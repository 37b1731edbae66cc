"""A metric computed inside a helper is on the split its callers pass: ``precision_score(y, preds)``
in ``def scores(y, preds)`` called as ``scores(y_test, ...)`` is on the test split, whether the
helper lives in the calling module or in another; callers that pass different splits say none."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.documents import document_lines, write_tree

SCORES = """\
from sklearn.metrics import precision_score, recall_score


def scores(truth, guess):
    return precision_score(truth, guess), recall_score(truth, guess)
"""

TRAIN = """\
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from evaluation import scores


def hit_rate(labels, predicted):
    return accuracy_score(labels, predicted)


frame = pd.read_csv("loans.csv")
X_train, X_test, y_train, y_test = train_test_split(frame.drop(columns=["bad"]), frame["bad"])
model = LogisticRegression().fit(X_train, y_train)
scores(y_test, model.predict(X_test))
hit_rate(y_train, model.predict(X_train))
"""


def _performance(tmp_path: Path, train: str) -> str:
    code = write_tree(tmp_path / "code", {"evaluation.py": SCORES, "train.py": train})
    paragraphs, _ = document_lines(code, tmp_path / "out")
    return next(p for p in paragraphs if p.startswith("Performance:"))


def test_a_helper_in_each_module_is_on_the_split_its_calls_pass(tmp_path: Path) -> None:
    line = _performance(tmp_path, TRAIN)
    assert re.search(
        r"recall_score \[\d+\] and precision_score \[\d+\] on the test split", line
    )  # another module
    assert re.search(r"accuracy_score \[\d+\] on the train split", line)  # the calling module's own helper


def test_calls_that_pass_different_splits_leave_the_split_unsaid(tmp_path: Path) -> None:
    line = _performance(tmp_path, TRAIN + "hit_rate(y_test, model.predict(X_test))\n")
    assert re.search(r"recall_score \[\d+\] and precision_score \[\d+\] on the test split", line)
    # train rows, then test rows: whose they are, and that no one split is theirs
    assert re.search(
        r"on the test split, and train.py computes accuracy_score \[\d+\] on rows the scan does not place",
        line,
    )
