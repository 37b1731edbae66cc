"""A model built from a config object's attributes (``clf_params.n_estimators``) that a YAML file
loaded at run time fills: the value is the config key of that name when the files agree on it.

Two YAML configs set the classifier's section; they agree on the tree count and differ on the
depth. The estimators table gives the tree count from the file and leaves the depth to run time
(each file's depth is a run's choice), never one file's depth as if it were the only one; the
Summary says which file sets the tree count.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import load_spec

REPO = Path(__file__).resolve().parent.parent

MODEL = """\
import pickle
import sys

import yaml
from sklearn.ensemble import RandomForestClassifier


def build(clf_params):
    return RandomForestClassifier(n_estimators=clf_params.n_estimators, max_depth=clf_params.max_depth)


def main(path):
    params = yaml.safe_load(open(path))
    model = build(params)
    model.fit([[0]], [0])
    pickle.dump(model, open("model.pkl", "wb"))


if __name__ == "__main__":
    main(sys.argv[1])
"""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    root = tmp_path_factory.mktemp("config_attributes")
    (root / "train.py").write_text(MODEL)
    (root / "configs").mkdir()
    (root / "configs" / "small.yaml").write_text("clf_params:\n  n_estimators: 20\n  max_depth: 4\n")
    (root / "configs" / "deep.yaml").write_text("clf_params:\n  n_estimators: 20\n  max_depth: 12\n")
    out = tmp_path_factory.mktemp("config_attributes_out")
    settings = Settings(code_root=str(root), output_dir=str(out), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    doc = Document(str(result.outputs.docx))
    rows = [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    return [p.text for p in doc.paragraphs], rows


@pytest.fixture(scope="module")
def rows(document: tuple[list[str], list[str]]) -> list[str]:
    return document[1]


def test_an_attribute_the_config_files_agree_on_takes_their_value(rows: list[str]) -> None:
    tree_count = "RandomForestClassifier (production model) | n_estimators | 20 | configs/"
    assert any(r.startswith(tree_count) and "(clf_params.n_estimators)" in r for r in rows), rows


def test_an_attribute_the_config_files_differ_on_is_left_to_run_time(rows: list[str]) -> None:
    depth = [r for r in rows if r.startswith("RandomForestClassifier (production model) | max_depth |")]
    assert depth and "set at run time" in depth[0], depth


def test_the_summary_says_which_file_sets_a_config_value(document: tuple[list[str], list[str]]) -> None:
    said = next(p for p in document[0] if p.startswith("Hyperparameters: "))
    assert "n_estimators = 20 (from configs/" in said
