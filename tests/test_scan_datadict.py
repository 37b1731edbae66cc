"""A target chosen through a data dictionary (a frame of column metadata filtered on a type column
equal to 'target', its name column taken): the document names the column when the repository holds
the dictionary as text, else says how the code chooses it; it never guesses a column."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import load_spec
from autodoc.write.summary import summary_facts

REPO = Path(__file__).resolve().parent.parent

TRAIN = """import pandas as pd
from sklearn.linear_model import LogisticRegression


def prepare(data_file, dictionary_file):
    meta = pd.read_csv(dictionary_file)
    inputs = list(meta["column"][meta["role"] == "input"])
    label_col = SELECTION
    frame = pd.read_csv(data_file)
    return frame[inputs], frame[label_col[0]]


X, y = prepare("data/loans.csv", "data/columns.csv")
LogisticRegression().fit(X, y)
"""
PLAIN = 'list(meta["column"][meta["role"] == "target"])'
DICTIONARY = (
    "column,role,description\nincome,input,yearly income\nage,input,years\ndefaulted,target,90 days late\n"
)


def _project(root: Path, selection: str = PLAIN, dictionary: str | None = DICTIONARY, name: str = "") -> Path:
    (root / "data").mkdir(parents=True)
    code = TRAIN.replace("SELECTION", selection)
    if name:
        code = code.replace("data/columns.csv", f"data/{name}")
    (root / "train.py").write_text(code)
    if dictionary is not None:
        (root / "data" / (name or "columns.csv")).write_text(dictionary)
    return root


def _target(tmp_path: Path) -> str:
    evidence = pipeline.scan(
        Settings(code_root=str(tmp_path / "code"), output_dir=str(tmp_path / "out")), Progress()
    )
    return {f.topic: f.text for f in summary_facts(evidence)}.get("target", "")


@pytest.mark.parametrize(
    "selection",
    [
        PLAIN,
        'meta.loc[meta["role"] == "target", "column"].tolist()',
        'meta[meta["role"] == "target"]["column"].values',
    ],
)
def test_the_target_is_read_from_a_text_dictionary_in_the_repository(tmp_path: Path, selection: str) -> None:
    _project(tmp_path / "code", selection)
    said = _target(tmp_path)
    assert said.startswith("The model predicts defaulted (train.py, line 8) [")


def test_a_tab_separated_dictionary_is_read_too(tmp_path: Path) -> None:
    _project(tmp_path / "code", dictionary=DICTIONARY.replace(",", "\t"), name="columns.tsv")
    assert _target(tmp_path).startswith("The model predicts defaulted (train.py, line 8) [")


@pytest.mark.parametrize(
    ("dictionary", "name"),
    [
        (None, "columns.csv"),  # the repository does not hold the file
        ("PK\x03\x04 binary", "columns.xlsx"),  # not text
        (DICTIONARY.replace("age,input", "age,target"), "columns.csv"),  # two target rows: no one column
        (DICTIONARY.replace("column,role", "name,kind"), "columns.csv"),  # other headers than the code reads
    ],
)
def test_without_a_readable_dictionary_the_document_says_what_the_code_does(
    tmp_path: Path, dictionary: str | None, name: str
) -> None:
    _project(tmp_path / "code", dictionary=dictionary, name=name)
    said = _target(tmp_path)
    assert said.startswith(
        f"The model predicts the column whose role is 'target' in data/{name} (train.py, line 8) ["
    )
    assert "defaulted" not in said and "age" not in said  # never a guessed column


def test_a_filter_on_another_type_is_no_target(tmp_path: Path) -> None:
    _project(tmp_path / "code", selection='list(meta["column"][meta["role"] == "index"])')
    assert _target(tmp_path) == ""


def test_the_word_document_names_the_dictionary_when_it_cannot_read_it(tmp_path: Path) -> None:
    code = _project(tmp_path / "code", dictionary="PK\x03\x04", name="columns.xlsx")
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    text = "\n".join(p.text for p in Document(str(result.outputs.docx)).paragraphs)
    said = "the column whose role is 'target' in data/columns.xlsx (train.py, line 8)"
    assert f"Target: The model predicts {said} [" in text
    assert "No target column was identified" not in text


def test_a_changed_dictionary_is_read_again(tmp_path: Path) -> None:
    """The dictionary is no code file the scan walks (a csv, perhaps outside git): changed, it is read
    again, by the same process (its memo) and by a new one (the disk cache), never the old target."""
    import json
    import os
    import subprocess
    import sys

    _project(tmp_path / "code")
    assert _target(tmp_path).startswith("The model predicts defaulted (")
    columns = tmp_path / "code" / "data" / "columns.csv"
    columns.write_text(
        DICTIONARY.replace("defaulted,target", "defaulted,input").replace("age,input", "age,target")
    )
    assert _target(tmp_path).startswith("The model predicts age (")

    env = {**os.environ, "AUTODOC_SCAN_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}

    def target_in_a_new_process() -> object:
        out = tmp_path / "evidence.json"
        args = ["-m", "autodoc", "scan", "--code-root", str(tmp_path / "code"), "--out", str(out)]
        subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True)
        items = json.loads(out.read_text())["items"]
        return next(i["value"] for i in items if i["kind"] == "target")

    assert target_in_a_new_process() == "age"
    columns.write_text(DICTIONARY)
    assert target_in_a_new_process() == "defaulted"
