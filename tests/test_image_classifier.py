"""A plain PyTorch image classifier: the torchvision backbone and its pretrained weights, settings
read through ``from config import *``, the optimiser's and the schedule's settings, the image
transforms of each split and the augmentation among them, the epochs a hand-written loop runs and the
checkpoint it keeps, the label column a Dataset encodes, the rows an evaluation helper's loop reads,
how the backbone is fine-tuned, a loss both branches of an ``if`` build."""

from __future__ import annotations

from pathlib import Path

from autodoc.plan.select import select_evidence
from tests.support.builders.store import section
from tests.support.documents import document_lines, write_tree
from tests.support.projects import scan_files

CONFIG = """\
DATA_CSV = "data/labels.csv"
LEARNING_RATE = 0.0003
WEIGHT_DECAY = 0.01
EPOCHS = 12
WEIGHTED = True
"""

MODEL = """\
import torch.nn as nn
from torchvision import models


def build(num_classes):
    net = models.densenet121(weights=models.DenseNet121_Weights.IMAGENET1K_V1)
    for p in net.parameters():
        p.requires_grad = False
    for p in net.features.denseblock4.parameters():
        p.requires_grad = True
    net.classifier = nn.Linear(net.classifier.in_features, num_classes)
    return net
"""

DATASET = """\
from sklearn.preprocessing import LabelEncoder
from torch.utils.data import Dataset


class Scans(Dataset):
    def __init__(self, frame, transform=None):
        self.frame = frame
        self.encoder = LabelEncoder()
        self.labels = self.encoder.fit_transform(self.frame["finding"])
        self.transform = transform

    def __len__(self):
        return len(self.labels)
"""

TRAIN = """\
import pandas as pd
import torch
import torch.nn as nn
import torch.optim as optim
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from torchvision import transforms as T

from config import *
from dataset import Scans
from model import build

PREPARE = {
    "train": T.Compose([T.RandomCrop(96), T.RandomVerticalFlip(), T.ToTensor()]),
    "val": T.Compose([T.CenterCrop(96), T.ToTensor()]),
}


def fit(net, scheduler, epochs, patience):
    best_val_acc, waited = 0.0, 0
    for epoch in range(epochs):
        scheduler.step()
        val_acc = float(epoch)
        if val_acc > best_val_acc:
            best_val_acc, waited = val_acc, 0
            torch.save(net.state_dict(), "weights/best.pth")
        else:
            waited += 1
            if waited >= patience:
                break
    return net


def main():
    frame = pd.read_csv(DATA_CSV)
    train_rows, val_rows = train_test_split(frame, test_size=0.25, random_state=7)
    train_set = Scans(train_rows, PREPARE["train"])
    net = build(num_classes=len(set(train_set.labels)))
    if WEIGHTED:
        criterion = nn.CrossEntropyLoss(weight=torch.ones(4))
    else:
        criterion = nn.CrossEntropyLoss()
    optimizer = optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
    net = fit(net, scheduler, EPOCHS, 3)
    torch.save(net.state_dict(), "weights/net.pth")
    val_loader = Scans(val_rows, PREPARE["val"])
    print(evaluate(net, val_loader))


def evaluate(net, loader):
    truth, guesses = [], []
    for images, labels in loader:
        truth.extend(labels)
        guesses.extend(net(images).argmax(1))
    return accuracy_score(truth, guesses)


if __name__ == "__main__":
    main()
"""


def _summary(tmp_path: Path) -> tuple[dict[str, str], list[str]]:
    files = {"config.py": CONFIG, "dataset.py": DATASET, "model.py": MODEL, "train.py": TRAIN}
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


def test_the_image_transforms_of_each_split_are_said_with_their_augmentation(tmp_path: Path) -> None:
    summary, paragraphs = _summary(tmp_path)
    training = (
        "the image transforms for training images, RandomCrop(96), RandomVerticalFlip() and ToTensor() ["
    )
    assert training in summary["Features"], summary["Features"]
    assert "] (random augmentation: RandomCrop and RandomVerticalFlip)" in summary["Features"]
    validation = "the image transforms for validation images, CenterCrop(96) and ToTensor() ["
    assert validation in summary["Features"], summary["Features"]
    assert "] (no random augmentation)" in summary["Features"]
    engineering = [p for p in paragraphs if p.startswith("Inputs are transformed with ")]
    assert engineering and training in engineering[0], paragraphs


