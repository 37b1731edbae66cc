"""Which code actually runs, and for what: entry points, a reachability walk from them, and roles.

Entry points: a real ``if __name__ == "__main__":`` block, console scripts (pyproject /
setup.py / setup.cfg), scripts that a Makefile, shell script, Dockerfile, MLproject, dvc.yaml or CI
workflow runs, web apps (``uvicorn app:app``, a FastAPI/Flask app object, route decorators,
framework hooks), notebooks (Jupyter and Databricks), Airflow DAG files, and script-style files
with top-level ML code that nothing imports. From each, the walk follows imports and names used
(calls, callbacks, class instantiation) into functions and methods, so an unused or legacy trainer
in the same tree stays dead.

Roles: code reached from a production entry point (what trains, logs or registers the model) is
``production``; from a serving app ``serving``; from notebooks and scratch scripts ``exploratory``
(notebooks that train become production when nothing else trains); test code is ``test``; code
reached from nothing is ``legacy``. A tree without any entry point (a library) is production code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from autodoc.scan.code.facts import MAIN, MODULE, Fact, ModuleFacts
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.reach import Graph, walk
from autodoc.scan.code.resolve import find_module, module_index
from autodoc.scan.code.walk import TEST_PATH_RE

_LEGACY_RE = re.compile(
    r"(^|/|_)(old|legacy|deprecated|archive[sd]?|backup|unused|attic|obsolete|bak)(/|_|\.|\d)", re.I
)
# Scratch work: exploration folders and files (never "experiments/", which often holds real trainers).
_SCRATCH_RE = re.compile(
    r"(^|/)(scratch|sandbox|playground|explor\w*|eda|notebooks?|drafts?|tmp|wip)(/|_|\.|\d)", re.I
)
_TRAINING_MLFLOW = {"log_model", "register_model", "create_model_version", "set_registered_model_alias"}
GROUPS = ("production", "serving", "exploratory")
MAX_ENTRY_WALKS = 30  # above this many production entry points, what each does is not told apart


def path_role(rel: str, run: frozenset[str] | set[str] = frozenset()) -> str:
    """The role a file's path alone gives (files that are not Python modules, trees without entry points);
    a module named like a test that holds none and is `run` is no test."""
    if TEST_PATH_RE.search(rel) and rel not in run:
        return "test"
    if _LEGACY_RE.search(rel):
        return "legacy"
    if _SCRATCH_RE.search(rel) or rel.endswith(".ipynb"):
        return "exploratory"
    return "production"


@dataclass
class Liveness:
    entries: dict[str, str] = field(default_factory=dict)  # relpath -> why it is an entry point
    entry_roles: dict[str, str] = field(default_factory=dict)  # relpath -> production/serving/exploratory
    reached: dict[tuple[str, str], str] = field(default_factory=dict)  # (relpath, scope) -> how
    roles: dict[tuple[str, str], str] = field(default_factory=dict)  # (relpath, scope) -> role
    modules: set[str] = field(default_factory=set)
    commented_main: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    trainers: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)  # entry -> reach, ordered
    path_roles: dict[str, str] = field(default_factory=dict)  # relpath -> role its path decides, or ""
    test_named: set[str] = field(default_factory=set)  # named like tests, holding none (FileResult's)
    run: set[str] = field(default_factory=set)  # those of them an entry point is or reaches: not test code

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
        return False, self._dead(rel, scope, self.file_reached(rel))

    def _dead(self, rel: str, scope: str, file_reached: bool) -> str:
        if not file_reached:
            if rel in self.commented_main:
                return "its __main__ block is commented out and no entry point imports it"
            return "not imported by any entry point"
        if scope == MAIN:
            return "__main__ block of a module that is only imported"
        return f"{scope} is never called from code reached by an entry point"

    def role(self, rel: str, scope: str) -> str:
        """production | serving | exploratory | test | legacy for code in `scope` of `rel`."""
        return self._fixed_role(rel) or self.roles.get((rel, scope), "legacy")

    def _fixed_role(self, rel: str) -> str:
        """The role the path of `rel` decides for all of its code, or ""."""
        fixed = self.path_roles.get(rel)  # asked for every fact: the path is read once per file
        if fixed is None:
            fixed = self.path_roles[rel] = (
                "test"
                if self.is_test(rel)
                else path_role(rel, self.run)
                if rel not in self.modules or not self.entries
                else ""
            )
        return fixed

    def roles_in(self, rel: str) -> Callable[[str], str]:
        """`role` for the scopes of one file, with what its path decides read once."""
        fixed, roles = self._fixed_role(rel), self.roles
        return (lambda scope: fixed) if fixed else (lambda scope: roles.get((rel, scope), "legacy"))

    def scopes_of(self, rel: str) -> Callable[[str], tuple[str, bool | None, str]]:
        """(`role`, *`of`) of each scope of `rel`, with what the file decides read once (for its facts)."""
        fixed, roles, reached = self._fixed_role(rel), self.roles, self.reached
        if rel not in self.modules or not self.entries:
            _, reason = self.of(rel, MODULE)
            return lambda scope: (fixed or roles.get((rel, scope), "legacy"), None, reason)
        file_reached = self.file_reached(rel)
        same = None if file_reached else self._dead(rel, MODULE, False)  # one reason for all dead code

        def state(scope: str) -> tuple[str, bool | None, str]:
            role = fixed or roles.get((rel, scope), "legacy")
            how = reached.get((rel, scope))
            if how is not None:
                return role, True, how
            return role, False, same or self._dead(rel, scope, True)

        return state

    def is_test(self, rel: str) -> bool:
        """Test code by its path, unless it is a module named like a test that holds none and is run."""
        return bool(TEST_PATH_RE.search(rel)) and rel not in self.run

    def file_role(self, rel: str) -> str:
        """The most important role of any code in `rel` (production first)."""
        if rel not in self.modules or not self.entries or self.is_test(rel):
            return path_role(rel, self.run)
        found = {r for (f, _), r in self.roles.items() if f == rel}
        return next((g for g in GROUPS if g in found), "legacy")


def find_liveness(files: dict[str, FileResult]) -> Liveness:
    live = Liveness()
    modules = {rel: r.module for rel, r in files.items() if r.module is not None}
    live.modules = set(modules)
    live.commented_main = {rel for rel, m in modules.items() if m.commented_main}
    live.test_named = {rel for rel, r in files.items() if r.test_named}
    starts = _entries(files, modules, live)
    graph = Graph(files, modules)  # every walk below expands the same scopes the same way: once
    shown = _deciding_scopes(files)
    trains = shown["trains"]
    _what_they_do(graph, starts, shown, live)
    production = [s for s in starts if s[3] == "production"]
    reached = walk(graph, production, {})
    if not reached.keys() & trains:  # nothing else trains: notebooks do
        for i, (rel, _scope, _how, group) in enumerate(starts):
            notebook = group == "exploratory" and files[rel].kind in ("notebook", "databricks")
            reach = walk(graph, [starts[i]], {}) if notebook else {}
            if reach.keys() & trains:
                starts[i] = _retag(starts[i], "the only code that trains", "production")
                live.trainers.setdefault(rel, {}).update(reach)
    for rel, _scope, how, group in starts:
        live.entry_roles.setdefault(rel, group)
        live.entries.setdefault(rel, how[len(rel) + 2 : -1])  # how is "<rel> (<reason>)"
    for group in GROUPS:  # production first: what it reaches keeps that role
        before = set(live.reached)
        chosen = [s for s in starts if s[3] == group]
        if group == "production" and chosen == production:
            live.reached.update(reached)  # walked above from the same starts
        else:
            walk(graph, chosen, live.reached)
        for key in live.reached.keys() - before:
            live.roles[key] = group
    if live.test_named:
        live.run = live.test_named & ({rel for rel, _ in live.reached} | live.entries.keys())
    return live


def _what_they_do(
    graph: Graph,
    starts: list[tuple[str, str, str, str]],
    shown: dict[str, set[tuple[str, str]]],
    live: Liveness,
) -> None:
    """Production entry points that train keep what they reach (for the pipeline item); one that only
    loads a model to score with it (an MLflow model, or a model file whose predictions it writes to a
    column or turns into decisions at a threshold) and computes no metric (that would evaluate it)
    serves. Decided per entry point while there are few of them."""
    trains, loads, scores = shown["trains"], shown["loads"], shown["metric"]
    # a model file read back (joblib.load) serves when the same code writes its predictions to a column
    file_loads, predicts = shown["model_load"], shown["prediction"] | shown["threshold"]
    chosen = [i for i, s in enumerate(starts) if s[3] == "production"]
    if len(chosen) > MAX_ENTRY_WALKS:
        return
    for i in chosen:
        rel = starts[i][0]
        reach = walk(graph, [starts[i]], {})
        got = reach.keys()
        if got & trains:
            live.trainers.setdefault(rel, {}).update(reach)
        elif not got & scores and (got & loads or (got & file_loads and got & predicts)):
            starts[i] = _retag(starts[i], "loads a model to score with it", "serving")


def _retag(start: tuple[str, str, str, str], more: str, group: str) -> tuple[str, str, str, str]:
    rel, scope, how, _ = start
    return rel, scope, f"{how[:-1]}, {more})", group


_DECIDING = frozenset({"fit", "optimizer", "mlflow_call", "metric", "model_load", "prediction", "threshold"})


def _deciding_scopes(files: dict[str, FileResult]) -> dict[str, set[tuple[str, str]]]:
    """The (rel, scope) of what trains, loads an MLflow model, computes a metric, loads a model file or
    writes predictions: what tells entry points apart, in one pass over the facts. Training makes an
    entry point production: a fit, an optimizer (PyTorch loops have no fit), logging or registering
    a model."""
    shown: dict[str, set[tuple[str, str]]] = {
        key: set() for key in ("trains", "loads", "metric", "model_load", "prediction", "threshold")
    }
    for rel, res in files.items():
        for fact in res.facts:
            kind = fact.kind
            if kind not in _DECIDING:
                continue
            if kind == "mlflow_call":
                if fact.name in _TRAINING_MLFLOW:
                    shown["trains"].add((rel, fact.scope))
                elif fact.name == "load_model":
                    shown["loads"].add((rel, fact.scope))
            else:
                shown["trains" if kind in ("fit", "optimizer") else kind].add((rel, fact.scope))
    return shown


def _entries(
    files: dict[str, FileResult], modules: dict[str, ModuleFacts], live: Liveness
) -> list[tuple[str, str, str, str]]:
    """(relpath, scope, how, group) for every entry point; launched ones first."""
    starts: list[tuple[str, str, str, str]] = []

    def add(rel: str, scope: str, reason: str, group: str) -> None:
        if not TEST_PATH_RE.search(rel) or rel in live.test_named:  # launched, or a __main__ block
            starts.append((rel, scope, f"{rel} ({reason})", group))

    for rel, res in sorted(files.items()):
        for target in res.console_scripts:
            mod_name, _, func = target.partition(":")
            hit = find_module(files, mod_name.strip(), rel)
            if hit:
                add(hit, func.strip().split(".")[0] or MODULE, f"console script in {rel}", "production")
        for run in res.runs:
            hit = _script(files, modules, run, rel)
            if hit:
                add(hit, MAIN if modules[hit].has_main else MODULE, f"run by {rel}", "production")
        for app in res.serves:
            hit = _script(files, modules, app.split(":", 1)[0], rel)
            if hit:
                add(hit, MODULE, f"served by {rel}", "serving")
    for rel, res in sorted(files.items()):
        mod = res.module
        if mod is None:
            continue
        web = res.outline is not None and (res.outline.apps or _routes(res))
        if web or _streamlit_scorer(res, mod):
            add(rel, MODULE, "web app" if web else "Streamlit app that loads a model", "serving")
        if res.kind in ("notebook", "databricks"):
            add(rel, MODULE, "notebook" if res.kind == "notebook" else "Databricks notebook", "exploratory")
        elif mod.has_main:
            _script_entry(rel, MAIN, "__main__ block", live, add)
    _recipe_steps(files, modules, add)
    _kedro_pipelines(modules, add)
    launched = {s[0] for s in starts}  # what a module named like a test imports counts if it runs
    importers = {r: m for r, m in modules.items() if r in launched or r not in live.test_named}
    imported = _imported_files(files, importers)
    for rel, mod in sorted(modules.items()):
        python = rel not in imported and files[rel].kind == "python" and rel not in live.test_named
        dag = python and any(o.split(".")[0] == "airflow" for o in mod.aliases.values())
        if (dag or (python and mod.top_level_ml)) and not any(s[0] == rel for s in starts):
            # Airflow's scheduler imports every DAG file and runs its module-level code
            _script_entry(rel, MODULE, "Airflow DAG" if dag else "script with top-level ML code", live, add)
    return starts


def _recipe_steps(files: dict[str, FileResult], modules: dict[str, ModuleFacts], add) -> None:
    """MLflow Recipes: recipe.yaml makes the framework call the functions of steps/*.py."""
    for recipe in sorted(r for r in files if r.rsplit("/", 1)[-1] == "recipe.yaml"):
        base = recipe.rsplit("/", 1)[0] + "/" if "/" in recipe else ""
        for rel in sorted(m for m in modules if m.startswith(base + "steps/") and m.endswith(".py")):
            for scope in [MODULE, *(f for f in modules[rel].functions if "." not in f)]:
                add(rel, scope, f"MLflow Recipes step of {recipe}", "production")


def _kedro_pipelines(modules: dict[str, ModuleFacts], add) -> None:
    """Kedro: the framework calls ``register_pipelines`` of a package's pipeline_registry.py and the
    ``create_pipeline`` of each pipelines/<name>/pipeline.py beside it (``find_pipelines``), whose
    nodes call the functions they name (``node(func=train_model, ...)``)."""
    for registry in sorted(r for r in modules if r.rsplit("/", 1)[-1] == "pipeline_registry.py"):
        if "register_pipelines" not in modules[registry].functions:
            continue
        add(registry, "register_pipelines", "Kedro pipeline registry", "production")
        base = registry.rsplit("/", 1)[0] + "/" if "/" in registry else ""
        found = sorted(m for m in modules if m.startswith(base + "pipelines/") and m.endswith("/pipeline.py"))
        for rel in found:
            if "create_pipeline" in modules[rel].functions:
                add(rel, "create_pipeline", f"Kedro pipeline found by {registry}", "production")


def _script_entry(rel: str, scope: str, reason: str, live: Liveness, add) -> None:
    """A script nothing launches: production, exploratory by its folder, legacy by its name."""
    if _LEGACY_RE.search(rel):
        live.warnings.append(f"{rel}: {reason} not launched by anything, treated as legacy by its name")
    elif _SCRATCH_RE.search(rel):
        add(rel, scope, f"{reason}, scratch work by its folder", "exploratory")
    else:
        add(rel, scope, reason, "production")


def _streamlit_scorer(res: FileResult, mod: ModuleFacts) -> bool:
    """A Streamlit page that loads a saved or MLflow model and trains nothing serves it."""
    load = ("model_load", "mlflow_call")
    loads = any(f.kind == load[0] or (f.kind, f.name) == (load[1], "load_model") for f in res.facts)
    trains = any(f.kind in ("fit", "optimizer") for f in res.facts)
    return loads and not trains and any(o.split(".")[0] == "streamlit" for o in mod.aliases.values())


def _routes(res: FileResult) -> bool:
    return any(f.kind == "route" for f in (res.outline.facts if res.outline else []))


def _script(files: dict[str, FileResult], modules: dict[str, ModuleFacts], run: str, rel: str) -> str | None:
    if run in modules:
        return run
    base = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
    if base + run in modules:
        return base + run
    return find_module(files, run.removesuffix(".py").replace("/", "."), rel)


def _imported_files(files: dict[str, FileResult], modules: dict[str, ModuleFacts]) -> set[str]:
    out: set[str] = set()
    index = module_index(files)
    for rel, mod in modules.items():
        for name, level in {(name, level) for _scope, name, level in mod.imports}:  # each import once
            if not level and name not in index:
                continue  # not a module of the tree (os, numpy...)
            hit = find_module(files, "." * level + name, rel)
            if hit and hit != rel:
                out.add(hit)
    return out


def shadowed_by(result: FileResult, fact: Fact) -> str | None:
    """Why a fact in an earlier definition of a function the module defines again is never used."""
    for name, start, end, winner in result.module.shadowed if result.module else ():
        if fact.scope == name and fact.cell is None and start <= fact.line <= end:
            return f"{name} is defined again at line {winner}: this earlier definition is never used"
    return None
