"""A file read from a folder the code does not name: the document says the folder in words (a
command-line argument, an environment variable), else that it is not resolved; never the code's
own terms such as 'sys.argv.1 / train.tsv'."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.evidence import EvidenceStore
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import load_spec
from autodoc.write.summary import summary_facts

REPO = Path(__file__).resolve().parent.parent

TRAIN = """import os
import sys

import pandas as pd
from sklearn.linear_model import LogisticRegression

folder = sys.argv[2]
frame = pd.read_csv(PATH)
LogisticRegression().fit(frame.drop(columns=["y"]), frame["y"])
"""
ARGV = "train.tsv in the folder given as the first command-line argument"
ENV = "train.tsv in the folder named by the DATA_DIR environment variable"


def _scan(tmp_path: Path, code: str) -> EvidenceStore:
    root = tmp_path / "code"
    root.mkdir()
    (root / "train.py").write_text(code)
    return pipeline.scan(Settings(code_root=str(root), output_dir=str(tmp_path / "out")), Progress())


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ('os.path.join(sys.argv[1], "train.tsv")', ARGV),
        (
            "os.path.join(folder, 'train.tsv')",
            "train.tsv in the folder given as the second command-line argument",
        ),
        ('os.environ["DATA_DIR"] + "/train.tsv"', ENV),
        ('os.path.join(os.getenv("DATA_DIR"), "train.tsv")', ENV),
        ("f\"{os.environ.get('DATA_DIR')}/train.tsv\"", ENV),
        ('os.path.join(os.getcwd(), "train.tsv")', "train.tsv"),  # the working directory: as "train.tsv"
    ],
)
def test_the_folder_of_a_read_is_said_in_words(tmp_path: Path, path: str, said: str) -> None:
    evidence = _scan(tmp_path, TRAIN.replace("PATH", path))
    data = {f.topic: f.text for f in summary_facts(evidence)}["data"]
    assert data.startswith(f"Data are read from {said} (train.py, line 8) [")
    read = next(i for i in evidence.items if i.kind == "data_source")
    assert "sys.argv" not in str(read.attrs) and "os.environ" not in str(read.attrs)


def test_a_helper_called_with_a_folder_argument_says_it_too(tmp_path: Path) -> None:
    code = """import os
import sys

import pandas as pd


def load(folder):
    return pd.read_csv(os.path.join(folder, "train.tsv"))


if __name__ == "__main__":
    frame = load(sys.argv[1])
"""
    data = {f.topic: f.text for f in summary_facts(_scan(tmp_path, code))}["data"]
    assert data.startswith(f"Data are read from {ARGV} (train.py, line 8) [")


def test_the_word_document_never_shows_the_code_terms(tmp_path: Path) -> None:
    root = tmp_path / "code"
    root.mkdir()
    (root / "train.py").write_text(TRAIN.replace("PATH", 'os.path.join(sys.argv[1], "train.tsv")'))
    settings = Settings(code_root=str(root), output_dir=str(tmp_path / "out"), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    doc = Document(str(result.outputs.docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{ARGV} (train.py, line 8) [" in text
    assert "sys.argv" not in text


def test_a_data_dictionary_in_an_open_folder_is_never_opened(tmp_path: Path) -> None:
    code = """import os
import sys

import pandas as pd

meta = pd.read_csv(os.path.join(sys.argv[1], "columns.csv"))
label_col = list(meta["column"][meta["role"] == "target"])
"""
    root = tmp_path / "code"
    root.mkdir()
    (root / "train.py").write_text(code)
    (root / "columns.csv").write_text("column,role\nage,input\ndefaulted,target\n")  # not the folder read
    evidence = pipeline.scan(Settings(code_root=str(root), output_dir=str(tmp_path / "out")), Progress())
    said = {f.topic: f.text for f in summary_facts(evidence)}["target"]
    where = "columns.csv in the folder given as the first command-line argument"
    assert said.startswith(
        f"The model predicts the column whose role is 'target' in {where} (train.py, line 7) ["
    )


def test_an_option_without_a_default_names_the_folder(tmp_path: Path) -> None:
    code = """import argparse
import os

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--data_dir")
args = parser.parse_args()
frame = pd.read_csv(os.path.join(args.data_dir, "train.csv"))
"""
    data = {f.topic: f.text for f in summary_facts(_scan(tmp_path, code))}["data"]
    said = "train.csv in the folder given by the data_dir command-line option (train.py, line 9) ["
    assert data.startswith(f"Data are read from {said}")


SCRIPT_FOLDER = """import os
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent
frame = pd.read_csv(PATH)
"""


@pytest.mark.parametrize(
    ("script", "path", "said"),
    [
        ("src/train.py", 'os.path.join(os.path.dirname(os.path.abspath(__file__)), "w.csv")', "src/w.csv"),
        ("src/train.py", 'Path(__file__).parent.parent / "data" / "x.csv"', "data/x.csv"),
        ("src/train.py", 'os.path.join(ROOT, "..", "data", "x.csv")', "data/x.csv"),
        ("train.py", 'ROOT / "x.csv"', "x.csv"),
        ("train.py", 'Path(__file__).parent.parent / "x.csv"', "x.csv (folder not resolved from the code)"),
    ],
)
def test_the_scripts_own_folder_is_known(tmp_path: Path, script: str, path: str, said: str) -> None:
    root = tmp_path / "code"
    (root / script).parent.mkdir(parents=True)
    (root / script).write_text(SCRIPT_FOLDER.replace("PATH", path))
    evidence = pipeline.scan(Settings(code_root=str(root), output_dir=str(tmp_path / "out")), Progress())
    data = {f.topic: f.text for f in summary_facts(evidence)}["data"]
    assert data.startswith(f"Data are read from {said} ({script}, line 7) ["), data
