"""Every style the Word document uses, defined in one place.

Without a template, our look is applied to the built-in styles of python-docx's default
document. With a corporate template (`--docx-template`), the template's styles win: we only
add the styles it lacks, so its fonts, colours, heading and table styles are used.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Calibri"
CODE_FONT = "Consolas"
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE6F1"  # table header row shading
NOTICE_FILL = "FBE5D6"  # failed-block notice background
FLAG_FILL = "FFF2CC"  # flagged-figure note background

# Style names the renderer uses (built-in names so templates can restyle them).
TITLE = "Title"
SUBTITLE = "Subtitle"
HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
BODY = "Normal"
BULLET = "List Bullet"
NUMBERED = "List Number"
CAPTION = "Caption"
TOC_HEADING = "TOC Heading"
TOC_LEVELS = {1: "TOC 1", 2: "TOC 2", 3: "TOC 3"}
# Our own styles (added to a template when missing).
NOTICE = "autodoc Notice"
FLAG_NOTE = "autodoc Flag Note"
REFERENCE = "autodoc Reference"
NOTE = "autodoc Note"
CODE_CHAR = "autodoc Code"
TABLE_STYLE_CANDIDATES = ("autodoc Table", "Table Grid")  # first one the document has wins


@dataclass(frozen=True)
class StyleSet:
    """The resolved styles for one document."""

    table: str
    templated: bool  # True when a corporate template supplies the look


def prepare_styles(doc: DocxDocument, *, templated: bool) -> StyleSet:
    """Make sure every style exists; restyle built-ins only when no template is used."""
    if not templated:
        _apply_house_look(doc)
    _ensure_paragraph_styles(doc)
    _ensure_code_char(doc)
    return StyleSet(table=_table_style(doc), templated=templated)


def _has(doc: DocxDocument, name: str) -> bool:
    try:
        doc.styles[name]
    except KeyError:
        return False
    return True


def _apply_house_look(doc: DocxDocument) -> None:
    normal = doc.styles[BODY]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    sizes = {1: 16, 2: 13, 3: 11.5}
    for level, name in HEADINGS.items():
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(sizes[level])
        style.font.bold = True
        style.font.color.rgb = ACCENT
        style.paragraph_format.space_before = Pt(16 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    title = doc.styles[TITLE]
    title.font.name = FONT
    title.font.size = Pt(28)
    title.font.color.rgb = ACCENT
    subtitle = doc.styles[SUBTITLE]
    subtitle.font.name = FONT
    subtitle.font.color.rgb = MUTED
    caption = doc.styles[CAPTION]
    caption.font.name = FONT
    caption.font.size = Pt(9)
    caption.font.italic = True
    caption.font.bold = False
    caption.font.color.rgb = MUTED


def _ensure_paragraph_styles(doc: DocxDocument) -> None:
    for name in (TITLE, SUBTITLE, CAPTION, BULLET, NUMBERED, *HEADINGS.values()):
        if not _has(doc, name):  # a sparse template: fall back to a plain derived style
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = doc.styles[BODY]
    if not _has(doc, TOC_HEADING):
        style = doc.styles.add_style(TOC_HEADING, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[HEADINGS[1]]
    for level, name in TOC_LEVELS.items():
        if not _has(doc, name):
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = doc.styles[BODY]
            style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            style.paragraph_format.space_after = Pt(2)
    _ensure_box(doc, NOTICE, NOTICE_FILL)
    _ensure_box(doc, FLAG_NOTE, FLAG_FILL)
    if not _has(doc, REFERENCE):
        style = doc.styles.add_style(REFERENCE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[BODY]
        style.paragraph_format.left_indent = Cm(1.0)
        style.paragraph_format.first_line_indent = Cm(-1.0)
        style.paragraph_format.space_after = Pt(3)
        style.font.size = Pt(9.5)
    if not _has(doc, NOTE):
        style = doc.styles.add_style(NOTE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[BODY]
        style.font.size = Pt(9)
        style.font.italic = True
        style.font.color.rgb = MUTED


def _ensure_box(doc: DocxDocument, name: str, fill: str) -> None:
    """A shaded, bordered paragraph style for notices that must not be overlooked."""
    if _has(doc, name):
        return
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[BODY]
    style.font.bold = True
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "6")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), "C00000" if fill == NOTICE_FILL else "BF9000")
        borders.append(edge)
    ppr.append(borders)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    ppr.append(shading)


def _ensure_code_char(doc: DocxDocument) -> None:
    if _has(doc, CODE_CHAR):
        return
    style = doc.styles.add_style(CODE_CHAR, WD_STYLE_TYPE.CHARACTER)
    style.font.name = CODE_FONT
    style.font.size = Pt(9.5)


def _table_style(doc: DocxDocument) -> str:
    for name in TABLE_STYLE_CANDIDATES:
        if _has(doc, name):
            return name
    return _add_grid_table_style(doc, TABLE_STYLE_CANDIDATES[0])


def _add_grid_table_style(doc: DocxDocument, name: str) -> str:
    """A plain bordered table style, for templates that carry no table style at all."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.base_style = None
    tbl_pr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "auto")
        borders.append(edge)
    tbl_pr.append(borders)
    style.element.append(tbl_pr)
    return name
