"""Where a code fact is, in the words the document uses for it (one rule for every summary line)."""

from __future__ import annotations

from autodoc.evidence import EvidenceItem


def where(item: EvidenceItem) -> str:
    """``train.py, line 12`` or ``prep.ipynb, cell 4, line 13``: where a code fact is, in words."""
    src = item.source
    place = f"{src.path or ''}, cell {src.cell}" if src.cell is not None else str(src.path or "")
    return f"{place}, line {src.line_start}" if src.line_start else place
