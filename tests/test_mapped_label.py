"""A label a helper builds by mapping a column's values is said with its mapping, and a split stratified
by it is stratified by the target."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

DATASET = """\
import pandas as pd


def load_messages(path):
    frame = pd.read_csv(path, sep="\\t", names=["kind", "body"])
    X = frame["body"]
    Y = frame["kind"].map({"ok": 0, "junk": 1})
    return X, Y
"""

TRAIN = """\
import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from texts.dataset import load_messages


def main():
    X, Y = load_messages("data/messages.tsv")
    X_train, _, Y_train, _ = train_test_split(X, Y, test_size=0.1, random_state=3, stratify=Y)
    model = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression(max_iter=500))])
    model.fit(X_train, Y_train)
    joblib.dump(model, "artifacts/model.joblib")


if __name__ == "__main__":
    main()
"""


def test_a_mapped_label_is_said_with_its_mapping_and_stratifies_the_split(tmp_path: Path) -> None:
    files = {"texts/__init__.py": "", "texts/dataset.py": DATASET, "texts/train.py": TRAIN}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    summary = {p.split(":", 1)[0]: p for p in paragraphs if ":" in p[:24]}
    assert "built from the column kind, with ok as 0 and junk as 1" in summary["Target"], summary["Target"]
    assert "stratified by the target (Y)" in summary["Split"], summary["Split"]
