"""The one-minute summary right after the title page, and what the evidence does not show."""

from __future__ import annotations

from autodoc.document import DocumentState
from autodoc.render import styles as st
from autodoc.render.text import Span, parse_inline
from autodoc.render.word.context import Ctx, add_spans, heading
from autodoc.render.word.fields import page_break

SUMMARY = "Summary"
GAPS = "What the evidence does not show"


def summary_index(state: DocumentState) -> int:
    """The bookmark index of the summary heading (after the sections, references and appendix)."""
    return len(state.sections) + 2


def summary_page(ctx: Ctx, state: DocumentState) -> None:
    """Each summary fact once, cited; then the document's gaps as one list."""
    if not state.summary and not state.gaps:
        return
    heading(ctx, SUMMARY, 1, summary_index(state))
    if state.summary:
        ctx.doc.add_paragraph(
            "What the evidence shows about the model, each fact once; the sections that follow go deeper.",
            style=st.NOTE,
        )
    for fact in state.summary:
        para = ctx.doc.add_paragraph(style=st.BULLET)
        add_spans(ctx, para, [Span(f"{fact.label}: ", bold=True), *parse_inline(fact.text)], None)
    if state.gaps:
        ctx.doc.add_paragraph(GAPS, style=st.HEADINGS[2])
        for gap in state.gaps:
            ctx.doc.add_paragraph(gap, style=st.BULLET)
    page_break(ctx.doc)
