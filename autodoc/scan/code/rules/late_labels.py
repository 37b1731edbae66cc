"""A column the module only later shows to be the target: ``loans["Default"] = np.where(...)`` in one
function, ``y = loans[["Default"]]`` in a later one. Read in order, the assignment looked like a
derived column; once the whole module is read it is the label rule (`dataflow.label`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from autodoc.scan.code.rules import dataflow

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor


def late_labels(ex: Extractor) -> None:
    """Turn each derived column of a target column, assigned before the module names it the target,
    into the label fact of how it is built (kept a derived column when it is a plain copy)."""
    pending = [
        f
        for f in ex.m.facts
        if f.kind == "feature" and f.attrs.get("how") == "assignment" and f.name in ex.target_names
    ]
    if not pending:
        return
    assigns = {
        (cell, scope, node.lineno): node
        for cell, scope, nodes, _fn in ex.indexed
        for node in nodes.get(ast.Assign, ())
    }
    done = set()
    for fact in pending:
        node = assigns.get((fact.cell, fact.scope, fact.line))
        if node is None:
            continue
        ex.cell, ex.lines = fact.cell, ex.cell_lines.get(fact.cell, ex.lines)
        frame = fact.attrs.get("frame")
        if dataflow.label(
            ex, str(fact.name), node.value, node.lineno, fact.scope, frame if isinstance(frame, str) else None
        ):
            done.add(id(fact))
    ex.m.facts[:] = [f for f in ex.m.facts if id(f) not in done]
