"""What code reaches what: the breadth-first walks `liveness` makes from entry points, over scopes
(a module's top level, its functions and methods) linked by imports and the names they use."""

from __future__ import annotations

from collections import deque

from autodoc.scan.code.facts import MODULE, ModuleFacts
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.resolve import find_module, module_index

Step = tuple[str, str, str]  # (relpath, scope, how it is reached)
Edge = tuple[tuple[str, str], str, int]  # ((relpath, scope), how it is reached, arrows in how)


class Graph:
    """The scopes each scope leads to, found once per scan and shared by all of its walks; with what
    each module's lookups need, indexed once (each scope's imports, the names that can lead somewhere
    in the tree, the methods an attribute can be)."""

    def __init__(self, files: dict[str, FileResult], modules: dict[str, ModuleFacts]) -> None:
        self.files = files
        self.modules = modules
        self.index = module_index(files)
        self._nexts: dict[tuple[str, str], list[Edge]] = {}
        self._parts: dict[str, _Parts] = {}
        self._origins: dict[tuple[str, str], list[Step]] = {}  # (rel, dotted origin) -> steps

    def next(self, key: tuple[str, str]) -> list[Edge]:
        """Scopes reached from (rel, scope): its module's top level, imports, names it uses."""
        found = self._nexts.get(key)
        if found is None:
            found = self._nexts[key] = [
                ((r, s), h or s, (h or s).count("->")) for r, s, h in _next(self, *key)
            ]
        return found

    def parts(self, rel: str) -> _Parts:
        found = self._parts.get(rel)
        if found is None:
            found = self._parts[rel] = _Parts(self.modules[rel])
        return found

    def origin_steps(self, rel: str, origin: str) -> list[Step]:
        """Where a dotted name imported into `rel` leads: its module, or a module and a name in it."""
        found = self._origins.get((rel, origin))
        if found is None:
            found = self._origins[(rel, origin)] = _origin_targets(self.files, self.modules, rel, origin)
        return found


class _Parts:
    """One module's lookups for `_next`, in the order the module lists them."""

    def __init__(self, mod: ModuleFacts) -> None:
        self.imports: dict[str, list[tuple[str, int]]] = {}  # scope -> (module, level)
        for scope, name, level in mod.imports:
            self.imports.setdefault(scope, []).append((name, level))
        # names `_next` follows: classes and functions of the module, names imported with a dot
        self.named = {
            *mod.classes,
            *(f for f in mod.functions if "." not in f),
            *(a for a, origin in mod.aliases.items() if origin and "." in origin),
        }
        self.methods: dict[str, list[str]] = {}  # attribute -> the methods "Class.attr" it can call
        for cls, methods in mod.classes.items():
            prefix = cls + "."
            for method in dict.fromkeys(m for m in methods if m.startswith(prefix)):  # once per class
                self.methods.setdefault(method[len(prefix) :], []).append(method)


def walk(
    graph: Graph, starts: list[tuple[str, str, str, str]], reached: dict[tuple[str, str], str]
) -> dict[tuple[str, str], str]:
    """Breadth-first from `starts`, adding (rel, scope) -> how to `reached` (already there: not walked);
    a path is told up to six steps ("a -> b -> ..."), each told once a step is taken."""
    modules = graph.modules
    queue: deque[tuple[tuple[str, str], str, str | None, int, int]] = deque(
        ((r, s), h, None, h.count("->"), 0) for r, s, h, _ in starts
    )  # (scope, how its caller was reached, the step's own how, arrows in the caller's, in the step's)
    while queue:
        key, came, why, arrows, more = queue.popleft()
        if key in reached or key[0] not in modules:
            continue
        if why is not None and arrows < 6:
            came, arrows = f"{came} -> {why}", arrows + 1 + more
        reached[key] = came
        for step, why, more in graph.next(key):
            if step not in reached:
                queue.append((step, came, why, arrows, more))
    return reached


def _next(graph: Graph, rel: str, scope: str) -> list[Step]:
    files, mod, parts = graph.files, graph.modules[rel], graph.parts(rel)
    out: list[Step] = []
    if scope != MODULE:
        out.append((rel, MODULE, ""))
    elif files[rel].outline is not None:  # routes and hooks: the framework calls them once the module runs
        out.extend((rel, q, why) for q, why in files[rel].outline.starts.items())
    for name, level in parts.imports.get(scope, ()):
        hit = find_module(files, "." * level + name, rel) if level or name in graph.index else None
        if hit:
            out.append((hit, MODULE, f"import {name or '.'}"))
    names = mod.refs.get(scope)
    for n in sorted(names & parts.named) if names else ():  # sorted: the same walk in every process
        out.extend(_local_targets(rel, mod, n))
        origin = mod.aliases.get(n)
        if origin and "." in origin:
            out.extend(graph.origin_steps(rel, origin))
    star = mod.aliases.get("*")  # from .nodes import *: the names it brings are the module's own
    for n in sorted(names - parts.named) if names and star else ():
        out.extend(graph.origin_steps(rel, f"{star[:-2]}.{n}")[1:])
    for base, attr in sorted(mod.attr_refs.get(scope, set())):
        origin = mod.aliases.get(base)
        if origin:
            out.extend(graph.origin_steps(rel, f"{origin}.{attr}"))
        else:  # self.helper(), obj.method(): methods of classes in this file
            out.extend((rel, q, f"{q}()") for q in parts.methods.get(attr, ()))
    return out


def _local_targets(rel: str, mod: ModuleFacts, name: str) -> list[Step]:
    if name in mod.classes:
        return [(rel, m, f"{name}") for m in mod.classes[name]]
    if name in mod.functions and "." not in name:
        return [(rel, name, f"{name}()")]
    return []


def _origin_targets(
    files: dict[str, FileResult], modules: dict[str, ModuleFacts], rel: str, origin: str
) -> list[Step]:
    index = module_index(files)  # most origins name no module of the tree (os.path, np.array)
    hit = find_module(files, origin, rel) if origin[:1] == "." or origin in index else None
    if hit:
        return [(hit, MODULE, f"import {origin}")]
    mod_name, _, attr = origin.rpartition(".")
    hit = find_module(files, mod_name, rel) if mod_name[:1] == "." or mod_name in index else None
    if not hit or hit not in modules:
        return []
    out = [(hit, MODULE, f"import {mod_name}")]
    return out + [(r, s, f"{mod_name}.{h}") for r, s, h in _local_targets(hit, modules[hit], attr)]
