"""Objects one method hands on to another through the instance, and the items of a collection a loop
visits: where `Origins` goes on when a saved object is not a plain name.

A Metaflow flow's ``@step`` methods pass their results as ``self`` attributes (``self.model = best``
in one step, ``joblib.dump(self.model, path)`` in the next); so do the methods of any class. A step
may also keep its models in a collection (``self.models[name] = {"model": best}``) that another
step walks (``for name, info in self.models.items(): joblib.dump(info["model"], ...)``). The loop
variable stands for an item of the collection, and an item for what the code puts into it."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autodoc.scan.code.rules.origins import Origins, Pos

Site = tuple[ast.expr, str, "Pos"]  # an expression, the scope it is in, where


def loop_items(loops: Iterable[ast.AST]) -> Iterator[tuple[ast.Name, ast.expr, int]]:
    """(loop variable, an item of the collection) of ``for v in X``, ``for v in X.values()`` and the
    value of ``for k, v in X.items()``; the item is written ``X[...]``; and the loop's line."""
    for loop in loops:
        target, walked = loop.target, loop.iter  # type: ignore[attr-defined]
        method = walked.func.attr if type(walked) is ast.Call and type(walked.func) is ast.Attribute else ""
        if method in ("items", "values") and not walked.args:  # type: ignore[attr-defined]
            walked = walked.func.value  # type: ignore[attr-defined]
            if method == "items":
                pair = target.elts if type(target) is ast.Tuple and len(target.elts) == 2 else None
                target = pair[1] if pair else None
        if type(target) is ast.Name and type(walked) in (ast.Name, ast.Attribute, ast.Subscript):
            item = ast.Subscript(value=walked, slice=ast.Constant(value=None), ctx=ast.Load())
            yield target, ast.copy_location(item, loop), loop.lineno


def handed(origins: Origins, expr: ast.expr, scope: str, pos: Pos) -> list[Site]:
    """Where the object `expr` comes from when it is an item (``info["model"]``: the collection,
    whose model entry `Origins` picks) or an attribute of ``self`` in a method (what the class's
    methods assign to it, or to its items: the latest before `pos` in `scope` first, then the others)."""
    if type(expr) is ast.Subscript:
        return [(expr.value, scope, pos)]
    if not (type(expr) is ast.Attribute and _on_self(expr.value) and "." in scope):
        return []
    cls, attr = scope.split(".", 1)[0], expr.attr
    here: list[Site] = []  # earlier in the same method: the latest first
    elsewhere: list[Site] = []  # in the class's other methods (another step), in source order
    for method, stmts in origins.stmts.items():
        if method.startswith(f"{cls}."):
            for at, stmt in stmts:
                for value in _assigned(stmt, attr):
                    if method != scope or at < pos:
                        (here if method == scope else elsewhere).append((value, method, at))
    return [*reversed(here), *elsewhere]


def _assigned(stmt: ast.stmt, attr: str) -> list[ast.expr]:
    """What ``self.attr = v`` or ``self.attr[key] = v`` puts there (v), from one statement."""
    if type(stmt) is ast.Assign:
        targets, value = stmt.targets, stmt.value
    elif type(stmt) is ast.AnnAssign and stmt.value is not None:
        targets, value = [stmt.target], stmt.value
    else:
        return []
    out: list[ast.expr] = []
    for target in targets:
        held = target.value if type(target) is ast.Subscript else target
        if type(held) is ast.Attribute and held.attr == attr and _on_self(held.value):
            out.append(value)
    return out


def _on_self(node: ast.expr) -> bool:
    return type(node) is ast.Name and node.id == "self"
