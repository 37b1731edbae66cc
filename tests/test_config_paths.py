"""A read whose path is a configuration object's attribute names the file the project's YAML gives it."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

CONFIG = """\
artifacts_root: artifacts
model_trainer:
  root_dir: artifacts/model_trainer
  train_path: artifacts/data/train.csv
  holdout_path: artifacts/data/holdout_a.csv
  model_name: model.joblib
model_evaluation:
  root_dir: artifacts/model_evaluation
  holdout_path: artifacts/data/holdout_b.csv
  model_path: artifacts/model_trainer/model.joblib
"""

ENTITY = """\
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TrainerConfig:
    root_dir: Path
    train_path: Path
    holdout_path: Path
"""

MANAGER = """\
import yaml

from project.entity import TrainerConfig


class ConfigurationManager:
    def __init__(self, path="config/config.yaml"):
        with open(path) as fh:
            self.config = yaml.safe_load(fh)

    def trainer_config(self):
        section = self.config["model_trainer"]
        return TrainerConfig(**section)
"""

TRAINER = """\
import os

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression


class ModelTrainer:
    def __init__(self, config):
        self.config = config

    def train(self):
        frame = pd.read_csv(self.config.train_path)
        shared = pd.read_csv(self.config.holdout_path)
        model = LogisticRegression(C=0.5)
        model.fit(frame.drop(columns=["default"]), frame["default"])
        joblib.dump(model, os.path.join(self.config.root_dir, self.config.model_name))
        return shared
"""

EVALUATION = """\
import joblib


class ModelEvaluation:
    def __init__(self, config):
        self.config = config

    def evaluate(self, frame):
        model = joblib.load(self.config.model_path)
        return model.predict(frame)
"""

STAGES = """\
from project.components.model_evaluation import ModelEvaluation
from project.components.model_trainer import ModelTrainer
from project.configuration import ConfigurationManager

if __name__ == "__main__":
    manager = ConfigurationManager()
    ModelTrainer(manager.trainer_config()).train()
    ModelEvaluation(manager.evaluation_config()).evaluate(None)
"""


def _lines(tmp_path: Path, trainer: str) -> list[str]:
    code = write_tree(
        tmp_path / "code",
        {
            "config/config.yaml": CONFIG,
            "project/__init__.py": "",
            "project/entity.py": ENTITY,
            "project/configuration.py": MANAGER,
            "project/components/__init__.py": "",
            f"project/components/{trainer}.py": TRAINER,
            "project/components/model_evaluation.py": EVALUATION,
            "main.py": STAGES.replace("model_trainer", trainer),
        },
    )
    paragraphs, _ = document_lines(code, tmp_path / "out")
    return paragraphs


def _data_line(tmp_path: Path, trainer: str) -> str:
    return next(p for p in _lines(tmp_path, trainer) if p.startswith("Data:"))


def test_a_configuration_key_names_the_file_a_component_reads(tmp_path: Path) -> None:
    line = _data_line(tmp_path, "model_trainer")
    assert "artifacts/data/train.csv named in config/config.yaml, line 4" in line
    # two sections give holdout_path different files: the reading module's own section decides
    assert "artifacts/data/holdout_a.csv named in config/config.yaml, line 5" in line
    assert "holdout_b" not in line


def test_a_key_two_sections_give_different_files_stays_unnamed_outside_both(tmp_path: Path) -> None:
    line = _data_line(tmp_path, "fit_step")
    assert "artifacts/data/train.csv named in config/config.yaml, line 4" in line  # one file: named
    assert "holdout_a" not in line and "holdout_b" not in line  # two files, neither section: never guessed
    assert "does not resolve the file or table read by read_csv" in line


def test_a_save_path_joined_from_configuration_keys_links_the_code_that_loads_it(tmp_path: Path) -> None:
    line = next(p for p in _lines(tmp_path, "model_trainer") if p.startswith("Production model:"))
    saved = "saves it with joblib.dump to artifacts/model_trainer/model.joblib"
    assert saved + " named in config/config.yaml, lines 3 and 6" in line
    assert "project/components/model_evaluation.py (line 9) [3] loads that file" in line
