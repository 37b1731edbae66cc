"""End to end, as a model-risk reviewer checks it: every figure in the outputs is traceable.

One CLI run (openai provider against the fake LLM server, real demo MLflow store) whose fake
model plans tables and charts and, in one section, writes narratives with invented figures.
The outputs are read back (python-docx, the notebook JSON, evidence.json, the run report)
and compared with the evidence.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from autodoc.cli import main
from autodoc.document import CITATION_RE, ChartContent, DocumentState, TableContent
from autodoc.render.format import distinct_columns, format_value
from autodoc.render.text import cited_numbers
from tests.support.fake_llm import FakeLLM, prompt_text, request_schema
from tests.support.mlflow_fixtures import clone_store

REPO = Path(__file__).resolve().parent.parent
INVENTED = ("0.9731", "87.5%")  # no evidence holds these
GBM, LOGREG = "breast_cancer_gbm", "breast_cancer_logreg"
HANDLE_LINE = re.compile(r"^(E\d+) \|", re.M)
CODE_LINE = re.compile(r"^(E\d+) \|[^|\n]*\|[^|\n]*\|([^|\n]*\.py[^|\n]*)", re.M)  # handle .. where


def _section_of(prompt: str) -> str:
    found = re.search(r"^Section ([\d.]+): (.+)$", prompt, re.M)
    return found.group(2).strip() if found else ""


def _plan(prompt: str) -> dict[str, Any]:
    """Plans a careful model would make: tables and charts named by kind, never numbers."""
    section = _section_of(prompt)
    blocks: list[dict[str, Any]] = [
        {"type": "narrative", "guidance": "Summarise the evidence.", "evidence": []}
    ]
    if section in (GBM, LOGREG):
        blocks += [
            {
                "type": "table",
                "title": "Metrics per version",
                "kind": "metric_across_versions",
                "model": section,
            },
            {
                "type": "chart",
                "title": "Test ROC AUC per version",
                "chart_type": "bar",
                "series": "metric_across_versions",
                "model": section,
                "metric": "test_roc_auc",
            },
            {"type": "table", "title": "Hyperparameters", "kind": "model_params", "model": section},
        ]
    elif section == "Executive Summary":
        blocks.append(
            {
                "type": "chart",
                "title": "Test ROC AUC by model",
                "chart_type": "bar",
                "series": "metric_across_models",
                "metric": "test_roc_auc",
            }
        )
    elif section == "Training Pipeline":
        handles = [h for h, where in CODE_LINE.findall(prompt) if where.strip()][:6]
        blocks.append({"type": "table", "title": "Training facts", "kind": "code_facts", "evidence": handles})
    elif section == "Model Architecture":
        blocks.append({"type": "table", "title": "Estimators", "kind": "estimators"})
    elif section == "Deployment Considerations":  # an invented figure in a title
        blocks.append(
            {
                "type": "table",
                "title": f"Versions, all above AUC {INVENTED[0]}",
                "kind": "model_versions",
                "model": GBM,
            }
        )
    elif section == "Appendix":
        blocks.append(
            {"type": "table", "title": "Runs", "kind": "experiment_runs", "experiment": "breast-cancer-risk"}
        )
    return {"blocks": blocks}


def _narrative(prompt: str) -> dict[str, Any]:
    ids = HANDLE_LINE.findall(prompt.split("Evidence (handle", 1)[-1])
    cite = f" [[{ids[0]}]]" if ids else ""
    if _section_of(prompt) == "Validation Results":
        # invented: no run or code fact holds these figures
        text = f"Hold-out validation reached an accuracy of {INVENTED[0]}{cite}. Recall was {INVENTED[1]}."
        return {"text": text}
    if _section_of(prompt) == "Conclusion":  # claims of validation work the code never does
        return {
            "text": f"Hyperparameters were tuned by grid search{cite}. "
            "The model was also validated on an out-of-time sample with bootstrap confidence intervals."
        }
    return {"text": f"The evidence for this section is summarised here{cite}."}


def _responder(body: dict[str, Any]) -> dict[str, Any]:
    schema = request_schema(body) or {}
    prompt = prompt_text(body)
    return _plan(prompt) if "blocks" in schema.get("properties", {}) else _narrative(prompt)


@pytest.fixture(scope="module")
def run(demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("e2e_faith")
    uri = clone_store(demo_store_uri, root / "store")
    out = root / "out"
    fake = FakeLLM()
    fake.responder = _responder
    argv = [
        "-s", str(REPO / "doc_spec.yaml"), "-c", str(demo_project), "-o", str(out),
        "-p", "openai", "-m", "fake-model", "--base-url", fake.openai_url, "--mlflow-uri", uri,
        "--notebook", "--timeout", "10", "--max-retries", "1", "--initial-backoff", "0.01",
        "--max-backoff", "0.05", "--api-key", "sk-test-KEY-123", "--plan", "llm",
    ]  # fmt: skip
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(argv)
    finally:
        fake.close()
    prompts = [prompt_text(r.body) for r in fake.requests]
    state = DocumentState.model_validate_json((out / ".autodoc_cache.json").read_text(encoding="utf-8"))
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    return {
        "code": code,
        "prompts": prompts,
        "out": out,
        "stdout": stdout.getvalue(),
        "stderr": stderr.getvalue(),
        "state": state,
        "items": {i["id"]: i for i in evidence["items"]},
        "doc": Document(str(out / "model_documentation.docx")),
        "report": json.loads((out / "run_report.json").read_text(encoding="utf-8")),
    }


def _same_figure(shown: object, held: object) -> bool:
    """The cell's figure is the evidence's: equal, or the same number written as text."""
    if shown == held:
        return True
    return _is_figure(shown) and _is_figure(held) and float(str(shown)) == float(str(held))


def _is_figure(value: object) -> bool:
    """A number, or a string that reads as one (MLflow params are strings)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", value) is not None


