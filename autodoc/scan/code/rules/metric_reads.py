"""What the code around a promotion reads: a scope's bindings, and the metric an expression reads.

Shared by `rules.selection` (the ranking that picks a run or version) and `rules.gates` (the metric
bound a registration needs): ``metrics["auc"]``, ``run.data.metrics.get("auc")``, a
``"metrics.auc"`` column, followed back through the names of the same scope.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from autodoc.scan.code.syntax import Buckets, dotted

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_METRIC_COLUMN = re.compile(r"^metrics\.(.+)$")
_METRIC_WORD = re.compile(r"auc|rmse|mae|mse|mape|f1|accuracy|precision|recall|r2|loss|score|gini|ks_", re.I)
_ADDS = {"append": 0, "add": 0, "insert": 1}
Defs = dict[str, list[tuple[int, str, ast.expr]]]  # name -> (line, "value" | "elem" | "iter", expr)


def call_tail(call: ast.Call) -> str:
    func = call.func
    return func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""


def definitions(nodes: Buckets) -> Defs:
    """Each name's bindings in the scope: assigned values, loop iterables and added elements."""
    defs: Defs = {}
    for node in [*nodes.get(ast.Assign, ()), *nodes.get(ast.AnnAssign, ()), *nodes.get(ast.AugAssign, ())]:
        value = node.value
        targets = node.targets if type(node) is ast.Assign else [node.target]
        for target in targets:
            if value is None:
                continue
            if type(target) is ast.Subscript and type(target.value) is ast.Name:  # scores[k] = auc
                defs.setdefault(target.value.id, []).append((node.lineno, "elem", value))
            for name in _stored(target):
                defs.setdefault(name, []).append((node.lineno, "value", value))
    for node in nodes.get(ast.For, ()):
        for name in _stored(node.target):
            defs.setdefault(name, []).append((node.lineno, "iter", node.iter))
    for node in nodes.get(ast.withitem, ()):
        if node.optional_vars is not None:
            for name in _stored(node.optional_vars):
                defs.setdefault(name, []).append((node.context_expr.lineno, "value", node.context_expr))
    for call in nodes.get(ast.Call, ()):
        func = call.func
        at = _ADDS.get(func.attr) if type(func) is ast.Attribute else None
        if at is not None and type(func.value) is ast.Name and len(call.args) > at:
            defs.setdefault(func.value.id, []).append((call.lineno, "elem", call.args[at]))
    return defs


def _stored(target: ast.AST) -> list[str]:
    if type(target) is ast.Name:
        return [target.id]
    if type(target) in (ast.Tuple, ast.List):
        return [n for e in target.elts for n in _stored(e)]
    return []


def names(expr: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(expr) if type(n) is ast.Name and type(n.ctx) is ast.Load]


def metric_of(ex: Extractor, scope: str, expr: ast.AST, defs: Defs, depth: int = 0) -> str | None:
    """The metric `expr` reads: ``metrics["auc"]``, ``run.data.metrics.get("auc")``, a
    ``"metrics.auc"`` column; followed through the names it is computed from."""
    for node in ast.walk(expr):
        found = _metric_here(ex, scope, node)
        if found:
            return found
    if depth >= 3:
        return None
    for name in names(expr):
        for _line, how, value in defs.get(name, ()):
            if how == "value" and (found := metric_of(ex, scope, value, defs, depth + 1)):
                return found
    return None


def _metric_here(ex: Extractor, scope: str, node: ast.AST) -> str | None:
    t = type(node)
    if t is ast.Constant and isinstance(node.value, str):
        match = _METRIC_COLUMN.match(node.value)
        return match.group(1) if match else None
    if t is ast.Subscript:
        base, key = node.value, node.slice
    elif t is ast.Call and type(node.func) is ast.Attribute and node.func.attr == "get" and node.args:
        base, key = node.func.value, node.args[0]
    else:
        return None
    if "metric" not in (dotted(base) or "").rsplit(".", 1)[-1].lower():
        return None
    value = ex.value(key, scope)
    return value if isinstance(value, str) and value else None


def named_metric(side: ast.expr) -> str | None:
    """``auc`` / ``scores["val_auc"]``: a value whose name says it is a metric."""
    if type(side) is ast.Subscript and type(side.slice) is ast.Constant and isinstance(side.slice.value, str):
        name: str | None = side.slice.value
    else:
        name = dotted(side)
    return name if name and _METRIC_WORD.search(name.rsplit(".", 1)[-1]) else None


def within(body: list[ast.stmt], line: int) -> bool:
    return bool(body) and body[0].lineno <= line <= (body[-1].end_lineno or body[-1].lineno)
