"""Rules for hand-made splits (time ordered, date masks, random masks, samples) and blended predictions."""

from __future__ import annotations

import ast
import itertools
import re
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.rules import dataflow
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.syntax import Buckets, dotted
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_ORDER_CALLS = ("sort_values", "sort_index", "orderBy", "sort")
# A split column's values: ``df[df.split == "train"]`` (AutoML's _automl_split_col, a "fold"/"set" column)
_PART = re.compile(r"^(train(ing)?|val(id(ation)?)?|test(ing)?|dev|holdout|oot|eval)$", re.I)


def remember(ex: Extractor, name: str, value: ast.expr, scope: str = "") -> None:
    """First pass: frames sorted by a column, and split points such as ``int(0.8 * len(df))`` or
    ``-1 * int(dev_ratio * len(examples))`` (a share counted from the end, a parameter's default)."""
    if type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr in _ORDER_CALLS:
        by = next((ex.value(a, "") for a in value.args[:1]), None)
        by = next((ex.value(k.value, "") for k in value.keywords if k.arg == "by"), by)
        ex.sorted_by[name] = by if isinstance(by, str | list) else "index"
        return
    tail = dotted(value.func).rsplit(".", 1)[-1] if type(value) is ast.Call and dotted(value.func) else ""
    if tail in v.CV and tail[:1].isupper():  # cv = StratifiedKFold(...): passed on as cv=cv
        ex.seen.add(("splitter", name, tail))
        return
    node, from_end = _from_end(value)
    if type(node) is ast.Call and type(node.func) is ast.Name and node.func.id in ("int", "round"):
        node = node.args[0] if node.args else node
    if type(node) is ast.BinOp and type(node.op) is ast.Mult:
        for side in (node.left, node.right):
            share = _share(ex, side, scope)
            if share is not None:  # the first part's share of the rows
                ex.fractions[name] = round(1 - share, 10) if from_end else share
                return


def _from_end(value: ast.expr) -> tuple[ast.expr, bool]:
    """``-1 * int(...)`` / ``-int(...)``: the point counted from the end, and the count itself."""
    if type(value) is ast.UnaryOp and type(value.op) is ast.USub:
        return value.operand, True
    if type(value) is ast.BinOp and type(value.op) is ast.Mult:
        for one, other in ((value.left, value.right), (value.right, value.left)):
            if (
                type(one) is ast.UnaryOp
                and type(one.op) is ast.USub
                and getattr(one.operand, "value", 0) == 1
            ):
                return other, True
            if type(one) is ast.Constant and one.value == -1:
                return other, True
    return value, False


def _share(ex: Extractor, node: ast.expr, scope: str) -> float | None:
    """A share of the rows: ``0.8``, or a name bound to it (``dev_ratio=0.1``, a parameter's default)."""
    value = node.value if type(node) is ast.Constant else ex.value(node, scope) if scope else UNKNOWN
    sig = ex.signatures.get(scope) if scope else None
    if isinstance(value, dict) and type(node) is ast.Name and sig is not None and node.id in sig.defaults:
        value = ex.value(sig.defaults[node.id], scope)  # the parameter's default (no caller changes it here)
    if isinstance(value, float) and 0 < value < 1:
        return value
    return None


def splitter(ex: Extractor, name: str) -> str | None:
    """The cross-validation splitter class bound to `name` (``cv = StratifiedKFold(...)``), if any."""
    return next((t for t in sorted(v.CV) if ("splitter", name, t) in ex.seen), None)


def _iloc_split(ex: Extractor, value: ast.expr) -> tuple[str, str, Any, str] | None:
    """``df.iloc[:split_point]`` -> (frame, part, fraction, ordered-by)."""
    if not ex.fractions:
        return None
    for node in ast.walk(value):
        if type(node) is not ast.Subscript or type(node.slice) is not ast.Slice:
            continue
        base = node.value  # df.iloc[:point], or a list or array sliced itself (examples[:point])
        if type(base) is ast.Attribute and base.attr in ("iloc", "loc"):
            base = base.value
        elif type(base) is not ast.Name:
            continue
        frame = dotted(base) or "?"
        bound = node.slice.upper or node.slice.lower
        point = bound.id if type(bound) is ast.Name else None
        if point is None or point not in ex.fractions:
            continue
        part = "first" if node.slice.upper is not None else "rest"
        return frame, part, ex.fractions[point], ex.sorted_by.get(frame, "")
    return None


