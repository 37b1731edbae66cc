"""Training run as the steps of an orchestrator: a Metaflow flow (``class Train(FlowSpec)`` whose
``@step`` methods chain with ``self.next(self.train)``, launched by ``Train()`` under ``__main__``).

The flow's class fact gets its steps in the order they run (``steps``: ``start``, then each step's
``self.next`` successors; parallel branches listed together, ``foreach`` fan-outs too) and its
``Parameter`` class attributes become command-line options (`rules.cli.flow_parameters`) whose
defaults the steps read as ``self.x``. The tree scan tells the production pipeline which flow its
entry point runs (`derived`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules import cli
from autodoc.scan.code.syntax import FUNC_TYPES, dotted

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

FLOW_BASES = frozenset({"metaflow.FlowSpec"})
_STEP = "metaflow.step"
MAX_STEPS = 24


def flows(ex: Extractor) -> None:
    """Mark each Metaflow flow class of the module (run once its imports are known)."""
    for node, _bases, cell, lines in ex.pending_models:
        if not any(ex.full_name(b) in FLOW_BASES for b in node.bases):
            continue
        ex.cell, ex.lines = cell, lines
        assigns = [s for s in node.body if type(s) is ast.Assign]
        cli.flow_parameters(ex, assigns)  # type: ignore[arg-type]
        graph = {
            s.name: _successors(s)
            for s in node.body
            if type(s) in FUNC_TYPES and any(ex.full_name(d) == _STEP for d in s.decorator_list)
        }
        order = step_order(graph)
        fact = _class_fact(ex, node)
        if fact is not None and order:
            fact.attrs.update({"orchestrator": "Metaflow", "steps": order})


def step_order(graph: dict[str, list[str]]) -> list[str]:
    """``start -> a -> (b | c) -> join -> end`` as a list: the steps from ``start`` in the order
    they run, the branches of one step written ``(b | c)``; steps not reached from start are left out."""
    order: list[str] = []
    seen: set[str] = set()
    current: list[str] = ["start"] if "start" in graph else []
    while current and len(order) < MAX_STEPS:
        fresh = [s for s in current if s not in seen]
        if not fresh:
            break
        seen.update(fresh)
        order.append(fresh[0] if len(fresh) == 1 else f"({' | '.join(fresh)})")
        after = [n for s in fresh for n in graph.get(s, []) if n in graph]
        current = list(dict.fromkeys(after))
    return order


def _successors(method: ast.AST) -> list[str]:
    """The steps ``self.next(self.a, self.b, foreach="items")`` names, in order."""
    out: list[str] = []
    for node in ast.walk(method):
        if type(node) is ast.Call and dotted(node.func) == "self.next":
            out += [a.attr for a in node.args if type(a) is ast.Attribute and dotted(a.value) == "self"]
    return out


def _class_fact(ex: Extractor, node: ast.ClassDef) -> Fact | None:
    return next(
        (f for f in ex.m.facts if f.kind == "class" and f.name == node.name and f.line == node.lineno), None
    )
