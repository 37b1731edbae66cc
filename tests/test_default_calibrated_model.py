"""A trainer whose settings choose the model family and whether it is calibrated, with defaults.

``train(model_type="lightgbm", calibration="isotonic")`` builds LGBMClassifier or
LogisticRegression in the branches of an ``if`` chain, wraps it in CalibratedClassifierCV unless
calibration is "none", and saves the result; the command line passes its options, whose defaults
are the same. The saved model by default is the calibrated LightGBM: the document names it, the
model it is built on and its settings, and never calls the last-built LogisticRegression the
production model nor the LightGBM a model compared with it.
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import argparse

import joblib
from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression


def train(X_train, y_train, X_val, y_val, model_type="lightgbm", calibration="isotonic"):
    if model_type == "lightgbm":
        base = LGBMClassifier(n_estimators=500, learning_rate=0.05)
    elif model_type == "logistic":
        base = LogisticRegression(C=1.0)
    else:
        raise ValueError(model_type)
    base.fit(X_train, y_train)
    if calibration != "none":
        calibrated = CalibratedClassifierCV(base, method=calibration, cv="prefit")
        calibrated.fit(X_val, y_val)
        final = calibrated
    else:
        final = base
    joblib.dump(final, "models/model.joblib")
    return final


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-type", default="lightgbm")
    parser.add_argument("--calibration", default="isotonic")
    args = parser.parse_args()
    train(None, None, None, None, model_type=args.model_type, calibration=args.calibration)


if __name__ == "__main__":
    main()
"""


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = write_tree(tmp_path_factory.mktemp("default_calibrated"), {"train.py": TRAIN})
    paragraphs, rows = document_lines(root, tmp_path_factory.mktemp("default_calibrated_out"))
    return paragraphs + rows


def test_the_default_branch_is_the_production_model(lines: list[str]) -> None:
    model = next(line for line in lines if line.startswith("Production model: "))
    assert model.startswith(
        "Production model: The production model is CalibratedClassifierCV (train.py, line 18) [1] built on"
        " LGBMClassifier (train.py, line 11) [2] and fitted on X_val, y_val, the validation split,"
        " at line 19 [3]; the code saves it to models/model.joblib"
    )
    assert (
        "The code saves this model with its default settings, and LogisticRegression (train.py, line 13) [5]"
        " instead when a setting selects it." in model
    )
    assert not [line for line in lines if "The production model is LogisticRegression" in line]
    assert not [line for line in lines if "to compare with it" in line or "compared" in line]


def test_the_calibrated_model_settings_are_the_production_settings(lines: list[str]) -> None:
    said = next(line for line in lines if line.startswith("Hyperparameters: "))
    assert said.startswith(
        "Hyperparameters: LGBMClassifier (train.py, line 11) [2]: n_estimators = 500 [7]"
        " and learning_rate = 0.05"
    )
    assert "CalibratedClassifierCV (train.py, line 18) [1]: method = isotonic" in said
    assert "LGBMClassifier (part of the production model) | n_estimators | 500 | train.py, line 11" in lines