def test_the_epoch_loop_and_its_best_checkpoint_are_said(tmp_path: Path) -> None:
    summary, _ = _summary(tmp_path)
    training = summary["Training"]
    epochs = "training runs for at most 12 epochs (for epoch in range(epochs), train.py, line 21; "
    assert epochs + "the number is set at config.py, line 4) [" in training, training
    assert "], stopping early when waited >= patience;" in training, training
    kept = "each epoch (for epoch in range(epochs)) saves the weights to weights/best.pth when "
    assert kept + "val_acc > best_val_acc (train.py, line 26) [" in training, training
    assert "], so the validation rows choose the epoch kept" in training, training


def test_the_column_a_dataset_encodes_as_its_labels_is_the_target(tmp_path: Path) -> None:
    summary, paragraphs = _summary(tmp_path)
    assert summary["Target"].startswith("Target: The model predicts finding (dataset.py, line 9) ["), summary
    overview = next(p for p in paragraphs if p.startswith("The model predicts finding ["))
    assert "Its inputs are prepared with the image transforms for training images [" in overview, overview


def test_the_training_section_says_the_epoch_loop_and_its_checkpoint(tmp_path: Path) -> None:
    _, paragraphs = _summary(tmp_path)
    section = next(p for p in paragraphs if p.startswith("Training uses "))
    assert "Training runs for at most 12 epochs (for epoch in range(epochs), train.py, line 21; " in section
    assert "; each epoch (for epoch in range(epochs)) saves the weights to weights/best.pth when " in section
    assert not any(p.startswith("The scan also found") for p in paragraphs), paragraphs


def test_a_training_section_is_sent_the_epoch_loop_first(tmp_path: Path) -> None:
    files = {"config.py": CONFIG, "dataset.py": DATASET, "model.py": MODEL, "train.py": TRAIN}
    store = scan_files(tmp_path, files)
    chosen = [i.id for i in select_evidence(section("Training Pipeline"), store, max_items=4)]
    assert "c:train.py:21:setting:epoch_loop" in chosen, chosen
    assert "c:train.py:26:model_save:save" in chosen, chosen


def test_the_rows_an_evaluation_loop_reads_are_the_validation_rows_that_chose_the_epoch(
    tmp_path: Path,
) -> None:
    summary, paragraphs = _summary(tmp_path)
    performance = summary["Performance"]
    assert "accuracy_score [" in performance and "] on the validation split;" in performance, performance
    caveat = "The validation rows that measure the model also choose the epoch kept (train.py, line 26) ["
    assert caveat in performance and "], so these scores are optimistic." in performance, performance
    overview = next(p for p in paragraphs if p.startswith("The model predicts finding ["))
    assert "25% of the rows are held out for validation [" in overview, overview


def test_how_the_backbone_is_fine_tuned_is_said(tmp_path: Path) -> None:
    _, paragraphs = _summary(tmp_path)
    said = (
        "densenet121 is fine-tuned: its weights are frozen (model.py, line 7), except features.denseblock4 "
        "(line 9); its classifier (line 11) is replaced by the code's own layers ["
    )
    assert any(said in p for p in paragraphs), [p for p in paragraphs if "densenet121" in p]


def test_a_loss_both_branches_build_is_said_without_the_condition(tmp_path: Path) -> None:
    summary, paragraphs = _summary(tmp_path)
    assert summary["Training"].startswith("Training: The loss is CrossEntropyLoss [")
    assert "when WEIGHTED" not in summary["Training"], summary["Training"]
    chains = "The model's inputs are prepared by image transforms for train (train.py, line "
    assert any(p.startswith(chains) for p in paragraphs), [p for p in paragraphs if "prepared by" in p]
