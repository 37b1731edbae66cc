"""The split a metric computed inside a helper reads: ``precision_score(y, preds)`` in
``def compute_metrics(y, preds)`` is on the test split when every call of the helper passes rows of
that split (``compute_metrics(y_test, predictions)``), in the helper's own module (`mark`, once the
module is walked) or in another (`follow`, in the tree scan). Calls that pass rows of no split, or
that disagree, leave the metric's split unsaid.

A metric computed for each value of a column (``for value in X[feature].unique():`` ... on
``y_true[mask]``) is a slice metric (`slices`): its column is kept, and the rows it slices are the
helper's parameters, whose callers say the split."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MODULE
from autodoc.scan.code.rules.training import split_of

if TYPE_CHECKING:  # the file workers import this module: never pydantic's models there
    from autodoc.evidence import EvidenceItem
    from autodoc.scan.code.facts import Extractor
    from autodoc.scan.code.resolve import Resolver
    from autodoc.scan.code.syntax import Buckets

ROWS = "rows_params"  # attr: [function, [[parameter, index], ...]], the callers still to read


def helper_params(ex: Extractor, node: ast.Call, scope: str) -> list[Any] | None:
    """``[function, [[name, index], ...]]`` when the metric's first two arguments are parameters of
    the function it is computed in."""
    sig = ex.signatures.get(scope) if scope != MODULE else None
    if sig is None:
        return None
    names = [a.id for a in node.args[:2] if type(a) is ast.Name and a.id in sig.names]
    names = names or [n for n in [_looped_param(ex, node, scope, sig.names)] if n]
    return [scope, [[n, sig.names.index(n)] for n in names]] if names else None


_GROWS = ("append", "extend")


def _looped_param(ex: Extractor, node: ast.Call, scope: str, params: list[str]) -> str | None:
    """``for inputs, labels in loader: all_labels.extend(...)`` before ``accuracy_score(all_labels,
    all_preds)``: the parameter (``loader``) whose batches fill the lists the metric reads."""
    read = {a.id for a in node.args[:2] if type(a) is ast.Name}
    for cell, where, nodes, _root in ex.indexed if read else ():
        if cell != ex.cell or where != scope:
            continue
        for loop in nodes.get(ast.For, ()):
            over = loop.iter.id if type(loop.iter) is ast.Name else None
            if over not in params or (loop.end_lineno or loop.lineno) >= node.lineno:
                continue
            grown = {
                c.func.value.id
                for c in ast.walk(loop)
                if type(c) is ast.Call
                and type(c.func) is ast.Attribute
                and c.func.attr in _GROWS
                and type(c.func.value) is ast.Name
            }
            if read <= grown:
                return over
    return None


def mark(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """The metrics of a helper this module calls: the split every call's arguments name. A helper
    no call here reaches keeps `ROWS` for the tree scan (a top-level function other modules import)."""
    slices(ex, scoped)
    for fact in ex.m.facts:
        held = fact.attrs.get(ROWS) if fact.kind == "metric" else None
        if not held or ex.sites is None:
            continue
        func, params = held
        sites = ex.sites.call_sites(func)
        if not sites and "." not in func:
            continue
        del fact.attrs[ROWS]
        passed = [[ex.sites.passed(site, func, name) for name, _ in params] for site in sites]
        _agreed(fact.attrs, [[ast.unparse(a)[:60] for a in args if a is not None] for args in passed])


def slices(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """``for value in X[feature].unique(): mask = X[feature] == value; precision_score(y_true[mask],
    y_pred[mask])`` (or names bound to those rows): the metric per value of a column, `slice_column`
    (``feature``), and `slice_columns` (``slice_features``) when an outer loop walks the columns."""
    metrics = {(f.cell, f.line): f for f in ex.m.facts if f.kind == "metric"}
    for cell, lines, scope, nodes in scoped if metrics else ():
        loops = [n for n in nodes.get(ast.For, ()) if _values_of(n.iter) is not None]
        if not loops:
            continue
        assigns = nodes.get(ast.Assign, ())
        bound = {a.targets[0].id: a.value for a in assigns if type(a.targets[0]) is ast.Name}
        for call in nodes.get(ast.Call, ()):
            fact = metrics.get((cell, call.lineno))
            loop = next((n for n in loops if _inside(call, n)), None)
            rows = [_sliced(a, bound) for a in call.args[:2]]
            if fact is None or loop is None or not rows or None in rows:
                continue
            ex.lines, column = lines, _values_of(loop.iter)
            fact.attrs["slice_column"] = ex.snippet(column, 60)
            walks = [n for n in nodes.get(ast.For, ()) if _inside(loop, n) and n is not loop]
            outer = next((n for n in walks if type(column) is ast.Name and _named(n.target, column.id)), None)
            if outer is not None:
                fact.attrs["slice_columns"] = ex.snippet(outer.iter, 60)
            sig = ex.signatures.get(scope) if scope != MODULE else None
            if "on" not in fact.attrs and sig is not None and all(r in sig.names for r in rows):
                fact.attrs[ROWS] = [scope, [[r, sig.names.index(r)] for r in rows]]


def _values_of(node: ast.expr) -> ast.expr | None:
    """The column of ``X[col].unique()``, else None."""
    if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr == "unique":
        of = node.func.value
        return of.slice if type(of) is ast.Subscript else None
    return None


def _sliced(arg: ast.expr, bound: dict[str, ast.expr]) -> str | None:
    """``y_true`` for ``y_true[mask]`` (a mask: a comparison, or a name bound to one), directly or
    through a name bound to it."""
    arg = bound.get(arg.id, arg) if type(arg) is ast.Name else arg
    if type(arg) is not ast.Subscript or type(arg.value) is not ast.Name:
        return None
    mask = bound.get(arg.slice.id, arg.slice) if type(arg.slice) is ast.Name else arg.slice
    return arg.value.id if type(mask) is ast.Compare else None


def _inside(node: ast.expr | ast.stmt, outer: ast.For) -> bool:
    return outer.lineno < node.lineno <= (outer.end_lineno or outer.lineno)


def _named(target: ast.expr, name: str) -> bool:
    return type(target) is ast.Name and target.id == name


def follow(items: list[EvidenceItem], resolver: Resolver) -> None:
    """The metrics of a helper called from other modules: the split every call's arguments name."""
    for item in items:
        held = item.attrs.pop(ROWS, None) if item.kind == "metric" else None
        if not held:
            continue
        func, params = held
        calls = resolver.calls_into(func, str(item.source.path))
        _agreed(item.attrs, [[_text(a, kw, name, i) for name, i in params] for _, _, a, kw in calls])


def _text(args: list[Any], kwargs: dict[str, Any], name: str, index: int) -> str:
    """The code a call passes for a parameter (``y_test``), as the caller's module recorded it."""
    raw = kwargs[name] if name in kwargs else args[index] if index < len(args) else None
    return str(raw["$expr"]) if isinstance(raw, dict) and "$expr" in raw else ""


def _agreed(attrs: dict[str, Any], per_call: list[list[str]]) -> None:
    """``on`` (and the first call's ``inputs``) when every call passes rows of the same split."""
    splits = {split_of(names) for names in per_call}
    if per_call and len(splits) == 1 and (on := splits.pop()):
        attrs.update(on=on, inputs=per_call[0])
