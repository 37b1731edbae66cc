"""A notebook is big because of its outputs (images, tables): its size limit applies to its code
and markdown, so a notebook over 1 MB of outputs is read and documented; one whose code and
markdown exceed 1 MB, or whose file exceeds 50 MB, is skipped with a reason saying so."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import nbformat
from docx import Document
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autodoc import pipeline
from autodoc.scan.code.tree import scan_code
from autodoc.scan.code.walk import MAX_BYTES, NOTEBOOK_MAX_BYTES
from autodoc.settings import Settings
from autodoc.spec import load_spec

REPO = Path(__file__).resolve().parent.parent


def _big_outputs_notebook(path: Path) -> Path:
    """A notebook that trains a model; its outputs (a figure, a long table) make it over 1 MB."""
    figure = base64.b64encode(os.urandom(800_000)).decode("ascii")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Loan default model", attachments={"a.png": {"image/png": figure}}),
            new_code_cell(
                "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n"
                "loans = pd.read_csv('loan_book_2024.csv')",
                outputs=[new_output("display_data", data={"image/png": figure, "text/plain": "<Figure>"})],
            ),
            new_code_cell(
                "model = RandomForestClassifier(n_estimators=321, max_depth=7)\n"
                "model.fit(loans.drop(columns=['default']), loans['default'])",
                outputs=[new_output("execute_result", data={"text/plain": "row\n" * 9}, execution_count=2)],
            ),
        ],
        metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {"w": figure}}}},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_notebook_over_1mb_of_outputs_is_documented_from_its_code(tmp_path: Path) -> None:
    nb = _big_outputs_notebook(tmp_path / "code" / "train.ipynb")
    assert nb.stat().st_size > 2 * MAX_BYTES
    settings = Settings(code_root=str(nb.parent), output_dir=str(tmp_path / "out"), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    doc = Document(str(result.outputs.docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "loan_book_2024.csv (train.ipynb, cell 1, line 3)" in text
    assert "n_estimators = 321" in text and "RandomForestClassifier" in text
    assert result.evidence.code is not None
    assert not [s for s in result.evidence.code.skipped if s.path == "train.ipynb"]
    [record] = [f for f in result.evidence.code.files if f.path == "train.ipynb"]
    assert record.sha256 == hashlib.sha256(nb.read_bytes()).hexdigest()  # the file as on disk
    assert record.size == nb.stat().st_size


def test_notebook_limits_count_code_and_markdown_and_other_files_keep_theirs(tmp_path: Path) -> None:
    root = tmp_path / "code"
    _big_outputs_notebook(root / "read.ipynb")
    long_code = new_code_cell("x = 1\n" * (MAX_BYTES // 6 + 10))
    nbformat.write(new_notebook(cells=[long_code]), str(root / "long.ipynb"))
    with open(root / "giant.ipynb", "wb") as fh:  # sparse: only its size is looked at
        fh.truncate(NOTEBOOK_MAX_BYTES + 1)
    (root / "huge.py").write_text("x = 1\n" * 200_000, encoding="utf-8")
    (root / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    report = scan_code(str(root), commit_info=False).report
    reasons = {s.path: s.reason for s in report.skipped}
    assert reasons == {
        "long.ipynb": "over 1 MB of code and markdown (a notebook's outputs are not counted)",
        "giant.ipynb": "over 50 MB (a notebook's limit, outputs included)",
        "huge.py": "over 1 MB",
        "broken.ipynb": reasons["broken.ipynb"],
    }
    assert reasons["broken.ipynb"].startswith("not a valid notebook")
    assert "read.ipynb" in {f.path for f in report.files}
