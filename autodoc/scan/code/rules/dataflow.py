"""Rules for how the training data is put together: joins, labels, column lists, derived columns, splits.

Each rule reads one statement (or call) and says what it does to the data, with its literal
keys, columns, windows and boundaries where the code has them.
"""

from __future__ import annotations

import ast
import contextlib
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.rules.flow import assigned_before, is_mapping
from autodoc.scan.code.rules.label_tests import column_name, condition
from autodoc.scan.code.syntax import dotted
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_JOIN_KEYS = ("on", "left_on", "right_on", "how", "left_index", "right_index", "suffixes", "validate")
_NOT_JOINS = ("os.", "posixpath.", "ntpath.", "str.", "pathlib.", "shlex.", "urllib.")
_LABEL_CALLS = {
    "map",
    "replace",
    "where",
    "apply",
    "astype",
    "select",
    "cut",
    "qcut",
    "isin",
    "eq",
    "gt",
    "lt",
}
WINDOW_OPS = {
    "groupby": "group",
    "shift": "lag",
    "diff": "difference",
    "pct_change": "change",
    "rolling": "rolling window",
    "ewm": "exponentially weighted",
    "expanding": "expanding window",
    "cumsum": "cumulative",
    "cumcount": "cumulative",
    "transform": "group transform",
    "rank": "rank",
}
TIME_COLS = re.compile(
    r"date|time|year|month|day|period|week|quarter|(?:^|_)dt$|_d$|^ts$|timestamp", re.IGNORECASE
)
SPLIT_TARGETS = re.compile(
    r"(?:^|_)(?:train|test|val|valid|validation|holdout|oot|eval|dev)(?:_|$|\d|ing)", re.I
)


