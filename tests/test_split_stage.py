"""A stage that splits the data and saves it, in a script named like a test (``test_train_split.py``).

Its name made the scan read it as test code, so the Summary's Split line missed a production split.
A module named test_*.py that holds no test and that something runs (its own ``__main__`` block, a
launcher, an import from production code) is production code; one that nothing runs stays test
code. Once the split is read: a config key of the same name that the call does not read is not its
setting, a second split a flag turns on says so, and the training stage's metrics on its own fitted
rows are still said to be in-sample (the split happens in another file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autodoc import pipeline
from autodoc.progress import Progress
from autodoc.settings import Settings
from tests.support.documents import document_lines, write_tree

SPLIT = """\
import pandas as pd
from sklearn.model_selection import train_test_split

TARGET = "bad_flag"


def get_data_splits(X, y, train_size=0.7, val_split=False):
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=train_size, stratify=y)
    if val_split:
        X_val, X_test, y_val, y_test = train_test_split(X_test, y_test, train_size=0.5, stratify=y_test)
    return X_train, X_test, y_train, y_test


def main():
    raw = pd.read_parquet("data/raw.parquet")
    X_train, X_test, y_train, y_test = get_data_splits(
        X=raw.drop(columns=[TARGET]), y=raw[TARGET], train_size=0.7, val_split=False
    )
    X_train.to_parquet("data/X_train.parquet")
    y_train.to_frame().to_parquet("data/y_train.parquet")


if __name__ == "__main__":
    main()
"""

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def main():
    x_train = pd.read_parquet("data/X_train.parquet")
    y_train = pd.read_parquet("data/y_train.parquet")["bad_flag"]
    model = LogisticRegression(C=3)
    model.fit(x_train, y_train)
    scores = model.predict_proba(x_train)[:, 1]
    print(roc_auc_score(y_train, scores))
    joblib.dump(model, "models/model.pkl")


if __name__ == "__main__":
    main()
"""

# a check run by hand: named like a test, holds none, and nothing runs it: test code
SMOKE = """\
import joblib
import pandas as pd

frame = pd.read_csv("data/smoke_rows.csv")
model = joblib.load("models/model.pkl")
print(model.predict(frame))
"""

FILES = {
    "src/test_train_split.py": SPLIT,
    "src/train.py": TRAIN,
    "src/params.yaml": "datasplit:\n  stratify: col_30\n  train_size: 0.7\n",
    "deploy/test_read_model.py": SMOKE,
}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    tmp = tmp_path_factory.mktemp("split_stage")
    root = write_tree(tmp / "code", FILES)
    return document_lines(root, tmp / "out")


def _bullet(paragraphs: list[str], name: str) -> str:
    return next(p for p in paragraphs if p.startswith(f"{name}:"))


def test_a_split_script_named_like_a_test_is_the_split_line(document: tuple[list[str], list[str]]) -> None:
    split = _bullet(document[0], "Split")
    assert split.startswith(
        "Split: A hold-out split is made by train_test_split (src/test_train_split.py, line 8) ["
    )
    assert "with train_size = 0.7 [" in split
    assert "stratified by the target (bad_flag) [" in split
    # the parameters file's stratify key is not what the call reads (it stratifies by y)
    assert "col_30" not in split


def test_a_second_split_a_flag_turns_on_says_the_flag(document: tuple[list[str], list[str]]) -> None:
    flag = "when val_split, which main() at line 16 sets to False"  # the one caller turns it off
    split = _bullet(document[0], "Split")
    assert f"; {flag}, train_test_split (src/test_train_split.py, line 10) [" in split
    assert "then splits X_test, y_test again into X_val, X_test, y_val, y_test (train_size = 0.5 [" in split
    held_out = next(p for p in document[0] if p.startswith("A hold-out split is made by"))
    assert "train_test_split (src/test_train_split.py, line 10) [" in held_out
    assert held_out.split("line 10) [", 1)[1].split("]", 1)[1].startswith(f" (only {flag})")
    row = next(r for r in document[1] if "src/test_train_split.py:10" in r)  # the validation table
    assert row.startswith(f"train_test_split (src/test_train_split.py) (only {flag}) | train_size=0.5")


def test_the_training_stage_metrics_stay_in_sample(document: tuple[list[str], list[str]]) -> None:
    performance = _bullet(document[0], "Performance")
    assert (
        "The training code's metrics are computed on the rows the model is fitted on (in-sample), "
        "although src/test_train_split.py splits the data [" in performance
    )
    reads = "model.predict_proba reads x_train, the frame model.fit is given (src/train.py, line 12;"
    assert reads in performance


def test_a_script_named_like_a_test_that_nothing_runs_stays_test_code(
    document: tuple[list[str], list[str]],
) -> None:
    paragraphs, rows = document
    assert not any("smoke_rows.csv" in line for line in paragraphs + rows)
    assert any("src/test_train_split.py" in line for line in rows)  # the split stage's data are listed


def test_a_script_named_like_a_test_that_nothing_runs_gives_no_evidence(tmp_path: Path) -> None:
    """Test code is not the model: none of its values become evidence (its tests are only named)."""
    root = write_tree(tmp_path / "code", FILES)
    evidence = pipeline.scan(Settings(code_root=str(root), output_dir=str(tmp_path / "out")), Progress())
    labels = {i.source.path: i.label for i in evidence.items if i.source.kind == "code"}
    assert "deploy/test_read_model.py" not in labels
    assert labels["src/test_train_split.py"]  # the split stage runs (its __main__ block): production
