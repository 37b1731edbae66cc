"""Cells and small lookups the table, chart and image fillers share (every cell carries its evidence id)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from autodoc.document import (
    Cell,
    Section,
    SeriesSource,
    TableContent,
    TableSource,
    setting_text,
)
from autodoc.evidence import EvidenceItem, EvidenceStore, ExperimentInfo, ModelVersionInfo, RunInfo
from autodoc.plan.lineage import (
    version_run,
)
from autodoc.plan.topics import is_data_metric, metric_rank
from autodoc.render.format import format_setting
from autodoc.write.split_files import run_condition

Fetch = Callable[[str, str], bytes | None]
PlanSource = TypeVar("PlanSource", TableSource, SeriesSource)

MAX_RUN_ROWS = 50

_MAX_METRIC_COLUMNS = 6

FI_PREFIXES = (
    "feature_importance.",
    "feature_importance_",
    "feature_importance/",
    "importance.",
    "importance_",
    "fi.",
    "fi_",
    "fi/",
)


def scoped_to_model(source: PlanSource, section: Section) -> PlanSource:
    """A table's or chart's source, limited to the section's model when the plan names none."""
    if section.model and not source.model:
        return source.model_copy(update={"model": section.model})
    return source


def evidence_cell(evidence: EvidenceStore, eid: str, value: object, fallback: str | None = None) -> Cell:
    """A cell citing `eid` if the store holds it (else `fallback`), with the evidence value."""
    item = evidence.get(eid)
    if item is not None and item.value is not None and not isinstance(item.value, dict | list):
        return Cell(value=item.value, evidence_id=eid)
    return Cell(value=value, evidence_id=eid if item is not None else fallback)


def text_cell(value: object) -> Cell:
    return Cell(value=value)


