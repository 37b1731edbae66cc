"""A network class that Hydra builds from the configuration (``_target_``) is listed with the
settings the default configuration gives it, never as '(defaults)' when the configuration sets them;
an experiment file the defaults do not select changes nothing. (Each module's own ``__main__`` block
makes its module live, as lightning-hydra-template's do: the scan does not follow ``instantiate`` yet.)"""

from __future__ import annotations

import pytest

from tests.support.documents import document_lines, write_tree

PRIMARY = """\
defaults:
  - _self_
  - model: tabular
  - experiment: null

seed: 7
"""

MODEL = """\
_target_: src.module.Classifier
learning_rate: 0.01
net:
  _target_: src.net.Tower
  width: 32
  depth: 3
"""

WIDE = """\
# @package _global_
model:
  net:
    width: 512
"""

NET = """\
from torch import nn


class Tower(nn.Module):
    def __init__(self, width=256, depth=2):
        super().__init__()
        self.layers = nn.Sequential(*[nn.Linear(width, width) for _ in range(depth)])

    def forward(self, x):
        return self.layers(x)


if __name__ == "__main__":
    print(Tower.__name__)
"""

MODULE = """\
import torch
from lightning import LightningModule


class Classifier(LightningModule):
    def __init__(self, net, learning_rate=0.1):
        super().__init__()
        self.net = net
        self.learning_rate = learning_rate

    def training_step(self, batch, batch_idx):
        x, y = batch
        return torch.nn.functional.cross_entropy(self.net(x), y)


if __name__ == "__main__":
    print(Classifier.__name__)
"""

TRAIN = """\
import hydra
from lightning import Trainer


@hydra.main(version_base=None, config_path="../configs", config_name="train")
def main(cfg):
    model = hydra.utils.instantiate(cfg.model)
    Trainer(max_epochs=2).fit(model)


if __name__ == "__main__":
    main()
"""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    tmp = tmp_path_factory.mktemp("hydra_built")
    files = {
        "configs/train.yaml": PRIMARY,
        "configs/model/tabular.yaml": MODEL,
        "configs/experiment/wide.yaml": WIDE,
        "src/__init__.py": "",
        "src/net.py": NET,
        "src/module.py": MODULE,
        "src/train.py": TRAIN,
    }
    return document_lines(write_tree(tmp / "code", files), tmp / "out")


@pytest.fixture(scope="module")
def rows(document: tuple[list[str], list[str]]) -> list[str]:
    return document[1]


def test_a_class_hydra_builds_has_the_settings_the_configuration_gives_it(rows: list[str]) -> None:
    assert "Tower | width | 32 | configs/model/tabular.yaml, line 5" in rows  # not its default 256
    assert "Tower | depth | 3 | configs/model/tabular.yaml, line 6" in rows
    assert "Classifier | learning_rate | 0.01 | configs/model/tabular.yaml, line 2" in rows
    assert "Classifier | net | src.net.Tower | configs/model/tabular.yaml, line 4" in rows
    assert not any(r.startswith(("Tower | (defaults)", "Classifier | (defaults)")) for r in rows)


def test_an_experiment_the_defaults_do_not_select_changes_no_setting(rows: list[str]) -> None:
    assert not any("512" in r for r in rows if r.startswith("Tower"))


def test_the_network_hydra_builds_into_the_module_is_what_the_module_is_built_on(document) -> None:
    line = next(p for p in document[0] if p.startswith("Production model:"))
    assert "trains Classifier (src/module.py, line 5) [" in line
    assert "], built on Tower (src/net.py, line 4) [" in line
    assert "] as its net (configs/model/tabular.yaml, line 4) [" in line
