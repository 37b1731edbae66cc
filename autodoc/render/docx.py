"""The Word document, built from a `DocumentState` alone.

Layout: title page (title, authors, date, version, models covered), table of contents
field, numbered sections, References, and a provenance appendix with the flagged figures
and failed blocks. Tables and charts are drawn from the values our code copied from
evidence; citations become numbered references resolved in the References section.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Inches

from autodoc.document import (
    Block,
    ChartContent,
    DocumentState,
    FigureFlag,
    ImageContent,
    ListContent,
    NarrativeContent,
    Section,
    TableContent,
)
from autodoc.errors import ConfigError
from autodoc.render import styles as st
from autodoc.render.charts import chart_pngs
from autodoc.render.figures import caption_labels
from autodoc.render.format import model_row
from autodoc.render.measure import narrowest_text_pt
from autodoc.render.text import (
    Span,
    citation_numbers,
    flag_regex,
    flag_sentence,
    list_item_spans,
    parse_narrative,
)
from autodoc.render.word.backmatter import APPENDIX, REFERENCES, appendix, references_section
from autodoc.render.word.context import Ctx, FastDoc, add_spans, anchor, heading, notice
from autodoc.render.word.fields import (
    field_char,
    instr,
    internal_link,
    page_break,
    page_numbers,
    set_update_fields,
)
from autodoc.render.word.properties import (
    core_properties,
    custom_properties,
    custom_values,
)
from autodoc.render.word.summary import SUMMARY, summary_index, summary_page
from autodoc.render.word.tables import MAX_FIGURE_WIDTH, chart, image, simple_table, table

CHART_DPI = 200
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'


def render_docx(state: DocumentState, template: str | None = None) -> bytes:
    """Build the .docx and return its bytes (writing the file is the caller's job)."""
    doc = _base_document(template)
    ctx = Ctx(
        doc=FastDoc(doc),
        styles=st.prepare_styles(doc, templated=template is not None),
        numbers=citation_numbers(state),
        charts=_render_charts(state),
        captions=caption_labels(state),
        text_width=_text_width(doc),
        table_pt=_table_pt(doc),
    )
    _title_page(ctx, state)
    summary_page(ctx, state)
    _contents(ctx, state)
    for index, section in enumerate(state.sections):
        _section(ctx, section, index)
    references_section(ctx, state)
    appendix(ctx, state)
    page_numbers(doc)
    set_update_fields(doc)
    core_properties(doc, state)
    custom_properties(doc, custom_values(state))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------- base and charts
def _base_document(template: str | None) -> DocxDocument:
    """A fresh document, or the template with its body emptied (styles, headers kept)."""
    doc = _open_template(template) if template else Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _open_template(path: str) -> DocxDocument:
    """The corporate template, or a ConfigError naming the file (never a traceback)."""
    hint = "pass a Word .docx file (not .dotx/.doc) with --docx-template, or leave it out"
    if not Path(path).is_file():
        raise ConfigError(f"docx template not found: {path}", hint=hint)
    try:
        return Document(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise ConfigError(f"docx template {path} is not a Word document ({err})", hint=hint) from None


def _text_width(doc: DocxDocument) -> int:
    section = doc.sections[0]
    try:
        width = section.page_width - section.left_margin - section.right_margin
    except TypeError:  # a template section without page size or margins
        return MAX_FIGURE_WIDTH
    return width if width > Inches(2) else MAX_FIGURE_WIDTH


def _table_pt(doc: DocxDocument) -> float:
    """Tables fit the text width on A4 and on Letter portrait (whichever is narrower)."""
    section = doc.sections[0]
    text = _text_width(doc) / 12700
    try:
        return min(text, narrowest_text_pt(section.left_margin, section.right_margin))
    except TypeError:  # a template section without margins
        return text


def _render_charts(state: DocumentState) -> dict[str, bytes]:
    blocks = [b for _, b in state.blocks() if isinstance(b.content, ChartContent) and b.status != "failed"]
    pngs = chart_pngs([b.content for b in blocks], dpi=CHART_DPI)  # type: ignore[misc]
    return {b.id: png for b, png in zip(blocks, pngs, strict=True)}


# -------------------------------------------------------------------------- title page
def _title_page(ctx: Ctx, state: DocumentState) -> None:
    doc = ctx.doc
    doc.add_paragraph(state.title, style=st.TITLE)
    doc.add_paragraph("Model documentation", style=st.SUBTITLE)
    facts = [
        ("Authors", state.authors or "—"),
        ("Date", _doc_date(state)),
        ("Document version", state.version),
    ]
    for label, value in facts:
        para = doc.add_paragraph()
        para.add_run(f"{label}: ").bold = True
        para.add_run(value)
    if state.models_covered:
        doc.add_paragraph("Models covered", style=st.HEADINGS[3]).paragraph_format.keep_with_next = True
        rows = [model_row(m) for m in state.models_covered]
        simple_table(ctx, ["Model", "Versions", "Aliases"], rows)
    for note in state.notes:
        doc.add_paragraph(note, style=st.NOTE)
    page_break(doc)


def _doc_date(state: DocumentState) -> str:
    stamp = state.provenance.generated_at if state.provenance else None
    if stamp:
        try:
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            return stamp
    return datetime.now().date().isoformat()


def _contents(ctx: Ctx, state: DocumentState) -> None:
    """A TOC field, pre-filled with linked headings so it reads well before any update.

    Word refreshes it on open (updateFields) and adds page numbers; LibreOffice shows the
    pre-filled entries until the user updates the index.
    """
    doc = ctx.doc
    doc.add_paragraph("Contents", style=st.TOC_HEADING)
    entries = [(1, SUMMARY, summary_index(state))] if state.summary or state.gaps else []
    entries += [(s.level, f"{s.number} {s.heading}", i) for i, s in enumerate(state.sections)]
    entries += [(1, REFERENCES, len(state.sections)), (1, APPENDIX, len(state.sections) + 1)]
    first = doc.add_paragraph(style=st.TOC_LEVELS[1])
    field_char(first, "begin")
    instr(first, TOC_INSTRUCTION)
    field_char(first, "separate")
    para = first
    for i, (level, text, index) in enumerate(entries):
        if i:
            para = doc.add_paragraph(style=st.TOC_LEVELS[min(level, 3)])
        internal_link(para, anchor(index), text)
    field_char(para, "end")
    page_break(doc)


# ----------------------------------------------------------------------------- sections
def _section(ctx: Ctx, section: Section, index: int) -> None:
    heading(ctx, f"{section.number} {section.heading}", min(section.level, 2), index)
    if section.is_container:
        return
    if section.error or (not section.blocks and section.status == "failed"):
        notice(ctx, f"⚠ This section could not be completed: {section.error or 'no blocks were generated'}")
    elif not section.blocks:
        notice(ctx, "⚠ No content was generated for this section.")
    for block in section.blocks:
        _block(ctx, block)


def _block(ctx: Ctx, block: Block) -> None:
    title = getattr(block.plan, "title", None)
    content = block.content
    if title and block.plan.type in ("narrative", "list"):
        ctx.doc.add_paragraph(title, style=st.HEADINGS[3])
    if block.status == "failed" or content is None:
        _failed_notice(ctx, block)
        return
    if isinstance(content, NarrativeContent):
        _narrative(ctx, content.text, block.flags)
    elif isinstance(content, ListContent):
        _list(ctx, content, block.flags)
    elif isinstance(content, TableContent):
        table(ctx, block, content)
    elif isinstance(content, ChartContent):
        chart(ctx, block, content)
    elif isinstance(content, ImageContent):
        image(ctx, block, content)
    if block.flags:
        _flag_note(ctx, block.flags)


def _failed_notice(ctx: Ctx, block: Block) -> None:
    what = getattr(block.plan, "title", None) or f"{block.plan.type} block"
    if block.status == "failed":
        reason = block.error or "generation failed"
        notice(ctx, f"⚠ Not generated: {what} ({block.id}). Reason: {reason}")
    else:
        notice(ctx, f"⚠ Not generated yet: {what} ({block.id}), status {block.status}.")


def _flag_note(ctx: Ctx, flags: list[FigureFlag]) -> None:
    para = ctx.doc.add_paragraph(style=st.FLAG_NOTE)
    run = para.add_run(f"⚠ Check before use: {flag_sentence(flags)}")
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


# --------------------------------------------------------------------------- narrative
def _narrative(ctx: Ctx, text: str, flags: list[FigureFlag]) -> None:
    flag_re = flag_regex(flags)
    for para in parse_narrative(text):
        style = {"bullet": st.BULLET, "number": st.NUMBERED, "heading": st.HEADINGS[3]}.get(
            para.kind, st.BODY
        )
        out = ctx.doc.add_paragraph(style=style)
        add_spans(ctx, out, para.spans, flag_re)


def _list(ctx: Ctx, content: ListContent, flags: list[FigureFlag]) -> None:
    flag_re = flag_regex(flags)
    for item in content.items:
        spans, extra = list_item_spans(item)
        if extra:
            spans.append(Span(" "))
            spans.append(Span(ids=extra))
        add_spans(ctx, ctx.doc.add_paragraph(style=st.BULLET), spans, flag_re)


# ---------------------------------------------------------------------- tables, figures


# ------------------------------------------------------------------ references, appendix


# ------------------------------------------------------------------------ fields, links


# -------------------------------------------------------------------------- properties
