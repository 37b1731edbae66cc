"""Shared value formatting for the document, the notebook and the app.

The rule (never a different number than the value rounded):
- ``None`` -> "—"; booleans -> "Yes" / "No".
- integers (and floats that are whole numbers) -> thousands separators: 12,345.
- floats in (-1, 1) -> 3 significant digits: 0.8374628173 -> "0.837", 0.0012345 -> "0.00123";
  below 1e-4 in magnitude -> scientific: "1.23e-07".
- other floats -> 4 significant digits, but never fewer than the integer digits:
  12.3456 -> "12.35", 1234.56 -> "1,235", 1e16 and beyond -> scientific.
- trailing zeros after the decimal point are dropped ("0.5", not "0.500").
- strings are shown as they are (MLflow params are strings: show what was logged);
  lists and dicts are joined. Only tables truncate long strings (`format_cell`).
"""

from __future__ import annotations

import math
from typing import Any

MISSING = "—"
TABLE_CELL_MAX_CHARS = 400  # longer strings are cut with an ellipsis in table cells only (cells wrap)
_SCIENTIFIC_ABOVE = 1e15
_SCIENTIFIC_BELOW = 1e-4


def format_value(v: Any) -> str:
    """Format one evidence value for people to read."""
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return format_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, list | tuple):
        return ", ".join(format_value(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k}={format_value(x)}" for k, x in v.items())
    return str(v)


def format_float(x: float) -> str:
    """Round a float for reading without changing its value beyond rounding."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    mag = abs(x)
    if mag >= _SCIENTIFIC_ABOVE:
        return _strip_exp(f"{x:.3e}")
    if x.is_integer():
        return f"{int(x):,}"
    if mag < _SCIENTIFIC_BELOW:
        return _strip_exp(f"{x:.2e}")
    if mag < 1:
        places = _decimals(mag, 3)
        text = _strip_zeros(f"{x:.{places}f}")
        # a fraction never reads as a whole number: 0.99996 is not a perfect score
        while text.lstrip("-") in ("0", "1") and places < 12:
            places += 1
            text = _strip_zeros(f"{x:.{places}f}")
        return text
    places = _decimals(mag, 4)
    if mag >= 1000 or abs(round(x, places)) >= 1000:  # 999.96 rounds up to 1,000
        return f"{round(x):,}"
    return _strip_zeros(f"{x:.{places}f}")


def _decimals(mag: float, significant: int) -> int:
    """Decimal places that keep `significant` digits of a number of magnitude `mag`."""
    leading = math.floor(math.log10(mag))  # 0.0123 -> -2, 12.3 -> 1
    return max(0, significant - 1 - leading)


def _strip_zeros(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _strip_exp(text: str) -> str:
    mantissa, exp = text.split("e")
    return f"{_strip_zeros(mantissa)}e{exp}"


def format_cell(v: Any, max_chars: int = TABLE_CELL_MAX_CHARS) -> str:
    """Format a table cell: like `format_value`, long text cut with an ellipsis."""
    text = format_value(v)
    if len(text) > max_chars:
        return text[: max_chars - 1].rstrip() + "…"
    return text


def is_numeric(v: Any) -> bool:
    """True for numbers (not booleans): table cells holding them are right-aligned."""
    return isinstance(v, int | float) and not isinstance(v, bool)


def format_metric_name(name: str) -> str:
    """A metric key as a column/axis label: ``val_auc`` -> ``val auc``; acronyms kept."""
    return name.replace("_", " ").strip() or name


def model_row(model: dict[str, Any]) -> list[str]:
    """One models_covered entry as cells: name, versions, aliases (lists, dicts or strings)."""
    aliases = model.get("aliases") or {}
    if isinstance(aliases, dict):
        alias_text = ", ".join(f"{a} → v{v}" for a, v in aliases.items())
    else:
        alias_text = format_value(aliases)
    versions = model.get("versions") or model.get("version") or []
    return [str(model.get("name", "?")), format_value(versions) or "—", alias_text or "—"]


def distinct_columns(rows: list[list[Any]]) -> list[list[str]]:
    """Cells as text; a column of fractions gets the decimals it takes for different values to read
    differently (0.9977 and 0.9980, not 0.998 twice), the same number of decimals down the column."""
    out = [[format_cell(v) for v in row] for row in rows]
    for c in range(max((len(r) for r in rows), default=0)):
        cells = [(r, row[c]) for r, row in enumerate(rows) if c < len(row) and isinstance(row[c], float)]
        values = {v for _, v in cells}
        if len({out[r][c] for r, _ in cells}) == len(values) or not all(abs(v) < 1 for v in values):
            continue
        for places in range(4, 8):
            texts = {v: f"{v:.{places}f}" for v in values}
            if len(set(texts.values())) == len(values):
                for r, v in cells:
                    out[r][c] = texts[v]
                break
    return out
