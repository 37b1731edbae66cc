"""Early stopping of a boosted model, and which rows it watches.

One trainer carves a validation split out of the training rows and stops LightGBM when the score on
it has not improved for 100 rounds (``lgb.early_stopping``); another stops ``xgb.train`` on the test
split it later reports scores on. The Summary's Training line says after how many rounds, on which
rows, and what that split means: the number of trees is chosen on those rows (on the test rows,
test scores are optimistic). Before, neither document mentioned early stopping at all. A third
sets XGBoost's own ``early_stopping_rounds`` on the estimator and gives its fit an eval_set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.documents import document_lines, write_tree

ON_VALIDATION = """\
import joblib
import lightgbm as lgb
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/loans.csv")
X = df.drop(columns=["default"])
y = df["default"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)
X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=0.25, random_state=7)

model = lgb.LGBMClassifier(n_estimators=2000, learning_rate=0.03)
model.fit(X_train, y_train, eval_set=[(X_val, y_val)], callbacks=[lgb.early_stopping(stopping_rounds=100)])
joblib.dump(model, "models/model.joblib")
"""

ON_TEST = """\
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/claims.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns=["fraud"]), df["fraud"], test_size=0.3)
dtrain = xgb.DMatrix(X_train, label=y_train)
dtest = xgb.DMatrix(X_test, label=y_test)
params = {"objective": "binary:logistic", "eta": 0.05, "max_depth": 4}
watch = [(dtrain, "train"), (dtest, "test")]
booster = xgb.train(params, dtrain, num_boost_round=1000, evals=watch, early_stopping_rounds=50)
print(roc_auc_score(y_test, booster.predict(dtest)))
booster.save_model("models/booster.json")
"""


def _training(tmp: Path, name: str, text: str) -> str:
    root = write_tree(tmp / name, {"train.py": text})
    paragraphs, _rows = document_lines(root, tmp / f"{name}_out")
    return next(line for line in paragraphs if line.startswith("Training: "))


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("early_stopping")


def test_stopping_on_the_validation_split_chooses_the_number_of_trees(tmp: Path) -> None:
    said = _training(tmp, "on_validation", ON_VALIDATION)
    assert (
        "Training stops early when the score on X_val, y_val (the validation split) has not improved for"
        " 100 rounds (lgb.early_stopping) [" in said
    )
    assert (
        "]: those rows choose the number of trees, and the number of rounds set in the code is an upper bound"
        in said
    )


def test_stopping_on_the_test_split_makes_test_scores_optimistic(tmp: Path) -> None:
    said = _training(tmp, "on_test", ON_TEST)
    assert (
        "Training stops early when the score on dtest (the test split) has not improved for 50 rounds"
        " (early_stopping_rounds) [" in said
    )
    assert "]: the test rows choose the number of trees, so scores measured on them are optimistic" in said


ON_ESTIMATOR = """\
import joblib
import pandas as pd
from sklearn.model_selection import train_test_split
from xgboost import XGBClassifier

df = pd.read_csv("data/churn.csv")
X, y = df.drop(columns=["churn"]), df["churn"]
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.2, random_state=1)
model = XGBClassifier(n_estimators=1000, learning_rate=0.05, early_stopping_rounds=40)
model.fit(X_train, y_train, eval_set=[(X_valid, y_valid)], verbose=False)
joblib.dump(model, "models/xgb.joblib")
"""


def test_an_estimators_own_stopping_rule_watches_its_fits_eval_set(tmp: Path) -> None:
    said = _training(tmp, "on_estimator", ON_ESTIMATOR)
    assert (
        "Training stops early when the score on X_valid, y_valid (the validation split) has not improved for"
        " 40 rounds (early_stopping_rounds of XGBClassifier) [" in said
    )
