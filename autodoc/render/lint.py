"""A document check a validator would run first: `lint_docx(bytes) -> [Finding]`.

It reads a built .docx (ours or any other) and reports what a reader would send back:
- ``repeated``: a paragraph of 20 or more words that appears twice (citation labels ignored);
- ``markup``: raw markup left in the text (``[[id]]`` citations, ``**``, backticks);
- ``code``: an unresolved code expression (``params[``, ``split[``, ``= None``) in prose or a cell;
- ``cut``: a table value cut with "…";
- ``empty``: a section with nothing under its heading, not even the sentence saying why;
- ``caption``: a table or figure in a numbered section without a caption naming its source;
- ``header``: a table header word wider than its column on A4 or Letter portrait (it breaks mid-word).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn

from autodoc.render.measure import BODY_PT, BREAK, CELL_PADDING_PT, longest_part_pt, narrowest_text_pt

RULES = ("repeated", "markup", "code", "cut", "empty", "caption", "header")
REPEAT_WORDS = 20
_CITATION = re.compile(r"\[\d+(?:[–,\-\s]+\d+)*\]")
_MARKUP = re.compile(r"\[\[|\]\]|\*\*|`")
_CODE = re.compile(r"\b(?:params|split|config|cfg|args|kwargs)\[|\w\[[\"']|\s=\s*None\b")
_STOP_HEADINGS = ("References", "Appendix: Provenance")


@dataclass(frozen=True)
class Finding:
    rule: str
    where: str
    detail: str

    def line(self) -> str:
        return f"{self.rule}: {self.where}: {self.detail}"


def lint_docx(data: bytes) -> list[Finding]:
    """Every finding in the document, in reading order."""
    doc = Document(io.BytesIO(data))
    walker = _Walker(_narrowest_text_pt(doc))
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            walker.paragraph(child)
        elif child.tag == qn("w:tbl"):
            walker.table(child)
    walker.close_section()
    return walker.findings


def _narrowest_text_pt(doc) -> float:
    sec = doc.sections[0]
    return narrowest_text_pt(sec.left_margin or 0, sec.right_margin or 0)


# ------------------------------------------------------------------------------ walker
class _Walker:
    """Reads the body in order, tracking the section each paragraph and table is in."""

    def __init__(self, text_pt: float) -> None:
        self.text_pt = text_pt
        self.findings: list[Finding] = []
        self.heading = "the title page"
        self.level = 0
        self.in_body = False  # inside the numbered sections (not the title page, contents, appendix)
        self.content = 0  # paragraphs and tables under the current heading
        self.seen: dict[str, str] = {}
        self.last: tuple[str, str] = ("", "")  # previous paragraph's (style, text)
        self.tables = 0
        self.figure_pending: str | None = None

    def add(self, rule: str, detail: str, where: str | None = None) -> None:
        self.findings.append(Finding(rule, where or self.heading, detail))

    def paragraph(self, p) -> None:
        style = _style(p)
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        level = _heading_level(style)
        if level:
            self._heading(text.strip(), level)
            return
        if self.figure_pending is not None:
            self._figure_caption(style, text)
        if p.find(".//" + qn("w:drawing")) is not None:
            self.content += 1
            self.figure_pending = self.heading if self.in_body else None
        elif text.strip():
            self.content += 1
            self._text(text, style)
        self.last = (style, text)

    def table(self, tbl) -> None:
        self.tables += 1
        self.content += 1
        where = f"{self.heading}, table {self.tables}"
        style, caption = self.last
        if self.in_body and not (_is_caption(style) and _cites(caption)):
            self.add("caption", "a table without a caption naming its source", where)
        rows = tbl.findall(qn("w:tr"))
        for r, row in enumerate(rows):
            for cell in row.findall(qn("w:tc")):
                text = "".join(t.text or "" for t in cell.iter(qn("w:t")))
                self._cell(text, where, header=r == 0)
        if rows:
            self._header_widths(tbl, rows[0], where)
        self.last = ("table", "")

    # --------------------------------------------------------------------------- rules
    def _heading(self, text: str, level: int) -> None:
        if self.figure_pending is not None:
            self.add("caption", "a figure without a caption naming its source", self.figure_pending)
            self.figure_pending = None
        self.close_section(next_level=level)
        self.heading, self.level, self.content = text, level, 0
        self.in_body = bool(re.match(r"\d+(\.\d+)*\s", text)) and text not in _STOP_HEADINGS
        self.last = ("heading", text)

    def close_section(self, next_level: int = 1) -> None:
        # a heading followed by a deeper heading is a container: its subsections hold the text
        if self.in_body and self.content == 0 and next_level <= self.level:
            self.add("empty", "nothing under the heading, not even a sentence saying why")

    def _figure_caption(self, style: str, text: str) -> None:
        if not (_is_caption(style) and _cites(text)):
            self.add("caption", "a figure without a caption naming its source", self.figure_pending)
        self.figure_pending = None

    def _text(self, text: str, style: str) -> None:
        for rule, rx, what in (("markup", _MARKUP, "raw markup"), ("code", _CODE, "a code expression")):
            hit = rx.search(text)
            if hit:
                self.add(rule, f"{what} {_around(text, hit)}")
        if _is_caption(style):
            return
        words = _CITATION.sub("", text).split()
        if len(words) >= REPEAT_WORDS:
            key = " ".join(w.lower() for w in words)
            if key in self.seen:
                self.add("repeated", f"also in {self.seen[key]}: \u201c{' '.join(words[:12])} …\u201d")
            else:
                self.seen[key] = self.heading

    def _cell(self, text: str, where: str, *, header: bool) -> None:
        for rule, rx, what in (("markup", _MARKUP, "raw markup"), ("code", _CODE, "a code expression")):
            hit = rx.search(text)
            if hit:
                self.add(rule, f"{what} in a cell {_around(text, hit)}", where)
        if not header and text.rstrip().endswith("…"):
            self.add("cut", f"a value cut with an ellipsis: \u201c{text[-40:]}\u201d", where)

    def _header_widths(self, tbl, header, where: str) -> None:
        widths = _grid_widths_pt(tbl)
        if not widths:
            return
        scale = min(1.0, self.text_pt / sum(widths))  # a wider table is squeezed to the page
        cells = header.findall(qn("w:tc"))
        for cell, width in zip(cells, widths, strict=False):
            text = "".join(t.text or "" for t in cell.iter(qn("w:t")))
            room = width * scale - CELL_PADDING_PT
            size = _run_size(cell)
            for word in text.split():
                if longest_part_pt(word, bold=True, size=size) > room + 0.01:
                    shown = word.replace(BREAK, "")
                    self.add("header", f"the header word \u201c{shown}\u201d is wider than its column", where)


# ----------------------------------------------------------------------------- helpers
def _style(p) -> str:
    ppr = p.find(qn("w:pPr"))
    node = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return node.get(qn("w:val")) if node is not None else ""


def _heading_level(style: str) -> int:
    match = re.fullmatch(r"Heading(\d)", style.replace(" ", ""))
    return int(match.group(1)) if match else 0


def _is_caption(style: str) -> bool:
    return style.lower() == "caption"


def _cites(caption: str) -> bool:
    """A caption names its source: a citation label or the word "source"."""
    return bool(_CITATION.search(caption)) or "source" in caption.lower()


def _run_size(cell) -> float:
    """The font size of a cell's first run (half-points in w:sz), else the body size."""
    node = cell.find(".//" + qn("w:rPr") + "/" + qn("w:sz"))
    return int(node.get(qn("w:val"))) / 2 if node is not None else BODY_PT


def _grid_widths_pt(tbl) -> list[float]:
    grid = tbl.find(qn("w:tblGrid"))
    cols = grid.findall(qn("w:gridCol")) if grid is not None else []
    return [int(c.get(qn("w:w"), "0")) / 20 for c in cols if c.get(qn("w:w"))]


def _around(text: str, hit: re.Match) -> str:
    start = max(0, hit.start() - 25)
    return f"\u201c{text[start : hit.end() + 25].strip()}\u201d"