def _masked(value: ast.expr) -> ast.expr:
    """The ``frame[mask]`` inside ``frame[mask].drop(...)`` / ``frame[mask][col]`` / ``frame.loc[mask]``."""
    node = value
    while True:
        if type(node) is ast.Call and type(node.func) is ast.Attribute:
            node = node.func.value  # .drop(...), .copy(), .reset_index(drop=True)
        elif type(node) is ast.Subscript and type(node.value) is ast.Subscript and not _is_mask(node.slice):
            node = node.value  # [target_col] of the masked frame
        else:
            return node


def _is_mask(node: ast.expr) -> bool:
    return type(node) is ast.Compare or (type(node) is ast.BinOp and type(node.op) is ast.BitAnd)


_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _bounds(ex: Extractor, test: ast.expr, scope: str) -> list[tuple[str, str, Any]] | None:
    """(column, op, bound) of each comparison in ``a <= df.date``, ``(df.date >= a) & (df.date < b)``
    or ``a <= df.date <= b``, the column always on the left; None when one is no column comparison."""
    if type(test) is ast.BinOp and type(test.op) is ast.BitAnd:
        left, right = _bounds(ex, test.left, scope), _bounds(ex, test.right, scope)
        return left + right if left is not None and right is not None else None
    if type(test) is not ast.Compare or not 1 <= len(test.ops) <= 2:
        return None
    sides = [test.left, *test.comparators]
    out = []
    for (a, b), op in zip(itertools.pairwise(sides), test.ops, strict=True):
        sign = _OPS.get(type(op))
        col, bound = dataflow.column_name(a, ex, scope), b
        if col is None and (col := dataflow.column_name(b, ex, scope)) is not None and sign:
            sign, bound = _FLIP[sign], a
        if col is None or sign is None:
            return None
        value = ex.value(bound, scope)
        literal = isinstance(value, str | int | float) and not isinstance(value, bool)
        out.append((col, sign, value if literal else ex.snippet(bound, 60)))
    return out


def _mask_split(ex: Extractor, value: ast.expr, scope: str) -> dict[str, Any] | None:
    """``df[df["date"] < "2020-01-01"]`` / ``df[df.year <= 2016]`` / ``df[(a <= df.date) & (df.date <= b)]``
    (also followed by ``.drop(...)`` or ``[target]``): a time split by its boundaries."""
    value = _masked(value)
    if type(value) is not ast.Subscript or not _is_mask(value.slice):
        return None
    found = _bounds(ex, value.slice, scope)
    if not found:
        return None
    col, op, bound = found[0]
    if len(found) == 1 and op == "==" and isinstance(bound, str) and _PART.match(bound):
        return {"how": "column", "column": col, "rule": f"{col} == {bound!r}", "part": bound}
    if any(c != col for c, _, _ in found) or not dataflow.TIME_COLS.search(col):
        return None
    rule = " and ".join(f"{col} {o} {b}" for _, o, b in found)
    shown = bound if len(found) == 1 else [b for _, _, b in found]
    return {"how": "time", "column": col, "rule": rule, "boundary": shown}


def _tail_split(ex: Extractor, value: ast.expr, scope: str, group: Any = None) -> dict[str, Any] | None:
    """``df.iloc[:-24]`` / ``df.iloc[-24:]`` (also ``[:-N]`` of a constant ``N``): the last rows held out,
    in order when the frame was sorted; `group`: the columns of a ``groupby`` loop it runs in."""
    node = value
    while type(node) is ast.Call and type(node.func) is ast.Attribute:  # .copy(), .reset_index()
        node = node.func.value
    if type(node) is not ast.Subscript or type(node.slice) is not ast.Slice or node.slice.step is not None:
        return None
    base = node.value.value if type(node.value) is ast.Attribute and node.value.attr == "iloc" else node.value
    bound = node.slice.upper if node.slice.lower is None else node.slice.lower
    if (
        type(base) is not ast.Name
        or bound is None
        or (node.slice.lower is None) == (node.slice.upper is None)
    ):
        return None
    count = (
        ex.value(bound.operand, scope) if type(bound) is ast.UnaryOp and type(bound.op) is ast.USub else None
    )
    if not isinstance(count, int) or isinstance(count, bool) or count < 2:
        return None
    by = ex.sorted_by.get(base.id, "")
    groups = [group] if isinstance(group, str) else group if isinstance(group, list) else []
    of = f" of each {', '.join(map(str, groups))} group" if groups else ""
    order = f" ordered by {by}" if by else ""
    how = "time" if by and dataflow.TIME_COLS.search(str(by)) else "ordered" if by else "positional"
    held = f"the last {count} rows{of}{order}"
    rule = f"{held} held out, the earlier rows train"
    return {
        "how": how,
        "last": count,
        "order_by": by or None,
        "frame": base.id,
        "groups": groups,
        "rule": rule,
        "held": held,
    }


