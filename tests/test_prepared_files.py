"""Files the training script reads that a preparation script writes are said as that script's output:
the raw data first, then which script writes which files and which script reads them."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

PREPARE = """\
import pandas as pd
from sklearn.model_selection import train_test_split

raw = pd.read_csv("data/claims.csv")
X = raw.drop(columns=["fraud"])
y = raw["fraud"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=1)
X_train.to_csv("prepared/X_train.csv", index=False)
X_test.to_csv("prepared/X_test.csv", index=False)
y_train.to_csv("prepared/y_train.csv", index=False)
y_test.to_csv("prepared/y_test.csv", index=False)
"""

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

X_train = pd.read_csv("D:\\\\claims\\\\prepared\\\\X_train.csv")
y_train = pd.read_csv("D:\\\\claims\\\\prepared\\\\y_train.csv").values.ravel()
model = LogisticRegression(C=2.0).fit(X_train, y_train)
joblib.dump(model, "models/model.joblib")
"""


def test_files_a_preparation_script_writes_are_said_as_its_output(tmp_path: Path) -> None:
    files = {"jobs/prepare.py": PREPARE, "jobs/train.py": TRAIN}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Data:"))
    assert line.startswith("Data: Data are read from data/claims.csv (jobs/prepare.py, line 4)"), line
    assert "jobs/prepare.py writes X_train.csv and y_train.csv (lines 8 and 10)" in line, line
    assert "which jobs/train.py reads (lines 5 and 6)" in line, line
    assert "D:\\\\" not in line, line


HELPER_MODEL = """\
import joblib
from sklearn.ensemble import RandomForestClassifier


def fit_and_save(X, y):
    model = RandomForestClassifier(n_estimators=20).fit(X, y)
    joblib.dump(model, "models/forest.joblib")
    return model
"""

HELPED_TRAIN = """\
import pandas as pd

from jobs.model import fit_and_save


def main():
    X_train = pd.read_csv("prepared/X_train.csv")
    y_train = pd.read_csv("prepared/y_train.csv").values.ravel()
    fit_and_save(X_train, y_train)


if __name__ == "__main__":
    main()
"""


def test_the_overview_learns_from_the_prepared_files_not_the_raw_input(tmp_path: Path) -> None:
    files = {"jobs/__init__.py": "", "jobs/prepare.py": PREPARE, "jobs/model.py": HELPER_MODEL}
    files["jobs/train.py"] = HELPED_TRAIN
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if "It learns from" in p)
    assert "It learns from X_train.csv [" in line and "claims.csv" not in line, line
