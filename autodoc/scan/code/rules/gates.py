"""A metric bound that gates a registration or promotion, never a decision threshold.

``if metrics["auc"] > 0.8: register_model(...)``, ``if auc < 0.8: return`` before it, a bound
set by an argparse option's default, or a new model's metric against another
(``new_auc > prod_auc``): each part of an ``and`` the call needs.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.rules.metric_reads import Defs, call_tail, metric_of, named_metric, within
from autodoc.scan.code.syntax import dotted

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_STOPS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
OPS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<="}
_NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}
FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


def gate(ex: Extractor, scope: str, call: ast.Call, ifs: list[ast.If], defs: Defs) -> dict[str, Any] | None:
    """The metric bounds an ``if`` around the call (or an early exit before it) requires."""
    for node in ifs:
        if within(node.body, call.lineno):
            negate = False
        elif within(node.orelse, call.lineno) or _exits_before(node, call):
            negate = True
        else:
            continue
        found = _conditions(ex, scope, node.test, defs, negate)
        if found:
            return {"conditions": [c for c, _ in found], "compares": [n for _, n in found]}
    return None


def _exits_before(node: ast.If, call: ast.Call) -> bool:
    """``if auc < 0.8: return`` before the call, at its level or outside it."""
    if node.orelse or (node.end_lineno or node.lineno) >= call.lineno or node.col_offset > call.col_offset:
        return False
    last = node.body[-1]
    exits = type(last) is ast.Expr and type(last.value) is ast.Call and call_tail(last.value) == "exit"
    return exits or type(last) in _STOPS


def _conditions(
    ex: Extractor, scope: str, test: ast.expr, defs: Defs, negate: bool
) -> list[tuple[dict[str, Any], ast.Compare]]:
    """Each ``metric > bound`` the call needs: the parts of an ``and`` (of an ``or`` when the call
    runs where the test fails, each part negated)."""
    joiner = ast.Or if negate else ast.And
    tests = test.values if type(test) is ast.BoolOp and type(test.op) is joiner else [test]
    first = _first_time(test) if not negate else None
    if first is not None:
        tests = [first[1]]
    out = []
    for node in tests:
        found = _condition(ex, scope, node, defs) if type(node) is ast.Compare else None
        if found is not None:
            found["op"] = _NEGATED[found["op"]] if negate else found["op"]
            if first is not None:
                found["unless_none"] = first[0]
            out.append((found, node))
    return out


def _first_time(test: ast.expr) -> tuple[str, ast.expr] | None:
    """(name, comparison) of ``prod_auc is None or new_auc > prod_auc`` / ``not prod or ...``: a
    comparison that applies once there is something to compare with."""
    if type(test) is not ast.BoolOp or type(test.op) is not ast.Or or len(test.values) != 2:
        return None
    empty, compared = test.values
    if type(empty) is ast.UnaryOp and type(empty.op) is ast.Not:
        name = dotted(empty.operand)
    elif type(empty) is ast.Compare and type(empty.ops[0]) is ast.Is and _is_none(empty.comparators[0]):
        name = dotted(empty.left)
    else:
        return None
    return (name, compared) if name and type(compared) is ast.Compare else None


def _is_none(node: ast.expr) -> bool:
    return type(node) is ast.Constant and node.value is None


def _condition(ex: Extractor, scope: str, node: ast.Compare, defs: Defs) -> dict[str, Any] | None:
    """{metric, op, bound} of ``auc > 0.8`` / ``auc >= args.min_auc`` (the option's default), or
    {metric, op, against} of ``new_auc > prod_auc``."""
    if len(node.ops) != 1 or type(node.ops[0]) not in OPS:
        return None
    op, left, right = OPS[type(node.ops[0])], node.left, node.comparators[0]
    for side, other, flip in ((left, right, False), (right, left, True)):
        metric = metric_of(ex, scope, side, defs) or named_metric(side)
        if not metric:
            continue
        found: dict[str, Any] = {"metric": metric, "op": FLIP[op] if flip else op}
        bound = ex.value(other, scope)
        if isinstance(bound, dict) and isinstance(bound.get("$arg"), str) and bound["$arg"] in ex.m.argparse:
            found["option"] = bound["$arg"]
            bound, found["option_line"] = ex.m.argparse[bound["$arg"]]
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            return {**found, "bound": bound}
        against = metric_of(ex, scope, other, defs) or named_metric(other)
        return {**found, "against": against} if against and not flip else None
    return None
