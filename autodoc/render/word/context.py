"""What the Word writer carries through the document, and the small writes every part uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from autodoc.render import styles as st
from autodoc.render.text import Span, cite_label


class FastDoc:
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
class Ctx:
    """What the writer carries through the document."""

    doc: FastDoc
    styles: st.StyleSet
    numbers: dict[str, int]
    charts: dict[str, bytes]  # block id -> PNG
    captions: dict[str, str]  # block id -> "Table 3" / "Figure 2"
    text_width: int  # EMU between the margins of the first page section
    table_pt: float  # width tables are laid out for: the text width on A4 or Letter, whichever is narrower


def anchor(index: int) -> str:
    """Bookmark name of the index-th heading listed in the contents."""
    return f"_Toc_autodoc_{index}"


def heading(ctx: Ctx, text: str, level: int, index: int) -> None:
    """A heading with a bookmark the contents links to."""
    para = ctx.doc.add_paragraph(style=st.HEADINGS[level])
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(index))
    start.set(qn("w:name"), anchor(index))
    para._p.append(start)
    para.add_run(text)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(index))
    para._p.append(end)


def notice(ctx: Ctx, text: str) -> None:
    ctx.doc.add_paragraph(text, style=st.NOTICE)


def add_spans(ctx: Ctx, para: DocxParagraph, spans: list[Span], flag_re: re.Pattern | None) -> None:
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
