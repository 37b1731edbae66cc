"""Small syntax readers for `origins`: the estimator inside a search or Pipeline call, the names a
statement assigns and reads, a branch's line span, and a module's statements by scope."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autodoc.scan.code.model import Fact


def inner_estimator(call: ast.Call, fact: Fact) -> ast.expr | None:
    """The estimator a search is given, or the last step of a Pipeline / make_pipeline."""
    keyword = {k.arg: k.value for k in call.keywords if k.arg}
    if fact.kind == "hyperparameter_search":
        return call.args[0] if call.args else keyword.get("estimator")
    if fact.name == "make_pipeline" and call.args:
        return call.args[-1]
    steps = call.args[0] if call.args else keyword.get("steps", keyword.get("stages"))  # stages: Spark's
    while type(steps) is ast.BinOp and type(steps.op) is ast.Add:  # indexers + [encoder, model]
        steps = steps.right
    if type(steps) is ast.List and steps.elts:
        last = steps.elts[-1]
        return last.elts[-1] if type(last) is ast.Tuple and last.elts else last
    return None


def defines_uses(stmt: ast.stmt) -> tuple[set[str], set[str]]:
    """The names a statement assigns (a subscript or attribute assigns its base) and the names it reads."""
    t = type(stmt)
    if t is ast.Assign:
        targets = stmt.targets  # type: ignore[attr-defined]
    elif t in (ast.AugAssign, ast.AnnAssign):
        targets = [stmt.target]  # type: ignore[attr-defined]
    elif t is ast.Expr and type(stmt.value) is ast.Call and type(stmt.value.func) is ast.Attribute:  # type: ignore[attr-defined]
        call = stmt.value  # type: ignore[attr-defined]
        inplace = any(k.arg == "inplace" for k in call.keywords)
        targets = [call.func.value] if inplace else []
    else:
        return set(), set()
    defined = {b for b in (base_name(t) for t in targets) if b}
    used = {n.id for n in ast.walk(stmt) if type(n) is ast.Name}
    return defined, used


def base_name(node: ast.expr) -> str | None:
    while type(node) in (ast.Subscript, ast.Attribute):
        node = node.value  # type: ignore[attr-defined]
    if type(node) is ast.Name:
        return node.id
    if type(node) in (ast.Tuple, ast.List):
        return next((b for b in (base_name(e) for e in node.elts) if b), None)  # type: ignore[attr-defined]
    return None


def span(body: list[ast.stmt]) -> tuple[int, int]:
    return body[0].lineno, getattr(body[-1], "end_lineno", None) or body[-1].lineno


def cell_key(cell: int | None) -> int:
    return -1 if cell is None else cell
