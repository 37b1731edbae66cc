"""The Word document, built from a `DocumentState` alone.

Layout: title page (title, authors, date, version, models covered), table of contents
field, numbered sections, References, and a provenance appendix with the flagged figures
and failed blocks. Tables and charts are drawn from the values our code copied from
evidence; citations become numbered references resolved in the References section.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from autodoc import __version__
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
from autodoc.render.figures import caption_labels, image_bytes
from autodoc.render.format import format_cell, is_numeric, model_row
from autodoc.render.provenance import provenance_rows
from autodoc.render.text import (
    Span,
    block_citations,
    citation_numbers,
    cite_label,
    flag_regex,
    flag_sentence,
    list_item_spans,
    parse_narrative,
    references,
)

CHART_DPI = 200
MAX_FIGURE_WIDTH = Inches(6.3)  # charts and images: the text width, at most this
REFERENCES = "References"
APPENDIX = "Appendix: Provenance"
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_NSMAP = {None: _CUSTOM_NS, "vt": _VT_NS}


class _FastDoc:
    """The document with style ids resolved once.

    python-docx looks a style name up by scanning every style on each paragraph; with a
    few hundred paragraphs that dominated the build time.
    """

    def __init__(self, doc: DocxDocument) -> None:
        self._doc = doc
        self._ids: dict[str, str] = {}

    def __getattr__(self, name: str):
        return getattr(self._doc, name)

    def style_id(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = self._doc.styles[name].style_id
        return self._ids[name]

    def add_paragraph(self, text: str = "", style: str | None = None) -> DocxParagraph:
        para = self._doc.add_paragraph(text)
        if style:
            para._p.style = self.style_id(style)
        return para


@dataclass
class _Ctx:
    """What the writer carries through the document."""

    doc: _FastDoc
    styles: st.StyleSet
    numbers: dict[str, int]
    charts: dict[str, bytes]  # block id -> PNG
    captions: dict[str, str]  # block id -> "Table 3" / "Figure 2"
    text_width: int  # EMU between the margins of the first page section


def render_docx(state: DocumentState, template: str | None = None) -> bytes:
    """Build the .docx and return its bytes (writing the file is the caller's job)."""
    doc = _base_document(template)
    ctx = _Ctx(
        doc=_FastDoc(doc),
        styles=st.prepare_styles(doc, templated=template is not None),
        numbers=citation_numbers(state),
        charts=_render_charts(state),
        captions=caption_labels(state),
        text_width=_text_width(doc),
    )
    _title_page(ctx, state)
    _contents(ctx, state)
    for index, section in enumerate(state.sections):
        _section(ctx, section, index)
    _references(ctx, state)
    _appendix(ctx, state)
    _page_numbers(doc)
    _set_update_fields(doc)
    _core_properties(doc, state)
    _custom_properties(doc, _custom_values(state))
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


def _render_charts(state: DocumentState) -> dict[str, bytes]:
    blocks = [b for _, b in state.blocks() if isinstance(b.content, ChartContent) and b.status != "failed"]
    pngs = chart_pngs([b.content for b in blocks], dpi=CHART_DPI)  # type: ignore[misc]
    return {b.id: png for b, png in zip(blocks, pngs, strict=True)}


# -------------------------------------------------------------------------- title page
def _title_page(ctx: _Ctx, state: DocumentState) -> None:
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
        _simple_table(ctx, ["Model", "Versions", "Aliases"], rows)
    for note in state.notes:
        doc.add_paragraph(note, style=st.NOTE)
    _page_break(doc)


def _doc_date(state: DocumentState) -> str:
    stamp = state.provenance.generated_at if state.provenance else None
    if stamp:
        try:
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            return stamp
    return datetime.now().date().isoformat()


def _contents(ctx: _Ctx, state: DocumentState) -> None:
    """A TOC field, pre-filled with linked headings so it reads well before any update.

    Word refreshes it on open (updateFields) and adds page numbers; LibreOffice shows the
    pre-filled entries until the user updates the index.
    """
    doc = ctx.doc
    doc.add_paragraph("Contents", style=st.TOC_HEADING)
    entries = [(s.level, f"{s.number} {s.heading}") for s in state.sections]
    entries += [(1, REFERENCES), (1, APPENDIX)]
    first = doc.add_paragraph(style=st.TOC_LEVELS[1])
    _field_char(first, "begin")
    _instr(first, TOC_INSTRUCTION)
    _field_char(first, "separate")
    para = first
    for i, (level, text) in enumerate(entries):
        if i:
            para = doc.add_paragraph(style=st.TOC_LEVELS[min(level, 3)])
        _internal_link(para, _anchor(i), text)
    _field_char(para, "end")
    _page_break(doc)


def _anchor(index: int) -> str:
    """Bookmark name of the index-th heading listed in the contents."""
    return f"_Toc_autodoc_{index}"


def _heading(ctx: _Ctx, text: str, level: int, index: int) -> None:
    """A heading with a bookmark the contents links to."""
    para = ctx.doc.add_paragraph(style=st.HEADINGS[level])
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(index))
    start.set(qn("w:name"), _anchor(index))
    para._p.append(start)
    para.add_run(text)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(index))
    para._p.append(end)


