"""`autodoc diff OLD_CACHE NEW_CACHE`: a redline of the text and tables of two document versions.

Blocks are matched by id; narratives and lists are compared sentence by sentence (words
within a changed sentence), tables row by row. With the evidence snapshots beside both
caches, the evidence changes between the versions are listed too. Rendered as Markdown
(~~deleted~~, **inserted**) or as a .docx with tracked-change styling (red struck-through
deletions, blue underlined insertions).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from autodoc.check.compare import Change, compare
from autodoc.check.impact import DocIndex, clean, sentences
from autodoc.check.snapshot import load_snapshot, snapshot_path
from autodoc.document import Block, ChartContent, DocumentState, ListContent, NarrativeContent, TableContent

Piece = tuple[str, str]  # ("=", text) kept, ("-", text) deleted, ("+", text) inserted


@dataclass
class SectionDiff:
    heading: str
    status: str = "changed"  # changed | added | removed
    lines: list[list[Piece]] = field(default_factory=list)  # one redlined line each


@dataclass
class Redline:
    title: str
    old_version: str
    new_version: str
    sections: list[SectionDiff] = field(default_factory=list)
    evidence: list[Change] = field(default_factory=list)


def diff_caches(old: DocumentState, new: DocumentState, old_path: Path, new_path: Path) -> Redline:
    red = Redline(new.title, old.version, new.version)
    before = {s.id: s for s in old.sections}
    after_ids = {s.id for s in new.sections}
    for sec in new.sections:
        was = before.get(sec.id)
        heading = f"{sec.number} {sec.heading}"
        if was is None:
            red.sections.append(
                SectionDiff(heading, "added", [[("+", t)] for b in sec.blocks for t in units(b)])
            )
            continue
        lines = _block_lines({b.id: b for b in was.blocks}, sec.blocks)
        if lines:
            red.sections.append(SectionDiff(heading, "changed", lines))
    for sec in old.sections:
        if sec.id not in after_ids:
            red.sections.append(SectionDiff(f"{sec.number} {sec.heading}", "removed"))
    old_snap, new_snap = load_snapshot(snapshot_path(old_path)), load_snapshot(snapshot_path(new_path))
    if old_snap and new_snap:
        red.evidence = compare(old_snap, new_snap, DocIndex.of(new))
    return red


def _block_lines(old_blocks: dict[str, Block], new_blocks: list[Block]) -> list[list[Piece]]:
    lines: list[list[Piece]] = []
    seen = set()
    for blk in new_blocks:
        seen.add(blk.id)
        lines += redline(units(old_blocks[blk.id]) if blk.id in old_blocks else [], units(blk))
    for block_id, blk in old_blocks.items():
        if block_id not in seen:
            lines += [[("-", t)] for t in units(blk)]
    return lines


def units(blk: Block) -> list[str]:
    """What a block says, as comparable lines: sentences, list items or table rows."""
    content = blk.content
    if isinstance(content, NarrativeContent):
        return [clean(s) for s in sentences(content.text)]
    if isinstance(content, ListContent):
        return [clean(i.text) for i in content.items]
    if isinstance(content, TableContent):
        rows = [" | ".join("" if c.value is None else str(c.value) for c in r) for r in content.rows]
        return [f"{content.caption}:", *rows]
    if isinstance(content, ChartContent):
        points = "; ".join(f"{s.name}: {list(zip(s.x, s.y, strict=False))}" for s in content.series)
        return [f"{content.caption}: {points}"]
    return [getattr(content, "caption", "")] if content is not None else []


def redline(old: list[str], new: list[str]) -> list[list[Piece]]:
    """Changed lines only: deleted, inserted, and replaced ones diffed word by word."""
    out: list[list[Piece]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if op == "replace" else []
        out += [words(a, b) for a, b in pairs]
        out += [[("-", t)] for t in old[i1 + len(pairs) : i2]]
        out += [[("+", t)] for t in new[j1 + len(pairs) : j2]]
    return out


def words(old: str, new: str) -> list[Piece]:
    a, b = old.split(), new.split()
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", " ".join(b[j1:j2])))
    return pieces


# ------------------------------------------------------------------------------ output
def to_markdown(red: Redline) -> str:
    out = [f"# Redline: {red.title}, version {red.old_version} -> {red.new_version}", ""]
    if not red.sections and not red.evidence:
        out.append("No differences in text, tables or evidence.")
    for sec in red.sections:
        out.append(f"## {sec.heading}" + ("" if sec.status == "changed" else f" ({sec.status})"))
        out += ["- " + " ".join(_md(p) for p in line) for line in sec.lines]
        out.append("")
    if red.evidence:
        out.append("## Evidence changes")
        out += [f"- {c.category}: {c.summary()}" for c in red.evidence]
    return "\n".join(out).rstrip() + "\n"


def _md(piece: Piece) -> str:
    kind, text = piece
    if not text:
        return ""
    return {"=": text, "-": f"~~{text}~~", "+": f"**{text}**"}[kind]


def to_docx(red: Redline) -> bytes:
    import io

    from docx import Document
    from docx.shared import RGBColor

    doc = Document()
    doc.add_heading(f"Redline: {red.title}", level=0)
    doc.add_paragraph(
        f"Version {red.old_version} -> {red.new_version}. Changes are Word tracked changes (accept or "
        "reject them in Review); deleted text is struck through in red, inserted text underlined in blue."
    )
    marks = _Marks()
    for sec in red.sections:
        doc.add_heading(sec.heading + ("" if sec.status == "changed" else f" ({sec.status})"), level=1)
        for line in sec.lines:
            para = doc.add_paragraph(style="List Bullet")
            for kind, text in line:
                run = para.add_run(text + " ")
                if kind == "-":
                    run.font.strike, run.font.color.rgb = True, RGBColor(0xC0, 0x00, 0x00)
                elif kind == "+":
                    run.font.underline, run.font.color.rgb = True, RGBColor(0x00, 0x3C, 0xB4)
                if kind in "+-":
                    marks.track(run, kind)
    if red.evidence:
        doc.add_heading("Evidence changes", level=1)
        for change in red.evidence:
            doc.add_paragraph(f"{change.category}: {change.summary()}", style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


class _Marks:
    """Wraps runs in Word's tracked-change elements (w:ins / w:del) with unique ids."""

    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.next_id = 1
        self.when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def track(self, run: object, kind: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        element = run._r  # type: ignore[attr-defined]
        wrapper = OxmlElement("w:ins" if kind == "+" else "w:del")
        for name, value in (("w:id", str(self.next_id)), ("w:author", "autodoc"), ("w:date", self.when)):
            wrapper.set(qn(name), value)
        self.next_id += 1
        if kind == "-":  # deleted text lives in w:delText
            for text in element.findall(qn("w:t")):
                text.tag = qn("w:delText")
        element.addprevious(wrapper)
        wrapper.append(element)
