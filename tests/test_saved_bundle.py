"""A value saved with the model and read back by the code that loads the model file.

``joblib.dump({"model": clf, "threshold": CUTOFF}, "models/churn.joblib")`` in the trainer and
``bundle = joblib.load("models/churn.joblib"); threshold = bundle["threshold"]`` in the scorer: the
scorer's threshold is the saved value, cited to the save and to the constant it came from. Each
test asserts what the reader of the Word document sees (offline writer, code only)."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import parse_spec, template_text

TRAIN = """\
import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression

CUTOFF = 0.35

df = pd.read_csv("data/train.csv")
X, y = df.drop(columns=["churned"]), df["churned"]
clf = LogisticRegression(C=0.5).fit(X, y)
joblib.dump({"model": clf, "threshold": CUTOFF, "alert": 0.8}, "models/churn.joblib")
"""

SCORE = """\
import joblib
import pandas as pd

bundle = joblib.load("models/churn.joblib")
model = bundle["model"]
threshold = bundle["threshold"]
alert_threshold = bundle["alert"]
scores = model.predict_proba(pd.read_csv("data/new.csv"))[:, 1]
flags = scores >= threshold
"""


def _document(code: Path, out: Path) -> Document:
    settings = Settings(code_root=str(code), output_dir=str(out), provider="offline")
    result = pipeline.generate(parse_spec(template_text("default"), "default"), settings)
    return Document(str(result.outputs.docx))


def _rows(code: Path, out: Path) -> list[list[str]]:
    document = _document(code, out)
    return [[c.text for c in row.cells] for t in document.tables for row in t.rows]


def _value_at(rows: list[list[str]], source: str) -> list[str]:
    return [row[1] for row in rows if len(row) == 3 and row[2] == source]


def _project(tmp_path: Path, train: str, score: str, **more: str) -> Path:
    code = tmp_path / "code"
    code.mkdir()
    for name, text in {"train.py": train, "score.py": score, **more}.items():
        (code / name).write_text(text)
    return code


def test_a_key_read_back_from_the_saved_model_file_is_the_saved_value(tmp_path: Path) -> None:
    rows = _rows(_project(tmp_path, TRAIN, SCORE), tmp_path / "out")
    saved = "0.35, saved with the model in models/churn.joblib (train.py, line 10)"
    saved += ", from CUTOFF (train.py, line 5)"  # the constant the dict names
    assert _value_at(rows, "score.py:6") == [saved], rows
    assert _value_at(rows, "score.py:9") == [saved], rows  # scores >= threshold
    literal = "0.8, saved with the model in models/churn.joblib (train.py, line 10)"  # written in the dict
    assert _value_at(rows, "score.py:7") == [literal], rows
    assert not any("set at run time" in cell for row in rows for cell in row), rows


def test_saves_of_that_file_that_disagree_or_another_file_leave_it_to_run_time(tmp_path: Path) -> None:
    other = TRAIN.replace("CUTOFF = 0.35", "CUTOFF = 0.5").replace("0.8", "0.9")
    code = _project(tmp_path, TRAIN, SCORE, **{"retrain.py": other})
    rows = _rows(code, tmp_path / "out")
    assert _value_at(rows, "score.py:6") == ["set at run time (not resolved from the code)"], rows
    apart = tmp_path / "apart"
    apart.mkdir()
    code = _project(apart, TRAIN, SCORE.replace("models/churn.joblib", "models/other.joblib"))
    rows = _rows(code, apart / "out")
    assert _value_at(rows, "score.py:6") == ["set at run time (not resolved from the code)"], rows


def test_the_summary_says_the_scorer_reads_the_threshold_back_from_the_model_file(tmp_path: Path) -> None:
    document = _document(_project(tmp_path, TRAIN, SCORE), tmp_path / "out")
    said = [p.text for p in document.paragraphs if p.text.startswith("Decision threshold: ")]
    assert len(said) == 1, said
    assert said[0].startswith("Decision threshold: The decision threshold is 0.35 (train.py, line 5) ["), said
    assert "It is saved with the model in models/churn.joblib and read back by score.py, line 6 [" in said[0]
