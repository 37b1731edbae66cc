"""The script that splits the rows and writes the files the trainer reads runs upstream of the
production model: its split is the model's split, said in the Summary."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

PREPARE = """\
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

claims = pd.read_csv("data/claims.csv")
X = claims.drop(columns=["fraud"])
y = claims["fraud"]
X[["amount"]] = StandardScaler().fit_transform(X[["amount"]])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=11, stratify=y)
X_train.to_csv("processed/X_train.csv", index=False)
X_test.to_csv("processed/X_test.csv", index=False)
y_train.to_csv("processed/y_train.csv", index=False)
y_test.to_csv("processed/y_test.csv", index=False)
"""

TRAIN = """\
import joblib
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

X_train = pd.read_csv("processed/X_train.csv")
y_train = pd.read_csv("processed/y_train.csv")["fraud"]
model = RandomForestClassifier(n_estimators=200).fit(X_train, y_train)
joblib.dump(model, "models/forest.pkl")
"""


def test_the_split_of_the_script_that_writes_the_training_files_is_the_models(tmp_path: Path) -> None:
    files = {"pipeline/prepare.py": PREPARE, "pipeline/train.py": TRAIN}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    split = next(p for p in paragraphs if p.startswith("Split:"))
    assert "train_test_split (pipeline/prepare.py, line 9)" in split and "test_size = 0.3" in split, split
    model = next(p for p in paragraphs if p.startswith("Production model:"))
    assert "RandomForestClassifier (pipeline/train.py" in model and "upstream" in model, model
