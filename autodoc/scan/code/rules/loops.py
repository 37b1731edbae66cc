"""Rules for a hand-written training loop (plain PyTorch): how many epochs it runs, and the
checkpoint it keeps.

``for epoch in range(num_epochs):`` bounds the training by a number the function's callers usually
pass (``train_model(..., NUM_EPOCHS, ...)``); a ``break`` in it stops early. A
``torch.save(model.state_dict(), "best.pth")`` under ``if val_acc > best_acc:`` inside that loop keeps
the weights of the best epoch, chosen on the rows that condition measures.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from autodoc.scan.code.model import MODULE
from autodoc.scan.code.syntax import Buckets

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_EPOCH = re.compile(r"epoch", re.IGNORECASE)
EPOCH_LOOP = "epoch_loop"  # the name of the setting fact of a loop over epochs


def epoch_loops(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """A ``setting`` fact for each ``for epoch in range(n)``: its bound ``n`` as the value (a
    parameter of the function is resolved from its callers, as other values are), whether a
    ``break`` can end it early (``breaks``) and under which condition (``stops_when``)."""
    for cell, lines, scope, nodes in scoped:
        for loop in nodes.get(ast.For, ()):
            bound = _epoch_bound(loop)
            if bound is None:
                continue
            ex.cell, ex.lines = cell, lines
            header = f"for {loop.target.id} in {ex.snippet(loop.iter, 80)}"  # type: ignore[attr-defined]
            attrs = {"loop": header, "bound": ex.snippet(bound, 60)}
            if _breaks(loop.body):
                attrs["breaks"] = True
                stop = next(
                    (n.test for n in ast.walk(loop) if type(n) is ast.If and _breaks_here(n.body)), None
                )
                if stop is not None:  # if patience_counter >= patience: break
                    attrs["stops_when"] = ex.snippet(stop, 80)
            label = f"training loop over epochs: {header}"
            value = ex.value_or_expr(bound, scope)
            ex.add_at(loop, "setting", EPOCH_LOOP, label, scope, value=value, attrs=attrs, text=header + ":")


def _epoch_bound(loop: ast.For) -> ast.expr | None:
    """``range(n)`` / ``range(1, n + 1)`` over a name that says epoch: the bound's node, else None."""
    target, it = loop.target, loop.iter
    if type(target) is not ast.Name or not _EPOCH.search(target.id) or type(it) is not ast.Call:
        return None
    if type(it.func) is not ast.Name or it.func.id != "range" or not 1 <= len(it.args) <= 2:
        return None
    return it.args[-1]


def _breaks(body: list[ast.stmt]) -> bool:
    """Whether a ``break`` ends this loop (not one of an inner loop)."""
    todo: list[ast.AST] = list(body)
    while todo:
        node = todo.pop()
        if type(node) is ast.Break:
            return True
        if type(node) not in (ast.For, ast.While, ast.AsyncFor, ast.FunctionDef, ast.AsyncFunctionDef):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _breaks_here(body: list[ast.stmt]) -> bool:
    return any(type(s) is ast.Break for s in body)


def kept_checkpoints(ex: Extractor) -> None:
    """A model saved inside a loop over epochs under an ``if`` keeps the best epoch's weights:
    the condition (``when``) and the loop (``in_loop``) on the save fact."""
    saves = [f for f in ex.m.facts if f.kind == "model_save" and f.cell == ex.cell]
    for cell, where, nodes, _root in ex.indexed if saves else ():
        loops = [n for n in nodes.get(ast.For, ()) if _epoch_bound(n) is not None]
        for loop in loops:
            ifs = [n for n in ast.walk(loop) if type(n) is ast.If]
            ifs.sort(key=lambda n: (n.end_lineno or n.lineno) - n.lineno)  # innermost first
            for save in (s for s in saves if s.cell == cell and s.scope in (where, MODULE)):
                test = next((n.test for n in ifs if _within(save.line, n.body)), None)
                if test is not None and _within(save.line, loop.body):
                    save.attrs["when"] = ex.snippet(test, 80)
                    save.attrs["in_loop"] = f"for {loop.target.id} in {ex.snippet(loop.iter, 80)}"  # type: ignore[attr-defined]


def _within(line: int, body: list[ast.stmt]) -> bool:
    return body[0].lineno <= line <= (body[-1].end_lineno or body[-1].lineno)