def _internal_link(para: DocxParagraph, anchor: str, text: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    para._p.append(link)


# ----------------------------------------------------------------------------- sections
def _section(ctx: _Ctx, section: Section, index: int) -> None:
    _heading(ctx, f"{section.number} {section.heading}", min(section.level, 2), index)
    if section.is_container:
        return
    if section.error or (not section.blocks and section.status == "failed"):
        _notice(ctx, f"⚠ This section could not be completed: {section.error or 'no blocks were generated'}")
    elif not section.blocks:
        _notice(ctx, "⚠ No content was generated for this section.")
    for block in section.blocks:
        _block(ctx, block)


def _block(ctx: _Ctx, block: Block) -> None:
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
        _table(ctx, block, content)
    elif isinstance(content, ChartContent):
        _chart(ctx, block, content)
    elif isinstance(content, ImageContent):
        _image(ctx, block, content)
    if block.flags:
        _flag_note(ctx, block.flags)


def _failed_notice(ctx: _Ctx, block: Block) -> None:
    what = getattr(block.plan, "title", None) or f"{block.plan.type} block"
    if block.status == "failed":
        reason = block.error or "generation failed"
        _notice(ctx, f"⚠ Not generated: {what} ({block.id}). Reason: {reason}")
    else:
        _notice(ctx, f"⚠ Not generated yet: {what} ({block.id}), status {block.status}.")


def _notice(ctx: _Ctx, text: str) -> None:
    ctx.doc.add_paragraph(text, style=st.NOTICE)


def _flag_note(ctx: _Ctx, flags: list[FigureFlag]) -> None:
    para = ctx.doc.add_paragraph(style=st.FLAG_NOTE)
    run = para.add_run(f"⚠ Check before use: {flag_sentence(flags)}")
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


# --------------------------------------------------------------------------- narrative
def _narrative(ctx: _Ctx, text: str, flags: list[FigureFlag]) -> None:
    flag_re = flag_regex(flags)
    for para in parse_narrative(text):
        style = {"bullet": st.BULLET, "number": st.NUMBERED, "heading": st.HEADINGS[3]}.get(
            para.kind, st.BODY
        )
        out = ctx.doc.add_paragraph(style=style)
        _add_spans(ctx, out, para.spans, flag_re)


def _list(ctx: _Ctx, content: ListContent, flags: list[FigureFlag]) -> None:
    flag_re = flag_regex(flags)
    for item in content.items:
        spans, extra = list_item_spans(item)
        if extra:
            spans.append(Span(" "))
            spans.append(Span(ids=extra))
        _add_spans(ctx, ctx.doc.add_paragraph(style=st.BULLET), spans, flag_re)


def _add_spans(ctx: _Ctx, para: DocxParagraph, spans: list[Span], flag_re: re.Pattern | None) -> None:
    for span in spans:
        if span.is_citation:
            label = cite_label(span.ids, ctx.numbers)
            if label:
                para.add_run(label).bold = span.bold
            continue
        for text, flagged in _split_flagged(span.text, flag_re):
            run = para.add_run(text)
            if span.code:
                run._r.style = ctx.doc.style_id(st.CODE_CHAR)
            run.bold = span.bold or None
            if flagged:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _split_flagged(text: str, flag_re: re.Pattern | None) -> list[tuple[str, bool]]:
    if flag_re is None:
        return [(text, False)]
    parts: list[tuple[str, bool]] = []
    pos = 0
    for match in flag_re.finditer(text):
        if match.start() > pos:
            parts.append((text[pos : match.start()], False))
        parts.append((match.group(0), True))
        pos = match.end()
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


# ---------------------------------------------------------------------- tables, figures
def _caption(ctx: _Ctx, block: Block, caption: str) -> None:
    label = ctx.captions[block.id]
    refs = cite_label(block_citations(block), ctx.numbers)
    para = ctx.doc.add_paragraph(style=st.CAPTION)
    para.add_run(f"{label}: ").bold = True
    para.add_run(caption + (f" {refs}" if refs else ""))
    if label.startswith("Table"):
        para.paragraph_format.keep_with_next = True  # a table caption sits above its table


def _table(ctx: _Ctx, block: Block, content: TableContent) -> None:
    _caption(ctx, block, content.caption)
    rows = [[format_cell(c.value) for c in row] for row in content.rows]
    numeric = [[is_numeric(c.value) for c in row] for row in content.rows]
    _simple_table(ctx, content.columns, rows, numeric)
    if not content.rows:
        ctx.doc.add_paragraph(
            content.note or "No rows: the evidence holds no values for this table.", style=st.NOTE
        )
    elif content.note:
        ctx.doc.add_paragraph(content.note, style=st.NOTE)


def _simple_table(
    ctx: _Ctx,
    columns: list[str],
    rows: list[list[str]],
    numeric: list[list[bool]] | None = None,
    widths: tuple[float, ...] | None = None,
) -> Table:
    """A table in the document's one table style, with a repeating bold header row."""
    width = max([len(columns), *(len(r) for r in rows)]) or 1
    table = ctx.doc.add_table(rows=1 + len(rows), cols=width)
    if ctx.styles.table:
        table._tbl.tblStyle_val = ctx.doc.style_id(ctx.styles.table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    all_rows = table.rows
    _header_row(ctx, all_rows[0], columns, width)
    for r, values in enumerate(rows):
        cells = all_rows[r + 1].cells
        for c, text in enumerate(values[:width]):
            right = bool(numeric and c < len(numeric[r]) and numeric[r][c])
            _cell_text(cells[c], text, right=right)
    if widths:
        scale = ctx.text_width / Inches(sum(widths))
        _set_widths(table, tuple(w * scale for w in widths))
    ctx.doc.add_paragraph(style=st.NOTE).paragraph_format.space_after = Pt(2)  # breathing room
    return table


def _set_widths(table: Table, widths: tuple[float, ...]) -> None:
    """Fixed column widths in inches (LibreOffice ignores Word's autofit)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Inches(width)  # the grid: what LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Inches(width)


def _header_row(ctx: _Ctx, row, columns: list[str], width: int) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")  # repeat on every page
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for cell, name in zip(row.cells, [*columns, *[""] * (width - len(columns))], strict=False):
        para = cell.paragraphs[0]
        para.add_run(name).bold = True
        if not ctx.styles.templated:
            _shade(cell, st.HEADER_FILL)


def _cell_text(cell, text: str, *, right: bool) -> None:
    para = cell.paragraphs[0]
    para.add_run(text)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _chart(ctx: _Ctx, block: Block, content: ChartContent) -> None:
    png = ctx.charts.get(block.id)
    if png is None:
        return
    para = ctx.doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(io.BytesIO(png), width=min(ctx.text_width, MAX_FIGURE_WIDTH))
    _caption(ctx, block, content.caption)
    if content.note:
        ctx.doc.add_paragraph(content.note, style=st.NOTE)


def _image(ctx: _Ctx, block: Block, content: ImageContent) -> None:
    blob = image_bytes(content)
    if blob is None:
        _notice(
            ctx,
            f"⚠ Image not available: {content.caption} ({content.artifact_id}). "
            + (content.note or "The artifact could not be fetched or is not a supported image."),
        )
        return
    width = min(DocxImage.from_blob(blob).width, ctx.text_width, MAX_FIGURE_WIDTH)
    para = ctx.doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(io.BytesIO(blob), width=width)
    _caption(ctx, block, content.caption)
    if content.note:
        ctx.doc.add_paragraph(content.note, style=st.NOTE)


# ------------------------------------------------------------------ references, appendix
def _references(ctx: _Ctx, state: DocumentState) -> None:
    doc = ctx.doc
    _page_break(doc)
    _heading(ctx, REFERENCES, 1, len(state.sections))
    refs = references(state)
    if not refs:
        doc.add_paragraph("No evidence was cited.", style=st.NOTE)
    for ref in refs:
        para = doc.add_paragraph(style=st.REFERENCE)
        para.add_run(f"[{ref.number}]\t")
        para.add_run(ref.text)
        if ref.link:
            para.add_run(" ")
            _hyperlink(para, ref.link, ref.link)
        para.add_run(f" ({ref.evidence_id})").font.size = Pt(8)


def _appendix(ctx: _Ctx, state: DocumentState) -> None:
    doc = ctx.doc
    _heading(ctx, APPENDIX, 1, len(state.sections) + 1)
    doc.add_paragraph(
        "How this document was produced. Every figure in the tables and charts was copied from the "
        "evidence listed in the References; text was written by the provider named below."
    )
    _simple_table(ctx, ["Item", "Value"], provenance_rows(state), widths=(2.0, 4.3))
    prov = state.provenance
    if prov and (prov.runs_used or prov.model_versions_used):
        doc.add_paragraph("Runs and model versions used", style=st.HEADINGS[2])
        rows = [["Model version", mv] for mv in prov.model_versions_used]
        rows += [["Run", run] for run in prov.runs_used]
        _simple_table(ctx, ["Kind", "Identifier"], rows, widths=(1.5, 4.8))
    if prov and prov.library_versions:
        doc.add_paragraph("Library versions", style=st.HEADINGS[2])
        _simple_table(ctx, ["Library", "Version"], [[k, v] for k, v in sorted(prov.library_versions.items())])
    _flagged_list(ctx, state)
    _failed_list(ctx, state)


def _flagged_list(ctx: _Ctx, state: DocumentState) -> None:
    rows = [
        [f"{sec.number} {sec.heading}", blk.id, flag.figure, flag.context, flag.reason]
        for sec, blk in state.flagged()
        for flag in blk.flags
    ]
    columns = ["Section", "Block", "Figure", "Context", "Reason"]
    none = "None: every figure in the text matched an evidence value."
    _listing(ctx, "Flagged figures", none, columns, rows, (1.3, 1.5, 0.7, 1.8, 1.0))


def _failed_list(ctx: _Ctx, state: DocumentState) -> None:
    rows = [
        [f"{sec.number} {sec.heading}", "(whole section)", sec.error or "failed"]
        if blk is None
        else [f"{sec.number} {sec.heading}", blk.id, blk.error or "failed"]
        for sec, blk in state.failed()
    ]
    none = "None: every planned block was generated."
    _listing(ctx, "Failed blocks", none, ["Section", "Block", "Error"], rows, (1.6, 1.7, 3.0))


def _listing(
    ctx: _Ctx, heading: str, none: str, columns: list[str], rows: list[list[str]], widths: tuple[float, ...]
) -> None:
    """An appendix subsection: its table, or the sentence saying there is nothing to list."""
    ctx.doc.add_paragraph(heading, style=st.HEADINGS[2])
    if not rows:
        ctx.doc.add_paragraph(none)
        return
    _simple_table(ctx, columns, rows, widths=widths)


# ------------------------------------------------------------------------ fields, links
def _field_char(para: DocxParagraph, kind: str) -> None:
    run = para.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        char.set(qn("w:dirty"), "true")  # ask Word to refresh it on open
    run._r.append(char)


def _instr(para: DocxParagraph, instruction: str) -> None:
    run = para.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)


def _simple_field(para: DocxParagraph, instruction: str, placeholder: str) -> None:
    _field_char(para, "begin")
    _instr(para, instruction)
    _field_char(para, "separate")
    para.add_run(placeholder)
    _field_char(para, "end")


def _hyperlink(para: DocxParagraph, url: str, text: str) -> None:
    r_id = para.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    r_pr.append(style)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    r_pr.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    r_pr.append(underline)
    run.append(r_pr)
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    para._p.append(link)


def _page_break(doc: _FastDoc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _page_numbers(doc: DocxDocument) -> None:
    """A centred page number in the footer, unless the template has its own footer."""
    for section in doc.sections:
        footer = section.footer
        if any(p.text.strip() for p in footer.paragraphs) or footer.tables:
            continue
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _simple_field(para, "PAGE", "1")


def _set_update_fields(doc: DocxDocument) -> None:
    """Tell Word/LibreOffice to refresh fields (the TOC) when the document is opened."""
    settings = doc.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is None:
        existing = OxmlElement("w:updateFields")
        settings.append(existing)
    existing.set(qn("w:val"), "true")


# -------------------------------------------------------------------------- properties
def _core_properties(doc: DocxDocument, state: DocumentState) -> None:
    props = doc.core_properties
    props.title = state.title
    props.author = state.authors or "autodoc"
    names = [str(m.get("name")) for m in state.models_covered if m.get("name")]
    props.subject = "Model documentation" + (f": {', '.join(names)}" if names else "")
    props.keywords = "model documentation; model risk; MLflow"
    props.comments = f"Generated by autodoc {__version__}"
    props.last_modified_by = "autodoc"
    props.revision = 1
    stamp = _generated_at(state)
    if stamp:
        props.created = stamp
        props.modified = stamp


def _generated_at(state: DocumentState) -> datetime | None:
    if not state.provenance:
        return None
    try:
        return datetime.fromisoformat(state.provenance.generated_at.replace("Z", "+00:00"))
    except ValueError:
        return None


def _custom_values(state: DocumentState) -> dict[str, str]:
    prov = state.provenance
    return {
        "autodoc generator version": prov.generator_version if prov else __version__,
        "autodoc spec hash": prov.spec_hash if prov else "",
        "autodoc code commit": (prov.code_commit or "none") if prov else "none",
        "autodoc generated at": prov.generated_at if prov else "",
    }


def custom_properties_xml(values: dict[str, str], existing: bytes | None = None) -> bytes:
    """The docProps/custom.xml part: our string properties, plus a template's other ones."""
    root = (
        etree.fromstring(existing) if existing else etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap=_NSMAP)
    )
    for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
        if prop.get("name") in values:
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root] + [1])
    for name, value in values.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _custom_properties(doc: DocxDocument, values: dict[str, str]) -> None:
    """python-docx has no custom-properties API: add (or update) the part ourselves."""
    package = doc.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES and not rel.is_external:
            part = rel.target_part  # a template's own custom.xml: keep its other properties
            part._blob = custom_properties_xml(values, part.blob)
            return
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPS_CT, custom_properties_xml(values), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)
