"""Which model is production, and where its training file comes from.

A script that trains three models and saves the tuned one (its object followed back through a
function's return and ``search.best_estimator_``), an API that loads the saved file, a notebook
that builds the label and writes the file the script reads, and an EDA notebook that writes a
file nobody reads. The document names the saved model as the production model, the others as
compared alternatives, the search's choice as its hyperparameters, and the upstream notebook as
where the label is built; the EDA notebook stays exploratory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.evidence import EvidenceStore
from autodoc.scan.code.tree import scan_code
from autodoc.settings import Settings
from autodoc.spec import load_spec
from autodoc.write.summary import summary_facts

REPO = Path(__file__).resolve().parent.parent

TRAIN = """\
import joblib
import mlflow
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split


def load(path):
    frame = pd.read_csv(path)
    y = frame["churned"]
    return frame.drop(columns=["churned"]), y


def baseline(x, y):
    model = LogisticRegression(C=0.5)
    return model.fit(x, y)


def tuned(x, y):
    search = GridSearchCV(
        GradientBoostingClassifier(random_state=3),
        param_grid={"n_estimators": [100, 300], "max_depth": [2, 4]},
        scoring="roc_auc",
        cv=5,
    )
    search.fit(x, y)
    return search.best_params_, search.best_estimator_


def main():
    x, y = load("data/training_table.csv")
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=1)
    plain = GradientBoostingClassifier(random_state=3).fit(x_train, y_train)
    first = baseline(x_train, y_train)
    params, best = tuned(x_train, y_train)
    joblib.dump(best, "churn_model.joblib")
    with mlflow.start_run():
        mlflow.log_params(params)


if __name__ == "__main__":
    main()
"""

API = """\
import joblib
from fastapi import FastAPI

app = FastAPI()
MODEL = joblib.load("churn_model.joblib")


@app.post("/score")
def score(row: dict):
    return {"p": float(MODEL.predict_proba([list(row.values())])[0][1])}
