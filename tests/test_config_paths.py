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
model_evaluation:
  root_dir: artifacts/model_evaluation
  holdout_path: artifacts/data/holdout_b.csv
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
        joblib.dump(model, "model.joblib")
        return shared
"""

STAGE = """\
from project.components.model_trainer import ModelTrainer
from project.configuration import ConfigurationManager

if __name__ == "__main__":
    ModelTrainer(ConfigurationManager().trainer_config()).train()
"""


def _data_line(tmp_path: Path, trainer: str) -> str:
    code = write_tree(
        tmp_path / "code",
        {
            "config/config.yaml": CONFIG,
            "project/__init__.py": "",
            "project/entity.py": ENTITY,
            "project/configuration.py": MANAGER,
            "project/components/__init__.py": "",
            f"project/components/{trainer}.py": TRAINER,
            "main.py": STAGE.replace("model_trainer", trainer),
        },
    )
    paragraphs, _ = document_lines(code, tmp_path / "out")
    return next(p for p in paragraphs if p.startswith("Data:"))


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
    assert "a file the scan does not resolve" in line
