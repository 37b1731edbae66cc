"""Cross-file value resolution: ``$ref`` / ``$cfg`` / ``$arg`` references into literals, and module lookup."""

from __future__ import annotations

import os
import posixpath
import re
from typing import Any

from autodoc.scan.code.callers import by_caller
from autodoc.scan.code.file_links import one_file
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.kedro import KPARAMS, parameters_file
from autodoc.scan.code.value_text import CWD, RET
from autodoc.scan.code.values import join_parts

_DOTS = re.compile(r"(^|/)\.\.?(/|$)")


class Resolver:
    """Turns ``$ref`` / ``$cfg`` / ``$arg`` references into literals where the code allows."""

    def __init__(self, files: dict[str, FileResult]) -> None:
        self.files = files
        self.configs = {rel: r.config_data for rel, r in files.items() if r.kind == "config"}
        self._config_lines: dict[str, dict[str | None, int]] = {}
        self._calls: dict[str, list[tuple[str, str, int, list[Any], dict[str, Any]]]] | None = None
        self._saved: list[tuple[str, int, str, dict[str, dict[str, Any]]]] | None = None

    def resolve(self, rel: str, value: Any, depth: int = 0) -> tuple[Any, str | None, bool]:
        """(value, defined_at, resolved?)"""
        if not isinstance(value, dict) or depth > 6:
            return value, None, True
        if "$ref" in value:
            return self._ref(rel, value["$ref"], depth)
        if "$cfg" in value:
            return self._cfg(rel, value["$cfg"])
        if "$arg" in value:
            mod = self.files[rel].module
            default, line = mod.argparse.get(value["$arg"], (None, None)) if mod else (None, None)
            if default is None:
                return None, None, False
            how = "notebook widget default" if value["$arg"].startswith("widget:") else "argparse default"
            return default, f"{rel}:{line} ({how})", True
        if RET in value:  # download_dataset(): the path that function of another module returns
            return self._returned(rel, value[RET], depth)
        if "$xparam" in value:
            return self._xparam(rel, value, depth)
        if KPARAMS in value:  # a Kedro node's params:key input
            found = parameters_file(self.configs, value[KPARAMS])
            return self._cfg("", [found, *value[KPARAMS]]) if found else (None, None, False)
        if "$here" in value:  # Path(__file__).parent: the folder of the file that names it
            folders, up = rel.split("/")[:-1], int(value["$here"])
            if up > len(folders):
                return None, None, False  # above the code root
            return "/".join(folders[: len(folders) - up]) or ".", None, True
        if "$expr" in value or CWD in value:  # the working directory alone: known only at run time
            return None, None, False
        if "$concat" in value:
            return self._concat(rel, value, depth)
        out: dict[str, Any] = {}
        for k, v in value.items():  # a plain dict may hold references
            rv, _, ok = self.resolve(rel, v, depth + 1)
            if not ok:
                return None, None, False
            out[k] = rv
        return out, None, True

    def _ref(self, rel: str, ref: list[Any], depth: int) -> tuple[Any, str | None, bool]:
        mod_name, name, *keys = ref
        target = find_module(self.files, mod_name, rel)
        mod = self.files[target].module if target else None
        if mod is None or name not in mod.bindings:
            return None, None, False
        value, found = _follow(mod.bindings[name], keys)
        if not found:
            return None, None, False
        value, inner_at, ok = self.resolve(target, value, depth + 1)
        line = mod.binding_lines.get(f"{name}.{keys[0]}") if keys else None  # a config class's field
        at = inner_at or f"{target}:{line or mod.binding_lines.get(name, 1)}"
        return value, at, ok

    def _returned(self, rel: str, ref: list[str], depth: int) -> tuple[Any, str | None, bool]:
        module, func = ref
        target = find_module(self.files, module, rel)
        mod = self.files[target].module if target else None
        if mod is None or func not in mod.path_returns:
            return None, None, False
        value, at, ok = self.resolve(target, mod.path_returns[func], depth + 1)
        return value, at or f"{target}:{mod.functions.get(func, (1,))[0]} (returned by {func})", ok

    def _cfg(self, rel: str, ref: list[Any]) -> tuple[Any, str | None, bool]:
        path, *keys = ref
        base = rel.rsplit("/", 1)[0] if "/" in rel else ""
        candidates = [
            os.path.normpath(f"{base}/{path}" if base else path).replace(os.sep, "/"),
            os.path.normpath(path).replace(os.sep, "/"),
        ]
        target = next((c for c in candidates if c in self.configs), None)
        if target is None:
            tail = path.replace("\\", "/").rsplit("/", 1)[-1]
            target = next((c for c in self.configs if c.rsplit("/", 1)[-1] == tail), None)
        if target is None:
            return self._saved_value(rel, path, keys)
        value, found = _follow(self.configs[target], keys)
        if not found:
            return None, None, False
        return value, self.config_place(target, keys), True

    def _saved_value(self, rel: str, path: str, keys: list[Any]) -> tuple[Any, str | None, bool]:
        """A key read back from a model file whose save wrote a dict with it (``joblib.load(f)["threshold"]``
        after ``joblib.dump({"model": pipe, "threshold": 0.1}, f)``): the saved value, defined where the
        save's value is written."""
        found = self.saved_with(rel, {"$cfg": [path, *keys]})
        if found is None:
            return None, None, False
        return found["value"], f"{found['path']}:{found['defined_line']}", True

    def saved_with(self, rel: str, ref: Any) -> dict[str, Any] | None:
        """The save a ``$cfg`` reference of `rel` reads one key of: ``{value, file, path, line,
        defined_line}`` (and ``name``, the constant it came from), when every save of that file by name
        (`file_links.one_file`) that writes the key writes the same value; else None."""
        if not isinstance(ref, dict) or not isinstance(ref.get("$cfg"), list) or len(ref["$cfg"]) != 2:
            return None
        path, key = ref["$cfg"]
        hits = [
            {"value": entry["value"], "file": file, "path": at, "line": line, "defined_line": entry["line"]}
            | ({"name": entry["name"]} if "name" in entry else {})
            for at, line, file, entries in self._saves()
            if (entry := entries.get(key)) is not None and one_file(file, at, str(path), rel)
        ]
        if not hits or any(h["value"] != hits[0]["value"] for h in hits):
            return None
        return hits[0]

    def saved_attrs(self, rel: str, ref: Any) -> dict[str, Any]:
        """``{"saved_with": {file, path, line[, name]}}`` for a value read back from a saved model
        file (`saved_with`), else nothing."""
        saved = self.saved_with(rel, ref)
        if saved is None:
            return {}
        return {"saved_with": {k: saved[k] for k in ("file", "path", "line", "name") if k in saved}}

    def _saves(self) -> list[tuple[str, int, str, dict[str, dict[str, Any]]]]:
        """(file of the code, line, file saved, entries) of every model save that writes a dict."""
        if self._saved is None:
            self._saved = []
            for at, res in self.files.items():
                for fact in res.facts:
                    entries = fact.attrs.get("saved_values") if fact.kind == "model_save" else None
                    file = self.resolve(at, fact.value)[0] if entries else None
                    if entries and isinstance(file, str):
                        self._saved.append((at, fact.line, file, entries))
        return self._saved

    def _concat(self, rel: str, whole: dict[str, Any], depth: int) -> tuple[Any, str | None, bool]:
        """``DATA_DIR + "train.csv"`` with DATA_DIR from another module: the joined name, where the
        first resolved part is defined."""
        parts: list[Any] = []
        first_at = None
        for part in whole["$concat"]:
            value, at, ok = self.resolve(rel, part, depth + 1)
            if not ok or not isinstance(value, str):
                return None, None, False
            parts.append(value)
            first_at = first_at or at
        joined = join_parts(parts, whole.get("how", "+"))
        if isinstance(joined, str) and "://" not in joined and _DOTS.search(joined):
            joined = posixpath.normpath(joined)  # a script's folder joined: ./x.csv, src/../data/x.csv
        return joined, first_at, True

    def _xparam(self, rel: str, whole: dict[str, Any], depth: int) -> tuple[Any, str | None, bool]:
        """A parameter of a function in `rel`, filled in where another module calls the function."""
        func, name, index, *keys = whole["$xparam"]
        found: list[tuple[Any, str]] = []
        sites: list[tuple[Any, str, int | None, int]] = []
        for caller, line, args, kwargs in self.calls_into(func, rel):
            raw = kwargs[name] if name in kwargs else args[index] if index < len(args) else _MISSING
            if raw is _MISSING:
                continue  # this caller leaves the default
            value, ok = _follow_ref(raw, keys)
            value, at, ok = self.resolve(caller, value, depth + 1) if ok else (None, None, False)
            if not ok:
                return None, None, False  # a caller passes something unreadable: say so, no default
            found.append((value, f"{at} (via {caller}:{line})" if at else f"{caller}:{line}"))
            sites.append((value, caller, None, line))
        if found:  # callers that disagree: each one's value, none of them the value
            value, at = found[0]
            return (value, at, True) if all(v == value for v, _ in found) else (by_caller(sites), None, False)
        if "$default" in whole:
            return whole["$default"], f"{rel} (default of parameter {name} of {func})", True
        return None, None, False

    def calls_into(self, func: str, rel: str) -> list[tuple[str, int, list[Any], dict[str, Any]]]:
        """(caller, line, args, kwargs) of every call from another module of the function `func` of `rel`."""
        return [
            (caller, line, args, kwargs)
            for caller, module, line, args, kwargs in self._calls_of(func)
            if find_module(self.files, module, caller) == rel
        ]

    def _calls_of(self, func: str) -> list[tuple[str, str, int, list[Any], dict[str, Any]]]:
        """(caller, module, line, args, kwargs) of every call of an imported function named `func`."""
        if self._calls is None:
            self._calls = {}
            for caller, res in self.files.items():
                for origin, line, _cell, args, kwargs in res.module.calls if res.module else ():
                    module, _, called = origin.rpartition(".")
                    self._calls.setdefault(called, []).append((caller, module, line, args, kwargs))
        return self._calls.get(func, [])

    def config_place(self, target: str, keys: list[Any]) -> str:
        """``config.yaml:7`` for the leaf at `keys` of a config file, or just the file for a subtree."""
        lines = self._config_lines.get(target)
        if lines is None:
            facts = self.files[target].facts
            lines = self._config_lines[target] = {f.name: f.line for f in facts if f.kind == "config"}
        line = lines.get(".".join(map(str, keys)))
        return f"{target}:{line}" if line else target

    def leaf_place(self, star: Any, at: str | None, key: str) -> str | None:
        """Where one key of a ``**`` expanded config subtree is defined (the subtree's file otherwise)."""
        if at and at in self.configs and isinstance(star, dict) and "$cfg" in star:
            return self.config_place(at, [*star["$cfg"][1:], key])
        return at


