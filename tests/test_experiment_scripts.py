"""Numbered experiment scripts that each log their model, and a final script whose saved file the
predictor loads.

Two experiment scripts log models to MLflow (one through a helper called once per model, in
sequence), a final script trains the chosen model and saves it with its threshold, and a predictor
loads that file. The document names the served model as the production model everywhere (the
Summary, the purpose section, the estimators table), says the experiments' models are saved too,
never that a setting chooses between them, and shows a setting the code writes as None as None.
The Summary's data and transformations are the final script's, not an experiment's, and the
predictor, which turns the saved model's scores into decisions at its threshold, serves it, as
does a Streamlit page that loads it.
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

EXPERIMENTS = """\
import mlflow
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.preprocessing import StandardScaler

holdout = pd.read_csv("data/processed/X_holdout.csv")
scaled = StandardScaler().fit_transform(holdout)


def run_model(name, model):
    model.fit([[0]], [0])
    with mlflow.start_run(run_name=name):
        mlflow.sklearn.log_model(model, name="model")


run_model("forest", RandomForestClassifier(n_estimators=300))
run_model("boosting", GradientBoostingClassifier(n_estimators=100))
"""

LOGREG = """\
import mlflow
from sklearn.linear_model import LogisticRegression

clf = LogisticRegression(max_iter=500, class_weight=None)
clf.fit([[0]], [0])
with mlflow.start_run():
    mlflow.sklearn.log_model(clf, name="model")
"""

FINAL = """\
import joblib
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline

THRESHOLD = 0.15

train = pd.read_csv("data/processed/X_train.csv")
prep = ColumnTransformer([("num", Pipeline([("fill", SimpleImputer(strategy="median"))]), ["amount"])])
model = GradientBoostingClassifier(learning_rate=0.05, max_depth=2, n_estimators=200)
model.fit(prep.fit_transform(train), train["fraud"])
joblib.dump({"model": model, "threshold": THRESHOLD}, "models/final_model.joblib")
"""

PREDICT = """\
import joblib

bundle = joblib.load("models/final_model.joblib")
model = bundle["model"]
proba = model.predict_proba([[0]])[:, 1][0]
label = "fraud" if proba >= bundle["threshold"] else "ok"
"""


STREAMLIT = """\
import joblib
import streamlit as st

bundle = joblib.load("models/final_model.joblib")
amount = st.number_input("Claim amount")
st.write(bundle["model"].predict_proba([[amount]])[0][1])
"""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    files = {
        "src/01_experiments.py": EXPERIMENTS,
        "src/02_logreg.py": LOGREG,
        "src/03_final_model.py": FINAL,
        "src/04_predict.py": PREDICT,
        "app/streamlit_app.py": STREAMLIT,
    }
    root = write_tree(tmp_path_factory.mktemp("experiments"), files)
    paragraphs, rows = document_lines(root, tmp_path_factory.mktemp("experiments_out"))
    return {"paragraphs": "\n".join(paragraphs), "rows": "\n".join(rows)}


def test_the_served_model_is_the_production_model_in_every_section(document: dict[str, str]) -> None:
    text = document["paragraphs"]
    assert (
        "Production model: The production model is GradientBoostingClassifier (src/03_final_model.py" in text
    )
    assert "The production model is a random forest" not in text
    assert "The production model is a gradient boosting classifier" in text
    rows = document["rows"].splitlines()
    production = [r for r in rows if "(production model)" in r]
    assert production and all(
        r.startswith("GradientBoostingClassifier (production model) |") for r in production
    )
    assert any(
        r.startswith("GradientBoostingClassifier (production model) | n_estimators | 200 |") for r in rows
    )


def test_models_a_helper_saves_one_after_another_are_all_saved(document: dict[str, str]) -> None:
    text, rows = document["paragraphs"], document["rows"]
    assert "instead when a setting selects it" not in text + rows
    assert "RandomForestClassifier (also saved) | n_estimators | 300 |" in rows
    assert "GradientBoostingClassifier (also saved) | n_estimators | 100 |" in rows


def test_a_setting_the_code_writes_as_none_reads_none(document: dict[str, str]) -> None:
    row = "LogisticRegression (also saved) | class_weight | None | src/02_logreg.py, line 4"
    assert row in document["rows"]


def test_the_data_and_steps_of_the_summary_are_the_production_scripts(document: dict[str, str]) -> None:
    lines = document["paragraphs"].splitlines()
    data = next(line for line in lines if line.startswith("Data: "))
    assert "data/processed/X_train.csv (src/03_final_model.py, line 10)" in data
    assert "X_holdout.csv" not in data
    features = next(line for line in lines if line.startswith("Features: "))
    assert "applies SimpleImputer (strategy = median) [" in features
    assert "StandardScaler" not in features and "Pipeline" not in features


def test_a_script_that_scores_with_the_saved_model_at_a_threshold_serves_it(document: dict[str, str]) -> None:
    text = document["paragraphs"]
    assert "Serving: The model is served by src/04_predict.py (" in text
    assert "No serving code" not in text


def test_a_streamlit_page_that_loads_the_model_serves_it(document: dict[str, str]) -> None:
    serving = next(line for line in document["paragraphs"].splitlines() if line.startswith("Serving: "))
    assert "app/streamlit_app.py (Streamlit app that loads a model) [" in serving
