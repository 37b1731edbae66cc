"""The split a metric computed inside a helper reads: ``precision_score(y, preds)`` in
``def compute_metrics(y, preds)`` is on the test split when every call of the helper passes rows of
that split (``compute_metrics(y_test, predictions)``), in the helper's own module (`mark`, once the
module is walked) or in another (`follow`, in the tree scan). Calls that pass rows of no split, or
that disagree, leave the metric's split unsaid."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MODULE
from autodoc.scan.code.rules.training import split_of

if TYPE_CHECKING:  # the file workers import this module: never pydantic's models there
    from autodoc.evidence import EvidenceItem
    from autodoc.scan.code.facts import Extractor
    from autodoc.scan.code.resolve import Resolver
    from autodoc.scan.code.syntax import Buckets

ROWS = "rows_params"  # attr: [function, [[parameter, index], ...]], the callers still to read


def helper_params(ex: Extractor, node: ast.Call, scope: str) -> list[Any] | None:
    """``[function, [[name, index], ...]]`` when the metric's first two arguments are parameters of
    the function it is computed in."""
    sig = ex.signatures.get(scope) if scope != MODULE else None
    if sig is None:
        return None
    names = [a.id for a in node.args[:2] if type(a) is ast.Name and a.id in sig.names]
    return [scope, [[n, sig.names.index(n)] for n in names]] if names else None


def mark(ex: Extractor, _scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """The metrics of a helper this module calls: the split every call's arguments name. A helper
    no call here reaches keeps `ROWS` for the tree scan (a top-level function other modules import)."""
    for fact in ex.m.facts:
        held = fact.attrs.get(ROWS) if fact.kind == "metric" else None
        if not held or ex.sites is None:
            continue
        func, params = held
        sites = ex.sites.call_sites(func)
        if not sites and "." not in func:
            continue
        del fact.attrs[ROWS]
        passed = [[ex.sites.passed(site, func, name) for name, _ in params] for site in sites]
        _agreed(fact.attrs, [[ast.unparse(a)[:60] for a in args if a is not None] for args in passed])


def follow(items: list[EvidenceItem], resolver: Resolver) -> None:
    """The metrics of a helper called from other modules: the split every call's arguments name."""
    for item in items:
        held = item.attrs.pop(ROWS, None) if item.kind == "metric" else None
        if not held:
            continue
        func, params = held
        calls = resolver.calls_into(func, str(item.source.path))
        _agreed(item.attrs, [[_text(a, kw, name, i) for name, i in params] for _, _, a, kw in calls])


def _text(args: list[Any], kwargs: dict[str, Any], name: str, index: int) -> str:
    """The code a call passes for a parameter (``y_test``), as the caller's module recorded it."""
    raw = kwargs[name] if name in kwargs else args[index] if index < len(args) else None
    return str(raw["$expr"]) if isinstance(raw, dict) and "$expr" in raw else ""


def _agreed(attrs: dict[str, Any], per_call: list[list[str]]) -> None:
    """``on`` (and the first call's ``inputs``) when every call passes rows of the same split."""
    splits = {split_of(names) for names in per_call}
    if per_call and len(splits) == 1 and (on := splits.pop()):
        attrs.update(on=on, inputs=per_call[0])
