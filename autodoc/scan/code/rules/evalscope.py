"""In-sample evaluation: a model's predictions made on the very rows it was fitted on.

``model.fit(X, y)`` then ``model.predict_proba(X)`` in the same scope (a function, or a
module's top level across notebook cells): the scores computed from those predictions are
in-sample. Said only when every prediction of that object in the scope reads the fit's input;
a prediction on another frame (``X_test``) is a held-out evaluation and nothing is recorded.

Also the other ways held-out rows stop being held out: a resampler or a preprocessing step fitted on
rows that are split afterwards (`before_split`), a decision threshold chosen on the curve of a split
(`threshold_choice`).
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
_SCHEMA_READS = ("infer_signature",)  # MLflow reads a model's outputs for their types, not their quality


def _split_call(node: ast.Call) -> tuple[str, str, str] | None:
    """(object, method, first argument) of ``obj.method(arg, ...)`` with names on both sides; a part
    of a frame (``X_train[cols]``, rows or columns of it) is read as the frame it is taken from."""
    if type(node.func) is not ast.Attribute or not node.args:
        return None
    first = node.args[0].value if type(node.args[0]) is ast.Subscript else node.args[0]
    obj, arg = dotted(node.func.value), dotted(first)
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
        signed = {id(a) for _, c in placed if (dotted(c.func) or "").endswith(_SCHEMA_READS) for a in c.args}
        for cell, call in placed:
            parts = _split_call(call)
            if parts is None or id(call) in signed:
                continue  # infer_signature(X, model.predict(X)): the output's schema, not a score
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
    ex.at_cell(cell)
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
    scope_facts: dict[str, list[Fact]] = {}  # one pass over the module's facts, not one per scope
    for f in ex.m.facts:
        if f.kind in _FITTERS or f.kind == "fit":
            scope_facts.setdefault(f.scope, []).append(f)
    if not scope_facts:
        return
    by_scope: dict[str, list[tuple[int | None, Buckets]]] = {}
    for cell, _lines, scope, nodes in scoped:
        if scope in scope_facts:
            by_scope.setdefault(scope, []).append((cell, nodes))
    for scope, parts in by_scope.items():
        facts = scope_facts[scope]
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


# -- a decision threshold chosen on a curve of one split ---------------------------------------
_CURVES = ("precision_recall_curve", "roc_curve")  # each returns the thresholds third
_PICKS = ("argmax", "nanargmax")
_DUMPS = ("dump", "safe_dump")


def threshold_choice(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """``precision, recall, thresholds = precision_recall_curve(y_test, proba)`` then ``best =
    thresholds[np.argmax(f1)]``: the threshold that maximises a quantity on the rows the curve reads.
    The curve's metric fact gets ``chooses_threshold`` (the name, the quantity maximised, the line)
    and, when ``json.dump({"threshold": float(best)}, f)`` writes it to a file this scope opens
    (``with open("models/threshold.json", "w") as f``), the file and the key (``written_to``). A
    module's top level is one scope across its statements and notebook cells."""
    if not any(curve in refs for refs in ex.m.refs.values() for curve in _CURVES):
        return  # no curve is called in the module: most modules
    by_scope: dict[str, Buckets] = {}
    for cell, _lines, scope, nodes in scoped:
        merged = by_scope.setdefault(scope, {})
        for kind in (ast.Assign, ast.With, ast.Call, ast.For):
            merged.setdefault(kind, []).extend(
                (cell, n) if kind is ast.Assign else n for n in nodes.get(kind, ())
            )
    for scope, nodes in by_scope.items():
        assigns = [(cell, a) for cell, a in nodes.get(ast.Assign, ()) if len(a.targets) == 1]
        curves = {
            a.targets[0].elts[2].id: (cell, a.value)
            for cell, a in assigns
            if type(a.targets[0]) is ast.Tuple
            and len(a.targets[0].elts) == 3
            and type(a.targets[0].elts[2]) is ast.Name
            and _tail(a.value) in _CURVES
        }
        picks = {
            a.targets[0].id: dotted(a.value.args[0])
            for _cell, a in assigns
            if type(a.targets[0]) is ast.Name and _tail(a.value) in _PICKS and a.value.args
        }
        for _cell, a in assigns if curves else ():
            chosen = _chosen(a, curves, picks)
            if chosen is not None:
                _mark_choice(ex, nodes, scope, a.lineno, chosen)
        for loop in nodes.get(ast.For, ()) if curves else ():
            _loop_choice(ex, scope, loop, curves)