def _blocks(state: DocumentState, kind: type) -> list[Any]:
    return [(s, b) for s, b in state.blocks() if isinstance(b.content, kind)]


def _doc_text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


@pytest.mark.slow
def test_the_run_wrote_tables_and_charts_from_the_fake_plans(run: dict[str, Any]) -> None:
    """Guards the other tests against passing on an empty document."""
    state = run["state"]
    assert len(_blocks(state, TableContent)) >= 5, run["stdout"] + run["stderr"]
    assert len(_blocks(state, ChartContent)) >= 2
    assert "Traceback" not in run["stderr"]


@pytest.mark.slow
def test_invented_figures_are_flagged_visible_listed_and_exit_1(run: dict[str, Any]) -> None:
    state, out = run["state"], run["out"]
    flagged = {f.figure for _, b in state.flagged() for f in b.flags}
    assert {"0.9731", "87.5%"} <= flagged | {f.rstrip("%") + "%" for f in flagged}, flagged
    assert {s.spec_name for s, _ in state.flagged()} <= {"Validation Results", "Conclusion"}
    assert run["code"] == 1
    assert "flagged figures:" in run["stdout"] and "0.9731" in run["stdout"]
    # the run report lists each flagged figure
    listed = json.dumps(run["report"]["flagged"])
    assert "0.9731" in listed and "87.5" in listed
    assert "0.9731" in (out / "run_report.md").read_text(encoding="utf-8")
    # the Word document shows the figure highlighted and a warning beside it
    doc = run["doc"]
    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert any("0.9731" in t for t in highlighted), highlighted
    assert any("Check before use" in p.text and "0.9731" in p.text for p in doc.paragraphs)
    flagged_rows = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "0.9731" in flagged_rows  # the appendix's Flagged figures table


