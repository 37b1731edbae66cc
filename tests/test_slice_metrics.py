"""The validation text says on which split the metrics are computed, and the slice metrics.

A census-income project computes precision and recall on the test split in one helper and again for
each value of each column it is asked to slice by in another (``for value in X[feature].unique()``,
on ``y_true[mask]``). Before, the validation text named the metrics without their split, and the
per-slice metrics not at all (they read as the same metrics again).
"""

from __future__ import annotations

import re

import pytest

from tests.support.documents import document_lines, write_tree

MODEL = """\
from sklearn.metrics import precision_score, recall_score


def compute_model_metrics(y, preds):
    precision = precision_score(y, preds, zero_division=1)
    recall = recall_score(y, preds, zero_division=1)
    return precision, recall


def metrics_on_slices(X_df, y_true, y_pred, slice_features):
    results = []
    for feature in slice_features:
        for value in X_df[feature].unique():
            mask = X_df[feature] == value
            y_true_slice = y_true[mask]
            y_pred_slice = y_pred[mask]
            precision = precision_score(y_true_slice, y_pred_slice, zero_division=1)
            results.append((feature, value, precision))
    return results
"""

TRAIN = """\
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from model import compute_model_metrics, metrics_on_slices


def main():
    data = pd.read_csv("data/census.csv")
    train, test = train_test_split(data, test_size=0.2, random_state=42)
    X_train, y_train = train.drop(columns=["salary"]), train["salary"]
    X_test, y_test = test.drop(columns=["salary"]), test["salary"]
    model = RandomForestClassifier(random_state=42)
    model.fit(X_train, y_train)
    preds = model.predict(X_test)
    train_auc = roc_auc_score(y_train, model.predict_proba(X_train)[:, 1])
    test_auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
    compute_model_metrics(y_test, preds)
    metrics_on_slices(X_test, y_test, preds, ["sex", "race"])


if __name__ == "__main__":
    main()
"""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    tmp = tmp_path_factory.mktemp("slices")
    root = write_tree(tmp / "code", {"model.py": MODEL, "train.py": TRAIN})
    return document_lines(root, tmp / "out")[0]


@pytest.fixture(scope="module")
def validation(document: list[str]) -> str:
    return next(p for p in document if p.startswith("A hold-out split is made by"))


def test_the_validation_text_names_the_split_the_metrics_are_computed_on(validation: str) -> None:
    said = r"precision_score \(model\.py, line 5\) \[\d+\] and recall_score \(model\.py, line 6\) \[\d+\]"
    said += r" on the test split\. "
    assert re.search(said, validation)


def test_the_validation_text_says_the_slice_metrics(validation: str) -> None:
    assert (
        "It also computes precision_score (model.py, line 17) [" in validation
        and "] for each value of each column in slice_features, on the test split (slice metrics)."
        in validation
    )


def test_a_metric_computed_on_two_splits_is_said_for_each(validation: str) -> None:
    """``roc_auc_score`` on the training rows and again on the test rows: never only the first."""
    assert "roc_auc_score (train.py, line 17) [" in validation
    assert "roc_auc_score (train.py, line 18) [" in validation
    assert "] on the train split, and " in validation


def test_the_summary_says_the_slice_metrics(document: list[str]) -> None:
    performance = next(p for p in document if p.startswith("Performance:"))
    assert "It also computes precision_score [" in performance
    said = "] for each value of each column in slice_features, on the test split (slice metrics)."
    assert said in performance
