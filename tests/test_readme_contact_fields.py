"""The author's contact fields and notices at the top of a README are not the model's purpose.

A public credit-risk project's README opens with ``**Autor:**``, ``**Email:**``, ``**Tel:**`` and
``**LinkedIn:**`` lines; its document's Purpose line quoted them ('The project README states:
"Autor: Ing. ... Email: ...@gmail.com Tel: +52 ..."'). The quote now starts at the prose.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

README = """\
# Credit scoring

**Autor:** Ana Example
**Email:** ana@example.org
**Tel:** +52 55 0000 0000
**LinkedIn:** https://linkedin.com/in/ana-example

Scores credit-card clients by their probability of defaulting next month. A calibrated boosted model.
"""

TRAIN = """\
import joblib
import pandas as pd
from lightgbm import LGBMClassifier

df = pd.read_csv("data/credit.csv")
model = LGBMClassifier(n_estimators=200).fit(df.drop(columns=["default"]), df["default"])
joblib.dump(model, "models/model.joblib")
"""


def _purpose(tmp_path: Path, readme: str) -> tuple[list[str], str]:
    """The document's paragraphs and its Purpose line, for a project with this README."""
    root = write_tree(tmp_path / "repo", {"README.md": readme, "train.py": TRAIN})
    paragraphs, _rows = document_lines(root, tmp_path / "out")
    return paragraphs, next(line for line in paragraphs if line.startswith("Purpose: "))


def test_the_purpose_quotes_the_prose_not_the_authors_contact_details(tmp_path: Path) -> None:
    paragraphs, purpose = _purpose(tmp_path, README)
    assert purpose.startswith(
        "Purpose: The project README states: \u201cScores credit-card clients by their probability of"
        " defaulting next month."
    )
    assert not [line for line in paragraphs if "ana@example.org" in line or "+52 55" in line]


NOTICE_README = """\
# tinylm

![tinylm](assets/logo.png)

---

**Update Nov 2025** tinylm has a successor called biglm. You probably want that one instead.
This repository is kept for the record.

---

Trains a small character-level language model on a text corpus. The loop fits in one file.
"""


def test_a_notice_above_the_prose_is_not_the_purpose(tmp_path: Path) -> None:
    """A public language-model project's README opens with a rule, a bold "Update <date>" paragraph
    saying it is deprecated, and another rule; the Purpose line quoted "--- Update Nov 2025 ..."."""
    _paragraphs, purpose = _purpose(tmp_path, NOTICE_README)
    assert purpose.startswith(
        "Purpose: The project README states: \u201cTrains a small character-level language model on a"
        " text corpus."
    ), purpose


HEADING_README = """\
## Hospital Readmission Prediction
Overview

Predicts 30-day hospital readmission of diabetic patients from their encounter records.
The model is a logistic regression.
"""


def test_a_heading_written_as_a_plain_line_is_not_quoted_with_the_prose(tmp_path: Path) -> None:
    """A readmission project's README has an "Overview" line of its own above the prose: the Purpose
    line quoted "Overview This project implements ..."."""
    _paragraphs, purpose = _purpose(tmp_path, HEADING_README)
    assert purpose.startswith("Purpose: The project README states: \u201cPredicts 30-day hospital"), purpose
