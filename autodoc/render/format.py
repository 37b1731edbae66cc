"""Shared value formatting for the document, the notebook and the app.

One rule for numbers, in prose, tables, captions, chart labels and the notebook:
- A setting (a value from code, a config file or a logged parameter) is shown exactly as
  written: strings as they are (MLflow params are strings), floats by their shortest exact
  form (0.1047, 1e-05) - `format_setting`.
- A measured value (a logged metric, a count) is rounded to 4 significant digits, never fewer
  than its integer digits: 0.9736842 -> "0.9737", 2.768561872909699 -> "2.769",
  1234.56 -> "1,235"; below 1e-4 in magnitude -> scientific ("1.235e-07"); 1e15 and beyond ->
  scientific. Trailing zeros are dropped ("0.5", not "0.5000"), and a fraction never reads as
  a whole number (0.99996 stays "0.99996") - `format_float`. A setting with at most 4
  significant digits reads the same under both.
- In a table column of fractions that would read alike, every cell gets the decimals it
  takes for different values to read differently (`distinct_columns`).
- ``None`` -> "—"; booleans as the code writes them, "True" / "False", in tables, prose and
  the notebook alike (a setting ``static = False`` never reads "No" in one place and "False" in
  another); integers get thousands separators: 12,345.
  Lists and dicts are joined. Only tables truncate long strings (`format_cell`).
"""

from __future__ import annotations

import inspect
import math
from typing import Any

NUMBER_RULE = (
    "Numbers follow one rule in text, tables, charts and the notebook: settings (code, configuration "
    "and logged parameters) are shown exactly as written; measured values (logged metrics) are rounded "
    "to 4 significant digits, with the same decimals down a table column."
)
MISSING = "—"
TABLE_CELL_MAX_CHARS = 400  # longer strings are cut with an ellipsis in table cells only (cells wrap)
_SCIENTIFIC_ABOVE = 1e15
_SCIENTIFIC_BELOW = 1e-4
_SIGNIFICANT = 4  # digits a measured value keeps


def format_value(v: Any) -> str:
    """Format one evidence value for people to read."""
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return str(v)  # as written, the same word the summary's prose uses (`document.figure_text`)
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
    """A measured value for reading: 4 significant digits (the module's rule)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    mag = abs(x)
    if mag >= _SCIENTIFIC_ABOVE:
        return _strip_exp(f"{x:.{_SIGNIFICANT - 1}e}")
    if x.is_integer():
        return f"{int(x):,}"
    if mag < _SCIENTIFIC_BELOW:
        return _strip_exp(f"{x:.{_SIGNIFICANT - 1}e}")
    places = _decimals(mag, _SIGNIFICANT)
    if mag >= 1000 or abs(round(x, places)) >= 1000:  # 999.96 rounds up to 1,000
        return f"{round(x):,}"
    text = _strip_zeros(f"{x:.{places}f}")
    # a fraction never reads as a whole number: 0.99996 is not a perfect score
    while mag < 1 and text.lstrip("-") in ("0", "1") and places < 12:
        places += 1
        text = _strip_zeros(f"{x:.{places}f}")
    return text


def format_setting(v: Any) -> str:
    """A value set in code, a config or a logged parameter, exactly as written (the module's rule)."""
    if isinstance(v, float) and math.isfinite(v):
        return repr(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)  # 1000 as written, not 1,000
    if isinstance(v, list | tuple):
        return ", ".join(format_setting(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k}={format_setting(x)}" for k, x in v.items())
    return format_value(v)


def format_rule_source() -> str:
    """`format_float` and what it needs, as Python source: the notebook shows numbers by the same rule."""
    consts = f"_SCIENTIFIC_ABOVE = {_SCIENTIFIC_ABOVE!r}\n_SCIENTIFIC_BELOW = {_SCIENTIFIC_BELOW!r}\n"
    consts += f"_SIGNIFICANT = {_SIGNIFICANT!r}\n"
    funcs = (format_float, _decimals, _strip_zeros, _strip_exp)
    return consts + "\n\n" + "\n\n".join(inspect.getsource(f) for f in funcs)


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
    """Cells as text; a column of fractions reads with the same decimals down the column (0.9977
    and 0.9980), more than 4 significant digits only where values would otherwise read alike."""
    out = [[format_cell(v) for v in row] for row in rows]
    for c in range(max((len(r) for r in rows), default=0)):
        cells = [(r, row[c]) for r, row in enumerate(rows) if c < len(row) and isinstance(row[c], float)]
        values = {round(v, 12) for _, v in cells}  # one score computed twice may differ in its last bit
        if not values or not all(abs(v) < 1 and _plain_decimal(out[r][c]) for r, v in cells):
            continue
        places = max(len(out[r][c].partition(".")[2]) for r, _ in cells)
        while len({f"{v:.{places}f}" for v in values}) < len(values) and places < 8:
            places += 1
        for r, v in cells:
            out[r][c] = f"{v:.{places}f}"
    return out


def _plain_decimal(text: str) -> bool:
    return "e" not in text and text not in ("NaN", "∞", "-∞")
