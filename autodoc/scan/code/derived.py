"""Evidence built across files once roles are known: code excerpts on production and serving
paths, and one ``pipeline`` item per production entry point (its ordered call chain).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from typing import Any

from autodoc.evidence import EvidenceItem
from autodoc.scan.code.facts import MAIN, MODULE, Fact
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.items import ItemBuilder
from autodoc.scan.code.liveness import Liveness, shadowed_by
from autodoc.scan.code.outline import Block
from autodoc.scan.code.topics import topics_of_name

EXCERPT_LINES = 80  # longer code is cut, and the cut is said
MAX_EXCERPTS = 400  # per scan: a tree whose production path is this large is quoted in part
MAX_STEPS_PER_STAGE = 4
_QUOTED = ("production", "serving")
# The stages of a training pipeline in the order they run, and the facts that show each.
STAGES: list[tuple[str, frozenset[str]]] = [
    ("load", frozenset({"data_source"})),
    ("join", frozenset({"join"})),
    ("label", frozenset({"target", "label"})),
    ("features", frozenset({"preprocessing", "feature", "derived_column"})),
    ("split", frozenset({"split", "cv"})),
    ("fit", frozenset({"fit", "optimizer", "loss", "early_stopping"})),
    ("evaluate", frozenset({"metric"})),
    ("log/register", frozenset({"mlflow_call"})),
]
_MODEL_LOGGING = {"log_model", "register_model", "set_registered_model_alias", "create_model_version"}
_LOGGING = _MODEL_LOGGING | {"log_metrics", "log_metric", "transition_model_version_stage"}


# -- excerpts ---------------------------------------------------------------------------------
def add_excerpts(
    files: dict[str, FileResult],
    live: Liveness,
    builder: ItemBuilder,
    upstream: set[tuple[str, int | None]] = frozenset(),  # type: ignore[assignment]
) -> list[str]:
    """One ``excerpt`` item per block on a production or serving path (and per notebook cell that
    prepares production data upstream); warnings if capped."""
    if not live.entries:
        return []  # without entry points nothing is known to run: no code is quoted
    chosen: list[tuple[int, str, Block, str]] = []
    for rel, res in files.items():
        if res.outline is None:
            continue
        notebook, role_of = res.kind == "notebook", live.roles_in(rel)
        for block in res.outline.blocks:
            if notebook != (block.kind == "cell"):
                continue  # a notebook is quoted by cells, a .py file by functions and blocks
            role = "production" if upstream and (rel, block.cell) in upstream else role_of(block.scope)
            if role in _QUOTED:
                chosen.append((_QUOTED.index(role), rel, block, role))
    chosen.sort(key=lambda c: c[0])  # production first, stable within
    lines: dict[tuple[str, int | None], list[str]] = {}  # each source split once
    for _, rel, block, role in chosen[:MAX_EXCERPTS]:
        res = files[rel]
        key = (rel, block.cell)
        if key not in lines:
            source = res.cells.get(block.cell, "") if block.cell is not None else (res.source or "")
            lines[key] = source.splitlines()
        _excerpt(rel, lines[key], block, role, builder)
    if len(chosen) > MAX_EXCERPTS:
        return [f"code excerpts capped at {MAX_EXCERPTS} of {len(chosen)} blocks (production first)"]
    return []


def _excerpt(rel: str, source_lines: list[str], block: Block, role: str, builder: ItemBuilder) -> None:
    lines = source_lines[block.start - 1 : block.end]
    cut = max(0, len(lines) - EXCERPT_LINES)
    text = textwrap.dedent("\n".join(lines[:EXCERPT_LINES]))
    if cut:
        text += f"\n# … cut: {cut} more lines ({block.start + EXCERPT_LINES}-{block.end}) not shown"
    name = _block_name(block)
    where = f"{rel} cell {block.cell}" if block.cell is not None else rel
    attrs: dict[str, Any] = {
        "scope": block.scope,
        "block": block.kind,
        "decorators": block.decorators,
        "cut_lines": cut,
    }
    builder.add_derived(
        rel,
        block.cell,
        block.start,
        block.end,
        "excerpt",
        _ID_NAMES.get(block.kind, block.scope),
        f"code of {name} ({where})",  # no line numbers in the label: they would read as figures
        None,
        attrs,
        text,
        ["code", *topics_of_name(name)],
        role,
    )


_ID_NAMES = {"main": "__main__", "module": "module", "cell": "cell"}


def _block_name(block: Block) -> str:
    if block.kind == "cell":
        return f"cell {block.cell}"
    if block.scope == MAIN:
        return "__main__ block"
    if block.scope == MODULE:
        return f"module code at line {block.start}"
    return block.scope


# -- pipelines --------------------------------------------------------------------------------
def add_pipelines(files: dict[str, FileResult], live: Liveness, builder: ItemBuilder) -> list[EvidenceItem]:
    """One ``pipeline`` item per production entry point that trains, logs or registers a model (returned)."""
    if not live.trainers:
        return []
    by_scope: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for rel, res in files.items():
        for fact in res.facts:
            if not shadowed_by(res, fact):  # an earlier definition of a function defined again never runs
                by_scope[(rel, fact.scope)].append(fact)
    flows = {  # (file, class) -> an orchestrator flow's class fact (its steps in order)
        (rel, f.name): f for (rel, scope), facts in by_scope.items() if scope == MODULE for f in facts
        if f.kind == "class" and f.attrs.get("steps")
    }  # fmt: skip
    pipes: list[EvidenceItem] = []
    for entry in sorted(live.trainers):
        if live.entry_roles.get(entry) != "production":
            continue
        steps = _steps(live.trainers[entry], by_scope, builder)
        if steps:
            item = _pipeline_item(entry, steps, live.entries.get(entry, ""), builder)
            flow = _flow_run(live.trainers[entry], flows, builder)
            if flow:
                item.attrs["flow"] = flow
            pipes.append(item)
    return pipes


def _flow_run(
    reach: dict[tuple[str, str], str], flows: dict[tuple[str, str], Fact], builder: ItemBuilder
) -> dict[str, Any] | None:
    """The orchestrator flow an entry point runs (its steps' methods are reached): its class item's
    id, where the class is, its name and its steps in order."""
    for rel, scope in reach:
        ran = flows.get((rel, scope.split(".")[0]))
        item = builder.fact_items.get(id(ran)) if ran is not None else None
        if ran is not None and item is not None:
            found = {"id": item.id, "path": rel, "line": ran.line, "name": ran.name}
            return {**found, "orchestrator": ran.attrs.get("orchestrator"), "steps": ran.attrs["steps"]}
    return None


def _steps(
    reach: dict[tuple[str, str], str],
    by_scope: dict[tuple[str, str], list[Fact]],
    builder: ItemBuilder,
) -> list[dict[str, Any]]:
    order = list(reach)  # breadth-first discovery order from the entry point
    steps: list[dict[str, Any]] = []
    targets = {
        f.value
        for key in order
        for f in by_scope.get(key, ())
        if f.kind == "target" and isinstance(f.value, str)
    }
    for stage, kinds in STAGES:
        found = [
            (rel, fact)
            for rel, scope in order
            for fact in sorted(by_scope.get((rel, scope), ()), key=lambda f: (f.cell or 0, f.line))
            if fact.kind in kinds
            and (fact.kind != "mlflow_call" or fact.name in _LOGGING)
            and not (fact.kind == "feature" and str(fact.value) in targets)  # the label, built: not a feature
        ]
        found.sort(key=lambda rf: rf[1].name not in _MODEL_LOGGING)  # the model before its metrics
        for rel, fact in found[:MAX_STEPS_PER_STAGE]:
            item = builder.fact_items.get(id(fact))  # its label with the values resolved across files
            if item is None:
                continue  # no evidence item (a target that stayed unknown): nothing to cite
            step = {"step": stage, "call": item.label[:120], "path": rel, "line": fact.line, "id": item.id}
            if fact.cell is not None:
                step["cell"] = fact.cell
            steps.append(step)
    return steps


def pipeline_text(steps: list[dict[str, Any]]) -> str:
    """The numbered steps of a pipeline item, one a line with its place."""
    return "\n".join(
        f"{i}. {s['step']}: {s['call']} ({s['path']}:{s['line']})" for i, s in enumerate(steps, 1)
    )


def _pipeline_item(
    entry: str, steps: list[dict[str, Any]], reason: str, builder: ItemBuilder
) -> EvidenceItem:
    stages = list(dict.fromkeys(s["step"] for s in steps))
    chain = " -> ".join(stages)
    text = pipeline_text(steps)
    attrs = {"entry_point": entry, "launched_by": reason, "steps": steps, "stages": stages}
    return builder.add_derived(
        entry,
        None,
        1,
        None,
        "pipeline",
        entry,
        f"production pipeline of {entry}: {chain}",
        chain,
        attrs,
        text,
        ["overview", "training", "data", "code"],
        "production",
    )
