"""In-sample evaluation: a model's predictions made on the very rows it was fitted on.

``model.fit(X, y)`` then ``model.predict_proba(X)`` in the same scope (a function, or a
module's top level across notebook cells): the scores computed from those predictions are
in-sample. Said only when every prediction of that object in the scope reads the fit's input;
a prediction on another frame (``X_test``) is a held-out evaluation and nothing is recorded.

Also the other way held-out rows stop being held out: a resampler or a preprocessing step fitted on
rows that are split afterwards (`before_split`).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules.training import split_of
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


# -- fits on rows that are split afterwards ---------------------------------------------------
_FIT_ROWS = ("fit", "fit_transform", "fit_resample")
_FITTERS = ("preprocessing", "resampling")
_Where = tuple[int, int, int]
_Split = tuple[_Where, int, set[str | None]]  # (where, line, the names it splits)
_Flow = tuple[_Where, set[str], set[str | None]]  # (where, names read, names written)


def before_split(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """A resampler or a preprocessing step fitted on rows the same scope splits afterwards
    (``X_res, y_res = smote.fit_resample(X, y)`` then ``train_test_split(X_res, y_res)``;
    ``X["Amount"] = scaler.fit_transform(X[["Amount"]])`` then ``train_test_split(X, y)``): its fit
    fact gets ``rows = "before the split"`` and ``split_line``. A resampling of frames named for the
    training split (``smote.fit_resample(X_train, y_train)``) gets ``rows = "training split"``. A
    module's top level is one scope across its statements and notebook cells."""
    by_scope: dict[str, list[tuple[int | None, Buckets]]] = {}
    for cell, _lines, scope, nodes in scoped:
        by_scope.setdefault(scope, []).append((cell, nodes))
    for scope, parts in by_scope.items():
        facts = [f for f in ex.m.facts if f.scope == scope]
        made = {(f.cell, f.line): f.name for f in facts if f.kind in _FITTERS}
        fits = {(f.cell, f.line, f.value, f.attrs.get("on")): f for f in facts if f.kind == "fit"}
        if made or any(k[2] == "fit_resample" for k in fits):
            _mark_scope(parts, made, fits)


def _mark_scope(
    parts: list[tuple[int | None, Buckets]],
    made: dict[tuple[int | None, int], str | None],
    fits: dict[tuple[int | None, int, object, object], Fact],
) -> None:
    fitters = {
        t.id: made[(cell, a.value.lineno)]
        for cell, nodes in parts
        for a in nodes.get(ast.Assign, ())
        if type(a.value) is ast.Call and (cell, a.value.lineno) in made
        for t in a.targets
        if type(t) is ast.Name
    }
    splits = [
        (_at(cell, c), c.lineno, {_root(a) for a in c.args})
        for cell, nodes in parts
        for c in nodes.get(ast.Call, ())
        if (dotted(c.func) or "").rsplit(".", 1)[-1] == "train_test_split"
    ]
    flows = [  # (where, names read, names written) of each assignment
        (
            _at(cell, a),
            {n.id for n in ast.walk(a.value) if type(n) is ast.Name},
            {_root(t) for t in _targets(a)},
        )
        for cell, nodes in parts
        for a in nodes.get(ast.Assign, ())
    ]
    flows.sort(key=lambda f: f[0])  # in order: X_res is made from X before X_train from X_res
    for cell, nodes in parts:
        for assign in (a for a in nodes.get(ast.Assign, ()) if type(a.value) is ast.Call):
            _mark_fit(assign, cell, fits, fitters, (splits, flows))


def _mark_fit(
    assign: ast.Assign,
    cell: int | None,
    fits: dict[tuple[int | None, int, object, object], Fact],
    fitters: dict[str, str | None],
    order: tuple[list[_Split], list[_Flow]],
) -> None:
    call = assign.value
    if type(call) is not ast.Call or type(call.func) is not ast.Attribute or call.func.attr not in _FIT_ROWS:
        return
    obj = dotted(call.func.value) or ""
    fact = fits.get((cell, call.lineno, call.func.attr, obj or ast.unparse(call.func.value)))
    if fact is None or (obj not in fitters and call.func.attr != "fit_resample"):
        return
    rows = {_root(a) for a in call.args[:2]} | {_root(t) for t in _targets(assign)}
    later = _split_after(_at(cell, call), rows - {None}, *order)
    if obj in fitters:
        fact.attrs["fitted"] = fitters[obj]
    if later is not None:
        fact.attrs.update(rows="before the split", split_line=later)
    elif call.func.attr == "fit_resample" and split_of([dotted(a) or "" for a in call.args[:2]]) == "train":
        fact.attrs["rows"] = "training split"


def _split_after(at: _Where, rows: set[str | None], splits: list[_Split], flows: list[_Flow]) -> int | None:
    """The line of the first split after `at` of the rows named `rows` or of frames made from them."""
    for where, line, names in sorted(splits, key=lambda s: s[0]):
        grown = set(rows)
        for w, read, made in flows:
            if at < w < where and read & grown:
                grown |= made
        if where > at and grown & names:
            return line
    return None


def _targets(assign: ast.Assign) -> list[ast.expr]:
    return [e for t in assign.targets for e in (t.elts if type(t) is ast.Tuple else [t])]


def _root(node: ast.AST) -> str | None:
    """The name a frame expression starts from: ``X`` of ``X[["Amount"]]`` or ``X.drop(...)``."""
    while type(node) in (ast.Subscript, ast.Attribute, ast.Call):
        node = node.func if type(node) is ast.Call else node.value  # type: ignore[attr-defined]
    return node.id if type(node) is ast.Name else None