"""

PREP_CELLS = [
    "import pandas as pd\nfrom sklearn.cluster import KMeans",
    "def clean(frame):\n    frame['amount'] = frame['amount'].clip(lower=0)\n    return frame\n\n"
    "events = clean(pd.read_csv('events.csv'))",
    "usage = events.groupby('account').agg({'amount': 'sum', 'visits': 'count'}).reset_index()",
    "km = KMeans(n_clusters=4, random_state=7)\n"
    "usage['segment'] = km.fit_predict(usage[['amount', 'visits']])",
    "usage['churned'] = (usage['segment'] == 0).astype(int)",
    "base = pd.read_csv('accounts.csv')\n"
    "table = base.merge(usage[['account', 'churned']], on='account', how='inner')",
    "table.head()",
    "table.to_csv('training_table.csv', index=False)",
]
EDA_CELLS = [
    "import pandas as pd\nfrom sklearn.tree import DecisionTreeClassifier",
    "raw = pd.read_csv('events.csv')\nraw['weekday'] = raw['day'] % 7",
    "tree = DecisionTreeClassifier(max_depth=3).fit(raw[['weekday']], raw['churned'])",
    "raw.describe().to_csv('summary_stats.csv')",
]


def _notebook(path: Path, cells: list[str]) -> None:
    code = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": src}
        for src in cells
    ]
    path.write_text(json.dumps({"cells": code, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def _project(root: Path) -> Path:
    (root / "train.py").write_text(TRAIN)
    (root / "api.py").write_text(API)
    _notebook(root / "prep.ipynb", PREP_CELLS)
    _notebook(root / "eda.ipynb", EDA_CELLS)
    return root


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The document's Summary, by label (``Production model``: its sentence)."""
    root = _project(tmp_path_factory.mktemp("lineage_code"))
    out = tmp_path_factory.mktemp("lineage_out")
    settings = Settings(code_root=str(root), output_dir=str(out), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    doc = Document(str(result.outputs.docx))
    facts: dict[str, str] = {}
    for para in doc.paragraphs:
        label, sep, text = para.text.partition(": ")
        if sep and label in ("Production model", "Target", "Hyperparameters", "Data", "Features"):
            facts.setdefault(label, text)
    facts["paragraphs"] = "\n".join(p.text for p in doc.paragraphs)
    facts["rows"] = "\n".join(" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows)
    return facts


def test_the_saved_tuned_model_is_production_and_the_others_are_compared(summary: dict[str, str]) -> None:
    model = summary["Production model"]
    assert model.startswith("The production model is GradientBoostingClassifier (train.py, line 22) [")
    assert "tuned by GridSearchCV (train.py, line 21)" in model
    assert "saves it to churn_model.joblib with joblib.dump (train.py, line 37)" in model
    assert "api.py (line 5) [" in model and "loads that file to serve it" in model
    compared = model.split("It is compared with ", 1)[1]
    assert compared.startswith("LogisticRegression (train.py, line 16) [")
    assert "GradientBoostingClassifier (train.py, line 34) [" in compared
    assert "DecisionTreeClassifier" not in model and "KMeans" not in model
    overview = "The production model is a gradient boosting classifier [1]; the code also trains a logistic"
    assert overview + " regression [5] to compare with it." in summary["paragraphs"]


def test_a_tuned_models_values_are_the_searchs_choice(summary: dict[str, str]) -> None:
    hyper = summary["Hyperparameters"]
    assert hyper.startswith("GradientBoostingClassifier (train.py, line 22) [")
    assert "random_state = 3 [" in hyper
    assert "n_estimators and max_depth are chosen by GridSearchCV (train.py, line 21)" in hyper
    assert "scoring = roc_auc [" in hyper and "cv = 5 [" in hyper
    assert "logged as run parameters (train.py, line 39)" in hyper
    assert "without an MLflow store, not known" in hyper
    assert "C = 0.5" not in hyper  # a compared model's value is not the production model's


def test_the_label_built_upstream_is_said_with_the_file_the_script_reads(summary: dict[str, str]) -> None:
    target = summary["Target"]
    assert target.startswith("The model predicts churned (train.py, line 11)")
    assert "The label is built upstream in prep.ipynb: churned is set at cell 4, line 1 [" in target
    assert "using KMeans [" in target and "n_clusters = 4 [" in target
    assert ", base merged on account (inner join) [" in target  # a join in words, not its label
    assert "events.csv (prep.ipynb, cell 1, line 5) [" in summary["Data"]  # a notebook's place has its cell
    assert "prep.ipynb writes training_table.csv (cell 7, line 1) [" in target
    assert target.endswith("which train.py reads (line 10) [" + target.rsplit("[", 1)[1])
    assert "Its pipeline runs prepare (upstream) -> load -> label" in summary["Production model"]
    data = (
        "training_table.csv is written upstream by prep.ipynb [14], a data preparation step of the production"
    )
    assert (
        data + " pipeline: train.py reads it [15]." in summary["paragraphs"]
    )  # the Data section says it too


def test_an_eda_notebook_that_writes_nothing_read_stays_exploratory(tmp_path: Path) -> None:
    scan = scan_code(str(_project(tmp_path)), commit_info=False)
    roles: dict[str, set[Any]] = {}
    for item in scan.items:
        if item.source.path in ("eda.ipynb", "prep.ipynb") and item.kind != "excerpt":
            roles.setdefault(item.source.path, set()).add((item.kind, item.role))
    assert {role for _, role in roles["eda.ipynb"]} == {"exploratory"}
    assert ("data_write", "exploratory") in roles["eda.ipynb"]
    assert ("estimator", "production") in roles["prep.ipynb"] and ("join", "production") in roles[
        "prep.ipynb"
    ]
    amount = next(i for i in scan.items if i.source.path == "prep.ipynb" and i.kind == "feature")
    assert (amount.value, amount.source.cell, amount.role) == (
        "amount",
        1,
        "production",
    )  # in a helper it calls
    excerpts = {(i.source.path, i.source.cell) for i in scan.items if i.kind == "excerpt"}
    assert ("prep.ipynb", 7) in excerpts and ("prep.ipynb", 6) not in excerpts  # table.head() builds nothing
    assert not any(path == "eda.ipynb" for path, _ in excerpts)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    facts = {f.topic: f.text for f in summary_facts(store)}
    assert "weekday" not in facts.get("features", "") and "max_depth = 3" not in facts["hyperparameters"]


def test_a_pipelines_last_step_saved_by_pickle_is_the_model_a_batch_script_loads(tmp_path: Path) -> None:
    (tmp_path / "fit.py").write_text(
        "import pickle\nimport pandas as pd\nfrom sklearn.pipeline import Pipeline\n"
        "from sklearn.preprocessing import StandardScaler\nfrom sklearn.svm import SVC\n"
        "from sklearn.tree import DecisionTreeClassifier\n\n"
        "if __name__ == '__main__':\n"
        "    data = pd.read_csv('rows.csv')\n"
        "    probe = DecisionTreeClassifier().fit(data[['a']], data['y'])\n"
        "    pipe = Pipeline([('scale', StandardScaler()), ('svm', SVC(C=3.0))]).fit(data[['a']], data.y)\n"
        "    with open('svm.pkl', 'wb') as fh:\n"
        "        pickle.dump(pipe, fh)\n"
    )
    (tmp_path / "batch.py").write_text(
        "import pickle\n\nif __name__ == '__main__':\n"
        "    model = pickle.load(open('models/svm.pkl', 'rb'))\n    print(model)\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")
    assert model.startswith("The production model is SVC (fit.py, line 11)")
    assert "saves it to svm.pkl with pickle.dump (fit.py, line 13)" in model
    assert "batch.py (line 4)" in model and "loads that file" in model and "to serve it" not in model
    assert "compared with DecisionTreeClassifier (fit.py, line 10)" in model
    hyper = next(f.text for f in summary_facts(store) if f.topic == "hyperparameters")
    assert hyper.startswith("SVC (fit.py, line 11)") and "C = 3.0" in hyper


def test_a_model_passed_to_a_helper_that_saves_it_is_followed_to_the_call(tmp_path: Path) -> None:
    (tmp_path / "job.py").write_text(
        "import joblib\nfrom sklearn.ensemble import ExtraTreesClassifier\n"
        "from sklearn.naive_bayes import GaussianNB\n\n\n"
        "def persist(estimator, target_path):\n    joblib.dump(estimator, target_path)\n\n\n"
        "def run(x, y):\n    GaussianNB().fit(x, y)\n"
        "    trees = ExtraTreesClassifier(n_estimators=30)\n    trees.fit(x, y)\n"
        "    persist(trees, 'trees.joblib')\n\n\n"
        "if __name__ == '__main__':\n    run([[0]], [0])\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")
    assert model.startswith("The production model is ExtraTreesClassifier (job.py, line 12)")
    assert "saves it to trees.joblib with joblib.dump (job.py, line 7)" in model
    assert "compared with GaussianNB (job.py, line 11)" in model


def test_the_estimators_an_ensemble_is_built_from_are_parts_not_alternatives(tmp_path: Path) -> None:
    (tmp_path / "boost.py").write_text(
        "import joblib\nfrom sklearn.ensemble import AdaBoostClassifier\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.tree import DecisionTreeClassifier\n\n"
        "if __name__ == '__main__':\n"
        "    x, y = [[0], [1]], [0, 1]\n"
        "    stump = DecisionTreeClassifier(max_depth=1)\n"
        "    boost = AdaBoostClassifier(stump, n_estimators=50)\n"
        "    LogisticRegression().fit(x, y)\n"
        "    boost.fit(x, y)\n"
        "    joblib.dump(boost, 'boost.pkl')\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")
    assert model.startswith("The production model is AdaBoostClassifier (boost.py, line 9)")
    assert "compared with LogisticRegression (boost.py, line 10)" in model
    assert "]] built on DecisionTreeClassifier (boost.py, line 8) [[" in model  # a part of it
    assert "compared with DecisionTreeClassifier" not in model
    assert "LogisticRegression and Decision" not in model


def test_a_model_built_and_saved_in_another_module_is_followed_across_files(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "modeling.py").write_text(
        "import joblib\nfrom sklearn.ensemble import RandomForestRegressor\n\n\n"
        "def build(depth):\n    return RandomForestRegressor(max_depth=depth)\n\n\n"
        "def save_model(model, path):\n    joblib.dump(model, path)\n"
    )
    (tmp_path / "pkg" / "net.py").write_text(
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return x\n"
    )
    (tmp_path / "fit_forest.py").write_text(
        "from pkg.modeling import build, save_model\n\nif __name__ == '__main__':\n"
        "    forest = build(6)\n    forest.fit([[0]], [0])\n    save_model(forest, 'forest.joblib')\n"
    )
    (tmp_path / "fit_net.py").write_text(
        "import torch\nfrom pkg.net import Net\n\nif __name__ == '__main__':\n    net = Net()\n"
        "    optimizer = torch.optim.AdamW(net.parameters())\n"
        "    torch.save({'model': net.state_dict(), 'step': 1}, 'ckpt.pt')\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    saved = {
        i.value: i.attrs["saved_by"] for i in scan.items if i.kind == "estimator" and "saved_by" in i.attrs
    }
    assert set(saved) == {"RandomForestRegressor", "Net"}
    assert saved["RandomForestRegressor"][0]["path"] == "pkg/modeling.py"  # the helper's joblib.dump
    assert saved["Net"][0] == {
        "id": "c:fit_net.py:7:model_save:save", "path": "fit_net.py", "line": 7, "call": "torch.save",
        "file": "ckpt.pt",
    }  # fmt: skip


def test_models_a_setting_chooses_between_are_options_not_compared(tmp_path: Path) -> None:
    (tmp_path / "choose.py").write_text(
        "import sys\nimport joblib\n"
        "from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier\n\n\n"
        "def fit_and_save(model):\n    model.fit([[0]], [0])\n    joblib.dump(model, 'model.pkl')\n\n\n"
        "if __name__ == '__main__':\n"
        "    if sys.argv[1] == 'forest':\n        fit_and_save(RandomForestClassifier(n_estimators=10))\n"
        "    if sys.argv[1] == 'trees':\n        fit_and_save(ExtraTreesClassifier(n_estimators=20))\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")
    assert model.startswith("The production model is RandomForestClassifier (choose.py, line 13)")
    assert "The same code saves ExtraTreesClassifier (choose.py, line 15) [" in model
    assert "instead when a setting selects it." in model and "compared with" not in model


def test_the_estimators_table_and_text_say_what_each_estimator_is_to_the_model(
    summary: dict[str, str],
) -> None:
    rows = summary["rows"].splitlines()
    assert "GradientBoostingClassifier (production model) | random_state | 3 | train.py, line 22" in rows
    tuned = "GradientBoostingClassifier (production model) | n_estimators, max_depth | chosen by GridSearchCV"
    assert tuned + " | train.py, line 21" in rows
    assert "LogisticRegression (compared, not saved) | C | 0.5 | train.py, line 16" in rows
    assert "KMeans (prepares the data upstream) | n_clusters | 4 | prep.ipynb, line 1" in rows
    text = summary["paragraphs"]
    assert (
        "The code constructs GradientBoostingClassifier at train.py, line 22 (production model) [1]" in text
    )
    assert "The code constructs LogisticRegression at train.py, line 16 (compared, not saved) [5]" in text


def test_models_assigned_in_the_branches_of_a_setting_are_options(tmp_path: Path) -> None:
    (tmp_path / "branch.py").write_text(
        "import sys\nimport mlflow\nfrom sklearn.ensemble import HistGradientBoostingClassifier\n"
        "from sklearn.linear_model import LogisticRegression\n\n"
        "if __name__ == '__main__':\n"
        "    if sys.argv[1] == 'linear':\n        model = LogisticRegression(C=2.0)\n"
        "    else:\n        model = HistGradientBoostingClassifier(max_iter=50)\n"
        "    model.fit([[0]], [0])\n"
        "    mlflow.sklearn.log_model(model, name='model')\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")
    assert model.startswith("The production model is HistGradientBoostingClassifier (branch.py, line 10)")
    assert "The same code saves LogisticRegression (branch.py, line 8) [" in model and "compared" not in model


def test_the_last_assignment_before_the_save_is_the_saved_model_even_if_an_earlier_one_is_nested(
    tmp_path: Path,
) -> None:
    (tmp_path / "fit.py").write_text(
        "import joblib\nfrom sklearn.ensemble import RandomForestClassifier\n"
        "from sklearn.linear_model import LogisticRegression\n\n\n"
        "def train(x, y, quick):\n"
        "    if quick:\n        model = LogisticRegression()\n"
        "    model = RandomForestClassifier(n_estimators=50)\n"
        "    model.fit(x, y)\n    joblib.dump(model, 'model.pkl')\n\n\n"
        "if __name__ == '__main__':\n    train(None, None, False)\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")
    assert model.startswith("The production model is RandomForestClassifier (fit.py, line 9)")


def test_a_file_of_the_same_name_in_another_folder_is_not_the_training_file(tmp_path: Path) -> None:
    _notebook(
        tmp_path / "clean.ipynb",
        ["import pandas as pd", "d = pd.read_csv('x.csv')\nd.to_csv('data/clean/train.csv')"],
    )
    _notebook(
        tmp_path / "copy.ipynb",
        ["import pandas as pd", "d = pd.read_csv('y.csv')\nd.to_csv('../raw/train.csv')"],
    )
    (tmp_path / "fit.py").write_text(
        "import pandas as pd\nfrom sklearn.svm import SVC\n\nif __name__ == '__main__':\n"
        "    frame = pd.read_csv('data/raw/train.csv')\n    SVC().fit(frame[['a']], frame['b'])\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    writes = {i.source.path: i for i in scan.items if i.kind == "data_write"}
    assert writes["clean.ipynb"].role == "exploratory" and "read_by" not in writes["clean.ipynb"].attrs
    assert (
        writes["copy.ipynb"].role == "production"
        and writes["copy.ipynb"].attrs["read_by"][0]["path"] == "fit.py"
    )


def test_a_notebook_writing_the_file_the_pipeline_writes_itself_is_not_upstream(tmp_path: Path) -> None:
    _notebook(
        tmp_path / "eda.ipynb",
        [
            "import pandas as pd\nfrom sklearn.model_selection import train_test_split",
            "d = pd.read_csv('raw.csv')\ntr, te = train_test_split(d, test_size=0.4)",
            "tr.to_csv('data/train.csv')",
        ],
    )
    (tmp_path / "prep.py").write_text(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n\n"
        "def prepare():\n    d = pd.read_csv('raw.csv')\n"
        "    tr, te = train_test_split(d, test_size=0.2)\n    tr.to_csv('data/train.csv')\n"
    )
    (tmp_path / "fit.py").write_text(
        "import pandas as pd\nfrom sklearn.svm import SVC\n\nfrom prep import prepare\n\n"
        "if __name__ == '__main__':\n    prepare()\n"
        "    frame = pd.read_csv('data/train.csv')\n    SVC().fit(frame[['a']], frame['b'])\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    writes = {i.source.path: i for i in scan.items if i.kind == "data_write"}
    assert (
        writes["prep.py"].role == "production" and writes["prep.py"].attrs["read_by"][0]["path"] == "fit.py"
    )
    assert writes["eda.ipynb"].role == "exploratory" and "read_by" not in writes["eda.ipynb"].attrs
    (read,) = [i for i in scan.items if i.kind == "data_source" and i.source.path == "fit.py"]
    assert read.attrs["written_by"]["path"] == "prep.py"
    splits = {i.source.path: i.role for i in scan.items if i.kind == "split"}
    assert splits == {"eda.ipynb": "exploratory", "prep.py": "production"}  # test_size 0.4 is not the model's


def test_a_booster_trained_by_xgb_train_and_a_registered_model_are_followed(tmp_path: Path) -> None:
    (tmp_path / "z_boost.py").write_text(
        "import xgboost as xgb\n\nif __name__ == '__main__':\n"
        "    booster = xgb.train({'max_depth': 3, 'eta': 0.1}, xgb.DMatrix([[0]], label=[0]), 20)\n"
        "    booster.save_model('booster.json')\n"
    )
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "fit.py").write_text(
        "import mlflow\nfrom sklearn.linear_model import Ridge\n\nif __name__ == '__main__':\n"
        "    ridge = Ridge(alpha=0.3).fit([[0]], [0])\n"
        "    mlflow.sklearn.log_model(ridge, name='model', registered_model_name='prices')\n"
    )
    (tmp_path / "a_fit.py").write_text(
        "import joblib\nfrom sklearn.linear_model import Ridge\n\nif __name__ == '__main__':\n"
        "    ridge = Ridge(alpha=0.3).fit([[0]], [0])\n    joblib.dump(ridge, 'ridge.joblib')\n"
    )
    (tmp_path / "api.py").write_text("import joblib\n\nMODEL = joblib.load('ridge.joblib')\n")
    scan = scan_code(str(tmp_path), commit_info=False)
    saved = {i.source.path: i for i in scan.items if i.kind == "estimator" and "saved_by" in i.attrs}
    assert saved["z_boost.py"].attrs["saved_by"][0]["file"] == "booster.json"
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")  # the served one first
    assert model.startswith("The production model is Ridge (a_fit.py, line 5)")
    assert "The code also saves xgboost.train (z_boost.py, line 4) [" in model
    scan = scan_code(str(tmp_path / "reg"), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    model = next(f.text for f in summary_facts(store) if f.topic == "model")
    assert "logs it with mlflow.sklearn.log_model and registers it as prices (fit.py, line 6) [" in model


SPLITTER = """import os

import pandas as pd
from sklearn.model_selection import train_test_split


class Splitter:
    def __init__(self):
        self.folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../data")
        self.train_name = "train.csv"

    def split(self):
        d = pd.read_csv("raw.csv")
        tr, te = train_test_split(d, test_size=0.2)
        self._save(tr, self.train_name)
        self._save(te, "test.csv")

    def _save(self, frame, name):
        frame.to_csv(os.path.join(self.folder, name), index=False)
"""
SPLIT_FIT = """import os

import pandas as pd
from sklearn.svm import SVC

from prep import Splitter

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    return pd.read_csv(os.path.join(HERE, "../data", name))


if __name__ == "__main__":
    Splitter().split()
    frame = load("train.csv")
    held = load("test.csv")
    SVC().fit(frame[["a"]], frame["b"])
"""


def test_a_helper_writing_each_callers_file_is_the_pipelines_writer(tmp_path: Path) -> None:
    """``self._save(tr, "train.csv")`` through ``frame.to_csv(os.path.join(self.folder, name))``: one
    write per caller (its file, its frame), so the production writer of data/train.csv wins over the
    EDA notebook writing the same file; a read through ``os.path.join(HERE, "../data", name)`` is
    each caller's file."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "prep.py").write_text(SPLITTER)
    (tmp_path / "src" / "fit.py").write_text(SPLIT_FIT)
    (tmp_path / "notebooks").mkdir()
    _notebook(
        tmp_path / "notebooks" / "eda.ipynb",
        [
            "import pandas as pd\nfrom sklearn.model_selection import train_test_split",
            "d = pd.read_csv('raw.csv')\ntr, te = train_test_split(d, test_size=0.4)",
            "tr.to_csv('../data/train.csv')",
        ],
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    writes = [i for i in scan.items if i.kind == "data_write"]
    made = sorted(
        (i.value, i.attrs["frame"], i.attrs["via"]) for i in writes if i.source.path == "src/prep.py"
    )
    assert made == [("data/test.csv", "te", "src/prep.py:16"), ("data/train.csv", "tr", "src/prep.py:15")]
    (eda,) = [i for i in writes if i.source.path == "notebooks/eda.ipynb"]
    assert eda.role == "exploratory" and "read_by" not in eda.attrs
    (read,) = [i for i in scan.items if i.kind == "data_source" and i.source.path == "src/fit.py"]
    assert [(s["value"], s["line"]) for s in read.attrs["by_caller"]] == [
        ("data/train.csv", 17),
        ("data/test.csv", 18),
    ]
    assert read.attrs["written_by"]["path"] == "src/prep.py"
    splits = {i.source.path: i.role for i in scan.items if i.kind == "split"}
    assert splits == {"notebooks/eda.ipynb": "exploratory", "src/prep.py": "production"}  # not 0.4
