"""Values held on an instance: ``self.n_trees = 300`` in a method, read as ``self.n_trees`` in another
method of the same class (``RandomForestClassifier(n_estimators=self.n_trees)``).

An attribute is known when it is assigned only in the class's ``__init__`` and every assignment
there gives the same static value. Assigned in another method (a later change, or a value an ORM or
a framework fills), given different values, changed in place (``self.n += 1``), unpacked from a
tuple, or taken from a parameter of ``__init__`` (its callers decide), it is not: never one of
several values. Values are read when first asked for, once the module's own names are bound.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.syntax import Buckets

if TYPE_CHECKING:
    from autodoc.scan.code.values import Values

_CHANGED = None  # a site that changes the attribute without a value of its own (+=, tuple targets)


class InstanceAttributes:
    """class -> attribute -> its assignments (value node and the method they are in)."""

    def __init__(self) -> None:
        self.sites: dict[str, dict[str, list[tuple[ast.expr | None, str]]]] = {}
        self.known: dict[tuple[str, str], Any] = {}

    def note(self, scoped: list[tuple[str, Buckets]]) -> None:
        """Record the ``self.x = ...`` assignments of the methods among `scoped` (scope, nodes)."""
        for scope, nodes in scoped:
            if "." not in scope:
                continue  # methods are ``Class.method``
            cls = scope.split(".", 1)[0]
            for node in nodes.get(ast.Assign, ()):
                for target in node.targets:
                    self._target(cls, scope, target, node.value if len(node.targets) == 1 else None)
            for node in nodes.get(ast.AnnAssign, ()):
                self._target(cls, scope, node.target, node.value)
            for node in nodes.get(ast.AugAssign, ()):
                self._target(cls, scope, node.target, None)

    def _target(self, cls: str, scope: str, target: ast.expr, value: ast.expr | None) -> None:
        if type(target) in (ast.Tuple, ast.List):
            for elt in target.elts:  # type: ignore[attr-defined]
                self._target(cls, scope, elt, _CHANGED)
        elif type(target) is ast.Attribute and type(target.value) is ast.Name and target.value.id == "self":
            self.sites.setdefault(cls, {}).setdefault(target.attr, []).append((value, scope))

    def value(self, values: Values, cls: str, attr: str, unknown: Any) -> Any:
        """The attribute's one static value, else `unknown`."""
        key = (cls, attr)
        if key in self.known:
            return self.known[key]
        self.known[key] = unknown  # while it is read: an attribute built from itself is unknown
        sites = self.sites.get(cls, {}).get(attr)
        if not sites or any(node is None or scope != f"{cls}.__init__" for node, scope in sites):
            return unknown
        found = [values.value(node, scope) for node, scope in sites if node is not None]
        one = found[0]
        if one is unknown or _parameter(one) or any(v is unknown or v != one for v in found[1:]):
            return unknown
        self.known[key] = one
        return one


def _parameter(value: Any) -> bool:
    """A value that holds a parameter of ``__init__`` (``{"$param": ...}``, also inside a mapping):
    known only where the object is built, not in the methods that read it."""
    if isinstance(value, dict):
        return "$param" in value or any(_parameter(v) for v in value.values())
    if isinstance(value, list):
        return any(_parameter(v) for v in value)
    return False
