"""A second split of the training rows is the validation split, and the Split line says so; a
calibrator fitted on it says so on the Production model line.

``X_temp, X_test, ... = train_test_split(X, y, test_size=0.2)`` then
``X_train, X_val, ... = train_test_split(X_temp, y_temp, test_size=0.2)``: a public credit-risk
trainer calibrates on X_val; its Split line named only the first split. It now names the second,
with the rows it splits and the names it binds.
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/credit.csv")
X, y = df.drop(columns=["default"]), df["default"]
X_temp, X_test, y_temp, y_test = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
X_train, X_val, y_train, y_val = train_test_split(X_temp, y_temp, test_size=0.25, random_state=42)
base = HistGradientBoostingClassifier(max_iter=300).fit(X_train, y_train)
model = CalibratedClassifierCV(base, method="isotonic", cv="prefit").fit(X_val, y_val)
joblib.dump(model, "models/model.joblib")
"""


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = write_tree(tmp_path_factory.mktemp("validation_split"), {"train.py": TRAIN})
    paragraphs, rows = document_lines(root, tmp_path_factory.mktemp("validation_split_out"))
    return paragraphs + rows


def test_the_split_line_names_the_second_split_of_the_training_rows(lines: list[str]) -> None:
    said = next(line for line in lines if line.startswith("Split: "))
    assert said.startswith("Split: A hold-out split is made by train_test_split (train.py, line 9) [")
    assert (
        "; train_test_split (train.py, line 10) [" in said
        and "] then splits X_temp, y_temp again into X_train, X_val, y_train, y_val (test_size = 0.25 ["
        in said
    )


def test_a_calibrator_says_the_rows_it_is_fitted_on(lines: list[str]) -> None:
    model = next(line for line in lines if line.startswith("Production model: "))
    assert model.startswith(
        "Production model: The production model is CalibratedClassifierCV (train.py, line 12) [1] built on"
        " HistGradientBoostingClassifier (train.py, line 11) [2] and fitted on X_val, y_val, the validation"
        " split, at line 12 [3]; the code saves it to models/model.joblib"
    )
