"""Tables, charts and images with their captions."""

from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import Table

from autodoc.document import (
    Block,
    ChartContent,
    ImageContent,
    TableContent,
)
from autodoc.render import styles as st
from autodoc.render.figures import empty_chart_words, empty_table_words, has_points, image_bytes
from autodoc.render.format import distinct_columns, is_numeric
from autodoc.render.measure import BODY_PT
from autodoc.render.text import (
    block_citations,
    cite_label,
)
from autodoc.render.word.context import Ctx, notice
from autodoc.render.word.layout import lay_out

MAX_FIGURE_WIDTH = Inches(6.3)  # charts and images: the text width, at most this


def caption(ctx: Ctx, block: Block, caption: str) -> None:
    label = ctx.captions[block.id]
    refs = cite_label(block_citations(block), ctx.numbers)
    para = ctx.doc.add_paragraph(style=st.CAPTION)
    para.add_run(f"{label}: ").bold = True
    para.add_run(caption + (f" {refs}" if refs else ""))
    if label.startswith("Table"):
        para.paragraph_format.keep_with_next = True  # a table caption sits above its table


def table(ctx: Ctx, block: Block, content: TableContent) -> None:
    if not content.rows:  # no numbered, empty table: the note says why, under the table's title
        ctx.doc.add_paragraph(empty_table_words(content), style=st.NOTE)
        return
    caption(ctx, block, content.caption)
    rows = distinct_columns([[c.value for c in row] for row in content.rows])
    numeric = [[is_numeric(c.value) for c in row] for row in content.rows]
    simple_table(ctx, content.columns, rows, numeric)
    if content.note:
        ctx.doc.add_paragraph(content.note, style=st.NOTE)


def simple_table(
    ctx: Ctx,
    columns: list[str],
    rows: list[list[str]],
    numeric: list[list[bool]] | None = None,
    widths: tuple[float, ...] | None = None,
) -> Table:
    """A table in the document's one table style, with a repeating bold header row."""
    width = max([len(columns), *(len(r) for r in rows)]) or 1
    columns = [*columns, *[""] * (width - len(columns))]
    header_pt = None
    if not widths:  # from the content: no header breaks mid-word, long cells get the room
        layout = lay_out(columns, rows, numeric, ctx.table_pt)
        columns, rows, numeric = layout.columns, layout.rows, layout.numeric
        width = len(columns)
        widths = tuple(w / 72 for w in layout.widths_pt)
        header_pt = layout.header_pt if layout.header_pt < BODY_PT else None
    table = ctx.doc.add_table(rows=1 + len(rows), cols=width)
    if ctx.styles.table:
        table._tbl.tblStyle_val = ctx.doc.style_id(ctx.styles.table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    all_rows = table.rows
    _header_row(ctx, all_rows[0], columns, header_pt)
    for r, values in enumerate(rows):
        cells = all_rows[r + 1].cells
        for c, text in enumerate(values[:width]):
            right = bool(numeric and c < len(numeric[r]) and numeric[r][c])
            _cell_text(cells[c], text, right=right)
    scale = ctx.table_pt / 72 / sum(widths)
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


def _header_row(ctx: Ctx, row, columns: list[str], size: float | None) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")  # repeat on every page
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for cell, name in zip(row.cells, columns, strict=False):
        para = cell.paragraphs[0]
        run = para.add_run(name)
        run.bold = True
        if size:
            run.font.size = Pt(size)
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


def chart(ctx: Ctx, block: Block, content: ChartContent) -> None:
    png = ctx.charts.get(block.id)
    if not has_points(content):  # no figure without a point: the note says why, under the chart's title
        ctx.doc.add_paragraph(empty_chart_words(content), style=st.NOTE)
        return
    if png is None:
        return
    para = ctx.doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(io.BytesIO(png), width=min(ctx.text_width, MAX_FIGURE_WIDTH))
    caption(ctx, block, content.caption)
    if content.note:
        ctx.doc.add_paragraph(content.note, style=st.NOTE)


def image(ctx: Ctx, block: Block, content: ImageContent) -> None:
    blob = image_bytes(content)
    if blob is None:
        notice(
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
    caption(ctx, block, content.caption)
    if content.note:
        ctx.doc.add_paragraph(content.note, style=st.NOTE)
