"""A value a function's call sites fill differently: each site's value, never one of them.

``def train(n): RandomForestClassifier(n_estimators=n)`` called as ``train(100)`` and
``train(300)`` gives ``n_estimators`` no value: the scan keeps ``{"$by_caller": [site, ...]}``
while it resolves, and the evidence item's `by_caller` attr (with `expr` in code words) after.
"""

from __future__ import annotations

from typing import Any

from autodoc.scan.code.folders import in_words
from autodoc.scan.code.values import expr_text

BY_CALLER = "$by_caller"  # a parameter its call sites fill with different values: one site each


def is_by_caller(value: Any) -> bool:
    return isinstance(value, dict) and BY_CALLER in value


def by_caller(sites: list[tuple[Any, str, int | None, int]]) -> dict[str, Any]:
    """``{"$by_caller": [{"value", "path", "cell", "line"}, ...]}`` from (value, path, cell, line) per
    call site; a value still to resolve is kept as its code (``params.lr``), never as a reference."""
    return {
        BY_CALLER: [
            {"value": _plain_site_value(val), "path": path, "cell": cell, "line": line}
            for val, path, cell, line in sites
        ]
    }


def _plain_site_value(value: Any) -> Any:
    if isinstance(value, dict) and any(str(k).startswith("$") for k in value):
        return in_words(value) or expr_text(value)  # "x.csv in the folder given as ...", else the code
    return value


def by_caller_attrs(value: dict[str, Any]) -> dict[str, Any]:
    """The attrs of a value that differs by caller: each site's value (`by_caller`), and the same in
    code words (`expr`), unresolved: the writer says the values per call site, never one of them."""
    sites = value[BY_CALLER]
    shown = ", ".join(
        f"{s['value']!r} ({s['path']}"
        + (f" cell {s['cell']}" if s["cell"] is not None else "")
        + f":{s['line']})"
        for s in sites[:6]
    )
    more = f" and {len(sites) - 6} more" if len(sites) > 6 else ""
    return {"by_caller": sites, "expr": f"differs by caller: {shown}{more}", "unresolved": True}
