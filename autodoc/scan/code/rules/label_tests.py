"""The test that sets a label, read from the three ways code writes it: ``1 if tag in tags else 0``,
``np.where(df["status"] == "bad", 1, 0)`` and ``(df["readmitted"] == "<30").astype(int)`` (1 when
the test holds, else 0). The label rule (`dataflow.label`) keeps the two values, the field tested,
the operator and the value looked for; the field is a column read (`column_name`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_OPS = {ast.In: "contains", ast.Eq: "is", ast.NotEq: "is not"}


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
    return None


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
    return None, None, None