_LINE = attrgetter("lineno")


def appended_parts(ex: Extractor, nodes: Buckets, scope: str) -> None:
    """``train_list.append(rows.iloc[:-N])`` in a loop (over ``groupby`` groups): a split built by parts."""
    appends = [
        c
        for c in nodes.get(ast.Call, ())
        if type(c.func) is ast.Attribute
        and c.func.attr == "append"
        and type(c.func.value) is ast.Name
        and len(c.args) == 1
        and dataflow.SPLIT_TARGETS.search(c.func.value.id)
    ]
    for call in sorted(appends, key=_LINE):  # most scopes have none: sorted only when found
        loops = [f for f in nodes.get(ast.For, ()) if f.lineno <= call.lineno <= (f.end_lineno or f.lineno)]
        it = max(loops, key=_LINE).iter if loops else None  # the innermost loop around the call
        by_group = type(it) is ast.Call and getattr(it.func, "attr", "") == "groupby" and it.args
        group = ex.value(it.args[0], scope) if by_group else None  # type: ignore[union-attr]
        found = _tail_split(ex, call.args[0], scope, group)
        if found is not None:
            _add_split(ex, call.func.value.id, call.args[0], call.lineno, scope, found)  # type: ignore[attr-defined]


def hand_split(ex: Extractor, name: str, value: ast.expr, line: int, scope: str) -> bool:
    """A split written by hand, assigned to a train/test-like name."""
    if not dataflow.SPLIT_TARGETS.search(name):
        return False
    found = _mask_split(ex, value, scope) or _tail_split(ex, value, scope)
    if found is None and (hit := _iloc_split(ex, value)) is not None:
        frame, _part, fraction, by = hit
        if (frame, fraction) in ex.seen:
            return True
        ex.seen.add((frame, fraction))
        how = "time" if by and dataflow.TIME_COLS.search(str(by)) else "ordered" if by else "positional"
        found = {"how": how, "fraction": fraction, "order_by": by or None, "frame": frame}
        found["rule"] = (
            f"first {fraction:g} of rows" + (f" ordered by {by}" if by else "") + " train, the rest test"
        )
    if found is None:
        found = _sample_split(ex, value, scope)
    if found is None:
        return False
    _add_split(ex, name, value, line, scope, found)
    return True


def _add_split(
    ex: Extractor, name: str, value: ast.expr, line: int, scope: str, found: dict[str, Any]
) -> None:
    if (found["how"] == "time" or "last" in found) and (scope, found["rule"]) in ex.seen:
        return  # y_train of the same mask as X_train, the test rows of the same cut: one split
    ex.seen.add((scope, found["rule"]))
    label = f"{found['how']} split: {found.get('rule', '')}".strip()
    if "held" in found:  # "A hold-out split is made by holding out the last 24 rows of each shop group"
        label = f"holding out {found['held']}"
    if found["how"] == "time" and "column" in found:  # "A hold-out split is made by the date boundary ..."
        label = f"the {'date range' if ' and ' in found['rule'] else 'date boundary'} {found['rule']}"
    attrs = {"how": found["how"], "part": _part_of(name)}
    ex.add_at(value, "split", name, label, scope, value=found, attrs=attrs, text=ex.line(line))


