"""`lint_docx`: what a validator would send back on first read, found in the .docx itself."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Inches

from autodoc import pipeline
from autodoc.cli.main import main
from autodoc.document import Block, Cell, TableContent, TablePlan, TableSource
from autodoc.progress import Progress
from autodoc.render.docx import render_docx
from autodoc.render.lint import lint_docx
from autodoc.render.word.layout import lay_out
from autodoc.settings import Settings
from autodoc.spec import load_spec
from tests.support.builders.state import make_state

LONG = (
    "The data are loaded by the loader in data.py and joined to the account table on the customer "
    "identifier before any feature is built [3]."
)


def _docx(build) -> bytes:
    doc = Document()
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _rules(data: bytes) -> list[str]:
    return [f.rule for f in lint_docx(data)]


def test_a_clean_document_has_no_findings():
    def build(doc):
        doc.add_heading("1 Data", 1)
        doc.add_paragraph(LONG)
        doc.add_paragraph("Table 1: Data sources [3]", style="Caption")
        table = doc.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Source", "Rows"
        table.cell(1, 0).text, table.cell(1, 1).text = "accounts.csv", "7,043"

    assert lint_docx(_docx(build)) == []


def test_a_repeated_paragraph_is_reported_with_both_sections():
    def build(doc):
        doc.add_heading("1 Data", 1)
        doc.add_paragraph(LONG)
        doc.add_heading("2 Features", 1)
        doc.add_paragraph(LONG.replace("[3]", "[4, 5]"))  # citation labels do not make it new

    findings = lint_docx(_docx(build))
    assert [(f.rule, f.where) for f in findings] == [("repeated", "2 Features")]
    assert "also in 1 Data" in findings[0].detail


def test_markup_and_code_expressions_in_prose_and_cells_are_reported():
    def build(doc):
        doc.add_heading("1 Model", 1)
        doc.add_paragraph('C is set from params["C"] [[c:train.py:85:param:C]].')
        doc.add_paragraph("n_estimators = None in the code.")
        doc.add_paragraph("Table 1: Settings (source: train.py)", style="Caption")
        table = doc.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Name", "Value"
        table.cell(1, 0).text, table.cell(1, 1).text = "test_size", 'split["test_size"]'

    rules = _rules(_docx(build))
    assert rules.count("code") == 3 and rules.count("markup") == 1


def test_an_empty_section_and_an_uncaptioned_table_are_reported_but_a_container_is_not():
    def build(doc):
        doc.add_heading("1 Performance", 1)  # a container: its subsections hold the text
        doc.add_heading("1.1 gbm", 2)
        doc.add_paragraph("No metrics were logged for gbm.")
        doc.add_heading("2 Monitoring", 1)
        doc.add_heading("3 Deployment", 1)
        doc.add_table(rows=1, cols=1).cell(0, 0).text = "x"

    findings = lint_docx(_docx(build))
    assert [(f.rule, f.where) for f in findings] == [
        ("empty", "2 Monitoring"),
        ("caption", "3 Deployment, table 1"),
    ]


def test_a_header_wider_than_its_column_and_a_cut_value_are_reported():
    def build(doc):
        doc.add_heading("1 Results", 1)
        doc.add_paragraph("Table 1: Metrics by run [2]", style="Caption")
        table = doc.add_table(rows=2, cols=7)
        for c, name in enumerate(["Run", "Status", "test_roc_auc", "cv_roc_auc", "test_accuracy", "f1", "x"]):
            table.cell(0, c).text = name
        table.cell(1, 0).text = "C=0.5, solver=saga, class_weight=bal…"
        for column in table.columns:
            column.width = Inches(6.0 / 7)

    findings = lint_docx(_docx(build))
    headers = sorted(f.detail.split("\u201c")[1].split("\u201d")[0] for f in findings if f.rule == "header")
    assert headers == ["cv_roc_auc", "test_accuracy", "test_roc_auc"]
    assert [f.rule for f in findings if f.rule != "header"] == ["cut"]


def test_a_wide_metric_table_is_laid_out_so_no_header_breaks_mid_word():
    columns = ["Version", "test_roc_auc", "cv_roc_auc", "test_accuracy", "cv_accuracy", "test_f1", "cv_f1"]
    rows = [[Cell(value=str(v))] + [Cell(value=0.99)] * 6 for v in (1, 2, 3)]
    state = make_state()
    section = next(s for s in state.sections if not s.is_container and s.blocks)
    section.blocks.append(
        Block(
            id="wide",
            plan=TablePlan(title="Metrics by version", source=TableSource(kind="metric_across_versions")),
            content=TableContent(
                caption="Metrics of gbm by version (source: MLflow)", columns=columns, rows=rows
            ),
            status="written",
        )
    )
    assert "header" not in _rules(render_docx(state))


def test_layout_transposes_a_short_table_whose_headers_cannot_fit():
    columns = ["Version", *[f"a_very_long_metric_name_{i}" for i in range(9)]]
    layout = lay_out(columns, [["1", *["0.9"] * 9], ["2", *["0.8"] * 9]], None, avail_pt=415)
    assert layout.columns == ["Version", "1", "2"]
    assert layout.rows[0] == ["a_very_long_metric_name_0", "0.9", "0.8"]
    assert abs(sum(layout.widths_pt) - 415) < 0.01


@pytest.fixture(scope="module")
def demo_docx(demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo document, built offline from the repository's doc_spec.yaml like `autodoc demo`."""
    out = tmp_path_factory.mktemp("lint_demo")
    spec = load_spec(str(Path(__file__).resolve().parents[1] / "doc_spec.yaml"))
    settings = Settings(code_root=str(demo_project), mlflow_uri=demo_store_uri, output_dir=str(out))
    pipeline.generate(spec, settings, Progress())
    return out / "model_documentation.docx"


@pytest.mark.slow
def test_the_demo_document_passes_the_checks_a_validator_runs_first(
    demo_docx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint", str(demo_docx)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith(str(demo_docx))
    rules = {line.split(":", 1)[0] for line in lines[:-1]}
    assert not rules, lines  # the demo document passes every check
    assert code == (1 if rules else 0)
    report = json.loads((demo_docx.parent / "run_report.json").read_text())
    assert len(report["document_check"]) == len(lines) - 1  # every build runs the same check
    assert "## Document check" in (demo_docx.parent / "run_report.md").read_text()


def test_lint_names_a_file_that_is_not_a_word_document(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "notes.docx"
    bad.write_text("not a zip")
    assert main(["lint", str(bad)]) == 2
    assert "notes.docx is not a Word document" in capsys.readouterr().err
