"""Where a code fact is, in the words the document uses for it (one rule for every summary line)."""

from __future__ import annotations

from autodoc.document import join_words
from autodoc.evidence import EvidenceItem


def where(item: EvidenceItem) -> str:
    """``train.py, line 12`` or ``prep.ipynb, cell 4, line 13``: where a code fact is, in words."""
    src = item.source
    place = f"{src.path or ''}, cell {src.cell}" if src.cell is not None else str(src.path or "")
    return f"{place}, line {src.line_start}" if src.line_start else place


def lines_words(items: list[EvidenceItem]) -> str:
    """``lines 18 and 19`` of one file's facts, ``cell 0, line 3`` in a notebook."""
    lines = [str(i.source.line_start) for i in items if i.source.line_start]
    said = f"line{'s' if len(lines) > 1 else ''} {join_words(lines)}"
    cells = list(dict.fromkeys(i.source.cell for i in items if i.source.cell is not None))
    return f"cell {cells[0]}, {said}" if len(cells) == 1 else said


def read_back(item: EvidenceItem, others: list[EvidenceItem]) -> list[EvidenceItem]:
    """The facts of other files that read `item`'s value back from the model file a save wrote it to
    (``bundle["threshold"]`` after ``joblib.dump({"threshold": BEST_THRESHOLD}, path)``): one per file."""
    here = {"path": item.source.path, "line": item.source.line_start}
    out: dict[str, EvidenceItem] = {}
    for other in others:
        if other.attrs.get("saved_with") and other.attrs.get("origin") == here and other.value == item.value:
            out.setdefault(str(other.source.path), other)
    return list(out.values())
