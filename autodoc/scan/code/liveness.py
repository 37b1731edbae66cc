"""Which code actually runs: entry points and an import/call reachability walk from them.

Entry points: a real ``if __name__ == "__main__":`` block, console scripts (pyproject /
setup.py), notebooks (Jupyter and Databricks), scripts a Makefile / shell script / MLproject
runs, and script-style files with top-level ML code that nothing imports. From each, the
walk follows imports and names used (calls, callbacks, class instantiation) into functions
and methods, so an unused or legacy trainer in the same tree stays dead.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from autodoc.scan.code.facts import MAIN, MODULE, ModuleFacts
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.walk import TEST_PATH_RE

_LEGACY_RE = re.compile(
    r"(^|/|_)(old|legacy|deprecated|archive[sd]?|backup|unused|attic|obsolete|bak)(/|_|\.|\d)", re.I
)


@dataclass
class Liveness:
    entries: dict[str, str] = field(default_factory=dict)  # relpath -> why it is an entry point
    reached: dict[tuple[str, str], str] = field(default_factory=dict)  # (relpath, scope) -> how
    modules: set[str] = field(default_factory=set)
    commented_main: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def file_reached(self, rel: str) -> bool:
        return (rel, MODULE) in self.reached

    def of(self, rel: str, scope: str) -> tuple[bool | None, str]:
        """(live?, reason) of code in `scope` of file `rel`; None when there is no entry point."""
        if rel not in self.modules:
            return None, ""
        if not self.entries:
            return None, "no entry point found in the code tree"
        how = self.reached.get((rel, scope))
        if how is not None:
            return True, how
        if not self.file_reached(rel):
            if rel in self.commented_main:
                return False, "its __main__ block is commented out and no entry point imports it"
            return False, "not imported by any entry point"
        if scope == MAIN:
            return False, "__main__ block of a module that is only imported"
        return False, f"{scope} is never called from code reached by an entry point"


def find_liveness(files: dict[str, FileResult]) -> Liveness:
    from autodoc.scan.code.resolve import find_module

    live = Liveness()
    modules = {rel: r.module for rel, r in files.items() if r.module is not None}
    live.modules = set(modules)
    live.commented_main = {rel for rel, m in modules.items() if m.commented_main}
    starts = _entries(files, modules, live, find_module)
    queue: deque[tuple[str, str, str]] = deque(starts)
    while queue:
        rel, scope, how = queue.popleft()
        if (rel, scope) in live.reached or rel not in modules:
            continue
        live.reached[(rel, scope)] = how
        for nxt in _next(files, modules, rel, scope, find_module):
            if (nxt[0], nxt[1]) not in live.reached:
                queue.append((nxt[0], nxt[1], f"{how} -> {nxt[2]}" if how.count("->") < 6 else how))
    return live


def _entries(
    files: dict[str, FileResult], modules: dict[str, ModuleFacts], live: Liveness, find_module
) -> list[tuple[str, str, str]]:
    starts: list[tuple[str, str, str]] = []

    def add(rel: str, scope: str, reason: str) -> None:
        if TEST_PATH_RE.search(rel):
            return
        live.entries.setdefault(rel, reason)
        starts.append((rel, scope, f"{rel} ({reason})"))

    for rel, res in sorted(files.items()):
        mod = res.module
        if mod is None:
            continue
        if res.kind in ("notebook", "databricks"):
            add(rel, MODULE, "notebook" if res.kind == "notebook" else "Databricks notebook")
        elif mod.has_main:
            add(rel, MAIN, "__main__ block")
    for rel, res in sorted(files.items()):
        for target in res.console_scripts:
            mod_name, _, func = target.partition(":")
            hit = find_module(files, mod_name.strip(), rel)
            if hit:
                add(hit, func.strip().split(".")[0] or MODULE, f"console script in {rel}")
        for run in res.runs:
            hit = (
                run if run in modules else find_module(files, run.removesuffix(".py").replace("/", "."), rel)
            )
            if hit:
                add(hit, MAIN if modules[hit].has_main else MODULE, f"run by {rel}")
    imported = _imported_files(files, modules, find_module)
    for rel, mod in sorted(modules.items()):
        if (
            mod.top_level_ml
            and rel not in imported
            and rel not in live.entries
            and files[rel].kind == "python"
        ):
            if _LEGACY_RE.search(rel):
                live.warnings.append(f"{rel}: script with top-level ML code, treated as legacy by its name")
                continue
            add(rel, MODULE, "script with top-level ML code")
    return starts


def _imported_files(files: dict[str, FileResult], modules: dict[str, ModuleFacts], find_module) -> set[str]:
    out: set[str] = set()
    for rel, mod in modules.items():
        for _scope, name, level in mod.imports:
            hit = find_module(files, "." * level + name, rel)
            if hit and hit != rel:
                out.add(hit)
    return out


def _next(
    files: dict[str, FileResult], modules: dict[str, ModuleFacts], rel: str, scope: str, find_module
) -> list[tuple[str, str, str]]:
    """Scopes reached from (rel, scope): its module's top level, imports, names it uses."""
    mod = modules[rel]
    out: list[tuple[str, str, str]] = []
    if scope != MODULE:
        out.append((rel, MODULE, ""))
    for s, name, level in mod.imports:
        if s == scope:
            hit = find_module(files, "." * level + name, rel)
            if hit:
                out.append((hit, MODULE, f"import {name or '.'}"))
    names = mod.refs.get(scope, set())
    for n in names:
        out.extend(_local_targets(rel, mod, n))
        origin = mod.aliases.get(n)
        if origin and "." in origin:
            out.extend(_origin_targets(files, modules, rel, origin, find_module))
    for base, attr in mod.attr_refs.get(scope, set()):
        origin = mod.aliases.get(base)
        if origin:
            out.extend(_origin_targets(files, modules, rel, f"{origin}.{attr}", find_module))
        else:  # self.helper(), obj.method(): methods of classes in this file
            for cls, methods in mod.classes.items():
                if f"{cls}.{attr}" in methods:
                    out.append((rel, f"{cls}.{attr}", f"{cls}.{attr}()"))
    return [(r, s, h or s) for r, s, h in out]


def _local_targets(rel: str, mod: ModuleFacts, name: str) -> list[tuple[str, str, str]]:
    if name in mod.classes:
        return [(rel, m, f"{name}") for m in mod.classes[name]]
    if name in mod.functions and "." not in name:
        return [(rel, name, f"{name}()")]
    return []


def _origin_targets(
    files: dict[str, FileResult], modules: dict[str, ModuleFacts], rel: str, origin: str, find_module
) -> list[tuple[str, str, str]]:
    hit = find_module(files, origin, rel)
    if hit:
        return [(hit, MODULE, f"import {origin}")]
    mod_name, _, attr = origin.rpartition(".")
    hit = find_module(files, mod_name, rel) if mod_name else None
    if not hit or hit not in modules:
        return []
    out = [(hit, MODULE, f"import {mod_name}")]
    return out + [(r, s, f"{mod_name}.{h}") for r, s, h in _local_targets(hit, modules[hit], attr)]