def join(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``a.merge(b, on="id", how="left")`` / ``pd.merge(a, b, ...)`` / ``df.join(other, on=...)``."""
    func = node.func
    if full.startswith(_NOT_JOINS) or (type(func) is ast.Attribute and type(func.value) is ast.Constant):
        return
    keys = {k.arg: ex.value(k.value, scope) for k in node.keywords if k.arg in _JOIN_KEYS}
    keys = {k: val for k, val in keys.items() if val is not UNKNOWN}
    frames = [d for d in (dotted(a) for a in node.args[:2]) if d]
    if type(func) is ast.Attribute and tail in ("merge", "join"):
        left = dotted(func.value)
        if left and left not in ("pd", "pandas"):
            frames.insert(0, left)
    if tail == "join" and len(node.args) >= 2:  # spark: df.join(other, "id", "left")
        second = ex.value(node.args[1], scope)
        if isinstance(second, str | list):
            keys.setdefault("on", second)
        if len(node.args) >= 3:
            keys.setdefault("how", ex.value(node.args[2], scope))
    if not keys and not (tail == "merge" and len(frames) >= 2):
        return  # str.join, os.path.join and friends: no keys, no frames
    how = keys.get("how") or ("inner (pandas default)" if tail == "merge" else "left (default)")
    on = (
        keys.get("on") or [keys[k] for k in ("left_on", "right_on") if k in keys] or "index or common columns"
    )
    label = f"join {' with '.join(frames[:2]) or 'frames'} on {on} ({how})"
    attrs = {"call": full, "frames": frames[:2], "how": how, **keys}
    ex.add_at(node, "join", str(on)[:60], label[:200], scope, value={"on": on, "how": how}, attrs=attrs)


def _calls_in(node: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(node) if type(n) is ast.Call]


def label_how(value: ast.expr) -> str | None:
    """How a label is built from `value`: a mapping, a condition, a replacement (None if it is a copy)."""
    if type(value) is ast.Compare or type(value) is ast.BoolOp:
        return "condition"
    for call in _calls_in(value):
        tail = call.func.attr if type(call.func) is ast.Attribute else getattr(call.func, "id", "")
        if tail == "astype" and not _reads_column(value):
            continue  # matrix[:, 1].astype(int) is a cast of data already labelled, not a label rule
        if tail in _LABEL_CALLS:
            return {"astype": "condition", "isin": "condition", "eq": "condition"}.get(tail, tail)
    if any(type(n) is ast.Compare for n in ast.walk(value)):
        return "condition"
    return None


def _reads_column(value: ast.expr) -> bool:
    """Does `value` read a named column (``df["churn"]``) or test a condition?"""
    return any(
        (type(n) is ast.Subscript and type(n.slice) is ast.Constant and isinstance(n.slice.value, str))
        or type(n) in (ast.Compare, ast.BoolOp)
        for n in ast.walk(value)
    )


def label(ex: Extractor, name: str, value: ast.expr, line: int, scope: str, frame: str | None) -> bool:
    """How a label is built: ``df["y"] = df["status"].map({...})``, ``y = (df.x == "Yes").astype(int)``."""
    how = label_how(value)
    if how is None:
        return False
    mapping = next(
        (m for c in _calls_in(value) for a in c.args[:1] if isinstance(m := ex.value(a, scope), dict)), None
    )
    funcs = {id(c.func) for c in _calls_in(value)}  # post.get("Tags") reads no column named get
    sources = sorted(
        {c for n in ast.walk(value) if id(n) not in funcs and (c := column_name(n, ex, scope)) and c != name}
    )
    attrs: dict[str, Any] = {"how": how, "expr": ex.snippet(value, 200), "from_columns": sources[:10]}
    if frame:
        attrs["frame"] = frame
    if mapping:
        attrs["mapping"] = mapping
    attrs.update(condition(ex, value, scope))  # the tested value may be a parameter, resolved later
    text = f"label {name} built by {how}" + (f" from {', '.join(sources[:3])}" if sources else "")
    ex.add_at(value, "label", name, text, scope, value=name, attrs=attrs, text=ex.line(line))
    return True


def future_label(ex: Extractor, target: ast.Subscript, value: ast.expr, line: int, scope: str) -> bool:
    """``sales["y"] = sales.groupby("id")["units"].shift(-7)``: a column set to another's value 7 rows
    later (a negative shift) is a forecast's label, never a derived feature: how far ahead (a number,
    or the code that sets it), of which column, within which groups."""
    shift = next((c for c in _chain(value) if type(c) is ast.Call and _attr(c) == "shift"), None)
    amount = (shift.args[:1] or [k.value for k in shift.keywords if k.arg == "periods"]) if shift else []
    if not amount:
        return False
    k = amount[0]
    steps = ex.value(k, scope)
    if isinstance(steps, int | float) and not isinstance(steps, bool):
        if steps >= 0:
            return False
        ahead: Any = -steps
    elif type(k) is ast.UnaryOp and type(k.op) is ast.USub:
        known = ex.value(k.operand, scope)  # shift(-HORIZON), HORIZON = 7
        ahead = known if isinstance(known, int) and not isinstance(known, bool) else ex.snippet(k.operand, 80)
    else:
        return False
    col = ex.value(target.slice, scope)
    of = next((c for c in _chain(shift.func) if type(c) is ast.Subscript), None)
    named = ex.value(of.slice, scope) if of is not None else None
    if isinstance(named, str) and TIME_COLS.search(named):
        return False  # the date of the value ahead, not the label
    attrs: dict[str, Any] = {"how": "future value", "ahead": ahead, "expr": ex.snippet(value, 200)}
    if (
        type(k) is ast.UnaryOp
        and type(k.operand) is ast.Name
        and (made := _assigned(ex, k.operand.id, scope))
    ):
        attrs["ahead_expr"] = made  # shift_days = self.pred_week * NUM_DAYS_1_WEEK
    if of is not None:
        attrs["of"] = named if isinstance(named, str) else _column_words(ex, of.slice, scope)
        if type(of.slice) is ast.Subscript and isinstance(key := ex.value(of.slice.slice, scope), str):
            attrs["of_key"] = key  # config["target_col"]: the setting it reads
    grouped = next(
        (c for c in _chain(value) if type(c) is ast.Call and _attr(c) == "groupby" and c.args), None
    )
    keys = ex.value(grouped.args[0], scope) if grouped is not None else None
    keys = [keys] if isinstance(keys, str) else keys
    if isinstance(keys, list) and keys and all(isinstance(g, str) for g in keys):
        attrs["by"] = keys  # the value ahead in the same series (each id's)
    name = col if isinstance(col, str) else _column_words(ex, target.slice, scope)
    text = f"label {name}: the value of {attrs.get('of', 'the column')} {ahead} rows ahead"
    ex.add_at(
        value,
        "label",
        name,
        text,
        scope,
        value=col if isinstance(col, str) else None,
        attrs=attrs,
        text=ex.line(line),
    )
    return True


def _column_words(ex: Extractor, node: ast.expr, scope: str) -> str:
    """A column the code names through a setting, in words: ``config["target_col"]`` is "the column
    named by target_col" (never the code's own terms in the document)."""
    key = ex.value(node.slice, scope) if type(node) is ast.Subscript else None
    key = node.attr if type(node) is ast.Attribute else key
    return f"the column named by {key}" if isinstance(key, str) else "a column the code computes"


