"""The demo document as a validator reads it: one value per hyperparameter everywhere, charts
whose captions name model, version and run, a notebook that opens with the summary."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.progress import Progress
from autodoc.render.charts import distinct_labels, zoom_close_bars
from autodoc.render.lint import lint_docx
from autodoc.settings import Settings
from autodoc.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_doc(
    demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo_doc")
    settings = Settings(
        code_root=str(demo_project), mlflow_uri=demo_store_uri, output_dir=str(out), notebook=True
    )
    pipeline.generate(load_spec(ROOT / "doc_spec.yaml"), settings, Progress())
    docx_path = out / "model_documentation.docx"
    doc = Document(str(docx_path))
    return {
        "paras": [p.text for p in doc.paragraphs if p.text.strip()],
        "captions": [p.text for p in doc.paragraphs if p.style.name == "Caption"],
        "docx": docx_path.read_bytes(),
        "notebook": json.loads((out / "model_docs_notebook.ipynb").read_text()),
    }


@pytest.mark.slow
def test_the_gbm_prose_states_the_value_its_table_shows(demo_doc: dict[str, Any]) -> None:
    prose = next(p for p in demo_doc["paras"] if "GradientBoostingClassifier at train.py, line 97" in p)
    assert "n_estimators = 200" in prose and "logged by run gbm-shallow" in prose
    assert "n_estimators = 120" not in prose
    config = next(p for p in demo_doc["paras"] if "gbm.n_estimators = 120" in p)
    assert "run gbm-shallow overrode it: 200)" in config  # the config default is named as overridden


@pytest.mark.slow
def test_chart_captions_name_model_version_and_run_by_name(demo_doc: dict[str, Any]) -> None:
    figures = [c for c in demo_doc["captions"] if c.startswith("Figure")]
    importance = next(c for c in figures if "Feature importance" in c)
    assert "breast_cancer_logreg version 1 (run logreg-baseline)" in importance
    assert "coefficient" in importance  # a linear model logs coefficients, and the caption says so
    folds = next(c for c in figures if "cv_fold" in c)
    assert "by fold of" in folds and "(run " in folds
    assert not [c for c in figures if re.search(r"run [0-9a-f]{8}\b", c)]  # run names, never hex ids


@pytest.mark.slow
def test_the_notebook_opens_with_the_summary_and_the_document_passes_lint(demo_doc: dict[str, Any]) -> None:
    markdown = ["".join(c["source"]) for c in demo_doc["notebook"]["cells"] if c["cell_type"] == "markdown"]
    summary = markdown[1]
    assert summary.startswith("## Summary") and "**Production model:**" in summary
    assert "breast_cancer_gbm version 3 (alias champion)" in summary and "[[" not in summary
    assert lint_docx(demo_doc["docx"]) == []


@pytest.mark.slow
def test_the_production_line_says_by_what_rule_the_champion_is_chosen(demo_doc: dict[str, Any]) -> None:
    line = next(p for p in demo_doc["paras"] if p.startswith("Production model:"))
    rule = (
        "The alias champion is set to the version whose run has the highest cv_roc_auc (promote.py, line 41)"
    )
    assert rule in line
    assert "challenger" not in line  # promote.py gives it to the most recent other version: no metric
    pointer = "How the code chooses the version that is registered or promoted is stated in the Summary"
    assert any(p.startswith(pointer) for p in demo_doc["paras"])  # Deployment Considerations


def test_zoomed_bar_labels_use_the_digits_it_takes_to_tell_values_apart() -> None:
    assert distinct_labels([0.99768, 0.99768, 0.99802]) == ["0.9977", "0.9977", "0.9980"]
    assert distinct_labels([0.5, 0.75]) == ["0.50", "0.75"]  # the same decimals, as in a table column
    assert distinct_labels([3, 4]) == ["3", "4"]


def test_a_zoomed_axis_of_fractions_has_no_tick_past_one() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots()
    scores = [0.9959, 0.9995, 0.9979, 0.9871, 0.9985]  # fold AUCs close to 1
    ax.bar(range(5), scores)
    zoom_close_bars(ax, scores)
    ticks = list(ax.get_yticks())
    plt.close(fig)
    assert ticks and max(ticks) <= 1.0 and min(ticks) >= 0.95  # zoomed, and never claims 1.01