def _part_of(name: str) -> str:
    """``X_train`` -> training, ``y_valid`` -> validation, ``df_test`` -> test, ``oot`` -> hold-out."""
    found = dataflow.SPLIT_TARGETS.search(name)
    word = found.group(0).strip("_0123456789").lower() if found else ""
    if word.startswith("train"):
        return "training"
    if word.startswith("test"):
        return "test"
    return "hold-out" if word in ("holdout", "oot") else "validation"


def random_rows(ex: Extractor, name: str, value: ast.IfExp, scope: str) -> bool:
    """``out = test_file if random.random() < 0.2 else train_file``: each row drawn at random."""
    test = value.test
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.left) is not ast.Call:
        return False
    if (dotted(test.left.func) or "").rsplit(".", 1)[-1] not in ("random", "rand", "uniform"):
        return False
    sides = [dotted(value.body) or "", dotted(value.orelse) or ""]
    held = [bool(_HELD_OUT.search(s)) for s in sides]
    if held.count(True) != 1 or type(test.ops[0]) not in (ast.Lt, ast.LtE, ast.Gt, ast.GtE):
        return False
    below = type(test.ops[0]) in (ast.Lt, ast.LtE)  # the body is taken when the draw is below the bound
    key = "test_size" if below == held[0] else "train_size"  # the bound is the held-out share or the rest
    share = ex.value(test.comparators[0], scope)
    if share is UNKNOWN:
        return False
    attrs = {"how": "random", "rule": ex.snippet(test, 80), "per": "row"}
    label = "random split of each row"
    params = [(key, share, value.lineno, {})]
    ex.add_at(value, "split", name, label, scope, value={"how": "random"}, attrs=attrs, params=params)
    return True


_HELD_OUT = re.compile(r"test|val|holdout|eval", re.I)


def _sample_split(ex: Extractor, value: ast.expr, scope: str) -> dict[str, Any] | None:
    """``df.sample(frac=0.8, random_state=1)``: a random split."""
    if type(value) is not ast.Call or type(value.func) is not ast.Attribute or value.func.attr != "sample":
        return None
    kw = ex.kwargs_attrs(value, scope)
    if "frac" not in kw:
        return None
    return {
        "how": "random",
        "fraction": kw["frac"],
        "random_state": kw.get("random_state"),
        "rule": f"random {kw['frac']} of rows",
    }


def blend(ex: Extractor, name: str, value: ast.expr, line: int, scope: str) -> bool:
    """``pred = 0.8 * p_xgb + 0.2 * p_lgb``: an ensemble by weighted average."""
    terms: list[ast.expr] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is ast.BinOp and type(node.op) is ast.Add:
            stack.extend((node.right, node.left))
        else:
            terms.append(node)
    weights: dict[str, float] = {}
    for term in terms:
        if type(term) is not ast.BinOp or type(term.op) is not ast.Mult:
            return False
        w, member = (term.left, term.right) if type(term.left) is ast.Constant else (term.right, term.left)
        wv = ex.value(w, scope)
        if not isinstance(wv, float) or not 0 < wv < 1:
            return False
        weights[ex.snippet(member, 60) or "?"] = wv
    if len(weights) < 2:
        return False
    label = "blend " + " + ".join(f"{w:g} * {m}" for m, w in weights.items())
    ex.add_at(
        value,
        "ensemble",
        name,
        label[:200],
        scope,
        value=weights,
        attrs={"how": "weighted average"},
        text=ex.line(line),
    )
    return True


def named_parts(ex: Extractor, node: ast.Assign, scope: str) -> None:
    """``X_train, X_val, y_train, y_val = train_test_split(X_temp, y_temp, ...)``: the names a split
    call is given (``inputs``) and binds (``outputs``), on its fact, so a reader can tell a second
    split of the training rows (a validation split) from the first."""
    call, targets = node.value, node.targets[0]
    if type(call) is not ast.Call or type(targets) not in (ast.Tuple, ast.List):
        return
    names = [t.id for t in targets.elts if type(t) is ast.Name]  # type: ignore[attr-defined]
    given = [d for a in call.args[:3] if (d := dotted(a))]
    for fact in ex.m.facts:
        if fact.kind == "split" and fact.line == call.lineno and fact.cell == ex.cell and fact.scope == scope:
            fact.attrs.update(inputs=given, outputs=names)
