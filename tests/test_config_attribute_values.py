"""A model built from a config object's attributes (``clf_params.n_estimators``) that a YAML file
loaded at run time fills: the value is the config key of that name when the files agree on it.

Two YAML configs set the classifier's section; they agree on the tree count and differ on the
depth. The estimators table gives the tree count from the file and leaves the depth to run time
(each file's depth is a run's choice), never one file's depth as if it were the only one; the
Summary says which file sets the tree count.
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

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
    files = {
        "train.py": MODEL,
        "configs/small.yaml": "clf_params:\n  n_estimators: 20\n  max_depth: 4\n",
        "configs/deep.yaml": "clf_params:\n  n_estimators: 20\n  max_depth: 12\n",
    }
    root = write_tree(tmp_path_factory.mktemp("config_attributes"), files)
    return document_lines(root, tmp_path_factory.mktemp("config_attributes_out"))


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
