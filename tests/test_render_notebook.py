"""The notebook: valid, deterministic, numbered like the docx, and it runs top to bottom."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from autodoc.document import (
    Block,
    Cell,
    ChartContent,
    ChartPlan,
    Series,
    SeriesSource,
    TableContent,
    TablePlan,
    TableSource,
)
from autodoc.render.notebook import render_notebook
from autodoc.render.text import references
from tests.support.builders.state import make_state

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@pytest.fixture(scope="module")
def state():
    return make_state()


@pytest.fixture(scope="module")
def nb_bytes(state) -> bytes:
    return render_notebook(state)


@pytest.fixture(scope="module")
def nb(nb_bytes):
    return nbformat.reads(nb_bytes.decode(), as_version=4)


def test_notebook_is_valid_with_stable_unique_ids(nb):
    nbformat.validate(nb)
    ids = [cell.id for cell in nb.cells]
    assert len(ids) == len(set(ids))
    assert all(ID_RE.match(i) for i in ids)
    assert "model-performance--breast_cancer_gbm-b1-code" in ids


def test_same_state_gives_the_same_bytes(state, nb_bytes):
    assert render_notebook(make_state()) == nb_bytes
    assert render_notebook(state) == nb_bytes


def test_awkward_ids_are_made_valid(state):
    odd = state.model_copy(deep=True)
    sec = odd.sections[0]
    sec.id = "intro: über/" + "x" * 80
    sec.blocks[0].id = sec.id + ".b1"
    nb = nbformat.reads(render_notebook(odd).decode(), as_version=4)
    ids = [cell.id for cell in nb.cells]
    assert all(ID_RE.match(i) for i in ids) and len(ids) == len(set(ids))


def test_headings_and_citations_match_the_document(nb, state):
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in [
        "## 1 Introduction",
        "## 3 Model Performance",
        "### 3.1 breast_cancer_gbm",
        "## 5 Monitoring",
    ]:
        assert f"\n{heading}" in "\n" + markdown
    assert "trained in `train.py` [1]. Its test AUC is 0.837 [2]." in markdown
    for ref in references(state):
        assert f"- **[{ref.number}]** {ref.text}" in markdown
    assert "**Table 1:** *Test metrics of breast_cancer_gbm version 3*" in markdown
    assert "<mark>0.95</mark>" in markdown
    assert "LLM call timed out after 3 attempts" in markdown
    assert "s3cret" not in json.dumps(nb)


def test_code_is_self_contained(nb):
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", code, flags=re.M)
    assert set(imports) <= {"math", "matplotlib", "pandas"}  # the standard library and these two
    assert "matplotlib.use" not in code


def _with_ranking_chart(state):
    """The fixture plus a many-bar chart (drawn horizontally) and NaN in a table."""
    extra = state.model_copy(deep=True)
    sec = extra.section("limitations")
    names = [f"feature {i}" for i in range(15)]
    chart = ChartContent(
        caption="Feature importance",
        chart_type="bar",
        series=[Series(name="importance", x=names, y=[1 / (i + 1) for i in range(15)])],
    )
    table = TableContent(
        caption="With a missing metric",
        columns=["metric", "value"],
        rows=[[Cell(value="auc"), Cell(value=float("nan"))]],
    )
    plan = ChartPlan(title="Importance", series=SeriesSource(kind="feature_importance"))
    tplan = TablePlan(title="T", source=TableSource(kind="evidence"))
    sec.blocks.append(Block(id="limitations.b3", plan=plan, content=chart, status="written"))
    sec.blocks.append(Block(id="limitations.b4", plan=tplan, content=table, status="written"))
    return extra


@pytest.mark.slow  # a real kernel: 3-6 s
def test_notebook_executes_top_to_bottom(state, monkeypatch):
    # Importing streamlit (other tests do) sets MPLBACKEND=Agg for the whole process,
    # which a kernel would inherit and then show no figures: run it as Jupyter would.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.reads(render_notebook(_with_ranking_chart(state)).decode(), as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()  # raises on any cell error
    outputs = {c.id: c.outputs for c in nb.cells if c.cell_type == "code"}
    table = outputs["model-performance--breast_cancer_gbm-b1-code"]
    html = table[0]["data"]["text/html"]
    # shown by the document's rule; the embedded rows keep the evidence values unrounded
    assert "0.8375" in html and "1,234,567" in html and "0.8374628173" not in html
    source = next(c.source for c in nb.cells if c.id == "model-performance--breast_cancer_gbm-b1-code")
    assert "0.8374628173" in source
    charts = [
        "model-performance--breast_cancer_gbm-b2-code",
        "model-performance--churn_model-b2-code",
        "limitations-b3-code",
    ]
    for cid in charts:
        assert any("image/png" in o.get("data", {}) for o in outputs[cid]), cid
    assert "NaN" in outputs["limitations-b4-code"][0]["data"]["text/plain"]  # float("nan") literal ran
    assert not any(o.output_type == "error" for outs in outputs.values() for o in outs)
    image_cell = next(c for c in nb.cells if "attachments" in c)
    assert "image/png" in next(iter(image_cell.attachments.values()))