def _assigned(ex: Extractor, name: str, scope: str) -> str | None:
    """The code `name` was last set from in `scope` (of the current cell), if set once there."""
    made = [
        a.value
        for cell, at, nodes, _fn in ex.indexed
        if at == scope and cell == ex.cell
        for a in nodes.get(ast.Assign, ())
        if len(a.targets) == 1 and type(a.targets[0]) is ast.Name and a.targets[0].id == name
    ]
    return ex.snippet(made[0], 80) if len(made) == 1 else None


def _attr(call: ast.Call) -> str:
    return call.func.attr if type(call.func) is ast.Attribute else ""


def window_ops(value: ast.expr, ex: Extractor, scope: str) -> list[str]:
    """``df.groupby("id")["amt"].shift(1).rolling(7).mean()`` -> ["groupby(id)", "shift(1)", "rolling(7)"]."""
    ops: list[str] = []
    node: Any = value
    while True:
        if type(node) is ast.Call and type(node.func) is ast.Attribute:
            tail = node.func.attr
            if tail in WINDOW_OPS:
                args = [ex.value(a, scope) for a in node.args[:2]]
                args += [f"{k.arg}={ex.value(k.value, scope)}" for k in node.keywords if k.arg]
                shown = ", ".join(str(a) if a is not UNKNOWN else "…" for a in args)
                ops.append(f"{tail}({shown})")
            node = node.func.value
        elif type(node) in (ast.Subscript, ast.Attribute):
            node = node.value
        else:
            break
    return list(reversed(ops))


def literal_columns(ex: Extractor, value: ast.expr, scope: str) -> None:
    """``df[selected_vars]`` where ``selected_vars`` is a literal list of column names."""
    for node in _chain(value):
        if type(node) is not ast.Subscript or type(node.slice) is not ast.Name:
            continue
        name = node.slice.id
        cols = ex.value(node.slice, scope)
        if (
            isinstance(cols, list)
            and len(cols) >= 2
            and all(isinstance(c, str) for c in cols)
            and not v.FEATURE_NAMES.search(name)  # those are facts where they are defined
            and (scope, name) not in ex.seen
        ):
            ex.seen.add((scope, name))
            attrs = {"how": "column list", "frame": dotted(node.value)}
            label = f"{name} ({len(cols)} columns selected)"
            line = ex.m.binding_lines.get(name)  # cite the list where it is written, when module-level
            if line:
                ex.add(
                    Fact(
                        "feature", name, label, line, value=cols, attrs=attrs, text=ex.line(line), scope=scope
                    )
                )
            else:
                ex.add_at(node, "feature", name, label, scope, value=cols, attrs=attrs)


def _chain(value: ast.expr) -> list[ast.AST]:
    """The nodes along ``df[cols].copy().values`` and the call's first arguments (cheaper than a walk)."""
    out: list[ast.AST] = []
    node: Any = value
    while True:
        out.append(node)
        t = type(node)
        if t is ast.Call:
            out.extend(node.args[:2])
            node = node.func
        elif t in (ast.Attribute, ast.Subscript):
            node = node.value
        else:
            return out


