"""The numbers an evidence store holds, against which `write.grounding` checks figures.

What counts as an evidence number: every number in the items' `value`, `attrs` and
`label` (numbers, numeric strings such as a param "0.1", numbers inside strings such as
"max_depth=5", but not digits glued to letters as in hex run ids), numbers in the `text`
of documentation items (README, notebook markdown, config, MLflow descriptions and run
notes), the MLflow snapshot's metrics and params, and counts derivable
from the evidence (registered models, versions per model, experiments, runs per
experiment and status, live estimators, files scanned, distinct columns the production code
derives, ...).

The results are cached on the store, per set of allowed ids (`evidence_numbers`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.topics import production_facts

# a number inside a string, not glued to letters (so hex run ids and "v2" give nothing)
NUM_IN_STRING = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?")
_DOC_KINDS = {
    "readme",
    "notebook_markdown",
    "config",
    "run",
    "registered_model",
    "model_version",
    "experiment",
    "module",
    "class",
    "function",
}  # kinds whose text is documentation the code or the registry holds
_SHARE_KEY = re.compile(r"(test_size|train_size|validation_split|holdout|test_share|val_size)$", re.I)


@dataclass
class Numbers:
    """The numbers a narrative's figures may match."""

    values: list[float]  # sorted, absolute values, counts included (for whole numbers)
    strings: str  # every evidence string, joined (for dates and dotted versions)
    locations: set[int]
    versions: set[str]
    measured: list[float]  # sorted evidence values without the derived counts


def _item_numbers(item: EvidenceItem) -> list[float]:
    out: list[float] = []
    _collect(item.value, out)
    _collect(item.attrs, out)
    if isinstance(item.value, list | dict) and item.value:  # how many: "Transaction (30 fields)"
        out.append(float(len(item.value)))
    if item.kind in _DOC_KINDS and item.text:
        _collect(item.text, out)
    # a test share of 0.2 is also a training share of 0.8 ("an 80/20 split")
    shares = [item.value] if _SHARE_KEY.search(item.id) else []
    shares += [v for k, v in item.attrs.items() if _SHARE_KEY.search(k)]
    out += [
        1 - v
        for share in shares
        if isinstance(share, int | float | str)
        for v in _as_numbers(share)
        if 0 < v < 1
    ]
    return out


def _as_numbers(value: object) -> list[float]:
    out: list[float] = []
    _collect(value, out)
    return out