@pytest.mark.slow
def test_invented_figure_is_never_silently_kept(run: dict[str, Any]) -> None:
    """Wherever the figure appears in the document it is a flagged, highlighted run."""
    doc = run["doc"]
    for para in doc.paragraphs:
        if "0.9731" not in para.text or "Check before use" in para.text:
            continue
        holders = [r for r in para.runs if "0.9731" in r.text]
        assert holders and all(r.font.highlight_color is not None for r in holders), para.text
    nb = json.loads((run["out"] / "model_docs_notebook.ipynb").read_text(encoding="utf-8"))
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "0.9731" in md
    for line in md.splitlines():  # each mention in text is highlighted; else it is the warning
        if "0.9731" in line and not line.startswith(("> ⚠", "|", "**Flagged figures:**")):
            assert line.count("0.9731") == line.count("<mark>0.9731</mark>"), line


@pytest.mark.slow
def test_table_cells_equal_the_evidence_they_cite(run: dict[str, Any]) -> None:
    state, items, doc = run["state"], run["items"], run["doc"]
    docx_tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    checked = 0
    for sec, blk in _blocks(state, TableContent):
        content: TableContent = blk.content
        for row in content.rows:
            for cell in row:
                item = items.get(cell.evidence_id) if cell.evidence_id else None
                if _is_figure(cell.value):  # every figure cites the item holding exactly it
                    assert item is not None, (blk.id, cell)
                    # a setting reads as written ("42" for the code's 42): the same number either way
                    assert _same_figure(cell.value, item["value"]), (blk.id, cell)
                    checked += 1
        # as the renderer writes them: a column of close fractions gets the digits to tell them apart
        expected_rows = distinct_columns([[cell.value for cell in row] for row in content.rows])
        match = [
            t
            for t in docx_tables
            if t and t[0][: len(content.columns)] == content.columns and t[1:] == expected_rows
        ]
        assert match, f"{sec.number} {blk.id}: no Word table shows {content.columns} / {expected_rows[:3]}"
    assert checked >= 10


@pytest.mark.slow
def test_metric_values_in_tables_come_from_mlflow_runs(run: dict[str, Any]) -> None:
    """A per-version metric cell holds the value MLflow logged for that version's run."""
    state, items = run["state"], run["items"]
    metric_cells = [
        c
        for _, b in _blocks(state, TableContent)
        for row in b.content.rows
        for c in row
        if c.evidence_id and ":metric:" in c.evidence_id
    ]
    assert metric_cells
    for cell in metric_cells:
        assert cell.value == items[cell.evidence_id]["value"]
        assert format_value(cell.value) == format_value(items[cell.evidence_id]["value"])


