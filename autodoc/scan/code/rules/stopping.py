"""Early stopping of a boosted model, and the rows it watches.

``model.fit(X_tr, y_tr, eval_set=[(X_val, y_val)], callbacks=[lgb.early_stopping(100)])``,
``lgb.train(params, dtrain, valid_sets=[dval], callbacks=[lgb.early_stopping(50)])``,
``xgb.train(params, dtrain, evals=[(dvalid, "valid")], early_stopping_rounds=50)``, CatBoost's
``fit(..., eval_set=(X_val, y_val), early_stopping_rounds=100)``: training stops when the score on
the evaluation rows has not improved for that many rounds, so those rows choose the number of trees.
Which split they come from is what a validator checks (the test split makes test scores optimistic).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.rules.flow import assigned_before
from autodoc.scan.code.rules.training import split_of
from autodoc.scan.code.syntax import dotted, keyword
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_EVAL_KEYWORDS = ("eval_set", "valid_sets", "evals")
# a boosting library's stopping callback and the keyword of its rounds (else its first argument);
# Keras' EarlyStopping watches validation_data with a patience: a rule of its own (training.classify)
_CALLBACKS = {"lightgbm.early_stopping": "stopping_rounds", "xgboost.callback.EarlyStopping": "rounds"}


def early_stopping(ex: Extractor, node: ast.Call, scope: str, full: str) -> None:
    """An ``early_stopping`` fact for a fit or train call that stops early (`rounds`, `how`, the
    `eval_rows` it watches and their `split`)."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    stop = _stop(ex, keywords)
    if stop is None:
        return
    how, rounds_node = stop
    attrs: dict[str, Any] = {"call": full, "how": how}
    rounds = ex.value(rounds_node, scope) if rounds_node is not None else UNKNOWN
    if rounds is not UNKNOWN:
        attrs["rounds"] = rounds
    rows, split = watched_rows(ex, node, scope)
    if rows:
        attrs["eval_rows"] = rows
        if split:
            attrs["split"] = split
    label = f"early stopping ({how})" + (f" on {', '.join(rows)}" if rows else "")
    ex.add_at(node, "early_stopping", how, label, scope, value=how, attrs=attrs)


def watched_rows(ex: Extractor, node: ast.Call, scope: str) -> tuple[list[str], str | None]:
    """The names of the evaluation rows a fit or train call is given, and the split they come from."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    given = next((keywords[k] for k in _EVAL_KEYWORDS if k in keywords), None)
    if type(given) is ast.Name:  # watchlist = [(dtrain, "train"), (dvalid, "valid")]
        given = assigned_before(ex, given.id, scope, node.lineno) or given
    rows = _eval_rows(ex, given)
    split = (split_of(rows) or split_of(_wrapped(ex, rows[0], scope, node.lineno))) if rows else None
    return rows, split


def _stop(ex: Extractor, keywords: dict[str, ast.expr]) -> tuple[str, ast.expr | None] | None:
    """(how it is asked for, the node of its rounds): the keyword, or a stopping callback."""
    if "early_stopping_rounds" in keywords:
        return "early_stopping_rounds", keywords["early_stopping_rounds"]
    listed = keywords.get("callbacks")
    for call in listed.elts if type(listed) in (ast.List, ast.Tuple) else []:  # type: ignore[union-attr]
        if type(call) is not ast.Call or ex.full_name(call.func) not in _CALLBACKS:
            continue
        given = keyword(call, _CALLBACKS[ex.full_name(call.func)])
        return str(dotted(call.func)), given if given is not None else (call.args[0] if call.args else None)
    return None


def _eval_rows(ex: Extractor, node: ast.expr | None) -> list[str]:
    """The names of the rows the stopping rule watches: the last evaluation set (XGBoost stops on
    the last; a training set listed first is only reported)."""
    if type(node) is ast.List and node.elts:
        node = node.elts[-1]
    if type(node) is ast.Tuple and node.elts and all(type(e) is not ast.Tuple for e in node.elts):
        parts = [e for e in node.elts if type(e) is not ast.Constant]  # (dvalid, "valid"): the data
        return [s for e in parts[:2] if (s := ex.snippet(e, 40))]
    return [s] if node is not None and (s := ex.snippet(node, 40)) else []


def _wrapped(ex: Extractor, name: str, scope: str, line: int) -> list[str]:
    """The arguments of the data container a name holds (``dtest = xgb.DMatrix(X_test, label=y_test)``,
    ``lgb.Dataset``, CatBoost's ``Pool``): the rows it wraps."""
    made = assigned_before(ex, name, scope, line) if name.isidentifier() else None
    if type(made) is not ast.Call:
        return []
    given = [*made.args[:2], *(k.value for k in made.keywords if k.arg in ("data", "label"))]
    return [s for a in given if (s := ex.snippet(a, 40))]