def _citations(rows: list[list[Cell]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for cell in row:
            if cell.evidence_id:
                seen.setdefault(cell.evidence_id, None)
    return list(seen)


def table_content(
    caption: str, columns: list[str], rows: list[list[Cell]], note: str | None = None
) -> TableContent:
    return TableContent(caption=caption, columns=columns, rows=rows, note=note, citations=_citations(rows))


def empty_table(caption: str, note: str) -> TableContent:
    return TableContent(caption=caption, columns=[], rows=[], note=note)


def metric_eid(run: RunInfo, key: str) -> str:
    return f"{run.evidence_id}:metric:{key}"


def param_eid(run: RunInfo, key: str) -> str:
    return f"{run.evidence_id}:param:{key}"


def versions_with_runs(evidence: EvidenceStore, model: str) -> list[tuple[ModelVersionInfo, RunInfo | None]]:
    rm = evidence.model(model)
    return [(mv, version_run(evidence, mv)) for mv in rm.versions] if rm else []


def metric_keys(runs: list[RunInfo], metric: str | None) -> list[str]:
    """The metric asked for, or the metrics most runs share (capped), in a stable order."""
    if metric:
        return [metric]
    counts: dict[str, int] = {}
    for run in runs:
        for key in run.metrics:
            if not is_fi_key(key):
                counts[key] = counts.get(key, 0) + 1
    quality = [k for k in counts if not is_data_metric(k)] or list(counts)  # row counts are not quality
    most = max((counts[k] for k in quality), default=0)
    common = [k for k in quality if counts[k] >= most / 2]  # keys most runs share, headline metrics first
    return sorted(common, key=metric_rank)[:_MAX_METRIC_COLUMNS]


def is_fi_key(key: str) -> bool:
    return key.lower().startswith(FI_PREFIXES)


def model_or_note(evidence: EvidenceStore, model: str | None, caption: str) -> TableContent | None:
    if evidence.mlflow is None:
        return empty_table(caption, f"{evidence.no_mlflow_words()}, so there is no model data.")
    if not model:
        return empty_table(caption, "No model was named for this table.")
    if evidence.model(model) is None:
        return empty_table(caption, f"No registered model named {model} was found in MLflow.")
    return None


def find_experiment(evidence: EvidenceStore, ref: str | None) -> ExperimentInfo | None:
    if not ref or evidence.mlflow is None:
        return None
    ref = ref.removeprefix("x:")
    return next((e for e in evidence.mlflow.experiments if ref in (e.experiment_id, e.name)), None)


def version_label(mv: ModelVersionInfo) -> str:
    return f"v{mv.version}"


def fact_name(item: EvidenceItem) -> str:
    """The item's name in a table: a value the code leaves to run time is never shown as ``= None``;
    a split a flag turns on says so (``only when val_split``)."""
    label = item.label or item.kind
    if item.value is None and (item.attrs.get("unresolved") or item.attrs.get("by_caller")):
        return label.removesuffix(" = None")
    cond = run_condition(item) if item.kind == "split" else ""
    return f"{label} (only {cond})" if cond else label


def plain(value: object) -> object:
    """Scalars as they are; dicts and lists as one readable string of the same values."""
    if isinstance(value, dict):
        if isinstance(value.get("rule"), str):  # a split described by its rule: the rule says it all
            return value["rule"]
        return ", ".join(f"{k}={inline_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(inline_value(v) for v in value)
    return value


def per_caller(item: EvidenceItem) -> str | None:
    """``a=1, b=2 (line 112); a=3 (line 123)``: each call site's value of a setting its callers fill
    differently, inline in a settings cell (the file named only when it is not the item's own)."""
    sites = item.attrs.get("by_caller")
    if item.value is not None or not isinstance(sites, list) or len(sites) < 2:
        return None
    said = []
    for site in sites[:6]:
        if not isinstance(site, dict):
            return None
        path = site.get("path")
        place = f"line {site.get('line')}" if path == item.source.path else f"{path}, line {site.get('line')}"
        said.append(f"{plain(site.get('value'))} ({place})")
    return "; ".join(said) + (f" and {len(sites) - 6} more" if len(sites) > 6 else "")


def as_written(item: EvidenceItem, value: object) -> object:
    """A number a setting holds (code, config, logged param) as its exact text, so no table rounds
    it and a column of settings reads alike; measured values stay numbers, rounded by the renderer
    (`render.format`)."""
    setting = item.kind != "metric" and (item.source.kind == "code" or item.kind == "run_param")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return format_setting(value) if number and setting else value


_COLUMN_REF = re.compile(r"\b\w+\[\s*[\"']([^\"']+)[\"']\s*\]")


def derivation(item: EvidenceItem) -> str | None:
    """How a derived column is computed, columns by name: ``worst radius / mean radius`` for
    ``out["radius_growth"] = out["worst radius"] / out["mean radius"]`` (None if not an assignment)."""
    if item.kind != "feature" or item.attrs.get("how") != "assignment" or "=" not in (item.text or ""):
        return None
    formula = _COLUMN_REF.sub(r"\1", str(item.text).split("=", 1)[1]).strip()
    return formula if 0 < len(formula) <= 120 else None


def inline_value(value: object) -> str:
    """A setting inside a joined string (test_size=0.2): floats exactly as written (`render.format`)."""
    return setting_text(value) if isinstance(value, float) else str(plain(value))


def location(item: EvidenceItem) -> str:
    """file:line for code (the commit is in the provenance, not on every row), else the MLflow place."""
    src = item.source
    if src.kind != "code":
        return src.cite()
    return src.model_copy(update={"commit": None}).cite()


def fact_label(label: str, value: object) -> str:
    """A fact's name without the value its Value cell shows: ``target column target`` -> ``target
    column``; a label the scan cut short inside the value (``dropped columns age, A1Cresu``) ->
    ``dropped columns``."""
    shown = str(value)
    words = label.split(" ")
    for n in range(1, len(words)):
        tail = " ".join(words[n:])
        if tail and (shown == tail or (", " in tail and shown.startswith(tail))):  # a list cut short
            return " ".join(words[:n]).rstrip(" =:") or label
    return label


def merged_rows(rows: list[list[Cell]]) -> tuple[list[list[Cell]], list[str]]:
    """Fact rows named without the value they show (`fact_label`), the same fact with the same value
    once, its places in one Source cell (``main.py:70, 71; train.py:9``); with the ids of the rows
    folded in (the table still cites them)."""
    first: dict[tuple[str, str], list[list[Cell]]] = {}
    for row in rows:
        row = [
            Cell(value=fact_label(str(row[0].value), row[1].value), evidence_id=row[0].evidence_id),
            *row[1:],
        ]
        first.setdefault((str(row[0].value), str(row[1].value)), []).append(row)
    out, folded = [], []
    for same in first.values():
        row = same[0]
        if len(same) > 1:
            places = _places([str(r[2].value) for r in same])
            row = [row[0], row[1], Cell(value=places, evidence_id=row[2].evidence_id)]
            folded += [c.evidence_id for r in same[1:] for c in r[:1] if c.evidence_id]
        out.append(row)
    return out, folded


def _places(locations: list[str]) -> str:
    """``a.py:3``, ``a.py:9-12``, ``b.py:1`` -> ``a.py:3, 9-12; b.py:1`` (each file once, in order)."""
    by_file: dict[str, list[str]] = {}
    for loc in locations:
        path, sep, line = loc.rpartition(":")
        if sep and re.fullmatch(r"\d+(-\d+)?", line):
            by_file.setdefault(path, []).append(line)
        else:
            by_file.setdefault(loc, [])
    return "; ".join(f"{path}:{', '.join(lines)}" if lines else path for path, lines in by_file.items())
