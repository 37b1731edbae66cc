"""A function called from several places with different values: the document says each call
site's value (file and line), never one caller's value as the value; the same value from every
caller stays one value."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from autodoc import pipeline
from autodoc.evidence import EvidenceStore
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import load_spec
from autodoc.write.summary import summary_facts

REPO = Path(__file__).resolve().parent.parent

TRAIN = """import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def train(path, n_trees, depth=5):
    frame = pd.read_csv(path)
    model = RandomForestClassifier(n_estimators=n_trees, max_depth=depth)
    model.fit(frame.drop(columns=["churn"]), frame["churn"])
    return model


if __name__ == "__main__":
    train("data/a.csv", FIRST)
    train(SECOND_PATH, SECOND, depth=5)
"""


def _scan(tmp_path: Path, files: dict[str, str]) -> EvidenceStore:
    code = tmp_path / "code"
    code.mkdir()
    for name, text in files.items():
        (code / name).write_text(text)
    return pipeline.scan(Settings(code_root=str(code), output_dir=str(tmp_path / "out")), Progress())


def _train(first: int, second: int, second_path: str = '"data/a.csv"') -> str:
    text = TRAIN.replace("FIRST", str(first)).replace("SECOND_PATH", second_path)
    return text.replace("SECOND", str(second))


def _summary(evidence: EvidenceStore) -> dict[str, str]:
    return {f.topic: f.text for f in summary_facts(evidence)}


def test_callers_that_pass_different_values_are_each_said(tmp_path: Path) -> None:
    said = _summary(_scan(tmp_path, {"train.py": _train(100, 300)}))["hyperparameters"]
    assert "n_estimators = 100 (train.py, line 13) or 300 (train.py, line 14), by caller [" in said
    assert "max_depth = 5 [" in said  # a default one caller leaves and the other passes: one value
    assert "n_estimators = 100 [" not in said


def test_a_caller_that_leaves_the_default_is_a_caller_too(tmp_path: Path) -> None:
    code = _train(100, 100).replace("depth=5)\n", "depth=8)\n")
    said = _summary(_scan(tmp_path, {"train.py": code}))["hyperparameters"]
    assert "max_depth = 5 (train.py, line 13) or 8 (train.py, line 14), by caller [" in said


def test_callers_that_agree_give_one_value(tmp_path: Path) -> None:
    said = _summary(_scan(tmp_path, {"train.py": _train(100, 100)}))["hyperparameters"]
    assert "n_estimators = 100 [" in said
    assert "by caller" not in said


def test_a_file_each_caller_reads_is_said_per_caller(tmp_path: Path) -> None:
    said = _summary(_scan(tmp_path, {"train.py": _train(100, 100, '"data/b.csv"')}))["data"]
    assert said.startswith(
        "Data are read from data/a.csv (train.py, line 13) or data/b.csv (train.py, line 14), by caller "
        "(train.py, line 6) ["
    )


MODEL = """from sklearn.ensemble import RandomForestClassifier


def build(n_trees):
    return RandomForestClassifier(n_estimators=n_trees)
"""
CALLER = """from model import build

import pandas as pd

frame = pd.read_csv("data.csv")
build(N).fit(frame.drop(columns=["y"]), frame["y"])
"""


def test_callers_in_other_modules_are_each_said(tmp_path: Path) -> None:
    files = {
        "model.py": MODEL,
        "train_small.py": CALLER.replace("N", "50"),
        "train_large.py": CALLER.replace("N", "500"),
    }
    evidence = _scan(tmp_path, files)
    param = next(i for i in evidence.items if i.id == "c:model.py:5:param:n_estimators")
    assert param.value is None
    assert sorted((s["path"], s["line"], s["value"]) for s in param.attrs["by_caller"]) == [
        ("train_large.py", 6, 500),
        ("train_small.py", 6, 50),
    ]
    said = _summary(evidence)["hyperparameters"]
    assert "train_small.py, line 6" in said and "train_large.py, line 6" in said and "by caller" in said


def test_the_word_document_says_each_callers_value(tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text(_train(100, 300))
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    doc = Document(str(result.outputs.docx))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert [
        "RandomForestClassifier",
        "n_estimators",
        "100 (train.py, line 13) or 300 (train.py, line 14), by caller",
        "differs by caller",
    ] in rows
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "n_estimators = 100 [" not in text and "n_estimators = 300 [" not in text


CONFIGURED = """import yaml
from sklearn.ensemble import RandomForestClassifier

cfg = yaml.safe_load(open("config.yaml"))


def train(n_trees):
    return RandomForestClassifier(n_estimators=n_trees)


if __name__ == "__main__":
    train(cfg["small"]["n_trees"])
    train(cfg["large"]["n_trees"])
"""


def test_each_callers_configured_value_is_read_from_the_config(tmp_path: Path) -> None:
    config = "small:\n  n_trees: 50\nlarge:\n  n_trees: 500\n"
    said = _summary(_scan(tmp_path, {"train.py": CONFIGURED, "config.yaml": config}))["hyperparameters"]
    assert "n_estimators = 50 (train.py, line 12) or 500 (train.py, line 13), by caller [" in said
    assert "cfg" not in said and "config.yaml" not in said


def test_callers_whose_configured_values_agree_give_one_value(tmp_path: Path) -> None:
    config = "small:\n  n_trees: 300\nlarge:\n  n_trees: 300\n"
    evidence = _scan(tmp_path, {"train.py": CONFIGURED, "config.yaml": config})
    said = _summary(evidence)["hyperparameters"]
    assert "n_estimators = 300 [" in said and "by caller" not in said
