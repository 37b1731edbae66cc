"""A fresh repository read as a validator reads it (offline writer, code only, model_risk template).

The fixture (tests/fixtures/code/scoring) has the constructs a small public project often has:
a training script with two definitions of its loader (the second wins), a stratified split, a
baseline and a tuned estimator, evaluation metrics; a batch scoring script that reads new data
and writes the predictions to a column; a FastAPI route whose module loads the kept model; a
notebook that builds the label. Each test asserts what the reader of the Word document sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import parse_spec, template_text

SCORING = Path(__file__).parent / "fixtures" / "code" / "scoring"


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("scoring_doc")
    settings = Settings(code_root=str(SCORING), output_dir=str(out), provider="offline")
    result = pipeline.generate(parse_spec(template_text("model_risk"), "model_risk"), settings)
    document = Document(str(result.outputs.docx))
    summary: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    gaps: list[str] = []
    current = ""
    for para in document.paragraphs:
        text, style = para.text, para.style.name
        if style.startswith("Heading"):
            current = text
            continue
        if current == "Summary" and ": " in text and style == "List Bullet":
            head, body = text.split(": ", 1)
            summary[head] = body
        elif current == "What the evidence does not show" and style == "List Bullet":
            gaps.append(text)
        sections.setdefault(current, []).append(text)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return {"summary": summary, "gaps": gaps, "sections": sections, "tables": tables}


def _section(doc: dict[str, Any], start: str) -> str:
    return "\n".join(t for head, texts in doc["sections"].items() if head.startswith(start) for t in texts)


def test_a_route_and_its_handler_are_one_serving_fact_with_what_the_module_loads(doc) -> None:
    serving = doc["summary"]["Serving"]
    assert serving.count("/lapse") == 1, serving
    assert serving.count("lapse_model.joblib") == 1, serving
    assert "POST /lapse" in serving and "lapse (" not in serving.replace("/lapse (", ""), serving


def test_a_missing_decision_threshold_is_said_once(doc) -> None:
    assert sum("decision threshold" in gap for gap in doc["gaps"]) == 1, doc["gaps"]
