"""A file path taken from a configuration dict (``config["paths"]["data"]``), kept in a name, passed
to a helper and joined onto the working directory, names the file the configuration gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.documents import document_lines, write_tree

SETTINGS = """\
{
    "training": {
        "holdout": 0.25,
        "label": "churned"
    },
    "paths": {
        "table": "inputs/customers.csv",
        "artifact": "artifacts/forest.pkl"
    }
}
"""

LOADER = """\
import json


def read_settings(path):
    with open(path) as handle:
        return json.load(handle)
"""

HELPERS = """\
import joblib
from sklearn.ensemble import RandomForestClassifier


def fit_forest(features, labels):
    model = RandomForestClassifier(n_estimators=50)
    model.fit(features, labels)
    return model


def save_model(model, destination):
    joblib.dump(model, destination)


def load_model(source):
    return joblib.load(source)
"""

TRAIN = """\
import os
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pkg.helpers import fit_forest, save_model
from pkg.settings import read_settings


def split_rows(table_path, holdout, label):
    rows = pd.read_csv(table_path)
    return train_test_split(rows, test_size=holdout, stratify=rows[label])


def main():
    base = Path(os.getcwd())
    settings_file = Path(base, "settings.json")
    settings = read_settings(settings_file)
    table_path = Path(base, settings["paths"]["table"])
    artifact_path = Path(base, settings["paths"]["artifact"])
    label = settings["training"]["label"]
    train, test = split_rows(table_path, settings["training"]["holdout"], label)
    forest = fit_forest(train.drop(columns=[label]), train[label])
    save_model(forest, destination=artifact_path)


if __name__ == "__main__":
    main()
"""

SERVE = """\
import os
from pathlib import Path

from fastapi import FastAPI

from pkg.helpers import load_model
from pkg.settings import read_settings

app = FastAPI()
base = Path(os.getcwd())
settings = read_settings(str(Path(base, "settings.json")))
forest = load_model(str(Path(base, settings["paths"]["artifact"])))


@app.post("/score")
def score(row: dict):
    return {"churned": int(forest.predict([list(row.values())])[0])}
"""


def _document(tmp_path: Path, train: str = TRAIN) -> tuple[list[str], list[str]]:
    code = write_tree(
        tmp_path / "code",
        {
            "settings.json": SETTINGS,
            "pkg/__init__.py": "",
            "pkg/settings.py": LOADER,
            "pkg/helpers.py": HELPERS,
            "pkg/train.py": train,
            "service.py": SERVE,
        },
    )
    return document_lines(code, tmp_path / "out")


@pytest.fixture(scope="module")
def census_like(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    return _document(tmp_path_factory.mktemp("census_like"))


def _line(paragraphs: list[str], lead: str) -> str:
    return next(p for p in paragraphs if p.startswith(lead))


def test_a_read_through_a_helper_parameter_names_the_file_the_configuration_gives(census_like) -> None:
    line = _line(census_like[0], "Data:")
    assert "inputs/customers.csv named in settings.json, line 7 (pkg/train.py, line 12)" in line
    assert "does not resolve" not in line


def test_the_save_and_the_served_load_name_the_configured_model_file(census_like) -> None:
    line = _line(census_like[0], "Production model:")
    assert "saves it with joblib.dump to artifacts/forest.pkl named in settings.json, line 8" in line
    assert "pkg/helpers.py (line 16, called from service.py, line 12)" in line  # the service's load
    assert "loads that file to serve it" in line


def test_a_split_stratified_by_a_name_holding_the_target_is_stratified_by_the_target(census_like) -> None:
    paragraphs, rows = census_like
    assert "stratified by the target (churned)" in _line(paragraphs, "Split:")
    row = next(r for r in rows if r.startswith("train_test_split"))
    assert "stratified by the target (churned)" in row and "set at run time" not in row


def test_a_key_the_configuration_lacks_leaves_the_file_unnamed(tmp_path: Path) -> None:
    train = TRAIN.replace("base = Path(os.getcwd())", "base = Path.cwd()")
    train = train.replace('Path(base, settings["paths"]["table"])', 'base / settings["paths"]["table"]')
    train = train.replace('settings["paths"]["artifact"]', 'settings["paths"]["model"]')  # no such key
    paragraphs, _ = _document(tmp_path, train)
    assert "inputs/customers.csv named in settings.json, line 7" in _line(
        paragraphs, "Data:"
    )  # Path.cwd() / key
    production = _line(paragraphs, "Production model:")
    assert "saves it with joblib.dump (pkg/helpers.py, line 12)" in production  # never guessed
    assert "forest.pkl named in" not in production
