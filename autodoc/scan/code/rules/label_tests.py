"""The test that sets a label, read from the four ways code writes it: ``1 if tag in tags else 0``,
``np.where(df["status"] == "bad", 1, 0)``, ``(df["readmitted"] == "<30").astype(int)`` (1 when
the test holds, else 0) and Spark's ``F.when(F.col("recency") > 90, 1).otherwise(0)``. The label
rule (`dataflow.label`) keeps the two values, the field tested, the operator and the value looked
for; the field is a column read (`column_name`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.rules.metric_reads import call_tail
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_OPS = {
    ast.In: "contains",
    ast.Eq: "is",
    ast.NotEq: "is not",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Lt: "<",
    ast.LtE: "<=",
}
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


def condition(ex: Extractor, value: ast.expr, scope: str) -> dict[str, Any]:
    """``1 if tag in post.get("Tags") else 0``: the two values, the field tested and the value looked for."""
    test, yes, no = _tested(ex, value, scope)
    if test is None or type(test) is not ast.Compare or len(test.ops) != 1:
        return {}
    op = _OPS.get(type(test.ops[0]))
    if op is None or not isinstance(yes, int | float | str) or not isinstance(no, int | float | str):
        return {}
    left, right = test.left, test.comparators[0]
    if op != "contains" and column_name(left, ex, scope) is not None:
        left, right = right, left  # df["status"] == "bad": the field is on the left
    elif op in _FLIP:
        op = _FLIP[op]  # 90 < df.recency: said field first, recency > 90
    field = column_name(right, ex, scope) or next(
        (
            a.value
            for c in ast.walk(right)
            if type(c) is ast.Call
            for a in c.args[:1]
            if type(a) is ast.Constant
        ),
        None,
    )
    tested = ex.value(left, scope)
    if not isinstance(field, str) or tested is UNKNOWN:
        return {}
    return {"positive": yes, "negative": no, "field": field, "op": op, "tested": tested}


def column_name(node: ast.AST, ex: Extractor, scope: str) -> str | None:
    """``df["x"]`` / ``df.x`` -> "x"."""
    if type(node) is ast.Subscript:
        col = ex.value(node.slice, scope)
        return col if isinstance(col, str) else None
    if type(node) is ast.Attribute and type(node.value) is ast.Name:
        return node.attr
    if type(node) is ast.Call and len(node.args) == 1 and call_tail(node) in ("col", "column"):
        col = ex.value(node.args[0], scope)  # Spark: F.col("status")
        return col if isinstance(col, str) else None
    return None


def _literal(ex: Extractor, node: ast.expr, scope: str) -> Any:
    """A value, through Spark's ``F.lit(1)``."""
    if type(node) is ast.Call and len(node.args) == 1 and call_tail(node) == "lit":
        node = node.args[0]
    return ex.value(node, scope)


def _tested(ex: Extractor, value: ast.expr, scope: str) -> tuple[ast.expr | None, Any, Any]:
    """(test, value when it holds, value when not) of a label rule, or Nones."""
    if type(value) is ast.IfExp:
        return value.test, ex.value(value.body, scope), ex.value(value.orelse, scope)
    if type(value) is not ast.Call or type(value.func) is not ast.Attribute:
        return None, None, None
    if value.func.attr == "astype" and value.args and "int" in ast.unparse(value.args[0]):
        return value.func.value, 1, 0  # (df.x == "Yes").astype(int): True is 1
    if value.func.attr == "where" and len(value.args) == 3:  # np.where(test, 1, 0)
        return value.args[0], ex.value(value.args[1], scope), ex.value(value.args[2], scope)
    when = value.func.value
    if (
        value.func.attr == "otherwise"
        and len(value.args) == 1
        and type(when) is ast.Call
        and call_tail(when) == "when"
        and len(when.args) == 2
    ):  # F.when(test, 1).otherwise(0), one test only
        return when.args[0], _literal(ex, when.args[1], scope), _literal(ex, value.args[0], scope)
    return None, None, None
