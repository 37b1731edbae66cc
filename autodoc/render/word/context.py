"""What the Word writer carries through the document, and the small writes every part uses."""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from autodoc.render import styles as st


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
