"""How the version that serves is chosen: the rule the code applies before it registers,
promotes or loads a model.

``champion = max(scored)[2]`` over ``(run.data.metrics.get("cv_roc_auc"), ...)`` before
``set_registered_model_alias(name, "champion", champion.version)``; the first run of
``search_runs(order_by=["metrics.rmse ASC"])`` registered; ``sorted(runs, key=...)[-1]``,
``df.sort_values("metrics.auc").iloc[0]``, ``df["metrics.auc"].idxmax()``: a ``model_selection``
fact at the ranking's line says which run or version (highest or lowest of which metric) the
alias, stage, registration or load gets. Only a ranking whose result reaches the call's
arguments (followed back through the names of the same scope) counts, and only the nearest
one: a ranking by something that is no metric (a version number) says nothing.

A metric bound around the call (``if metrics["auc"] > 0.8: register_model(...)``) is a gate
(`rules.gates`): a ``model_selection`` fact with rule ``gate``, never a decision threshold (a
threshold fact on its line is dropped).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.rules.gates import FLIP, OPS, gate
from autodoc.scan.code.rules.metric_reads import (
    Defs,
    call_tail,
    definitions,
    metric_of,
    named_metric,
    names,
    within,
)
from autodoc.scan.code.syntax import Buckets, mentions
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

# the call -> what it does to the chosen run or version
ACTIONS = {
    "set_registered_model_alias": "alias",
    "transition_model_version_stage": "stage",
    "register_model": "registered",
    "create_model_version": "registered",
    "log_model": "registered",
    "load_model": "loaded",
}
PARAMS_READ = "params"  # the action of a read of a ranked run's parameters (``run.data.params``)


def reads_params(attrs: dict[str, Any]) -> bool:
    """A ``model_selection`` fact that reads back a ranked run's parameters (the settings a model is
    built with), rather than one that registers, promotes or loads the chosen run or version."""
    return attrs.get("action") == PARAMS_READ


_ORDER = re.compile(r"^\s*metrics\.`?([\w.\-/ ]+?)`?\s*(asc|desc)?\s*$", re.I)


def mark(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """A ``model_selection`` fact per registering, promoting or loading call whose run or version is
    chosen by a ranking on a metric or gated by a metric's bound, in its scope; and per read of the
    parameters of a ranked run (``params = best_run.data.params``): the settings a model is built with."""
    acting = {
        (f.cell, f.scope, f.line)
        for f in ex.m.facts
        if f.kind == "mlflow_call"
        and f.name in ACTIONS
        and (f.name != "log_model" or "registered_model_name" in f.attrs)
    }
    named = any(n in refs for refs in ex.m.refs.values() for n in ("params", "to_dictionary"))
    reading = {(cell, scope) for cell, lines, scope, nodes in scoped if named and _params_reads(nodes, lines)}
    scopes = {(cell, scope) for cell, scope, _ in acting} | reading
    merged: dict[tuple[int | None, str], tuple[list[str], Buckets]] = {}
    for cell, lines, scope, nodes in scoped:
        if (cell, scope) in scopes:  # a module's top level comes one statement at a time
            into = merged.setdefault((cell, scope), (lines, {}))[1]
            for kind, found in nodes.items():
                into.setdefault(kind, []).extend(found)
    for (cell, scope), (lines, nodes) in merged.items():
        calls = [
            c
            for c in nodes.get(ast.Call, ())
            if (cell, scope, c.lineno) in acting and call_tail(c) in ACTIONS
        ]
        reads = _params_reads(nodes, lines)
        if not calls and not reads:
            continue
        ex.cell, ex.lines = cell, lines
        defs = definitions(nodes)
        ifs = sorted(nodes.get(ast.If, ()), key=lambda n: -n.lineno)  # the innermost first
        for call in sorted(calls, key=lambda c: c.lineno):
            choice = _choice(ex, scope, call, defs, ifs)
            _record(ex, scope, call, choice, gate(ex, scope, call, ifs, defs))
        for read in reads:
            _record_params(ex, scope, read, defs, ifs)


def _params_reads(nodes: Buckets, lines: list[str]) -> list[ast.Assign]:
    """``params = run.data.params`` / ``run.to_dictionary()["data"]["params"]``: a run's parameters.

    Only an assignment whose lines hold the word is walked (most of a module's are not)."""
    return [
        a
        for a in nodes.get(ast.Assign, ())
        if mentions(lines, a, "params")
        and any(
            (type(n) is ast.Attribute and n.attr == "params" and type(n.value) is not ast.Name)
            or (type(n) is ast.Subscript and type(n.slice) is ast.Constant and n.slice.value == "params")
            for n in ast.walk(a.value)
        )
    ]


def _record_params(ex: Extractor, scope: str, read: ast.Assign, defs: Defs, ifs: list[ast.If]) -> None:
    """The ranking the parameters' run comes from, as a ``model_selection`` fact with action params."""
    probe = ast.Call(func=ast.Name(id="params", ctx=ast.Load()), args=[read.value], keywords=[])
    probe.lineno = read.lineno
    choice = _choice(ex, scope, probe, defs, ifs)
    if not choice:
        return
    attrs = {"action": PARAMS_READ, "call": "params", "action_line": read.lineno}
    attrs |= {"rule": choice["direction"], "metric": choice["metric"]}
    label = f"parameters read from the run with the {choice['direction']} {choice['metric']}"
    value = f"{choice['direction']} {choice['metric']}"
    ex.add_at(choice["node"], "model_selection", "parameters", label, scope, value=value, attrs=attrs)


# ----------------------------------------------------------------------------- rankings
def _choice(
    ex: Extractor, scope: str, call: ast.Call, defs: Defs, ifs: list[ast.If]
) -> dict[str, Any] | None:
    """The nearest ranking the call's arguments come from: {direction, metric, node, how}."""
    queue: list[tuple[ast.expr, int | None]] = [
        (a, None) for a in [*call.args, *(k.value for k in call.keywords)]
    ]
    seen: set[str] = set()
    while queue:
        expr, pick = queue.pop(0)
        picks: dict[str, int] = {}
        for node in ast.walk(expr):
            ranked = _ranking(ex, scope, node, pick, expr, defs) if type(node) is ast.Call else None
            if ranked is not None:
                return ranked or None  # {} is a ranking by something that is no metric
            taken = _taken(node)
            if taken is not None:
                picks[taken[0]] = taken[1]
        for name in names(expr):
            if name in seen:
                continue
            seen.add(name)
            for line, how, value in defs.get(name, ()):
                if line <= call.lineno and how == "value":
                    best = _running_best(ex, scope, line, ifs, defs)
                    if best is not None:
                        return best or None
                    queue.append((value, picks.get(name)))
    return None


def _running_best(
    ex: Extractor, scope: str, line: int, ifs: list[ast.If], defs: Defs
) -> dict[str, Any] | None:
    """``if run.data.metrics["auc"] > best_auc: best_auc = ...; best = run``: the assignment at
    `line` keeps the candidate with the highest auc (the side of the test the body does not set)."""
    for node in ifs:
        if not within(node.body, line):
            continue
        stored = {
            n.id
            for stmt in node.body
            for n in ast.walk(stmt)
            if type(n) is ast.Name and type(n.ctx) is ast.Store
        }
        test = node.test
        parts = test.values if type(test) is ast.BoolOp and type(test.op) is ast.Or else [test]
        for part in parts:
            if type(part) is not ast.Compare or len(part.ops) != 1 or type(part.ops[0]) not in OPS:
                continue
            op = OPS[type(part.ops[0])]
            for cand, best, flip in (
                (part.left, part.comparators[0], False),
                (part.comparators[0], part.left, True),
            ):
                if set(names(best)) & stored and not set(names(cand)) & stored:
                    metric = metric_of(ex, scope, cand, defs) or named_metric(cand)
                    op = FLIP[op] if flip else op
                    return _found(metric, "max" if op in (">", ">=") else "min", part)
    return None  # (an enclosing condition that keeps no running best says nothing)


def _taken(node: ast.AST) -> tuple[str, int] | None:
    """(name, position) of ``runs[0]``, ``runs.iloc[-1]``, ``runs.head(1)``: one element of a name."""
    if type(node) is ast.Subscript:
        base = node.value
        if type(base) is ast.Attribute and base.attr in ("iloc", "loc"):
            base = base.value
        index = _index(node)
        return (base.id, index) if type(base) is ast.Name and index is not None else None
    if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr in ("head", "first"):
        base = node.func.value
        return (base.id, 0) if type(base) is ast.Name else None
    return None


def _index(node: ast.Subscript) -> int | None:
    """``x[0]`` / ``x[-1]`` / ``x.iloc[0]`` / ``x.loc[0, "run_id"]``: the position taken."""
    key = node.slice.elts[0] if type(node.slice) is ast.Tuple and node.slice.elts else node.slice
    if type(key) is ast.UnaryOp and type(key.op) is ast.USub and type(key.operand) is ast.Constant:
        return -1 if key.operand.value == 1 else None
    return key.value if type(key) is ast.Constant and key.value == 0 else None


def _pick_of(expr: ast.expr, target: ast.AST, inherited: int | None) -> int | None:
    """The position taken of `target`'s result within `expr` (``sorted(...)[0]``), else `inherited`."""
    for node in ast.walk(expr):
        if type(node) is ast.Subscript:
            inner = (
                node.value.value
                if type(node.value) is ast.Attribute and node.value.attr in ("iloc", "loc")
                else node.value
            )
            if inner is target:
                return _index(node)
        elif type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.value is target:
            return 0 if node.func.attr in ("head", "first") else inherited
    return inherited


def _ranking(
    ex: Extractor, scope: str, node: ast.Call, pick: int | None, expr: ast.expr, defs: Defs
) -> dict[str, Any] | None:
    """{direction, metric, node} of a ranking call, {} for a ranking on no metric, None for none;
    `pick` is the position taken of the result when `expr` (which holds `node`) takes none."""
    tail = call_tail(node)
    if tail in ("max", "min") and type(node.func) is ast.Name and node.args:
        metric, sign = _key_metric(ex, scope, node, defs)
        direction = tail if sign > 0 else {"max": "min", "min": "max"}[tail]
        return _found(metric, direction, node)
    if tail in ("idxmax", "idxmin", "argmax", "argmin"):
        base = (
            node.func.value
            if type(node.func) is ast.Attribute and not node.args
            else (node.args or [None])[0]
        )
        metric = metric_of(ex, scope, base, defs) if base is not None else None
        return _found(metric, tail[-3:], node)
    if tail in ("sorted", "sort_values", "sort", "search_runs", "nlargest", "nsmallest"):
        return _ordered(ex, scope, node, tail, _pick_of(expr, node, pick), defs)
    return None


def _ordered(
    ex: Extractor, scope: str, node: ast.Call, tail: str, pick: int | None, defs: Defs
) -> dict[str, Any] | None:
    kw = {k.arg: k.value for k in node.keywords if k.arg}
    if tail == "search_runs":
        if "order_by" not in kw:
            return None
        order = ex.value(kw["order_by"], scope)
        first = order[0] if isinstance(order, list) and order else order
        match = _ORDER.match(first) if isinstance(first, str) else None
        if match is None:
            return {}  # ordered by time or an attribute: no metric
        ascending, metric = (match.group(2) or "asc").lower() == "asc", match.group(1)
        if pick is None and "max_results" in kw and ex.value(kw["max_results"], scope) == 1:
            pick = 0
    elif tail in ("nlargest", "nsmallest"):
        return _found(metric_of(ex, scope, node, defs), "max" if tail == "nlargest" else "min", node)
    else:
        by = kw.get("by") or (node.args[0] if tail == "sort_values" and node.args else kw.get("key"))
        metric, sign = _key_metric(ex, scope, node, defs) if tail != "sort_values" else (None, 1)
        if tail == "sort_values" and by is not None:
            metric = metric_of(ex, scope, by, defs)
        ascending = (ex.value(kw["ascending"], scope) is not False) if "ascending" in kw else True
        if "reverse" in kw and ex.value(kw["reverse"], scope) is True:
            ascending = False
        ascending = ascending if sign > 0 else not ascending
    if pick is None:
        return None  # the ordered list itself flows on: no single choice
    return _found(metric, "min" if ascending == (pick == 0) else "max", node)


def _found(metric: str | None, direction: str, node: ast.Call) -> dict[str, Any]:
    if not metric:
        return {}
    return {"metric": metric, "direction": "highest" if direction == "max" else "lowest", "node": node}


def _key_metric(ex: Extractor, scope: str, node: ast.Call, defs: Defs) -> tuple[str | None, int]:
    """The metric a ``max``/``sorted`` ranks by, and -1 when it is negated (``-rmse``)."""
    key = next((k.value for k in node.keywords if k.arg == "key"), None)
    if type(key) is ast.Lambda:
        metric = metric_of(ex, scope, key.body, defs)
        if metric:
            return metric, -1 if type(key.body) is ast.UnaryOp and type(key.body.op) is ast.USub else 1
    if key is not None or not node.args:
        return None, 1
    elements = _elements(node.args[0], defs)  # max(scored): the tuples' first part
    for elem in elements:
        first = elem.elts[0] if type(elem) is ast.Tuple and elem.elts else elem
        metric = metric_of(ex, scope, first, defs)
        if metric:
            return metric, -1 if type(first) is ast.UnaryOp and type(first.op) is ast.USub else 1
    return None, 1


def _elements(expr: ast.expr, defs: Defs) -> list[ast.expr]:
    if type(expr) in (ast.ListComp, ast.GeneratorExp, ast.SetComp):
        return [expr.elt]
    if type(expr) in (ast.List, ast.Tuple):
        return list(expr.elts)
    if type(expr) is ast.Name:
        return [e for _line, how, e in defs.get(expr.id, ()) if how == "elem"]
    return []


# ----------------------------------------------------------------------------- facts
_TARGET_ARG = {"set_registered_model_alias": (1, "alias"), "transition_model_version_stage": (2, "stage")}


def _target(ex: Extractor, scope: str, call: ast.Call) -> Any:
    """The alias or stage set, or the registered model's name."""
    tail = call_tail(call)
    pos, key = _TARGET_ARG.get(tail, (1 if tail == "register_model" else 0, "name"))
    key = "registered_model_name" if tail == "log_model" else key
    node = next((k.value for k in call.keywords if k.arg == key), None)
    if node is None and tail != "log_model" and len(call.args) > pos:
        node = call.args[pos]
    value = ex.value(node, scope) if node is not None else UNKNOWN
    return value if isinstance(value, str) else None


def _record(ex: Extractor, scope: str, call: ast.Call, choice: dict | None, gate: dict | None) -> None:
    tail = call_tail(call)
    base = {"action": ACTIONS[tail], "call": tail, "action_line": call.lineno}
    target = _target(ex, scope, call)
    if target:
        base["target"] = target
    name = target or tail
    if choice:
        attrs = {**base, "rule": choice["direction"], "metric": choice["metric"]}
        label = f"{_subject(base)}: the {choice['direction']} {choice['metric']}"
        value = f"{choice['direction']} {choice['metric']}"
        ex.add_at(choice["node"], "model_selection", name, label, scope, value=value, attrs=attrs)
    if gate:
        compare = gate["compares"][0]
        lines = {c.lineno for c in gate["compares"]}
        ex.m.facts = [
            f for f in ex.m.facts if not (f.kind == "threshold" and f.line in lines and f.cell == ex.cell)
        ]
        conditions = gate["conditions"]
        attrs = {**base, "rule": "gate", **conditions[0], "conditions": conditions}
        value = " and ".join(
            f"{c['metric']} {c['op']} {c.get('bound', c.get('against'))}" for c in conditions
        )
        label = f"{_subject(base)} only when {value}"
        ex.add_at(compare, "model_selection", name, label, scope, value=value, attrs=attrs)


def _subject(attrs: dict[str, Any]) -> str:
    """``alias champion`` / ``stage Production`` / ``registered as churn`` / ``loaded``."""
    action, target = attrs["action"], attrs.get("target")
    if action in ("alias", "stage"):
        return f"{action} {target}" if target else f"{action} set"
    return f"registered as {target}" if action == "registered" and target else action
