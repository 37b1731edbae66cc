"""Target leakage in a time-series feature: a derived column that reads the target over time (a lag, a
difference, a rolling window) and also its value at the row itself (``x[target].diff(1)``,
``x[target] - x[target].shift(52)``). As a model input such a column holds the answer.

Conservative: the target is a column named like one (``target``, ``label``, ...), one the module knows
as its target, or a parameter so named (its default, when it has one, names the column); a reference
counts as past only inside ``.shift(k)`` with k a positive constant or a name the scan cannot read (a
loop's lag); an expression with no time operation on it is never flagged.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from autodoc.scan.code.rules import dataflow
from autodoc.scan.code.rules import vocab as v

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_TIME_OPS = frozenset(dataflow.WINDOW_OPS) - {"groupby", "transform", "rank"}  # over rows in order


def current_target(ex: Extractor, expr: ast.expr, scope: str) -> str | None:
    """The target column `expr` reads at the current row while it also reads it over time, else None."""
    parents: dict[int, ast.AST] = {}
    timed = False
    for node in ast.walk(expr):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr in _TIME_OPS:
            timed = timed or _reads_target(ex, node, scope)
    if not timed:
        return None
    for node in ast.walk(expr):
        name = _target(ex, node, scope) if type(node) is ast.Subscript else None
        if name is not None and not _in_the_past(ex, node, parents, scope):
            return name
    return None


def _reads_target(ex: Extractor, call: ast.Call, scope: str) -> bool:
    return any(type(n) is ast.Subscript and _target(ex, n, scope) is not None for n in ast.walk(call.func))


def _target(ex: Extractor, node: ast.AST, scope: str) -> str | None:
    """``frame["churn"]`` / ``x[target]``: the target column's name, else None."""
    if type(node) is not ast.Subscript:
        return None
    key = node.slice
    if type(key) is ast.Constant and isinstance(key.value, str):
        return key.value if key.value in ex.target_names or v.TARGET_NAMES.match(key.value) else None
    if type(key) is ast.Name and v.TARGET_NAMES.match(key.id):
        held = ex.value(key, scope)
        if isinstance(held, str):
            return held
        sig = ex.signatures.get(scope)
        default = sig.defaults.get(key.id) if sig is not None else None
        if type(default) is ast.Constant and isinstance(default.value, str):
            return default.value
        return key.id
    return None


def _in_the_past(ex: Extractor, node: ast.AST, parents: dict[int, ast.AST], scope: str) -> bool:
    """Is this read of the target inside ``.shift(k)``, k > 0 (or a lag the scan cannot read)?"""
    attr = parents.get(id(node))
    call = parents.get(id(attr)) if attr is not None else None
    if type(attr) is not ast.Attribute or attr.attr != "shift" or type(call) is not ast.Call:
        return False
    if not call.args:
        return True  # shift() moves one row
    lag = ex.value(call.args[0], scope)
    return not isinstance(lag, int | float) or lag > 0
