"""Column widths from content, so no header breaks mid-word on A4 or Letter portrait.

`lay_out` measures each column (its header's longest word in bold, its cells' text), gives
every column at least what its longest word needs and shares the rest by how much text each
holds. A table whose header words cannot all fit gets a smaller header row (down to 8 pt); if even
that is not enough it is transposed when it has few rows (a version-by-metric table becomes
metric-by-version), and only then may its headers wrap after "_" or "." (never inside a part
of a name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autodoc.render.measure import BODY_PT, BREAK, CELL_PADDING_PT, longest_part_pt, text_pt

HEADER_SIZES = (BODY_PT, 9.5, 8.5, 8.0)
MAX_TRANSPOSED_COLUMNS = 7  # a transposed table has one column per original row, plus the label
_SLACK_PT = 1.5  # widths are stored in twips and fonts differ slightly between Word and LibreOffice
_WANT_SHARE = 0.55  # no column asks for more than this share of the width for its text


@dataclass
class Layout:
    columns: list[str]
    rows: list[list[str]]
    numeric: list[list[bool]] | None
    widths_pt: list[float]
    header_pt: float = BODY_PT


def lay_out(
    columns: list[str], rows: list[list[str]], numeric: list[list[bool]] | None, avail_pt: float
) -> Layout:
    """Widths (in points, summing to `avail_pt`) for a table; transposed or wrap-marked when needed."""
    size = _fitting_size(columns, rows, avail_pt)
    if size is None and 1 < len(rows) + 1 <= MAX_TRANSPOSED_COLUMNS:
        flipped = transpose(columns, rows, numeric)
        if (flipped_size := _fitting_size(flipped[0], flipped[1], avail_pt)) is not None:
            (columns, rows, numeric), size = flipped, flipped_size  # only when that makes it fit
    if size is None:
        size = HEADER_SIZES[-1]
        columns = [wrap_marks(c) for c in columns]
    needs = _needs(columns, rows, avail_pt, size)
    wants = [max(n, w) for n, w in zip(needs, _wants(columns, rows, avail_pt, size), strict=True)]
    heads = [longest_part_pt(h, bold=True, size=size) + CELL_PADDING_PT + _SLACK_PT for h in columns]
    first = [max(longest_part_pt(r[0]) if r else 0.0 for r in rows or [[""]]) + CELL_PADDING_PT + _SLACK_PT]
    floors = [max(heads[0], min(first[0], avail_pt * 0.25)), *heads[1:]]  # row labels do not break either
    return Layout(columns, rows, numeric, _share(needs, wants, avail_pt, floors), size)


def _fitting_size(columns: list[str], rows: list[list[str]], avail_pt: float) -> float | None:
    """The largest header size at which every header word fits its column, if any."""
    return next((s for s in HEADER_SIZES if sum(_needs(columns, rows, avail_pt, s)) <= avail_pt), None)


def transpose(
    columns: list[str], rows: list[list[str]], numeric: list[list[bool]] | None
) -> tuple[list[str], list[list[str]], list[list[bool]] | None]:
    """Rows become columns: the first column's values head the new columns."""
    width = len(columns)
    padded = [r + [""] * (width - len(r)) for r in rows]
    new_columns = [columns[0], *(r[0] for r in padded)]
    new_rows = [[columns[c], *(r[c] for r in padded)] for c in range(1, width)]
    new_numeric = None
    if numeric is not None:
        flags = [n + [False] * (width - len(n)) for n in numeric]
        new_numeric = [[False, *(f[c] for f in flags)] for c in range(1, width)]
    return new_columns, new_rows, new_numeric


def wrap_marks(header: str) -> str:
    """Allow a header to wrap after "_" or "." (test_roc_auc -> test_|roc_|auc), never elsewhere."""
    return re.sub(r"(?<=[_.])(?=\w)", BREAK, header)


def _needs(columns: list[str], rows: list[list[str]], avail_pt: float, size: float = BODY_PT) -> list[float]:
    """Per column: the width its widest unbreakable piece needs (cell words past 40% of the page wrap)."""
    out = []
    for c, header in enumerate(columns):
        cell = max((longest_part_pt(r[c]) for r in rows if c < len(r)), default=0.0)
        head = longest_part_pt(header, bold=True, size=size)
        out.append(max(head, min(cell, avail_pt * 0.4)) + CELL_PADDING_PT + _SLACK_PT)
    return out


def _wants(columns: list[str], rows: list[list[str]], avail_pt: float, size: float) -> list[float]:
    """Per column: the width that shows its longest text on one line, within a share of the page."""
    out = []
    for c, header in enumerate(columns):
        cell = max((text_pt(r[c]) for r in rows if c < len(r)), default=0.0)
        full = max(text_pt(header, bold=True, size=size), cell) + CELL_PADDING_PT
        out.append(min(full, avail_pt * _WANT_SHARE))
    return out


def _share(needs: list[float], wants: list[float], avail_pt: float, floors: list[float]) -> list[float]:
    """Give each column its need, then the rest of the width in proportion to what it wants more.

    When the needs do not fit (long unbreakable cell text), every column keeps its floor (its header's
    longest word; the first column its row labels') and only the cell-driven excess is scaled down."""
    if sum(needs) >= avail_pt:
        floors = [min(f, n) for f, n in zip(floors, needs, strict=True)]
        excess = [n - f for n, f in zip(needs, floors, strict=True)]
        if sum(floors) >= avail_pt or sum(excess) <= 0:
            return [n * avail_pt / sum(needs) for n in needs]
        room = avail_pt - sum(floors)
        return [f + room * e / sum(excess) for f, e in zip(floors, excess, strict=True)]
    if sum(wants) <= avail_pt:
        return [w * avail_pt / sum(wants) for w in wants]
    extra = [w - n for n, w in zip(needs, wants, strict=True)]
    room = avail_pt - sum(needs)
    return [n + room * e / sum(extra) for n, e in zip(needs, extra, strict=True)]