def loop_columns(ex: Extractor, node: ast.For, scope: str) -> None:
    """``for col in ["a", "b"]: df[col + "_log"] = ...`` / ``for lag in [1, 7]: df[f"units_lag_{lag}"] =
    ...``: columns derived in a loop over a literal list, named when the loop's names can be read."""
    values = ex.value(node.iter, scope)
    if not (isinstance(values, list) and values and all(isinstance(c, str | int) for c in values)):
        return
    loop_var = node.target.id if type(node.target) is ast.Name else "?"
    assigns = [stmt for stmt in ast.walk(node) if type(stmt) is ast.Assign]
    keys = {loop_var, *(t.id for a in assigns for t in a.targets if type(t) is ast.Name)}
    writes = [  # df[col + "_log"] = ...: a column named by the loop (never a dict's keys)
        (stmt, t)
        for stmt in assigns
        for t in stmt.targets
        if type(t) is ast.Subscript
        and type(t.value) is ast.Name
        and any(type(n) is ast.Name and n.id in keys for n in ast.walk(t.slice))
        and not is_mapping(assigned_before(ex, t.value.id, scope, node.lineno))
    ]
    if not writes:
        return
    writes.sort(key=lambda w: (w[1].lineno, w[1].col_offset))  # the walk is breadth-first
    made, target = writes[0]
    names = _every_name(ex, [t for _, t in writes], loop_var, values, scope)
    if names is None and not all(isinstance(c, str) for c in values):
        return
    shown = made if names else next(s for s in node.body if s is not None)  # the write that names them
    attrs = {
        "how": "loop",
        "loop_variable": loop_var,
        "frame": target.value.id,  # type: ignore[attr-defined]
        "expr": ex.snippet(shown, 160),
    }
    label = f"columns derived in a loop over {len(values)} columns"
    if names and names != values:
        attrs["from_columns"] = values  # the loop's values: log(monthly_charges) for monthly_charges_log
    if names:  # every name, or the count of the rest (never an ellipsis)
        more = f" and {len(names) - 8} more" if len(names) > 8 else ""
        label = f"{len(names)} columns derived in a loop: {', '.join(names[:8])}{more}"
    ex.add_at(
        node,
        "feature",
        f"loop:{loop_var}",
        label,
        scope,
        value=names or values,
        attrs=attrs,
        text=ex.line(node.lineno),
    )


def _name(ex: Extractor, node: ast.expr, scope: str) -> Any:
    """A column's name: its value, or ``"{}_lag_{}".format(col, lag)`` of known strings and numbers."""
    func = node.func if type(node) is ast.Call else None
    if type(func) is not ast.Attribute or func.attr != "format" or type(func.value) is not ast.Constant:
        return ex.value(node, scope)
    args = [ex.value(a, scope) for a in node.args]  # type: ignore[union-attr]
    if isinstance(func.value.value, str) and all(type(a) in (str, int) for a in args):
        with contextlib.suppress(IndexError, KeyError, ValueError):
            return func.value.value.format(*args)
    return UNKNOWN


def _every_name(
    ex: Extractor, targets: list[ast.Subscript], loop_var: str, values: list[Any], scope: str
) -> list[str] | None:
    """The columns a loop writes, pass by pass (``mean_4, std_4, mean_12, std_12`` for a loop that
    writes two columns per window), each once; None when the first write's names cannot be read."""
    found = [_loop_names(ex, t, loop_var, values, scope) for t in targets]
    if not found or found[0] is None:
        return None
    named = [names for names in found if names is not None]
    return list(dict.fromkeys(name for at in range(len(values)) for names in named for name in [names[at]]))


def _loop_names(
    ex: Extractor, target: ast.Subscript, loop_var: str, values: list[Any], scope: str
) -> list[str] | None:
    """The column each pass of the loop writes (``f"units_lag_{lag}"`` for each lag), when every one
    can be read; None otherwise."""
    env = ex.env.setdefault(scope, {})
    saved = env.get(loop_var, UNKNOWN)
    names: list[Any] = []
    try:
        for value in values:
            env[loop_var] = value
            names.append(_name(ex, target.slice, scope))
    finally:
        if saved is UNKNOWN:
            env.pop(loop_var, None)
        else:
            env[loop_var] = saved
    named = all(isinstance(n, str) for n in names) and len(set(names)) == len(names)
    return names if named else None
