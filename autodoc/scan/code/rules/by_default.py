"""Which branch of an ``if`` chain a setting's default takes.

``if model_type == "lightgbm": model = LGBMClassifier() elif ...: model = LogisticRegression()``
saves whichever model the setting selects; when the setting's value is known without running
the code (a parameter's default, the argument every caller in the module passes, a command-line
option's default), the model built in the branch that value takes is the one the code saves by
default, and the others are what another value would save instead."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor
    from autodoc.scan.code.rules.origins import Origins

Pos = tuple[int, int]
Branch = tuple[int, tuple[int, int], tuple[int, int] | None]  # cell, body span, else span
_SETTING = (str, int, float, bool)


def setting_value(ex: Extractor, node: ast.expr, scope: str) -> Any:
    """The value `node` holds by default (a constant), or UNKNOWN."""
    raw = ex.value(node, scope)
    if isinstance(raw, dict) and "$param" in raw:
        raw, ok = ex.sites.resolve(raw, {})
        if not ok:  # no caller in this module passes it: its default, when it has one
            raw = raw.get("$default", UNKNOWN) if isinstance(raw, dict) else UNKNOWN
    if isinstance(raw, dict) and "$arg" in raw:  # args.model_type: the option's default
        raw = ex.m.argparse.get(str(raw["$arg"]), (UNKNOWN, 0))[0]
    return raw if isinstance(raw, _SETTING) else UNKNOWN


def test_truth(ex: Extractor, test: ast.expr, scope: str) -> bool | None:
    """Whether ``setting == "value"`` (``!=``, ``in``, ``not in``) holds for the setting's default."""
    if type(test) is not ast.Compare or len(test.ops) != 1:
        return None
    op, right = type(test.ops[0]), test.comparators[0]
    if op in (ast.In, ast.NotIn) and type(right) in (ast.Tuple, ast.List, ast.Set):
        options = [e.value for e in right.elts if type(e) is ast.Constant]  # type: ignore[attr-defined]
        if len(options) != len(right.elts):  # type: ignore[attr-defined]
            return None
        value = setting_value(ex, test.left, scope)
        return None if value is UNKNOWN else (value in options) == (op is ast.In)
    if op not in (ast.Eq, ast.NotEq) or type(right) is not ast.Constant:
        return None
    value = setting_value(ex, test.left, scope)
    return None if value is UNKNOWN else (value == right.value) == (op is ast.Eq)


def taken(ex: Extractor, branches: list[Branch], tests: list[ast.expr], at: Pos, scope: str) -> bool | None:
    """Whether the default settings reach `at`: False when an enclosing ``if`` takes the other
    side, True when at least one known test leads to it and none away, None when none is known."""
    reached = None
    for (cell, body, orelse), test in zip(branches, tests, strict=True):
        for is_body, span in ((True, body), (False, orelse)):
            if span and cell == at[0] and span[0] <= at[1] <= span[1]:
                truth = test_truth(ex, test, scope)
                if truth is None:
                    continue
                if truth != is_body:
                    return False
                reached = True
    return reached


def default_choice(
    ex: Extractor, branches: list[Branch], tests: list[ast.expr], places: list[Pos], scope: str
) -> int | None:
    """The index of the one place among `places` (assignments in exclusive branches) the default
    settings reach, or None when it is not exactly one."""
    reached = [i for i, at in enumerate(places) if taken(ex, branches, tests, at, scope)]
    return reached[0] if len(reached) == 1 else None


def default_assignment(origins: Origins, before: list[Any], scope: str) -> Any:
    """Of a name's assignments (``(pos, index, value)``, in source order), the one the default
    settings reach among the last and those in other branches of its ``if`` chain; the last one
    when the settings do not tell."""
    last = before[-1]
    places = [b for b in before[:-1] if origins.exclusive(b[0], last[0])] + [last]
    if len(places) < 2:
        return last
    i = default_choice(origins.ex, origins.branches, origins.tests, [b[0] for b in places], scope)
    return places[i] if i is not None else last


def passed_over_fallback(
    origins: Origins, name: str, scope: str, via: list[str], depth: int
) -> dict[str, Any] | None:
    """``def build(method=None): if method is None: method = LogisticRegression()``: the object is what
    the callers pass (followed), with the fallback it would build for None (``fallback``: built only
    then, so neither a part nor a model compared with it); None when it is not that shape."""
    bound = origins.assigns.get((scope, name)) or []
    if not bound or not all(_under_none_test(origins, name, at) for at, _, _ in bound):
        return None
    passed = origins._trace_argument(name, scope, via, depth)
    if passed is not None:
        at, index, value = bound[-1]
        fallback = origins._trace(value, scope, at, index, [], depth + 1)
        if fallback is not None and "line" in fallback:
            passed["fallback"] = {k: fallback[k] for k in ("line", "cell", "name")}
    return passed


def _under_none_test(origins: Origins, name: str, at: Pos) -> bool:
    """Whether `at` is in the body of an ``if name is None:``."""
    for (cell, body, _else), test in zip(origins.branches, origins.tests, strict=True):
        is_none = (
            type(test) is ast.Compare
            and type(test.left) is ast.Name
            and test.left.id == name
            and [type(op) for op in test.ops] == [ast.Is]
            and type(test.comparators[0]) is ast.Constant
            and test.comparators[0].value is None
        )
        if is_none and cell == at[0] and body[0] <= at[1] <= body[1]:
            return True
    return False
