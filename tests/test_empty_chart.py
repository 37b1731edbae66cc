"""A chart whose evidence holds no number is no figure: the document says why, numbers no empty figure,
and a validator's lint finds no figure without a source."""

from __future__ import annotations

import io
import json

from docx import Document

from autodoc.document import ChartContent
from autodoc.render.docx import render_docx
from autodoc.render.lint import lint_docx
from tests.support.builders.state import make_state


def test_a_chart_without_a_number_is_a_note_not_an_empty_figure() -> None:
    state = make_state()
    charts = [b for _, b in state.blocks() if isinstance(b.content, ChartContent)]
    first = charts[0]
    first.content = first.content.model_copy(  # type: ignore[union-attr]
        update={"series": [], "note": "None of the named evidence items holds a number.", "citations": []}
    )
    data = render_docx(state)
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    caption = first.content.caption  # type: ignore[union-attr]
    assert f"No chart of {caption}: None of the named evidence items holds a number." in texts
    assert not any(t.startswith("Figure") and caption in t for t in texts)
    assert any(t.startswith("Figure 1: ") for t in texts)  # the next chart is the first figure
    assert [f.line() for f in lint_docx(data) if f.rule == "caption"] == []


def test_the_notebook_says_the_same_for_a_chart_without_a_number() -> None:
    from autodoc.render.notebook import render_notebook

    state = make_state()
    first = next(b for _, b in state.blocks() if isinstance(b.content, ChartContent))
    first.content = first.content.model_copy(update={"series": [], "note": "No run logged it."})  # type: ignore[union-attr]
    cells = json.loads(render_notebook(state))["cells"]
    text = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells)
    assert "No chart of " in text and "No run logged it." in text


def test_a_table_without_a_row_is_a_note_not_an_empty_numbered_table() -> None:
    from autodoc.document import TableContent

    state = make_state()
    first = next(b for _, b in state.blocks() if isinstance(b.content, TableContent))
    first.content = first.content.model_copy(  # type: ignore[union-attr]
        update={"rows": [], "note": "No matching evidence was found.", "citations": []}
    )
    data = render_docx(state)
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    caption = first.content.caption  # type: ignore[union-attr]
    assert f"No table of {caption}: No matching evidence was found." in texts
    assert not any(t.startswith("Table") and caption in t for t in texts)
    assert [f.line() for f in lint_docx(data) if f.rule == "caption"] == []
