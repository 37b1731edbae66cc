"""In-sample evaluation: a model's predictions made on the very rows it was fitted on.

``model.fit(X, y)`` then ``model.predict_proba(X)`` in the same scope (a function, or a
module's top level across notebook cells): the scores computed from those predictions are
in-sample. Said only when every prediction of that object in the scope reads the fit's input;
a prediction on another frame (``X_test``) is a held-out evaluation and nothing is recorded.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from autodoc.scan.code.syntax import Buckets, dotted

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_FITS = ("fit", "partial_fit")
_PREDICTS = ("predict", "predict_proba", "predict_log_proba", "decision_function")
Placed = tuple[int | None, ast.Call]


def _split_call(node: ast.Call) -> tuple[str, str, str] | None:
    """(object, method, first argument) of ``obj.method(arg, ...)`` with names on both sides."""
    if type(node.func) is not ast.Attribute or not node.args:
        return None
    obj, arg = dotted(node.func.value), dotted(node.args[0])
    return (obj, node.func.attr, arg) if obj and arg else None


def _at(cell: int | None, node: ast.AST) -> tuple[int, int, int]:
    return (cell or 0, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def in_sample(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """One ``in_sample`` fact per prediction that reads the frame its model was fitted on (the name
    not bound again in between: ``X = test[cols]`` before ``model.predict(X)`` is another frame)."""
    by_scope: dict[str, list[Placed]] = {}
    stores: dict[str, list[tuple[tuple[int, int, int], str]]] = {}
    for cell, _lines, scope, nodes in scoped:
        named = ex.m.refs.get(scope, ())  # every name and attribute the scope mentions
        if not any(f in named for f in _FITS) or not any(p in named for p in _PREDICTS):
            continue  # no fit and predict of one object here: nothing to sort and compare
        by_scope.setdefault(scope, []).extend((cell, c) for c in nodes.get(ast.Call, ()))
        names = (n for n in nodes.get(ast.Name, ()) if type(n.ctx) is ast.Store)
        stores.setdefault(scope, []).extend((_at(cell, n), n.id) for n in names)
    for scope, placed in by_scope.items():
        placed.sort(key=lambda p: _at(*p))
        fitted: dict[str, tuple[str, Placed]] = {}  # object -> (its fit input, the fit call)
        found: dict[str, list[Placed]] = {}
        mixed: set[str] = set()
        for cell, call in placed:
            parts = _split_call(call)
            if parts is None:
                continue
            obj, method, arg = parts
            if method in _FITS:
                fitted[obj] = (arg, (cell, call))
            elif method in _PREDICTS and obj in fitted:
                fit_at = _at(*fitted[obj][1])
                rebound = any(n == arg and fit_at < at < _at(cell, call) for at, n in stores[scope])
                if arg == fitted[obj][0] and not rebound:
                    found.setdefault(obj, []).append((cell, call))
                else:
                    mixed.add(obj)
        for obj, predictions in found.items():
            if obj not in mixed:
                _record(ex, scope, obj, fitted[obj], predictions[0])


def _record(ex: Extractor, scope: str, obj: str, fit: tuple[str, Placed], predicted: Placed) -> None:
    arg, (fit_cell, fit_call) = fit
    cell, call = predicted
    method = call.func.attr if type(call.func) is ast.Attribute else "predict"
    attrs = {
        "object": obj,
        "input": arg,
        "call": method,
        "fit_line": fit_call.lineno,
        "fit_cell": fit_cell,
    }
    label = f"{obj}.{method}({arg}) on the rows {obj}.fit({arg}) is fitted on (in-sample)"
    ex.cell, ex.lines = cell, ex.cell_lines.get(cell, [])
    ex.add_at(call, "in_sample", obj, label, scope, value=arg, attrs=attrs)
