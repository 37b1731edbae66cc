"""Rules for assignments and comparisons: targets, seeds, thresholds, feature lists, SQL, derived columns."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.syntax import dotted, snip
from autodoc.scan.code.values import is_ref

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor


def assign(ex: Extractor, node: ast.Assign, scope: str) -> None:
    if len(node.targets) != 1:
        return
    tgt, val_node = node.targets[0], node.value
    tt = type(tgt)
    if tt is ast.Name:
        assign_name(ex, tgt.id, val_node, node.lineno, scope)
    elif tt is ast.Subscript:
        col = ex.value(tgt.slice, scope)
        if isinstance(col, str) and type(tgt.value) is ast.Name and is_frame(tgt.value.id, val_node):
            ex.add(
                Fact(
                    "feature",
                    col,
                    f"derived column {col}",
                    node.lineno,
                    value=col,
                    attrs={"frame": tgt.value.id, "how": "assignment"},
                    text=ex.snippet(node),
                    scope=scope,
                )
            )


def _fact(ex: Extractor, kind: str, name: str | None, label: str, line: int, scope: str, **kw: Any) -> None:
    """One fact about the line `line` (its text is the line unless given)."""
    kw.setdefault("text", ex.line(line))
    ex.add(Fact(kind, name, label, line, scope=scope, **kw))


def assign_name(ex: Extractor, name: str, val_node: ast.expr, line: int, scope: str) -> None:
    t = type(val_node)
    if t is ast.Constant:
        _constant(ex, name, val_node.value, line, scope)
    elif t is ast.Subscript and v.Y_NAMES.match(name):
        col = ex.value(val_node.slice, scope)
        if isinstance(col, list) and len(col) == 1:  # y = df[["quality"]]
            col = col[0]
        attrs = {"name": name, "frame": dotted(val_node.value)}
        if is_ref(col):
            _fact(ex, "target", None, "target column", line, scope, value=col, attrs=attrs)
        elif isinstance(col, str):
            _fact(ex, "target", col, f"target column {col}", line, scope, value=col, attrs=attrs)
    elif t is ast.Attribute and v.Y_NAMES.match(name) and type(val_node.value) is ast.Name:
        col = val_node.attr
        if col not in ("values", "target", "data", "T", "shape"):
            _fact(ex, "target", col, f"target column {col}", line, scope, value=col, attrs={"name": name})
    elif t in (ast.List, ast.Tuple) and v.FEATURE_NAMES.search(name):
        cols = ex.value(val_node, scope)
        if isinstance(cols, list) and cols and all(isinstance(c, str) for c in cols):
            end = getattr(val_node, "end_lineno", None)
            label = f"{name} ({len(cols)} columns)"
            _fact(
                ex,
                "feature",
                name,
                label,
                line,
                scope,
                line_end=end,
                value=cols,
                attrs={"how": "list"},
                text=None,
            )


def _constant(ex: Extractor, name: str, value: Any, line: int, scope: str) -> None:
    """``TARGET = "churn"``, ``SEED = 42``, ``THRESHOLD = 0.4``, ``QUERY = "select ..."``."""
    if isinstance(value, str) and v.TARGET_NAMES.match(name):
        _fact(ex, "target", value, f"target column {value}", line, scope, value=value, attrs={"name": name})
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if v.SEED_NAMES.match(name) and isinstance(value, int):
            _fact(ex, "seed", name, f"{name} = {value}", line, scope, value=value)
        elif v.THRESH_NAMES.search(name):
            _fact(ex, "threshold", name, f"{name} = {value}", line, scope, value=value)
    elif isinstance(value, str) and re.search(r"sql|query", name, re.IGNORECASE) and v.SQL_RE.search(value):
        attrs = {"sql": snip(value), "tables": v.sql_tables(value)}
        _fact(ex, "data_source", name, f"SQL query {name}", line, scope, value=None, attrs=attrs, text=None)


def compare(ex: Extractor, node: ast.Compare, scope: str) -> None:
    """``proba >= 0.35``: a decision threshold on a score."""
    if len(node.ops) != 1 or type(node.ops[0]) not in (ast.Gt, ast.GtE, ast.Lt, ast.LtE):
        return
    val = ex.value(node.comparators[0], scope)
    if not isinstance(val, float) or not 0 < val < 1:
        return
    left = ex.snippet(node.left, 80) or ""
    if not v.SCORE_EXPR.search(left):
        return
    attrs = {"expr": ex.snippet(node, 120)}
    _fact(ex, "threshold", left[:40], f"decision threshold {val}", node.lineno, scope, value=val, attrs=attrs)


def is_frame(name: str, value: ast.expr) -> bool:
    """Is ``name[...] = value`` a derived data-frame column (not a config dict entry)?"""
    if v.NOT_FRAMES.match(name) or "config" in name.lower() or "param" in name.lower():
        return False
    if v.FRAME_NAMES.search(name):
        return True
    # Column arithmetic on the right-hand side (out["a"] / out["b"]) says it is a frame.
    stack = [value]
    while stack:
        node = stack.pop()
        if (
            type(node) is ast.Subscript
            and type(node.slice) is ast.Constant
            and isinstance(node.slice.value, str)
        ):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False