def _loop_choice(
    ex: Extractor, scope: str, loop: ast.For, curves: dict[str, tuple[int | None, ast.AST]]
) -> None:
    """``for p, r, t in zip(precisions, recalls, thresholds): if r >= 0.85 and p > best_p: best_t = t``:
    the threshold is chosen by a rule over the curve's points when the code runs. Its starting value
    (``best_t = 0.5``) gets ``chosen_in_loop`` (the curve, the line, the rule as written); it is not
    the threshold the model is used at."""
    it, target = loop.iter, loop.target
    if type(it) is not ast.Call or dotted(it.func) != "zip" or type(target) is not ast.Tuple:
        return
    at = next((i for i, a in enumerate(it.args) if type(a) is ast.Name and a.id in curves), None)
    if at is None or at >= len(target.elts) or type(target.elts[at]) is not ast.Name:
        return
    point, (cell, curve) = target.elts[at].id, curves[it.args[at].id]  # type: ignore[attr-defined]
    taken = [
        a
        for a in ast.walk(loop)
        if type(a) is ast.Assign and type(a.value) is ast.Name and a.value.id == point
    ]
    if not taken or type(taken[0].targets[0]) is not ast.Name:
        return
    name, line = taken[0].targets[0].id, taken[0].lineno
    ifs = [n for n in ast.walk(loop) if type(n) is ast.If and n.lineno <= line <= (n.end_lineno or n.lineno)]
    rule = ex.snippet(max(ifs, key=lambda n: n.lineno).test, 100) if ifs else None
    metric = next(
        (f for f in ex.m.facts if f.kind == "metric" and f.cell == cell and f.line == curve.lineno), None
    )
    chosen = {"curve": metric.value if metric else _tail(curve), "line": line, "rule": rule}
    if metric is not None and metric.attrs.get("on"):
        chosen["on"] = metric.attrs["on"]
    for fact in ex.m.facts:
        if fact.kind == "threshold" and fact.name == name and fact.scope == scope and fact.line < loop.lineno:
            fact.attrs["chosen_in_loop"] = chosen


def _mark_choice(
    ex: Extractor,
    nodes: Buckets,
    scope: str,
    line: int,
    chosen: tuple[tuple[int | None, ast.AST], str, str | None],
) -> None:
    (cell, curve), name, maximised = chosen
    fact = next(
        (
            f
            for f in ex.m.facts
            if f.kind == "metric" and f.cell == cell and f.line == getattr(curve, "lineno", 0)
        ),
        None,
    )
    if fact is not None:
        fact.attrs["chooses_threshold"] = {"name": name, "maximised": maximised, "line": line}
        written = _written_to(ex, nodes, name, scope)
        if written:
            fact.attrs["chooses_threshold"]["written_to"] = written


def _tail(node: ast.AST) -> str:
    return (dotted(node.func) or "").rsplit(".", 1)[-1] if type(node) is ast.Call else ""


def _chosen(
    assign: ast.Assign, curves: dict[str, tuple[int | None, ast.AST]], picks: dict[str, str | None]
) -> tuple[tuple[int | None, ast.AST], str, str | None] | None:
    """(curve call, chosen name, quantity maximised) of ``best = thresholds[best_idx]``."""
    target, value = assign.targets[0], assign.value
    if type(target) is not ast.Name or type(value) is not ast.Subscript or type(value.value) is not ast.Name:
        return None
    curve = curves.get(value.value.id)
    index = value.slice
    if curve is None:
        return None
    if type(index) is ast.Name and index.id in picks:
        return curve, target.id, picks[index.id]
    if _tail(index) in _PICKS and index.args:  # type: ignore[attr-defined]
        return curve, target.id, dotted(index.args[0])  # type: ignore[attr-defined]
    return None


def _written_to(ex: Extractor, nodes: Buckets, name: str, scope: str) -> dict[str, str] | None:
    """``{"file": ..., "key": ...}`` of ``json.dump({"threshold": float(best)}, f)`` inside ``with
    open("models/threshold.json", "w") as f`` (the innermost ``with`` around the call opens `f`)."""
    for call in nodes.get(ast.Call, ()):
        if _tail(call) not in _DUMPS or len(call.args) < 2 or type(call.args[0]) is not ast.Dict:
            continue
        path = _opened(ex, nodes, dotted(call.args[1]), call.lineno, scope)
        for key, value in zip(call.args[0].keys, call.args[0].values, strict=True):
            said = type(key) is ast.Constant and isinstance(key.value, str)
            if (
                said
                and isinstance(path, str)
                and any(type(n) is ast.Name and n.id == name for n in ast.walk(value))
            ):
                return {"file": path, "key": key.value}  # type: ignore[union-attr]
    return None


def _opened(ex: Extractor, nodes: Buckets, handle: str | None, line: int, scope: str) -> object:
    """The path that the innermost ``with open(path) as handle`` around `line` opens, if known."""
    around = [w for w in nodes.get(ast.With, ()) if w.lineno <= line <= (w.end_lineno or w.lineno)]
    for node in sorted(around, key=lambda w: -w.lineno):
        for item in node.items:
            var, call = item.optional_vars, item.context_expr
            if type(var) is ast.Name and var.id == handle and _tail(call) == "open" and call.args:  # type: ignore[attr-defined]
                return ex.value(call.args[0], scope)  # type: ignore[attr-defined]
    return None


PASSES = (in_sample, before_split, threshold_choice)  # run after the module's facts are all found
