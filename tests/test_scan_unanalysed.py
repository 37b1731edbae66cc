"""A bug of ours in one file's analysis (a rule that raises on input it did not foresee) costs that
file only: it is a skipped file with its reason, said where a decoding problem is said (the scan
summary, the run report, the document's provenance), never a crash and never a partial result.

No real input trips a rule today (the standard library, the installed packages, every rule name
called with two dozen argument shapes), so a rule that raises is registered the way every rule is,
by the call name it handles."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
from docx import Document

from autodoc.cli import main
from autodoc.scan.code import rules

REPO = Path(__file__).resolve().parent.parent
REASON = "could not be analysed: ZeroDivisionError"

TRAIN = """\
import pandas as pd
from sklearn.linear_model import LogisticRegression

df = pd.read_csv("data/churn.csv")
model = LogisticRegression(C=0.5).fit(df[["age"]], df["churned"])
"""
ODD = """\
from sklearn.ensemble import RandomForestClassifier

model = RandomForestClassifier(n_estimators=40)
weights = RowReweigher(model)
"""


def _raising_rule(ex: object, node: ast.Call, scope: str, full: str, tail: str) -> None:
    raise ZeroDivisionError("a rule's own arithmetic")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("AUTODOC_") or name in ("MLFLOW_TRACKING_URI", "CODE_ROOT", "OUTPUT_DIR"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(rules.BY_TAIL, "RowReweigher", _raising_rule)
    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text(TRAIN, encoding="utf-8")
    (code / "odd.py").write_text(ODD, encoding="utf-8")
    return code


def test_the_scan_summary_lists_the_file_with_its_reason(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", "-c", str(root), "--out", "ev.json"]) == 0
    out = capsys.readouterr().out
    assert f"    odd.py: {REASON}" in out.splitlines()
    items = json.loads(Path("ev.json").read_text(encoding="utf-8"))["items"]
    assert not [i for i in items if i["source"].get("path") == "odd.py"]  # nothing half-read from it
    assert [i for i in items if i["kind"] == "estimator" and i["source"]["path"] == "train.py"]


def test_the_run_report_and_the_document_say_the_file_was_not_read(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["-s", str(REPO / "doc_spec.yaml"), "-c", str(root), "-o", "out", "-p", "offline"])
    assert code in (0, 1), capsys.readouterr().err
    report = Path("out/run_report.md").read_text(encoding="utf-8")
    assert f"1 file(s) could not be read and are not in the evidence: odd.py ({REASON})." in report
    cells = [c.text for t in Document("out/model_documentation.docx").tables for r in t.rows for c in r.cells]
    assert f"odd.py ({REASON})" in cells
