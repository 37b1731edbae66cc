"""Values that reach a function through its parameters, resolved at the function's call sites.

``def train(n_est): RandomForestClassifier(n_estimators=n_est)`` called as
``train(n_est=params["n_est"])`` gives ``n_estimators`` the value of ``params["n_est"]``
(often a config reference the tree scan resolves), with the call site as ``via``. A
parameter no call site in the module fills keeps its default, else becomes an expression
marked unresolved: never shown as if it were a value.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.callers import BY_CALLER, by_caller, by_caller_attrs, is_by_caller, spread
from autodoc.scan.code.folders import FILE_KINDS, unresolved_file
from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules.sources import hinted_file, read_label
from autodoc.scan.code.syntax import Buckets, dotted
from autodoc.scan.code.value_text import expr_text
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

MAX_DEPTH = 4
Site = tuple[str, ast.Call, int | None, list[str]]  # (scope, call, cell, lines) of a call site


@dataclass
class Signature:
    names: list[str]  # positional-or-keyword parameters, without self/cls
    defaults: dict[str, ast.expr] = field(default_factory=dict)
    kwarg: str | None = None  # the name of **kwargs
    method: bool = False
    config: str | None = None  # the config file Hydra passes as the first parameter (`hydra_config`)


def signature_of(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> Signature:
    a = node.args
    pos = [*a.posonlyargs, *a.args]
    defaults = dict(zip([p.arg for p in pos[len(pos) - len(a.defaults) :]], a.defaults, strict=True))
    defaults.update({p.arg: d for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None})
    names = [p.arg for p in pos]
    if method and names and names[0] in ("self", "cls"):
        names = names[1:]
    names += [p.arg for p in a.kwonlyargs]
    return Signature(names, defaults, a.kwarg.arg if a.kwarg else None, method, hydra_config(node))


def hydra_config(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """``@hydra.main(config_path="../conf", config_name="train")``: the file Hydra composes and
    passes as the function's config (``../conf/train.yaml``, relative to the function's file)."""
    for dec in node.decorator_list:
        if type(dec) is not ast.Call or not (dotted(dec.func) or "").endswith("hydra.main"):
            continue
        given = dict(zip(("config_path", "config_name"), dec.args, strict=False))
        given.update({k.arg: k.value for k in dec.keywords if k.arg in ("config_path", "config_name")})
        parts = [getattr(given.get(k), "value", None) for k in ("config_path", "config_name")]
        folder, name = (p if isinstance(p, str) else None for p in parts)
        if name is None:
            return None
        name = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
        return f"{folder.rstrip('/')}/{name}" if folder else name
    return None


class Signatures:
    """Function qualname -> `Signature`, read from the function's node only when first asked for."""

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]] = {}
        self.done: dict[str, Signature] = {}

    def add(self, qual: str, node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> None:
        self.nodes[qual] = (node, method)

    def get(self, qual: str) -> Signature | None:
        sig = self.done.get(qual)
        if sig is None and qual in self.nodes:
            sig = self.done[qual] = signature_of(*self.nodes[qual])
        return sig


class ParamResolver:
    """Replaces ``{"$param": [function, name, *keys]}`` in one module's facts."""

    def __init__(self, ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
        self.ex = ex
        self.scoped = scoped
        self.sites: dict[str, list[tuple[str, ast.Call, int | None, list[str]]]] = {}
        self._by_name: dict[str, list[tuple[str, ast.Call, int | None, list[str]]]] | None = None

    def finish(self, facts: list[Fact]) -> list[Fact]:
        """The facts with parameters resolved; a target column that stays unknown is no fact."""
        kept = []
        for fact in facts:
            if fact.params:
                fact.params = [self._param(p) for p in fact.params]
            if fact.star:
                fact.star = [self.resolve(s, {})[0] for s in fact.star]
            via: dict[str, Any] = {}
            attrs = {}
            for key, val in fact.attrs.items():  # an attribute that stays unknown is left out, as before
                val, ok = self.resolve(val, via)
                if ok:
                    attrs[key] = val
            value, ok = self.resolve(fact.value, via)
            # another module may call the function: the tree scan resolves the parameter there
            across = isinstance(value, dict) and "$xparam" in value
            if not ok and not across:  # never an expression shown as a value
                if fact.kind == "target":
                    continue
                if is_by_caller(value):  # read_csv(path) with a different path from each caller
                    fact.value, fact.attrs = None, {**attrs, **by_caller_attrs(value)}
                    kept.append(fact)
                    continue
                expr = value.get("$expr") if isinstance(value, dict) else str(value)
                expr = expr_text(value) if isinstance(value, dict) and "$concat" in value else expr
                named = unresolved_file(value) if fact.kind in FILE_KINDS else None
                value = hinted_file(attrs)  # os.path.join(folder, "x.csv"): at least the file's name
                if named:  # os.path.join(sys.argv[1], "x.csv"): the file, its folder in words
                    value, attrs["folder_words"] = named
                if value is None:
                    attrs.update(expr=expr, unresolved=True)
            fact.value, fact.attrs = value, attrs
            if ok and fact.kind == "data_source" and isinstance(value, str) and fact.label.isidentifier():
                fact.label = read_label(fact.label, value)  # the file its caller passes
            if via:
                fact.attrs.setdefault("via", via["via"])
            kept.append(fact)
        return kept

    def _param(self, param: tuple[str, Any, int, dict[str, Any]]) -> tuple[str, Any, int, dict[str, Any]]:
        name, value, line, extra = param
        via: dict[str, Any] = {}
        value, ok = self.resolve(value, via)
        if via or not ok:
            extra = {**extra, **via}
        if is_by_caller(value):
            return name, None, line, {**extra, **by_caller_attrs(value)}
        return name, value, line, extra

    def resolve(self, value: Any, via: dict[str, Any], depth: int = 0) -> tuple[Any, bool]:
        """`value` with parameter references replaced; False when one could not be resolved."""
        if isinstance(value, list):
            pairs = [self.resolve(v, via, depth) for v in value]
            return [v for v, _ in pairs], all(ok for _, ok in pairs)
        if not isinstance(value, dict):
            return value, True
        if "$param" not in value:
            pairs_d = {k: self.resolve(v, via, depth) for k, v in value.items()}
            out = {k: v for k, (v, _) in pairs_d.items()}
            if all(ok for _, ok in pairs_d.values()):
                return out, True
            return spread(out) or out, False  # folder / name, the name differing by caller: each path
        func, name, *keys = value["$param"]
        found = self._at_call_sites(func, name, via, depth) if depth < MAX_DEPTH else None
        if found is None:
            text = ".".join([name, *map(str, keys)]) if keys else name
            out = {"$expr": f"{text} (parameter of {func})", "unresolved": True}
            sig = self.ex.signatures.get(func)
            if sig is not None and "." not in func and name in sig.names:  # other modules may call it
                out["$xparam"] = [func, name, sig.names.index(name), *keys]
                default = self.ex.value(sig.defaults[name], func) if name in sig.defaults else UNKNOWN
                default = _follow(default, keys) if default is not UNKNOWN else UNKNOWN
                if default is not UNKNOWN and not isinstance(default, dict) and not self._passed(func, name):
                    out["$default"] = default
            return out, False
        if is_by_caller(found):  # the callers disagree: each site's value, none of them the value
            return by_caller(
                [(_follow(s["value"], keys), s["path"], s["cell"], s["line"]) for s in found["$by_caller"]]
            ), False
        return _follow(found, keys), True

    def per_caller(self, node: ast.expr, scope: str) -> list[tuple[Any, str | None, Site | None]] | None:
        """(value, via, call site) of `node` in function `scope` when it reads the function's
        parameters (``os.path.join(self.folder, name)``): one (no site) when the callers agree, one
        per call site when they differ; None when it reads none, or a caller's value is not known."""
        raw = self.ex.value(node, scope)
        if not _reads_parameter(raw):
            return None
        via: dict[str, Any] = {}
        value, ok = self.resolve(raw, via)
        if ok:
            return [(value, via.get("via"), None)] if _named(value) else None
        sig = self.ex.signatures.get(scope)
        if not is_by_caller(value) or sig is None:
            return None
        calls = {(site[2], site[1].lineno): site for site in self._sites(scope, sig)}
        out = [(s["value"], _where(s), calls.get((s["cell"], s["line"]))) for s in value[BY_CALLER]]
        return out if all(_named(v) for v, _, _ in out) else None

    def _passed(self, func: str, name: str) -> bool:
        """Whether a call site of `func` in this module passes `name` (``build(method=LR(C=3))``): its
        default is then not the value, even when what the site passes cannot be read."""
        sig = self.ex.signatures.get(func)
        return sig is not None and any(
            argument_of(site[1], sig, name) is not None for site in self._sites(func, sig)
        )

    def call_sites(self, func: str) -> list[Site]:
        """The calls of `func` in this module."""
        sig = self.ex.signatures.get(func)
        return self._sites(func, sig) if sig is not None else []

    def passed(self, site: Site, func: str, name: str) -> ast.expr | None:
        """What a call site of `func` passes for its parameter `name` (None: it leaves the default)."""
        sig = self.ex.signatures.get(func)
        return argument_of(site[1], sig, name) if sig is not None else None

    def _at_call_sites(self, func: str, name: str, via: dict[str, Any], depth: int) -> Any:
        """The value every call site of `func` in this module gives `name` (a site that leaves it out
        gives the default); sites that disagree give ``{"$by_caller": [site, ...]}``, never one of them."""
        sig = self.ex.signatures.get(func)
        if sig is None:
            return None
        found: list[tuple[Any, str, int | None, int]] = []
        explicit = False
        for scope, call, cell, _lines in self._sites(func, sig):
            node = argument_of(call, sig, name)
            if node is None and name not in sig.defaults:
                continue
            explicit = explicit or node is not None
            if node is None:
                val = self.ex.value(sig.defaults[name], func)  # this caller leaves the default
            elif name == sig.kwarg:
                val = _kwargs_dict(self.ex, call, sig, scope)
            else:
                val = self.ex.value(node, scope)
            val, ok = self.resolve(val, via, depth + 1) if val is not UNKNOWN else (None, False)
            if not ok or is_by_caller(val):
                return None  # a caller passes something we cannot read: not the default either
            found.append((val, self.ex.relpath, cell, call.lineno))
        if explicit:  # (no site passes it: the default, or the callers in other modules, as below)
            return self._agreed(found, via)
        if name in sig.defaults and "." in func:  # a top-level function's callers may be in other modules
            val = self.ex.value(sig.defaults[name], func)
            if val is not UNKNOWN:
                via.setdefault("via", f"default of parameter {name} of {func}")
                return val
        return None

    @staticmethod
    def _agreed(found: list[tuple[Any, str, int | None, int]], via: dict[str, Any]) -> Any:
        """One value when every call site gives it (cited at the first), else each site's value."""
        first, path, cell, line = found[0]
        if any(site[0] != first for site in found[1:]):
            return by_caller(found)
        where = path + (f" cell {cell}" if cell is not None else "")
        via.setdefault("via", f"{where}:{line}")
        return first

    def _sites(self, func: str, sig: Signature) -> list[Site]:
        if func not in self.sites:
            short = func.rsplit(".", 1)[-1]
            cls = func.rsplit(".", 1)[0] if "." in func else None
            names = {func} if not sig.method else {f"self.{short}", func}
            if cls and short == "__init__":
                names.add(cls)
            found = [site for name in names for site in self._calls_by_name().get(name, ())]
            found.sort(key=lambda s: (s[2] or 0, s[1].lineno))
            self.sites[func] = found
        return self.sites[func]

    def _calls_by_name(self) -> dict[str, list[tuple[str, ast.Call, int | None, list[str]]]]:
        """Every call of the module by the dotted name it calls, gathered once (not once per function)."""
        if self._by_name is None:
            self._by_name = {}
            for cell, lines, scope, nodes in self.scoped:
                for call in nodes.get(ast.Call, ()):
                    name = dotted(call.func)
                    if name:
                        self._by_name.setdefault(name, []).append((scope, call, cell, lines))
        return self._by_name


_NAMED = ("$ref", "$cfg", "$arg", "$concat")  # a name the tree scan resolves


def _reads_parameter(value: Any) -> bool:
    """A value that is a function parameter, or a path joined from one."""
    parts = value.get("$concat") if isinstance(value, dict) else None
    if isinstance(parts, list):
        return any(isinstance(p, dict) and "$param" in p for p in parts)
    return isinstance(value, dict) and "$param" in value


def _named(value: Any) -> bool:
    """A file's name, or a reference the tree scan turns into one (never an expression's text)."""
    return isinstance(value, str) or (isinstance(value, dict) and any(t in value for t in _NAMED))


def _where(site: dict[str, Any]) -> str:
    cell = "" if site["cell"] is None else f" cell {site['cell']}"
    return f"{site['path']}{cell}:{site['line']}"


def argument_of(call: ast.Call, sig: Signature, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if name == sig.kwarg:
        return call  # the dict of the call's extra keywords
    if name in sig.names:
        i = sig.names.index(name)
        if i < len(call.args) and not any(type(a) is ast.Starred for a in call.args[: i + 1]):
            return call.args[i]
    return None


def _kwargs_dict(ex: Extractor, call: ast.Call, sig: Signature, scope: str) -> Any:
    out: dict[str, Any] = {}
    for kw in call.keywords:
        if kw.arg and kw.arg not in sig.names:
            val = ex.value(kw.value, scope)
            if val is UNKNOWN:
                return UNKNOWN
            out[kw.arg] = val
    return out


def _follow(value: Any, keys: list[Any]) -> Any:
    """``value[k1][k2]`` on a literal, or the same reference one step deeper."""
    for key in keys:
        if isinstance(value, dict) and any(t in value for t in ("$ref", "$cfg")):
            tag = "$ref" if "$ref" in value else "$cfg"
            value = {tag: [*value[tag], key]}
        elif isinstance(value, dict) and "$arg" in value:
            return {"$expr": f"args.{value['$arg']}[{key!r}]", "unresolved": True}
        else:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return {"$expr": f"[{key!r}]", "unresolved": True}
    return value
