"""A chart whose evidence holds no number, or a table without a row, is no numbered figure or table:
the document says why, and a validator's lint finds no figure or table without a source."""

from __future__ import annotations

import io
import json

from docx import Document

from autodoc.document import ChartContent, DocumentState, TableContent
from autodoc.render.docx import render_docx
from autodoc.render.lint import lint_docx
from autodoc.render.notebook import render_notebook
from tests.support.builders.state import make_state


def _emptied(kind: type, update: dict[str, object]) -> tuple[DocumentState, str]:
    """The sample document with its first block of `kind` emptied by `update`; that block's caption."""
    state = make_state()
    first = next(b for _, b in state.blocks() if isinstance(b.content, kind))
    first.content = first.content.model_copy(update=update)  # type: ignore[union-attr]
    return state, first.content.caption  # type: ignore[union-attr]


def _rendered(state: DocumentState) -> tuple[bytes, list[str]]:
    data = render_docx(state)
    return data, [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_a_chart_without_a_number_is_a_note_not_an_empty_figure() -> None:
    note = "None of the named evidence items holds a number."
    state, caption = _emptied(ChartContent, {"series": [], "note": note, "citations": []})
    data, texts = _rendered(state)
    assert f"No chart of {caption}: {note}" in texts
    assert not any(t.startswith("Figure") and caption in t for t in texts)
    assert any(t.startswith("Figure 1: ") for t in texts)  # the next chart is the first figure
    assert [f.line() for f in lint_docx(data) if f.rule == "caption"] == []


def test_the_notebook_says_the_same_for_a_chart_without_a_number() -> None:
    state, _ = _emptied(ChartContent, {"series": [], "note": "No run logged it."})
    cells = json.loads(render_notebook(state))["cells"]
    text = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells)
    assert "No chart of " in text and "No run logged it." in text


def test_a_table_without_a_row_is_a_note_not_an_empty_numbered_table() -> None:
    note = "No matching evidence was found."
    state, caption = _emptied(TableContent, {"rows": [], "note": note, "citations": []})
    data, texts = _rendered(state)
    assert f"No table of {caption}: {note}" in texts
    assert not any(t.startswith("Table") and caption in t for t in texts)
    assert [f.line() for f in lint_docx(data) if f.rule == "caption"] == []
