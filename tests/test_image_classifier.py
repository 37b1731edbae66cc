"""A plain PyTorch image classifier: the torchvision backbone and its pretrained weights, settings
read through ``from config import *``, the optimiser's and the schedule's settings."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

CONFIG = """\
DATA_CSV = "data/labels.csv"
LEARNING_RATE = 0.0003
WEIGHT_DECAY = 0.01
EPOCHS = 12
"""

MODEL = """\
import torch.nn as nn
from torchvision import models


def build(num_classes):
    net = models.densenet121(weights=models.DenseNet121_Weights.IMAGENET1K_V1)
    net.classifier = nn.Linear(net.classifier.in_features, num_classes)
    return net
"""

TRAIN = """\
import pandas as pd
import torch
import torch.nn as nn
import torch.optim as optim
from sklearn.model_selection import train_test_split

from config import *
from model import build


def main():
    frame = pd.read_csv(DATA_CSV)
    train_rows, val_rows = train_test_split(frame, test_size=0.25, random_state=7)
    net = build(num_classes=4)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
    for epoch in range(EPOCHS):
        scheduler.step()
    torch.save(net.state_dict(), "weights/net.pth")


if __name__ == "__main__":
    main()
"""


def _summary(tmp_path: Path) -> tuple[dict[str, str], list[str]]:
    files = {"config.py": CONFIG, "model.py": MODEL, "train.py": TRAIN}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    return {p.split(":", 1)[0]: p for p in paragraphs if ":" in p[:24]}, paragraphs


def test_the_backbone_is_the_model_with_its_pretrained_weights(tmp_path: Path) -> None:
    summary, paragraphs = _summary(tmp_path)
    assert "The production model is densenet121 (model.py, line 6)" in summary["Production model"]
    assert "weights = models.DenseNet121_Weights.IMAGENET1K_V1" in summary["Hyperparameters"]
    assert any(p.startswith("The production model is a densenet121 network") for p in paragraphs), paragraphs


def test_star_imported_settings_reach_the_optimiser_and_the_schedule(tmp_path: Path) -> None:
    summary, _ = _summary(tmp_path)
    training = summary["Training"]
    assert "the optimiser is AdamW [" in training and "] with lr = 0.0003 [" in training, training
    assert "and weight_decay = 0.01 [" in training, training
    assert "the learning rate follows StepLR [" in training, training
    assert "with step_size = 4 [" in training and "and gamma = 0.5 [" in training, training
    assert "Data are read from data/labels.csv" in summary["Data"], summary["Data"]
