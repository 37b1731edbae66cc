"""Word fields (contents, page numbers), bookmark links, hyperlinks, page breaks: OOXML python-docx lacks."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from autodoc.render.word.context import FastDoc


def field_char(para: DocxParagraph, kind: str) -> None:
    run = para.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        char.set(qn("w:dirty"), "true")  # ask Word to refresh it on open
    run._r.append(char)


def instr(para: DocxParagraph, instruction: str) -> None:
    run = para.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)


def _simple_field(para: DocxParagraph, instruction: str, placeholder: str) -> None:
    field_char(para, "begin")
    instr(para, instruction)
    field_char(para, "separate")
    para.add_run(placeholder)
    field_char(para, "end")


def hyperlink(para: DocxParagraph, url: str, text: str) -> None:
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


def internal_link(para: DocxParagraph, anchor: str, text: str) -> None:
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


def page_break(doc: FastDoc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def page_numbers(doc: DocxDocument) -> None:
    """A centred page number in the footer, unless the template has its own footer."""
    for section in doc.sections:
        footer = section.footer
        if any(p.text.strip() for p in footer.paragraphs) or footer.tables:
            continue
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _simple_field(para, "PAGE", "1")


def set_update_fields(doc: DocxDocument) -> None:
    """Tell Word/LibreOffice to refresh fields (the TOC) when the document is opened."""
    settings = doc.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is None:
        existing = OxmlElement("w:updateFields")
        settings.append(existing)
    existing.set(qn("w:val"), "true")
