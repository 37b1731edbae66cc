"""Rules for forecasting code: a series whose lag windows are the inputs and whose next value is the label."""

from __future__ import annotations

import ast
import textwrap
from typing import TYPE_CHECKING

from autodoc.scan.code.rules import vocab as v

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor


def is_last_column(node: ast.Subscript) -> bool:
    """``windows[:, -1]``: the last position of every row (the value that follows the window)."""
    s = node.slice
    if type(s) is not ast.Tuple or len(s.elts) != 2 or type(s.elts[0]) is not ast.Slice:
        return False
    last = s.elts[1]
    return (
        type(last) is ast.UnaryOp and type(last.op) is ast.USub and getattr(last.operand, "value", None) == 1
    )


def series_target(ex: Extractor, name: str, node: ast.Subscript, line: int, scope: str) -> bool:
    """``y_train = train[:, -1]`` in a function that reads one single column from its frames: that
    column is what the model predicts (its next value, from the window of values before it)."""
    columns, tree = _frame_columns(ex, scope)
    if len(columns) != 1 or (scope, "series target") in ex.seen:
        return False
    if "train" not in name.lower() and _has_training_label(tree):
        return False  # y_test = test[:, -1]: cite the training label (y_train) instead
    ex.seen.add((scope, "series target"))
    col = columns.pop()
    ex.target_names.add(col)
    attrs = {"name": name, "how": "next value of the series after each window of lagged values"}
    label = f"target column {col} (predicted from its own lagged values)"
    ex.add_at(node, "target", col, label, scope, value=col, attrs=attrs, text=ex.line(line))
    return True


def prophet_target(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``df.rename(columns={"Date": "ds", "Temp": "y"})`` in a module that uses Prophet: Prophet
    forecasts the column named ``y``, so the column renamed to ``y`` is the target."""
    if not any(str(o).startswith(("prophet", "fbprophet")) for o in ex.m.aliases.values()):
        return
    mapping = next((ex.value(k.value, scope) for k in node.keywords if k.arg == "columns"), None)
    col = next((k for k, to in mapping.items() if to == "y"), None) if isinstance(mapping, dict) else None
    if not isinstance(col, str) or col == "y" or col in ex.target_names:
        return
    ex.target_names.add(col)
    attrs = {"name": "y", "how": "renamed to y, the column Prophet forecasts"}
    ex.add_at(
        node, "target", col, f"target column {col} (renamed to y for Prophet)", scope, value=col, attrs=attrs
    )


def _has_training_label(tree: ast.AST | None) -> bool:
    """Does the function also take a training label from its windows (``y_train = train[:, -1]``)?"""
    return any(
        type(n) is ast.Assign
        and type(n.targets[0]) is ast.Name
        and "train" in n.targets[0].id.lower()
        and type(n.value) is ast.Subscript
        and is_last_column(n.value)
        for n in ast.walk(tree or ast.Module(body=[], type_ignores=[]))
    )


def _frame_columns(ex: Extractor, scope: str) -> tuple[set[str], ast.AST | None]:
    """The literal column names the function `scope` reads from data frames (``df[attr]``), and its tree."""
    span = ex.m.functions.get(scope)
    if span is None:
        return set(), None
    source = textwrap.dedent("\n".join(ex.lines[span[0] - 1 : span[1]]))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), None
    columns: set[str] = set()
    for node in ast.walk(tree):
        if (
            type(node) is ast.Subscript
            and type(node.value) is ast.Name
            and not v.NOT_FRAMES.match(node.value.id)
        ):
            col = ex.value(node.slice, scope)
            if isinstance(col, str):
                columns.add(col)
    return columns, tree


NEXT_TOKEN = "the next token, since the targets are the input sequence shifted by one position"


def next_token_target(ex: Extractor, name: str, node: ast.expr, line: int, scope: str) -> bool:
    """``y = torch.stack([data[i + 1 : i + 1 + block_size] for i in ix])``: each label is the window
    one position after the input's, so the model learns to predict the next token."""
    if not any(type(n) is ast.Slice and _plus_one(n.lower) for n in ast.walk(node)):
        return False
    attrs = {"name": name, "how": "input sequence shifted by one position"}
    ex.add_at(
        node, "target", "next token", NEXT_TOKEN, scope, value=NEXT_TOKEN, attrs=attrs, text=ex.line(line)
    )
    return True


def _plus_one(node: ast.expr | None) -> bool:
    """``i + 1``: an index moved one position on."""
    return (
        type(node) is ast.BinOp
        and type(node.op) is ast.Add
        and type(node.left) is ast.Name
        and getattr(node.right, "value", None) == 1
    )
