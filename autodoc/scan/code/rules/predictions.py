"""Columns built on a model's predictions: a prediction column (``df["p"] = preds`` after ``preds =
model.predict(X)``), and columns derived on a frame of predictions or after the last prediction (a
submission, a PSI or calibration table): outputs, not features a fit receives."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules import vocab as v

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_PREDICT_CALLS = frozenset({"predict", "predict_proba", "predict_log_proba", "decision_function"})


def is_prediction(node: ast.expr) -> bool:
    """``model.predict(X)``, ``model.predict_proba(X)[:, 1]``: a model's output."""
    while type(node) is ast.Subscript:
        node = node.value
    return type(node) is ast.Call and getattr(node.func, "attr", "") in _PREDICT_CALLS


def mark_predictions(ex: Extractor) -> None:
    """``df["p"] = preds`` after ``preds = model.predict(X)`` in the same scope: a prediction column,
    not a derived feature (known once the whole module is read, in any order). Features are what a
    fit receives: a column derived on a frame of predictions (``preds["day_id"] = ...``, a
    submission) or after its scope's last prediction, with no fit or prediction after it, is an
    output built on the predictions and no feature."""
    predicts: dict[str, list[tuple[int, int]]] = {}
    for cell, scope, nodes, _fn in ex.indexed:
        at = -1 if cell is None else cell
        predicts.setdefault(scope, []).extend(
            (at, c.lineno) for c in nodes.get(ast.Call, ()) if is_prediction(c)
        )
    predicted = any(predicts.values())  # a prediction call anywhere in the module (most have none)
    fits = [(f.scope, -1 if f.cell is None else f.cell, f.line) for f in ex.m.facts if f.kind == "fit"]
    for scope, cell, line in fits:
        predicts.setdefault(scope, []).append((cell, line))
    frames = _prediction_frames(ex)
    named = {(scope, name) for _cell, scope, name in ex.predicted}  # a notebook's names outlive their cell
    compared = _compared_after(ex, named, predicts) if predicted or named else {}
    kept = []
    for fact in ex.m.facts:
        name = fact.attrs.pop("from_name", None) if fact.kind == "feature" else None
        if name is not None and (fact.scope, name) in named:
            fact.kind, fact.label = "prediction", f"prediction column {fact.name}"
        where = (fact.scope, fact.attrs.get("frame"))
        on_frame = fact.kind == "feature" and (
            where in frames
            or (where in compared and (-1 if fact.cell is None else fact.cell, fact.line) > compared[where])
        )
        if fact.kind != "feature" or not (on_frame or _on_predictions(fact, predicts, fits)):
            kept.append(fact)
    ex.m.facts[:] = kept


def _compared_after(
    ex: Extractor, named: set[tuple[str, str]], predicts: dict[str, list[tuple[int, int]]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(scope, frame) -> the position of the last prediction or fit up to where a prediction column is
    put into the frame (``compared["Predicted"] = y_pred``): the columns derived on it after that (the
    actuals beside, the error between them) compare predictions with outcomes, and no fit receives them."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for cell, scope, nodes, _fn in ex.indexed:
        for node in nodes.get(ast.Assign, ()):
            target, value = node.targets[0], node.value
            if type(target) is not ast.Subscript or type(target.value) is not ast.Name:
                continue
            if not (is_prediction(value) or (type(value) is ast.Name and (scope, value.id) in named)):
                continue
            at = (-1 if cell is None else cell, node.lineno)
            before = max((p for p in predicts.get(scope, ()) if p <= at), default=(-2, 0))
            key = (scope, target.value.id)
            out[key] = min(out.get(key, before), before)
    return out


def _prediction_frames(ex: Extractor) -> set[tuple[str, str]]:
    """(scope, name) of frames built from a model's predictions: ``pd.DataFrame({"p": y_pred_proba})``
    and what is built from such a frame (``bins = scored.groupby("bin")...``): a PSI or calibration
    table, not the data a fit receives."""
    found = {(scope, name) for _cell, scope, name in ex.predicted}
    if not found:  # no prediction in the module: nothing is built from one (most modules)
        return found
    assigns = sorted(
        (
            (cell or 0, a.lineno, scope, a)
            for cell, scope, nodes, _fn in ex.indexed
            for a in nodes.get(ast.Assign, ())
        ),
        key=lambda t: t[:2],
    )
    for _cell, _line, scope, assign in assigns:
        names = [t.id for t in assign.targets if type(t) is ast.Name]
        if names and any(type(n) is ast.Name and (scope, n.id) in found for n in ast.walk(assign.value)):
            found.update((scope, name) for name in names)
    return found


def _on_predictions(
    fact: Fact, predicts: dict[str, list[tuple[int, int]]], fits: list[tuple[str, int, int]]
) -> bool:
    """A derived column of a frame of predictions, or built after its scope's last prediction."""
    frame = fact.attrs.get("frame")
    if isinstance(frame, str) and v.PREDICTION_FRAMES.match(frame.rsplit(".", 1)[-1]):
        return True
    at = (-1 if fact.cell is None else fact.cell, fact.line)
    uses = predicts.get(fact.scope, [])
    predicted = any(p < at for p in uses if (fact.scope, *p) not in fits)
    return predicted and not any(p > at for p in uses)
