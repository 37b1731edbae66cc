"""What a model validator reads first on classical risk models (credit, fraud, readmission), from
small projects laid out the way such teams write them: scripts in ``src/`` sharing constants."""

from __future__ import annotations

from pathlib import Path

from autodoc.evidence import EvidenceStore
from autodoc.write.gaps import summary_gaps
from autodoc.write.summary import summary_facts
from tests.support.projects import scan_files

PIPELINE = """from pathlib import Path

from sklearn.linear_model import LogisticRegression

MODEL_PATH = Path("models/model.joblib")


def build_model():
    return LogisticRegression(C=0.01, solver="liblinear")
"""
TRAIN = """import joblib
import pandas as pd

from src.pipeline import MODEL_PATH, build_model

def main():
    df = pd.read_csv("data/visits.csv")
    model = build_model()
    model.fit(df.drop(columns=["readmitted"]), df["readmitted"])
    joblib.dump(model, MODEL_PATH)

if __name__ == "__main__":
    main()
"""
TUNE = """import joblib
import pandas as pd
from sklearn.linear_model import SGDClassifier

def main():
    df = pd.read_csv("data/visits.csv")
    clf = SGDClassifier(loss="log_loss", alpha=0.001)
    clf.fit(df.drop(columns=["readmitted"]), df["readmitted"])
    joblib.dump({"model": clf}, "models/best_model.joblib")

if __name__ == "__main__":
    main()
"""
SCORE = """import joblib
import pandas as pd

from src.pipeline import MODEL_PATH

def score(path):
    model = joblib.load(MODEL_PATH)
    return model.predict_proba(pd.read_csv(path))[:, 1]

if __name__ == "__main__":
    print(score("data/new.csv"))
"""


_scan = scan_files


def _summary(evidence: EvidenceStore) -> dict[str, str]:
    return {f.topic: f.text for f in summary_facts(evidence)}


def test_the_model_whose_file_a_scorer_loads_by_an_imported_constant_is_the_production_model(
    tmp_path: Path,
) -> None:
    evidence = _scan(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/pipeline.py": PIPELINE,
            "src/train_model.py": TRAIN,
            "src/tuning.py": TUNE,
            "src/inference.py": SCORE,
        },
    )
    load = next(i for i in evidence.items if i.kind == "model_load")
    assert load.label == "loads a model artifact with joblib.load from models/model.joblib"
    model = _summary(evidence)["model"]
    assert model.startswith("The production model is LogisticRegression (src/pipeline.py, line 9)")
    load_id = "c:src/inference.py:7:model_load:joblib.load"
    assert f"src/inference.py (line 7) [[{load_id}]] loads that file" in model
    assert "The code also saves SGDClassifier (src/tuning.py, line 7)" in model


GROUPED = """import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit

def main():
    df = pd.read_csv("data/visits.csv")
    gss = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=42)
    train_idx, test_idx = next(gss.split(df, groups=df["patient_nbr"]))
    train = df.iloc[train_idx]
    LogisticRegression().fit(train.drop(columns=["readmitted"]), train["readmitted"])

if __name__ == "__main__":
    main()
"""


def test_a_group_shuffle_split_asked_for_one_split_is_the_hold_out_split(tmp_path: Path) -> None:
    evidence = _scan(tmp_path, {"train.py": GROUPED})
    split = _summary(evidence)["split"]
    assert split.startswith("A hold-out split is made by GroupShuffleSplit (train.py, line 7)")
    assert "test_size = 0.2 [[c:train.py:7:param:test_size]]" in split
    assert split.endswith("the rows of each group kept on one side.")
    assert "No train/test split was found in the production code." not in summary_gaps(evidence)


SMOTE_AFTER = """import joblib
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split
from xgboost import XGBClassifier
import pandas as pd

df = pd.read_csv("data/creditcard.csv")
X, y = df.drop(columns=["Class"]), df["Class"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
smote = SMOTE(random_state=42)
X_res, y_res = smote.fit_resample(X_train, y_train)
model = XGBClassifier(n_estimators=200).fit(X_res, y_res)
joblib.dump(model, "models/fraud.pkl")
"""
SMOTE_BEFORE = """import joblib
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import RobustScaler
from xgboost import XGBClassifier
import pandas as pd

df = pd.read_csv("data/creditcard.csv")
X, y = df.drop(columns=["Class"]), df["Class"]
scaler = RobustScaler()
X["Amount"] = scaler.fit_transform(X[["Amount"]])
X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, test_size=0.2, random_state=42)
model = XGBClassifier(n_estimators=200).fit(X_train, y_train)
joblib.dump(model, "models/fraud.pkl")
"""


def test_smote_on_the_training_split_only_is_said_on_the_training_line(tmp_path: Path) -> None:
    training = _summary(_scan(tmp_path, {"train.py": SMOTE_AFTER}))["training"]
    assert (
        "SMOTE (random_state = 42) [[c:train.py:10:resampling:SMOTE]] resamples the training split only: "
        "smote.fit_resample(X_train, y_train) (train.py, line 11) [[c:train.py:11:fit:smote]]"
    ) in training
    assert "before the train/test split" not in training


def test_resampling_and_scaling_before_the_split_are_flagged(tmp_path: Path) -> None:
    facts = _summary(_scan(tmp_path, {"train.py": SMOTE_BEFORE}))
    assert "resamples the rows: " in facts["training"]
    assert ("before the train/test split at line 13, so the held-out rows are resampled too") in facts[
        "training"
    ]
    assert facts["split"].endswith(
        "RobustScaler (train.py, line 11) [[c:train.py:11:fit:scaler]] is fitted on the rows before "
        "they are split, so the held-out rows take part in it."
    )


