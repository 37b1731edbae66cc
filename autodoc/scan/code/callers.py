"""A value a function's call sites fill differently: each site's value, never one of them.

``def train(n): RandomForestClassifier(n_estimators=n)`` called as ``train(100)`` and
``train(300)`` gives ``n_estimators`` no value: the scan keeps ``{"$by_caller": [site, ...]}``
while it resolves, and the evidence item's `by_caller` attr (with `expr` in code words) after.
A caller's value that points into another module or a config file is resolved by the tree scan
(`resolve_sites`); callers that then agree give the one value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.folders import in_words
from autodoc.scan.code.value_text import expr_text
from autodoc.scan.code.values import join_parts

if TYPE_CHECKING:  # the file workers import this module: never pydantic's models there
    from autodoc.evidence import EvidenceItem

BY_CALLER = "$by_caller"  # a parameter its call sites fill with different values: one site each


def is_by_caller(value: Any) -> bool:
    return isinstance(value, dict) and BY_CALLER in value


def by_caller(sites: list[tuple[Any, str, int | None, int]]) -> dict[str, Any]:
    """``{"$by_caller": [{"value", "path", "cell", "line"}, ...]}`` from (value, path, cell, line) per
    call site; a value still to resolve is kept as its code (``params.lr``), never as a reference."""
    return {
        BY_CALLER: [
            {"value": _plain_site_value(val), "path": path, "cell": cell, "line": line}
            for val, path, cell, line in sites
        ]
    }


def spread(value: dict[str, Any]) -> dict[str, Any] | None:
    """A joined path one part of which differs by caller (``os.path.join(self.folder, name)`` with
    each caller's `name`): each caller's whole path, or None when no part (or more than one) does."""
    parts = value.get("$concat")
    at = [n for n, p in enumerate(parts) if is_by_caller(p)] if isinstance(parts, list) else []
    if len(at) != 1:
        return None
    n, how = at[0], str(value.get("how", "/"))
    return by_caller(
        [
            (join_parts([*parts[:n], s["value"], *parts[n + 1 :]], how), s["path"], s["cell"], s["line"])
            for s in parts[n][BY_CALLER]
        ]
    )


_ACROSS = ("$ref", "$cfg", "$arg", "$concat", "$here")  # what the tree scan may still resolve


def _plain_site_value(value: Any) -> Any:
    if isinstance(value, dict) and any(t in value for t in _ACROSS):
        return value  # config["lr"], settings.DATA_DIR + "/x.csv": `resolve_sites` reads it
    if isinstance(value, dict) and any(str(k).startswith("$") for k in value):
        return expr_text(value)
    return value


def resolve_sites(
    items: list[EvidenceItem], resolve: Callable[[str, Any], tuple[Any, str | None, bool]]
) -> None:
    """Each caller's value still pointing into another module or a config file, resolved where the
    caller is (`resolve` is the tree scan's); callers that then agree give the one value (in place)."""
    for item in items:
        sites = item.attrs.get("by_caller")
        if not isinstance(sites, list) or not any(
            isinstance(s, dict) and isinstance(s.get("value"), dict) for s in sites
        ):
            continue
        out = [{**s, "value": _site_value(s, resolve)} for s in sites if isinstance(s, dict)]
        if any(s["value"] != out[0]["value"] for s in out[1:]):
            item.attrs.update(by_caller_attrs({BY_CALLER: out}))
            continue
        for key in ("by_caller", "expr", "unresolved"):
            item.attrs.pop(key, None)
        item.value = out[0]["value"]
        item.attrs["via"] = f"{out[0]['path']}:{out[0]['line']}"
        item.label = item.label.removesuffix(" = None") + (f" = {item.value}" if item.kind == "param" else "")


def _site_value(site: dict[str, Any], resolve: Callable[[str, Any], tuple[Any, str | None, bool]]) -> Any:
    value = site["value"]
    if not isinstance(value, dict):
        return value
    if not _refers(value):  # a literal grid or dict the caller writes: kept whole, never cut
        return value
    found, _, ok = resolve(str(site["path"]), value)
    return found if ok and not isinstance(found, dict | list) else in_words(value) or expr_text(value)


def _refers(value: Any) -> bool:
    """Does a value hold a reference or expression still to resolve (a ``$`` key anywhere)?"""
    if isinstance(value, dict):
        return any(str(k).startswith("$") or _refers(v) for k, v in value.items())
    return isinstance(value, list) and any(_refers(v) for v in value)


def by_caller_attrs(value: dict[str, Any]) -> dict[str, Any]:
    """The attrs of a value that differs by caller: each site's value (`by_caller`), and the same in
    code words (`expr`), unresolved: the writer says the values per call site, never one of them."""
    sites = value[BY_CALLER]
    shown = ", ".join(
        f"{s['value']!r} ({s['path']}"
        + (f" cell {s['cell']}" if s["cell"] is not None else "")
        + f":{s['line']})"
        for s in sites[:6]
    )
    more = f" and {len(sites) - 6} more" if len(sites) > 6 else ""
    return {"by_caller": sites, "expr": f"differs by caller: {shown}{more}", "unresolved": True}


def across_label(raw: Any, value: Any, attrs: dict[str, Any]) -> bool:
    """A label read through a parameter other modules fill (``y = df[target]``) that says nothing
    new: unresolved, or resolved to a module's constant (itself a target fact); a config key stays."""
    if not (isinstance(raw, dict) and "$xparam" in raw):
        return False
    return value is None or str(attrs.get("origin", {}).get("path", "")).endswith(".py")
