"""A target column assigned before the module names it the target is still read as the label rule, and a
file the production module writes itself is never said to come from a notebook that writes one like it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.documents import document_lines, write_tree

PREPARE = """\
import joblib
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression


def clean(loans):
    loans["Default"] = np.where(loans["Status"] == "PAID", 0, 1)
    features = loans.drop(columns=["Default", "Status"])
    features.to_csv("artifacts/columns.csv", index=False)
    return loans


def train(loans):
    columns = pd.read_csv("artifacts/columns.csv").columns
    X = loans[list(columns)]
    y = loans[["Default"]]
    model = LogisticRegression(C=2.0)
    model.fit(X, y)
    joblib.dump(model, "artifacts/model.joblib")


if __name__ == "__main__":
    train(clean(pd.read_csv("data/loans.csv")))
"""


def _notebook() -> str:
    cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": [
            "import pandas as pd\n",
            "loans = pd.read_csv('data/loans.csv')\n",
            "loans['Default'] = (loans['Status'] != 'PAID').astype(int)\n",
            "features = loans.drop(columns=['Default'])\n",
            "features.to_csv('artifacts/columns.csv', index=False)\n",
        ],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_target_column_assigned_before_it_is_selected_reads_as_its_label_rule(tmp_path: Path) -> None:
    code = write_tree(tmp_path / "code", {"train.py": PREPARE, "research/explore.ipynb": _notebook()})
    paragraphs, _ = document_lines(code, tmp_path / "out")
    target = next(p for p in paragraphs if p.startswith("Target:"))
    assert "The model predicts Default (train.py, line 8)" in target, target
    assert "0 when Status is PAID, else 1" in target
    assert "explore.ipynb" not in target and "upstream" not in target  # train.py writes the file itself


def test_a_membership_label_assigned_before_it_is_selected_keeps_its_rule_in_words(tmp_path: Path) -> None:
    source = PREPARE.replace(
        'np.where(loans["Status"] == "PAID", 0, 1)', 'loans["Status"].isin(["LATE", "CHARGED"]).astype(int)'
    )
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", {"train.py": source}), tmp_path / "out")
    target = next(p for p in paragraphs if p.startswith("Target:"))
    assert "Default is 1 when Status is LATE or CHARGED, else 0" in target, target
