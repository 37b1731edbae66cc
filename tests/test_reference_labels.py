"""An argument holding a reference the scan cannot resolve is shown as written in a label, never as the
scan's raw reference form ({"$param": ...})."""

from __future__ import annotations

from pathlib import Path

from autodoc.scan.code.tree import scan_code
from tests.support.documents import write_tree

MODEL = """\
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(16, 2)

    def configure_optimizers(self, weight_decay, learning_rate):
        decay = [p for p in self.parameters() if p.dim() >= 2]
        keep = [p for p in self.parameters() if p.dim() < 2]
        groups = [{"params": decay, "weight_decay": weight_decay}, {"params": keep, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=learning_rate)
"""

TRAIN = """\
from model import Net

net = Net()
optimizer = net.configure_optimizers(weight_decay=0.1, learning_rate=3e-4)
"""


def test_an_unresolved_argument_is_shown_as_written(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "code", {"model.py": MODEL, "train.py": TRAIN})
    items = scan_code(str(root), commit_info=False).items
    labels = [i.label for i in items if i.kind == "optimizer"]
    assert labels == ["optimizer AdamW(groups)"], labels
    assert not any("$param" in i.label for i in items)
