"""The Summary's Data line names the files the production model's training code reads first, and the
reads of other scripts that train nothing apart from them: never as if the model learnt from them."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression


def main():
    rows = pd.read_csv("data/loans.csv")
    X = rows.drop(columns=["default"])
    y = rows["default"]
    model = LogisticRegression(C=0.5).fit(X, y)
    joblib.dump(model, "models/model.joblib")


if __name__ == "__main__":
    main()
"""

REPORT = """\
import pandas as pd


def main():
    scores = pd.read_csv("outputs/monthly_scores.csv")
    print(scores.describe())


if __name__ == "__main__":
    main()
"""


def test_other_scripts_reads_are_said_apart_from_the_training_data(tmp_path: Path) -> None:
    files = {"jobs/train.py": TRAIN, "reports/summary.py": REPORT}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Data:"))
    assert line.startswith("Data: Data are read from data/loans.csv (jobs/train.py, line 7)"), line
    assert "Other scripts read outputs/monthly_scores.csv (reports/summary.py, line 5)" in line, line


DASHBOARD = """\
import pandas as pd


def main():
    frame = pd.read_csv("outputs/monthly_scores.csv")
    frame["ratio"] = frame["balance"] / frame["limit"]
    frame["old"] = (frame["age"] > 60).astype(int)
    print(frame.describe())


if __name__ == "__main__":
    main()
"""


def test_columns_another_script_derives_are_not_the_models_features(tmp_path: Path) -> None:
    files = {"jobs/train.py": TRAIN, "reports/dashboard.py": DASHBOARD}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Features:"))
    assert line.startswith("Features: The training code uses every column of its data but the target"), line
    assert "(jobs/train.py, line 8)" in line, line
    assert "Other scripts (reports/dashboard.py) derive 2 columns (ratio [" in line, line
    assert "builds" not in line, line


HELPER = """\
def add_ratios(frame):
    frame["ratio"] = frame["balance"] / frame["limit"]
    frame["usage"] = frame["spent"] / frame["limit"]
    frame["spread"] = frame["limit"] - frame["balance"]
    frame["young"] = (frame["age"] < 25).astype(int)
    frame["old"] = (frame["age"] > 60).astype(int)
    return frame
"""

HELPED = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

from jobs.ratios import add_ratios


def main():
    rows = add_ratios(pd.read_csv("data/loans.csv"))
    X = rows.drop(columns=["default"])
    y = rows["default"]
    model = LogisticRegression(C=0.5).fit(X, y)
    joblib.dump(model, "models/model.joblib")


if __name__ == "__main__":
    main()
"""


def test_columns_a_helper_module_derives_are_the_models_features(tmp_path: Path) -> None:
    files = {"jobs/__init__.py": "", "jobs/ratios.py": HELPER, "jobs/train.py": HELPED}
    files["reports/dashboard.py"] = DASHBOARD
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Features:"))
    assert line.startswith("Features: The code builds 5 derived columns (ratio ["), line
    assert "young [" in line and "Other scripts (reports/dashboard.py) derive 2 columns" in line, line


UNRESOLVED_TRAIN = TRAIN.replace('pd.read_csv("data/loans.csv")', "pd.read_csv(sys.argv[1])").replace(
    "import joblib\n", "import sys\n\nimport joblib\n"
)

PREPARE = """\
import pandas as pd


def main():
    raw = pd.read_csv("data/raw_loans.csv")
    raw.dropna().to_parquet("data/clean.parquet")


if __name__ == "__main__":
    main()
"""


def test_when_the_training_read_is_unresolved_no_other_script_is_set_apart(tmp_path: Path) -> None:
    files = {"jobs/train.py": UNRESOLVED_TRAIN, "jobs/prepare.py": PREPARE}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Data:"))
    given = "the file given as the first command-line argument (jobs/train.py, line 9)"
    assert line.startswith(f"Data: Data are read from {given}"), line
    assert "and data/raw_loans.csv (jobs/prepare.py, line 5)" in line and "Other scripts" not in line, line
