"""The data file a helper function of another module returns is the file the model reads: passed on to a
loader (``load(get_path())`` through a name) or read directly, it is named with where it is defined."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

DATASET = """\
from pathlib import Path

import pandas as pd

DATA_DIR = Path("data")
FILE_NAME = "claims.tsv"


def fetch_data():
    target = DATA_DIR / FILE_NAME
    if target.exists():
        return target
    print("downloading", target)
    return target


def scratch_path():
    if Path("tmp").exists():
        return Path("tmp") / "a.csv"
    return Path("tmp") / "b.csv"


def read_rows(where):
    return pd.read_csv(where, sep="\\t")
"""

TRAIN = """\
import joblib
from sklearn.linear_model import LogisticRegression

from claims.dataset import fetch_data, read_rows


def main():
    where = fetch_data()
    rows = read_rows(where)
    model = LogisticRegression(max_iter=300).fit(rows.drop(columns=["paid"]), rows["paid"])
    joblib.dump(model, "artifacts/model.joblib")


if __name__ == "__main__":
    main()
"""

SCORE = """\
import pandas as pd

from claims.dataset import fetch_data, scratch_path


def score():
    where = fetch_data()
    frame = pd.read_csv(where)
    other = scratch_path()
    return frame, pd.read_csv(other)


if __name__ == "__main__":
    score()
"""


def test_the_file_a_helper_returns_is_named_where_the_model_reads_it(tmp_path: Path) -> None:
    files = {"claims/__init__.py": "", "claims/dataset.py": DATASET, "claims/train.py": TRAIN}
    files["claims/score.py"] = SCORE
    paragraphs, rows = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    summary = {p.split(":", 1)[0]: p for p in paragraphs if ":" in p[:24]}
    # passed on to the loader through a name: the loader's read is the helper's file
    assert "Data are read from data/claims.tsv (claims/dataset.py, line 24)" in summary["Data"], summary[
        "Data"
    ]
    # read directly where the helper's result is held, in another module
    assert any(
        r.startswith("read_csv(data/claims.tsv) | data/claims.tsv | claims/score.py:8") for r in rows
    ), rows
    # a helper whose returns disagree names no file: the read stays unresolved, and is said so
    assert "does not resolve the file or table read by read_csv (claims/score.py, line 10)" in summary["Data"]
    assert not any("a.csv" in r or "b.csv" in r for r in rows + paragraphs)