@pytest.mark.slow
def test_every_citation_in_the_docx_resolves_to_a_reference(run: dict[str, Any]) -> None:
    doc = run["doc"]
    texts = [p.text for p in doc.paragraphs]
    ref_at = len(texts) - 1 - texts[::-1].index("References")  # the heading, not the contents line
    refs = {}
    for text in texts[ref_at + 1 :]:
        found = re.match(r"^\[(\d+)\]\t(.+)\((\S+)\)$", text)
        if found:
            refs[int(found.group(1))] = found.group(3)
    assert refs, "no References entries"
    body = "\n".join(texts[:ref_at] + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    labels = re.findall(r"\[\d+(?:–\d+)?(?:, \d+(?:–\d+)?)*\]", body)
    cited = {n for label in labels for n in cited_numbers(label)}
    assert cited, "no citation numbers in the body"
    assert cited <= set(refs), sorted(cited - set(refs))
    assert sorted(refs) == list(range(1, len(refs) + 1))
    # each reference names a real evidence item with a location
    for eid in refs.values():
        assert eid in run["items"] or eid in run["state"].evidence_items, eid
    assert not re.search(CITATION_RE, "\n".join(texts)), "a raw [[id]] marker reached a paragraph"


@pytest.mark.slow
def test_notebook_chart_data_equals_evidence(run: dict[str, Any]) -> None:
    state, items = run["state"], run["items"]
    nb = json.loads((run["out"] / "model_docs_notebook.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    charts = []
    for src in sources:
        found = re.search(r"^chart = (\{.*?^\})$", src, re.M | re.S)
        if found:
            charts.append(ast.literal_eval(found.group(1)))
    contents = [b.content for _, b in _blocks(state, ChartContent)]
    assert len(charts) == len(contents) >= 2
    points = 0
    for chart, content in zip(charts, contents, strict=True):
        assert [s["y"] for s in chart["series"]] == [s.y for s in content.series]
        for series in content.series:
            assert len(series.evidence_ids) == len(series.y)
            for y, eid in zip(series.y, series.evidence_ids, strict=True):
                assert y == float(items[eid]["value"]), (eid, y)
                points += 1
    assert points >= 3


@pytest.mark.slow
def test_api_key_given_by_flag_reaches_no_output_file(run: dict[str, Any]) -> None:
    files = [p for p in run["out"].rglob("*") if p.is_file()]
    assert len(files) >= 6
    for path in files:
        assert b"sk-test-KEY-123" not in path.read_bytes(), path
    assert "sk-test-KEY-123" not in run["stdout"] + run["stderr"]


@pytest.mark.slow
def test_invented_figure_in_a_planned_title_is_dropped_said_and_never_printed(run: dict[str, Any]) -> None:
    """Titles are typed by the model and become headings or captions: same rule as text."""
    doc = run["doc"]
    captions = [p.text for p in doc.paragraphs if p.text.startswith(("Table ", "Figure "))]
    assert captions and not [c for c in captions if INVENTED[0] in c]
    for _sec, blk in run["state"].blocks():
        assert INVENTED[0] not in (getattr(blk.plan, "title", None) or ""), blk.id
    notes = [n for n in run["report"]["notes"] if "Deployment Considerations" in n]
    assert notes and "1 planned block(s)" in notes[0]


@pytest.mark.xfail(
    strict=True,
    reason="known limit: a whole number may be a count derived from the evidence (here 10 items "
    "of one kind), so '10 folds' passes although the cited cross-validation uses cv_folds = 5",
)
def test_a_figure_next_to_a_citation_must_match_the_cited_evidence(run: dict[str, Any]) -> None:
    from autodoc.evidence import EvidenceStore
    from autodoc.write import grounding

    evidence = EvidenceStore.model_validate_json((run["out"] / "evidence.json").read_text(encoding="utf-8"))
    section = next(s for s in run["state"].sections if s.spec_name == "Validation Results")
    cv = next(i for i in section.evidence_ids if ":cv:StratifiedKFold" in i)
    folds = next(i for i in evidence.items if i.label.startswith("cv_folds = "))
    assert folds.value == 5
    check = grounding.check(
        f"Cross-validation used 10 folds [[{cv}]].", evidence, allowed_ids=section.evidence_ids
    )
    assert [f.figure for f in check.flags] == ["10"]


def _conclusion_flags(run: dict[str, Any]) -> list[Any]:
    return [f for s, b in run["state"].blocks() if s.spec_name == "Conclusion" for f in b.flags]


@pytest.mark.slow
def test_claimed_hyperparameter_search_the_code_lacks_is_flagged(run: dict[str, Any]) -> None:
    flags = _conclusion_flags(run)
    assert any(f.figure == "hyperparameter search" and "grid search" in f.context for f in flags), flags
    assert "hyperparameter search" in json.dumps(run["report"]["flagged"])


def test_claimed_out_of_time_and_bootstrap_validation_is_flagged(run: dict[str, Any]) -> None:
    flags = _conclusion_flags(run)
    assert any("out-of-time" in f.context for f in flags), flags


def test_no_raw_citation_marker_anywhere_in_the_document(run: dict[str, Any]) -> None:
    assert not re.search(CITATION_RE, _doc_text(run["doc"]))
    assert not re.search(CITATION_RE, (run["out"] / "run_report.md").read_text(encoding="utf-8"))