def _collect(value: object, out: list[float]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if math.isfinite(value):
            out.append(float(value))
    elif isinstance(value, str):
        for tok in NUM_IN_STRING.findall(DATE.sub(" ", value).replace(",", "")):
            try:
                out.append(float(tok))
            except ValueError:
                continue
    elif isinstance(value, dict):
        for key, val in value.items():
            _collect(key, out)
            _collect(val, out)
    elif isinstance(value, list | tuple):
        for val in value:
            _collect(val, out)


def _strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for val in value.values():
            _strings(val, out)
    elif isinstance(value, list | tuple):
        for val in value:
            _strings(val, out)


def derived_counts(evidence: EvidenceStore) -> set[float]:
    """Counts a sober text may state: how many models, versions, runs, estimators, files..."""
    counts: set[int] = set()
    mlf = evidence.mlflow
    if mlf:
        counts.add(len(mlf.registered_models))
        counts.add(sum(len(m.versions) for m in mlf.registered_models))
        counts.update(len(m.versions) for m in mlf.registered_models)
        counts.update(len(m.aliases) for m in mlf.registered_models)
        counts.add(len(mlf.experiments))
        runs = [r for e in mlf.experiments for r in e.runs]
        counts.add(len(runs))
        counts.update(len(e.runs) for e in mlf.experiments)
        counts.update(Counter(r.status for r in runs).values())
        counts.update(Counter((r.experiment_id, r.status) for r in runs).values())
        counts.update(len(r.metrics) for r in runs)
        counts.update(len(r.params) for r in runs)
    if evidence.code:
        counts.update({len(evidence.code.files), len(evidence.code.skipped), len(evidence.code.entry_points)})
    live = [i for i in evidence.items if i.live is not False]
    counts.update(Counter(i.kind for i in live).values())
    counts.update(Counter(i.kind for i in evidence.items).values())
    counts.update(Counter((i.kind, i.source.path) for i in live if i.source.kind == "code").values())
    counts.update(_derived_columns(evidence))
    return {float(c) for c in counts}


def _derived_columns(evidence: EvidenceStore) -> set[int]:
    """How many distinct columns the production code derives, the target among them or not ("It
    derives 5 new columns: ..."), wherever in the code each is made."""
    made = {
        str(i.value)
        for i in production_facts(evidence, "feature", "derived_column")
        if not isinstance(i.value, list)
    }
    targets = {str(t.value) for t in evidence.by_kind("target")}
    return {len(made), len(made - targets)}


@dataclass
class _Base:
    """What every check of one store shares, whatever it cites (computed once per store)."""

    path_values: list[float]  # numbers in file paths name places, not figures
    strings: list[str]  # MLflow ids, names and times
    locations: set[int]
    versions: set[str]
    counts: set[float]
    runs: dict[str, Any]  # run evidence id -> RunInfo


def _base(evidence: EvidenceStore) -> _Base:
    cache = evidence.__dict__.setdefault("_grounding_cache", {})
    key = (id(evidence), len(evidence.items), "base")
    if key in cache:
        return cache[key]
    base = _Base([], [], set(), set(), derived_counts(evidence), {})
    for item in evidence.items:
        src = item.source
        base.locations.update(x for x in (src.line_start, src.line_end, src.cell) if x is not None)
        if src.path:
            _collect(src.path.replace("/", " "), base.path_values)
        if src.model_version:
            base.versions.add(src.model_version)
    mlf = evidence.mlflow
    for rm in mlf.registered_models if mlf else []:
        for mv in rm.versions:
            base.versions.add(mv.version)
            base.strings += [mv.version, mv.created_at or "", mv.run_id or ""]
    for exp in mlf.experiments if mlf else []:
        base.strings.append(exp.experiment_id)
        for run in exp.runs:
            base.strings += [run.run_id, run.run_name or "", run.start_time or "", run.end_time or ""]
            if run.evidence_id[2:].isdigit():  # an all-digit run8 written as a name
                base.path_values.append(float(run.evidence_id[2:]))
            base.runs[run.evidence_id] = run
    cache[key] = base
    return base


def evidence_numbers(evidence: EvidenceStore, allowed: set[str] | None) -> Numbers:
    cache = evidence.__dict__.setdefault("_grounding_cache", {})
    # keyed on the object too: a copied store carries a copy of this cache in its __dict__
    key = (id(evidence), len(evidence.items), None if allowed is None else frozenset(allowed))
    if key in cache:
        return cache[key]
    base = _base(evidence)
    values: list[float] = list(base.path_values)
    strings: list[str] = list(base.strings)
    index = evidence.index()
    items = evidence.items if allowed is None else [index[i] for i in allowed if i in index]
    per_item = _per_item(evidence, cache)
    for item in items:
        entry = per_item.get(item.id)
        if entry is None:
            entry = per_item[item.id] = _item_entry(item)
        values += entry[0]
        strings += entry[1]
    _run_numbers(base, values, allowed)
    measured = sorted({abs(v) for v in values})
    result = Numbers(
        sorted(set(measured) | base.counts), "\n".join(strings), base.locations, base.versions, measured
    )
    if len(cache) > 64:  # the store's own entries stay: every call needs them
        for stale in [k for k in cache if k[2] not in ("base", "items", None)]:
            del cache[stale]
    cache[key] = result
    return result


def _per_item(evidence: EvidenceStore, cache: dict[Any, Any]) -> dict[str, tuple[list[float], list[str]]]:
    """Each item's numbers and strings, found once per store (every call draws on them)."""
    return cache.setdefault((id(evidence), len(evidence.items), "items"), {})


def _item_entry(item: EvidenceItem) -> tuple[list[float], list[str]]:
    values = _item_numbers(item)
    _collect(item.label, values)
    strings: list[str] = []
    _strings([item.value, item.attrs], strings)
    return values, strings


def _run_numbers(base: _Base, values: list[float], allowed: set[str] | None) -> None:
    """Metrics and params of the runs cited whole, and of those cited one by one."""
    if allowed is None:
        for run in base.runs.values():
            _collect(run.metrics, values)
            _collect(run.params, values)
        return
    for aid in allowed:
        rid, _, rest = aid.partition(":metric:") if ":metric:" in aid else aid.partition(":param:")
        run = base.runs.get(rid if rest else aid)
        if run is None:
            continue
        if not rest:  # the whole run is cited
            _collect(run.metrics, values)
            _collect(run.params, values)
        elif ":metric:" in aid and rest in run.metrics:  # a run's C=1.0 does not back "AUC 1.0"
            _collect(run.metrics[rest], values)
        elif ":param:" in aid and rest in run.params:
            _collect(run.params[rest], values)
