"""What the model learns from is what its training script reads, not an evaluation dashboard's file.

The trainer reads data/credit.csv and saves the model; a Streamlit dashboard (launched as a console
script, so production code) loads the saved model and scores data/processed/X_test.csv to show its
metrics. A public credit-risk project's Executive Summary read 'It learns from
UCI_Credit_Card_processed.csv [11] and X_test.csv [12]'; it now names the trainer's file only.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from lightgbm import LGBMClassifier


def main():
    df = pd.read_csv("data/credit.csv")
    model = LGBMClassifier(n_estimators=200).fit(df.drop(columns=["default"]), df["default"])
    joblib.dump(model, "models/model.joblib")
"""

DASHBOARD = """\
import joblib
import pandas as pd
import streamlit as st
from sklearn.metrics import roc_auc_score


def main():
    model = joblib.load("models/model.joblib")
    X_test = pd.read_csv("data/processed/X_test.csv")
    y_test = pd.read_csv("data/processed/y_test.csv")["default"]
    st.metric("AUC", roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
"""

SETUP = """\
from setuptools import setup

setup(
    name="credit",
    entry_points={"console_scripts": ["credit-train=train:main", "credit-dashboard=dashboard:main"]},
)
"""


def test_the_executive_summary_names_the_trainers_data_only(tmp_path: Path) -> None:
    files = {"train.py": TRAIN, "dashboard.py": DASHBOARD, "setup.py": SETUP}
    paragraphs, _rows = document_lines(write_tree(tmp_path / "repo", files), tmp_path / "out")
    said = [line for line in paragraphs if "It learns from " in line]
    assert said and "It learns from credit.csv [" in said[0], said
    assert not [line for line in said if "X_test.csv" in line]
