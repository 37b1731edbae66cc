"""A package whose configuration chooses the classifier, trained and saved through helpers in
another module, and a web app that keeps its loaded model in a dict.

The trainer calls ``train_model`` of the models module, which builds a Pipeline around whichever
classifier ``build_classifier`` returns (one per branch of a setting) and saves it with a helper.
The document says the other classifier is saved instead when the setting selects it (never that
it is compared and not saved), and never lists the app's dict entry as a derived column.
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

MODEL = """\
import pickle

from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def build_classifier(params):
    if params.model_type == "SGDClassifier":
        clf = SGDClassifier(alpha=0.01)
    elif params.model_type == "RandomForestClassifier":
        clf = RandomForestClassifier(n_estimators=20)
    else:
        raise NotImplementedError()
    return clf


def build_model(params):
    clf = build_classifier(params)
    model = Pipeline([("scale", StandardScaler()), ("clf", clf)])
    return model


def train_model(frame, y, params):
    model = build_model(params)
    model.fit(frame, y)
    return model


def save_model(path, model):
    with open(path, "wb") as out:
        pickle.dump(model, out)
"""

TRAINER = """\
import sys

import pandas as pd

from heart.model import save_model, train_model


def train(params):
    frame = pd.read_csv("data/heart.csv")
    model = train_model(frame.drop(columns=["target"]), frame["target"], params)
    save_model("models/model.pkl", model)


if __name__ == "__main__":
    train(sys.argv[1])
"""

APP = """\
import pickle

from fastapi import FastAPI

app = FastAPI()
depends = {}


@app.on_event("startup")
def load():
    depends["path"] = "models/model.pkl"
    depends["model"] = pickle.load(open(depends["path"], "rb"))


@app.post("/predict")
def predict(row: dict):
    return {"p": int(depends["model"].predict([list(row.values())])[0])}
"""


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    files = {"heart/__init__.py": "", "heart/model.py": MODEL, "heart/trainer.py": TRAINER, "app.py": APP}
    root = write_tree(tmp_path_factory.mktemp("config_selected"), files)
    paragraphs, rows = document_lines(root, tmp_path_factory.mktemp("config_selected_out"))
    return paragraphs + rows


def test_the_classifier_a_setting_chooses_is_saved_instead_not_compared(lines: list[str]) -> None:
    model = next(line for line in lines if line.startswith("Production model: "))
    assert "The production model is RandomForestClassifier (heart/model.py, line 13)" in model
    assert "The same code saves SGDClassifier (heart/model.py, line 11) [" in model
    assert not [line for line in lines if "not save" in line or "to compare with it" in line]
    said = next(line for line in lines if line.startswith("The production model is a random forest"))
    assert said.endswith("; the code saves an SGD classifier [3] instead when a setting selects it.")


def test_a_dict_entry_is_no_derived_column(lines: list[str]) -> None:
    assert not [line for line in lines if "derived column" in line]
    assert not [line for line in lines if line.startswith("Features: The code builds")]