_MISSING = object()


def _follow_ref(value: Any, keys: list[Any]) -> tuple[Any, bool]:
    """`_follow`, or the same reference that many steps deeper."""
    for tag in ("$ref", "$cfg", KPARAMS):
        if keys and isinstance(value, dict) and tag in value:
            return {tag: [*value[tag], *keys]}, True
    if isinstance(value, dict) and "$argns" in value:  # the caller's parsed command line: args.lr
        return ({"$arg": keys[0]}, True) if len(keys) == 1 else (None, False)
    return _follow(value, keys)


def _follow(value: Any, keys: list[Any]) -> tuple[Any, bool]:
    """`value[k1][k2]...`, and whether every key was there."""
    for k in keys:
        try:
            value = value[k]
        except (KeyError, IndexError, TypeError):
            return None, False
    return value, True


def module_names(rel: str) -> list[str]:
    """Dotted names a file can be imported as (every suffix of its package path)."""
    parts = rel.removesuffix(".py").removesuffix(".ipynb").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]


_MODULE_INDEX: dict[int, tuple[int, dict[str, list[str]]]] = {}  # id(files) -> (len(files), index)


def find_module(files: dict[str, FileResult], name: str, importer: str) -> str | None:
    """The relpath of module `name` (absolute or relative with leading dots) imported from `importer`."""
    if name.startswith("."):
        level = len(name) - len(name.lstrip("."))
        pkg = importer.split("/")[:-1]
        pkg = pkg[: len(pkg) - (level - 1)] if level > 1 else pkg
        rest = name.lstrip(".")
        name = ".".join([*pkg, rest] if rest else pkg)
    options = module_index(files).get(name)
    if not options:
        return None
    if len(options) == 1:
        return options[0]
    importer_dir = importer.rsplit("/", 1)[0] if "/" in importer else ""
    return min(options, key=lambda r: (not r.startswith(importer_dir), r.count("/"), r))


def module_index(files: dict[str, FileResult]) -> dict[str, list[str]]:
    """Dotted name -> the modules of `files` it can name (built once per set of files): a name
    missing here names no module of the tree, whoever imports it."""
    found = _MODULE_INDEX.get(id(files))
    if found is None or found[0] != len(files):
        found = (len(files), _index_modules(files))
        _MODULE_INDEX.clear()
        _MODULE_INDEX[id(files)] = found
    return found[1]


def _index_modules(files: dict[str, FileResult]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for rel, res in files.items():
        if res.module is not None:
            for dotted in module_names(rel):
                index.setdefault(dotted, []).append(rel)
    return index
