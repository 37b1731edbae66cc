"""Small syntax readers: the estimator inside a search or Pipeline call, the names a statement assigns
and reads, a branch's line span, a module's statements by scope, and what a name last held."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from autodoc.scan.code.model import MODULE

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor
    from autodoc.scan.code.model import Fact

# what builds a mapping rather than a data frame: ``{}``, ``dict(...)``, ``defaultdict(list)``
_MAPPING_CALLS = ("dict", "defaultdict", "OrderedDict", "Counter")


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


def assigned_before(ex: Extractor, name: str, scope: str, line: int) -> ast.expr | None:
    """The value last assigned to `name` before `line` in this cell, in `scope` or at top level."""
    found: tuple[int, ast.expr] | None = None
    for cell, where, nodes, _root in ex.indexed:
        if cell != ex.cell or where not in (scope, MODULE):
            continue
        for stmt in nodes.get(ast.Assign, ()):
            named = any(type(t) is ast.Name and t.id == name for t in stmt.targets)
            if named and stmt.lineno < line and (found is None or stmt.lineno > found[0]):
                found = (stmt.lineno, stmt.value)
    return found[1] if found else None


def is_mapping(value: ast.expr | None) -> bool:
    """Whether an expression builds a dict (a literal, a comprehension or a dict-making call)."""
    if type(value) in (ast.Dict, ast.DictComp):
        return True
    if type(value) is ast.Call:
        func = value.func
        name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
        return name in _MAPPING_CALLS
    return False
