"""References and the provenance appendix."""

from __future__ import annotations

import re

from docx.shared import Pt

from autodoc.document import (
    DocumentState,
)
from autodoc.render import styles as st
from autodoc.render.format import NUMBER_RULE
from autodoc.render.provenance import provenance_rows
from autodoc.render.text import (
    references,
)
from autodoc.render.word.context import Ctx, heading
from autodoc.render.word.fields import (
    hyperlink,
    page_break,
)
from autodoc.render.word.tables import simple_table

REFERENCES = "References"
APPENDIX = "Appendix: Provenance"


def references_section(ctx: Ctx, state: DocumentState) -> None:
    doc = ctx.doc
    page_break(doc)
    heading(ctx, REFERENCES, 1, len(state.sections))
    refs = references(state)
    if not refs:
        doc.add_paragraph("No evidence was cited.", style=st.NOTE)
    for ref in refs:
        para = doc.add_paragraph(style=st.REFERENCE)
        para.add_run(f"[{ref.number}]\t")
        para.add_run(ref.text)
        if ref.link:
            para.add_run(" ")
            hyperlink(para, ref.link, ref.link)
        para.add_run(f" ({ref.evidence_id})").font.size = Pt(8)


def appendix(ctx: Ctx, state: DocumentState) -> None:
    doc = ctx.doc
    heading(ctx, APPENDIX, 1, len(state.sections) + 1)
    doc.add_paragraph(
        "How this document was produced. Every figure in the tables and charts was copied from the "
        "evidence listed in the References; text was written by the provider named below. " + NUMBER_RULE
    )
    simple_table(ctx, ["Item", "Value"], provenance_rows(state), widths=(2.0, 4.3))
    prov = state.provenance
    if prov and (prov.runs_used or prov.model_versions_used):
        doc.add_paragraph("Runs and model versions used", style=st.HEADINGS[2])
        rows = [["Model version", mv] for mv in prov.model_versions_used]
        rows += [["Run", run] for run in prov.runs_used]
        simple_table(ctx, ["Kind", "Identifier"], rows, widths=(1.5, 4.8))
    if prov and prov.library_versions:
        doc.add_paragraph("Library versions", style=st.HEADINGS[2])
        simple_table(ctx, ["Library", "Version"], [[k, v] for k, v in sorted(prov.library_versions.items())])
    _flagged_list(ctx, state)
    _failed_list(ctx, state)


def _flagged_list(ctx: Ctx, state: DocumentState) -> None:
    rows = [
        [f"{sec.number} {sec.heading}", blk.id, flag.figure, plain_context(flag.context), flag.reason]
        for sec, blk in state.flagged()
        for flag in blk.flags
    ]
    columns = ["Section", "Block", "Figure", "Context", "Reason"]
    none = "None: every figure in the text matched an evidence value."
    _listing(ctx, "Flagged figures", none, columns, rows, (1.3, 1.5, 0.7, 1.8, 1.0))


def plain_context(text: str) -> str:
    """A flagged figure's context as a reader sees the text: no citation markers, no code marks."""
    return " ".join(re.sub(r"\[\[[^\]]*\]?\]?|`", "", text or "").split())


def _failed_list(ctx: Ctx, state: DocumentState) -> None:
    rows = [
        [f"{sec.number} {sec.heading}", "(whole section)", sec.error or "failed"]
        if blk is None
        else [f"{sec.number} {sec.heading}", blk.id, blk.error or "failed"]
        for sec, blk in state.failed()
    ]
    none = "None: every planned block was generated."
    _listing(ctx, "Failed blocks", none, ["Section", "Block", "Error"], rows, (1.6, 1.7, 3.0))


def _listing(
    ctx: Ctx, heading: str, none: str, columns: list[str], rows: list[list[str]], widths: tuple[float, ...]
) -> None:
    """An appendix subsection: its table, or the sentence saying there is nothing to list."""
    ctx.doc.add_paragraph(heading, style=st.HEADINGS[2])
    if not rows:
        ctx.doc.add_paragraph(none)
        return
    simple_table(ctx, columns, rows, widths=widths)
