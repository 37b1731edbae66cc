"""A Kedro project: the framework runs the pipelines, their nodes call the functions.

Nothing imports the pipelines (Kedro's ``find_pipelines`` does), one pipeline star-imports its
nodes, and the nodes take their settings from ``params:`` inputs read from conf/base/parameters*.yml.
The document states the model, its hyperparameters, the split and the target with the values of
the parameters files, and the preparation steps (scorecardpy's WoE binning) and the evaluation
(its perf_eva); none of it is legacy code. The README Kedro wrote is not quoted as the purpose.
"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

FILES = {
    "pyproject.toml": '[project]\nname = "churn"\n\n[project.scripts]\nchurn = "churn.__main__:main"\n\n'
    '[tool.kedro]\npackage_name = "churn"\nsource_dir = "src"\n',
    "README.md": "# churn\n\n## Overview\n\nThis is your new Kedro project, which was generated using "
    "`kedro 0.19.10`.\n\nTake a look at the [Kedro documentation](https://docs.kedro.org) to get started.\n\n"
    "## Rules and guidelines\n\nIn order to get the best out of the template:\n\n* Don't commit data\n",
    "src/churn/__init__.py": "",
    "src/churn/__main__.py": "from kedro.framework.cli.utils import find_run_command\n\n\n"
    "def main():\n    return find_run_command('churn')()\n",
    "src/churn/pipeline_registry.py": "from kedro.framework.project import find_pipelines\n\n\n"
    "def register_pipelines():\n    pipelines = find_pipelines()\n"
    "    pipelines['__default__'] = sum(pipelines.values())\n    return pipelines\n",
    "src/churn/pipelines/__init__.py": "",
    "src/churn/pipelines/prep/__init__.py": "",
    "src/churn/pipelines/prep/nodes.py": "import scorecardpy as sc\n\n\ndef clean(frame):\n"
    "    frame['spend_ratio'] = frame['spend'] / frame['income']\n"
    "    bins = sc.woebin(frame, y='churned')\n    return sc.woebin_ply(frame, bins)\n",
    "src/churn/pipelines/prep/pipeline.py": "from kedro.pipeline import node, pipeline\n\n"
    "from .nodes import *\n\n\ndef create_pipeline(**kwargs):\n"
    "    return pipeline([node(func=clean, inputs='accounts', outputs='table')])\n",
    "src/churn/pipelines/training/__init__.py": "",
    "src/churn/pipelines/training/nodes.py": "import scorecardpy as sc\n"
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.model_selection import train_test_split\n\n\n"
    "def split_data(data, parameters):\n    X = data.drop(columns=parameters['label'])\n"
    "    y = data[parameters['label']]\n"
    "    return train_test_split(\n"
    "        X, y, test_size=parameters['test_size'], random_state=parameters['seed']\n    )\n\n\n"
    "def train_model(X_train, y_train, parameters):\n    model = RandomForestClassifier(**parameters)\n"
    "    model.fit(X_train, y_train)\n    return model\n\n\n"
    "def evaluate(model, X_test, y_test):\n"
    "    return sc.perf_eva(y_test, model.predict_proba(X_test)[:, 1], title='test')\n",
    "src/churn/pipelines/training/pipeline.py": "from kedro.pipeline import Pipeline, node, pipeline\n\n"
    "from .nodes import evaluate, split_data, train_model\n\n\ndef create_pipeline(**kwargs) -> Pipeline:\n"
    "    return pipeline([\n"
    "        node(func=split_data, inputs=['table', 'params:split'], outputs=['X_train', 'X_test']),\n"
    "        node(train_model, ['X_train', 'y_train', 'params:forest'], 'model'),\n"
    "        node(evaluate, ['model', 'X_test', 'y_test'], 'performance'),\n"
    "    ])\n",
    "conf/base/catalog.yml": "accounts:\n  type: pandas.CSVDataset\n  filepath: data/01_raw/accounts.csv\n",
    "conf/base/parameters_training.yml": "split:\n  test_size: 0.25\n  seed: 7\n  label:\n    - churned\n"
    "forest:\n  n_estimators: 250\n  max_depth: 6\n",
}


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = write_tree(tmp_path_factory.mktemp("kedro"), FILES)
    paragraphs, rows = document_lines(root, tmp_path_factory.mktemp("kedro_out"))
    return paragraphs + rows


def _fact(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(f"{label}: "))


def test_the_nodes_pipelines_run_are_the_production_model(lines: list[str]) -> None:
    model = _fact(lines, "Production model")
    assert "RandomForestClassifier (src/churn/pipelines/training/nodes.py, line 15)" in model
    assert not any("No estimator construction was found" in line for line in lines)


def test_parameters_the_nodes_take_are_read_from_the_parameters_files(lines: list[str]) -> None:
    settings = _fact(lines, "Hyperparameters")
    assert "n_estimators = 250 (from conf/base/parameters_training.yml)" in settings
    assert "max_depth = 6 (from conf/base/parameters_training.yml)" in settings
    split = _fact(lines, "Split")
    assert "test_size = 0.25" in split and "random_state = 7" in split
    assert _fact(lines, "Target").startswith("Target: The model predicts churned (")


def test_a_pipeline_that_star_imports_its_nodes_runs_them(lines: list[str]) -> None:
    assert "spend_ratio" in _fact(lines, "Features")


def test_a_scorecards_binning_and_evaluation_are_said(lines: list[str]) -> None:
    assert "applies woebin (y = churned) [" in _fact(lines, "Features")
    assert "computes perf_eva (title = test) [" in _fact(lines, "Performance")


def test_the_templates_readme_is_not_the_models_purpose(lines: list[str]) -> None:
    assert not [line for line in lines if "your new Kedro project" in line or "the template" in line]
    assert "No README or registry description states the model's purpose." in lines
    assert not [line for line in lines if "quoted in the Summary" in line]