LABEL_RULE = """import numpy as np


def binarize(df):
    df["target"] = (df["readmitted"] == "<30").astype(int)
    return df
"""
LABELLED = """import pandas as pd
from sklearn.linear_model import LogisticRegression

from src.prep import binarize

def main():
    df = binarize(pd.read_csv("data/visits.csv"))
    y = df["target"]
    LogisticRegression().fit(df.drop(columns=["target", "readmitted"]), y)

if __name__ == "__main__":
    main()
"""
TUNED_WEIGHT = """import optuna
import pandas as pd
from sklearn.linear_model import LogisticRegression

def objective(trial):
    df = pd.read_csv("data/visits.csv")
    class_weight = trial.suggest_categorical("class_weight", [None, "balanced"])
    model = LogisticRegression(class_weight=class_weight)
    model.fit(df.drop(columns=["readmitted"]), df["readmitted"])
    return 0.5

if __name__ == "__main__":
    optuna.create_study().optimize(objective, n_trials=5)
"""


def test_a_label_cast_from_a_test_is_said_with_its_rule(tmp_path: Path) -> None:
    """The training script reads df["target"] first; the Target line gives the rule that builds it."""
    files = {"src/__init__.py": "", "src/prep.py": LABEL_RULE, "src/train.py": LABELLED}
    target = _summary(_scan(tmp_path, files))["target"]
    assert target == (
        "The model predicts target (src/prep.py, line 5) [[c:src/prep.py:5:label:target]]: "
        "1 when readmitted is <30, else 0."
    )
    np_where = 'np.where(df["readmitted"] == "<30", 1, 0)'
    files["src/prep.py"] = LABEL_RULE.replace('(df["readmitted"] == "<30").astype(int)', np_where)
    target = _summary(_scan(tmp_path / "where", files))["target"]
    assert target.endswith(": 1 when readmitted is <30, else 0.")


def test_a_class_weight_the_search_picks_is_not_said_to_be_computed_from_the_labels(tmp_path: Path) -> None:
    facts = _summary(_scan(tmp_path, {"tune.py": TUNED_WEIGHT}))
    assert "computed from the training labels" not in facts.get("training", "")
    assert "search space of class_weight" in facts["tuning"]


UNPACKED = """import json

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

def main():
    with open("models/best_params.json") as f:
        params = json.load(f)["best_params"]
    model = LogisticRegression(solver="liblinear", **params)
    df = pd.read_csv("data/visits.csv")
    model.fit(df.drop(columns=["readmitted"]), df["readmitted"])
    joblib.dump(model, "models/model.joblib")

if __name__ == "__main__":
    main()
"""


def test_named_settings_beside_unresolved_unpacked_ones_are_not_said_to_be_all(tmp_path: Path) -> None:
    hyper = _summary(_scan(tmp_path, {"train.py": UNPACKED}))["hyperparameters"]
    assert hyper.startswith("LogisticRegression (train.py, line 10)")
    assert (
        "solver = liblinear [[c:train.py:10:param:solver]] and its settings unpacked from an expression "
        "the scan does not resolve (not defaults)"
    ) in hyper


CHOOSE = """import json

import joblib
import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve

def choose():
    test = pd.read_csv("data/test.csv")
    y_test = test.pop("readmitted")
    with open("models/columns.json") as f:
        columns = json.load(f)
    y_proba = joblib.load("models/model.joblib").predict_proba(test[columns])[:, 1]
    precision, recall, thresholds = precision_recall_curve(y_test, y_proba)
    f1_scores = 2 * precision * recall / (precision + recall + 1e-9)
    best_idx = np.argmax(f1_scores)
    best_threshold = thresholds[best_idx]
    with open("models/threshold.json", "w") as f:
        json.dump({"threshold": float(best_threshold)}, f)
    with open("models/columns.json") as f:  # the same name, another file
        return json.load(f)

if __name__ == "__main__":
    choose()
"""


def test_a_threshold_chosen_on_the_test_curve_says_so(tmp_path: Path) -> None:
    files = {
        "src/evaluate.py": CHOOSE,
        "models/threshold.json": '{"threshold": 0.135}',
        "models/columns.json": "[]",
    }
    threshold = _summary(_scan(tmp_path, files))["threshold"]
    assert threshold.startswith("The decision threshold is 0.135 (models/threshold.json, line 1)")
    assert threshold.endswith(
        "It is chosen by src/evaluate.py (line 17) [[c:src/evaluate.py:14:metric:precision_recall_curve]] as "
        "the precision_recall_curve threshold with the highest f1_scores on the test split, and written to "
        "models/threshold.json."
    )


def test_a_script_choosing_its_threshold_at_top_level_says_so(tmp_path: Path) -> None:
    body = CHOOSE.split("def choose():\n", 1)[1].split("\nif __name__", 1)[0]
    script = CHOOSE.split("def choose():", 1)[0] + "\n".join(line[4:] for line in body.splitlines())
    script = script.replace("return json.load(f)", "columns = json.load(f)")
    files = {
        "evaluate.py": script,
        "models/threshold.json": '{"threshold": 0.135}',
        "models/columns.json": "[]",
    }
    threshold = _summary(_scan(tmp_path, files))["threshold"]
    assert "as the precision_recall_curve threshold with the highest f1_scores on the test split" in threshold
