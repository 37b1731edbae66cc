"""A script that writes a file the production code reads is linked to it by the file's name: a bare
name (no folder) only within one project folder tree (the code root; each example, demo, tutorial,
docs or tests folder apart) and only when nothing more specific links them, so an example that
writes its own train.csv is never called the production data's source."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.settings import Settings
from autodoc.spec import load_spec
from tests.support.projects import scan_files

REPO = Path(__file__).resolve().parent.parent

WRITER = """import pandas as pd

raw = pd.read_parquet("events.parquet")
raw["spend"] = raw["amount"] * 2
raw.to_csv("OUT", index=False)
"""
TRAIN = """import pickle

import pandas as pd
from sklearn.linear_model import LogisticRegression

frame = pd.read_csv("IN")
model = LogisticRegression(C=0.5).fit(frame.drop(columns=["churn"]), frame["churn"])
with open("model.pkl", "wb") as fh:
    pickle.dump(model, fh)
"""


_scan = scan_files


def _read(evidence: EvidenceStore, path: str) -> EvidenceItem:
    return next(i for i in evidence.items if i.kind == "data_source" and i.source.path == path)


def _writer(evidence: EvidenceStore, reader: EvidenceItem) -> str | None:
    link = reader.attrs.get("written_by")
    return str(link["path"]) if isinstance(link, dict) else None


def test_a_bare_name_is_not_linked_across_project_trees(tmp_path: Path) -> None:
    evidence = _scan(
        tmp_path,
        {
            "examples/make_data.py": WRITER.replace("OUT", "train.csv"),
            "src/train.py": TRAIN.replace("IN", "train.csv"),
        },
    )
    assert _writer(evidence, _read(evidence, "src/train.py")) is None
    example = [i for i in evidence.items if i.source.path == "examples/make_data.py"]
    assert not any(i.attrs.get("upstream") for i in example)


def test_two_examples_are_two_project_trees(tmp_path: Path) -> None:
    evidence = _scan(
        tmp_path,
        {
            "examples/churn/make_data.py": WRITER.replace("OUT", "train.csv"),
            "examples/credit/train.py": TRAIN.replace("IN", "train.csv"),
        },
    )
    assert _writer(evidence, _read(evidence, "examples/credit/train.py")) is None


@pytest.mark.parametrize(
    ("writer", "reader"),
    [
        ("src/features/build.py", "src/models/train.py"),
        ("notebooks/label.py", "pipeline/fit.py"),  # one project: a notebook that builds the label
        ("prepare.py", "src/train.py"),
        ("examples/churn/prepare.py", "examples/churn/model/train.py"),
    ],
)
def test_a_bare_name_is_linked_within_one_project_tree(tmp_path: Path, writer: str, reader: str) -> None:
    evidence = _scan(
        tmp_path, {writer: WRITER.replace("OUT", "train.csv"), reader: TRAIN.replace("IN", "train.csv")}
    )
    assert _writer(evidence, _read(evidence, reader)) == writer


def test_a_name_with_its_folder_outranks_a_bare_name(tmp_path: Path) -> None:
    evidence = _scan(
        tmp_path,
        {
            "src/prepare.py": WRITER.replace("OUT", "data/train.csv"),
            "src/scratch.py": WRITER.replace("OUT", "train.csv"),
            "src/train.py": TRAIN.replace("IN", "data/train.csv"),
        },
    )
    assert _writer(evidence, _read(evidence, "src/train.py")) == "src/prepare.py"
    assert not any(i.attrs.get("upstream") for i in evidence.items if i.source.path == "src/scratch.py")


def test_names_sharing_a_folder_link_across_trees(tmp_path: Path) -> None:
    evidence = _scan(
        tmp_path,
        {
            "pipelines/prepare.py": WRITER.replace("OUT", "data/train.csv"),
            "src/train.py": TRAIN.replace("IN", "data/train.csv"),
        },
    )
    assert _writer(evidence, _read(evidence, "src/train.py")) == "pipelines/prepare.py"


def test_the_document_never_calls_an_example_the_upstream_step(tmp_path: Path) -> None:
    code = tmp_path / "code"
    for name, text in {
        "examples/make_data.py": WRITER.replace("OUT", "train.csv"),
        "src/train.py": TRAIN.replace("IN", "train.csv"),
    }.items():
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_text(text)
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    text = "\n".join(p.text for p in Document(str(result.outputs.docx)).paragraphs)
    assert "written upstream by" not in text


SERVE = """import joblib

model = joblib.load("model.pkl")


def predict(rows):
    return model.predict(rows)
"""


@pytest.mark.parametrize(("loader", "served"), [("app/serve.py", True), ("examples/serve.py", False)])
def test_a_saved_model_is_served_by_a_loader_of_its_bare_name_in_its_own_tree(
    tmp_path: Path, loader: str, served: bool
) -> None:
    train = TRAIN.replace("IN", "train.csv").replace("import pickle", "import joblib")
    train = train.replace(
        'with open("model.pkl", "wb") as fh:\n    pickle.dump(model, fh)', 'joblib.dump(model, "model.pkl")'
    )
    evidence = _scan(tmp_path, {"src/train.py": train, loader: SERVE})
    model = next(i for i in evidence.items if i.kind == "estimator" and i.source.path == "src/train.py")
    by = [s["path"] for s in model.attrs.get("served_by", [])]  # type: ignore[union-attr]
    assert by == ([loader] if served else [])
