"""Tables, charts and images filled by our code from evidence values.

An LLM only names what to show (a `TablePlan`, `ChartPlan` or `ImagePlan`); every number
in the result is copied here from an evidence item or the MLflow snapshot, and every cell
and point carries the evidence id it came from. When the data is missing the result
carries a `note` saying what was not found, never an invented value.

`validate_plan` checks a `PlanReply` against the evidence before anything is written; its
messages are shown to the model on a re-ask, so they name the bad value and list choices.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from autodoc.document import (
    Cell,
    ChartContent,
    ChartPlan,
    ImageContent,
    ImagePlan,
    ListPlan,
    NarrativePlan,
    PlanReply,
    Section,
    Series,
    SeriesSource,
    TableContent,
    TablePlan,
    TableSource,
)
from autodoc.evidence import EvidenceItem, EvidenceStore, ExperimentInfo, ModelVersionInfo, RunInfo, run_label
from autodoc.plan.select import (
    _DATA_METRIC,
    _estimator_name,
    estimator_families,
    find_run,
    image_artifacts,
    metric_rank,
    model_run_eids,
    primary_version,
    run_by_eid,
    version_run,
)

Fetch = Callable[[str, str], bytes | None]
_MAX_RUN_ROWS = 50
_MAX_METRIC_COLUMNS = 6
_FI_PREFIXES = (
    "feature_importance.",
    "feature_importance_",
    "feature_importance/",
    "importance.",
    "importance_",
    "fi.",
    "fi_",
    "fi/",
)


# --------------------------------------------------------------------------- helpers
def _cell(evidence: EvidenceStore, eid: str, value: object, fallback: str | None = None) -> Cell:
    """A cell citing `eid` if the store holds it (else `fallback`), with the evidence value."""
    item = evidence.get(eid)
    if item is not None and item.value is not None and not isinstance(item.value, dict | list):
        return Cell(value=item.value, evidence_id=eid)
    return Cell(value=value, evidence_id=eid if item is not None else fallback)


def _text(value: object) -> Cell:
    return Cell(value=value)


def _citations(rows: list[list[Cell]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for cell in row:
            if cell.evidence_id:
                seen.setdefault(cell.evidence_id, None)
    return list(seen)


def _table(caption: str, columns: list[str], rows: list[list[Cell]], note: str | None = None) -> TableContent:
    return TableContent(caption=caption, columns=columns, rows=rows, note=note, citations=_citations(rows))


def _empty(caption: str, note: str) -> TableContent:
    return TableContent(caption=caption, columns=[], rows=[], note=note)


def _metric_eid(run: RunInfo, key: str) -> str:
    return f"{run.evidence_id}:metric:{key}"


def _param_eid(run: RunInfo, key: str) -> str:
    return f"{run.evidence_id}:param:{key}"


def _versions_with_runs(evidence: EvidenceStore, model: str) -> list[tuple[ModelVersionInfo, RunInfo | None]]:
    rm = evidence.model(model)
    return [(mv, version_run(evidence, mv)) for mv in rm.versions] if rm else []


def _metric_keys(runs: list[RunInfo], metric: str | None) -> list[str]:
    """The metric asked for, or the metrics most runs share (capped), in a stable order."""
    if metric:
        return [metric]
    counts: dict[str, int] = {}
    for run in runs:
        for key in run.metrics:
            if not _is_fi_key(key):
                counts[key] = counts.get(key, 0) + 1
    quality = [k for k in counts if not _DATA_METRIC.search(k)] or list(counts)  # row counts are not quality
    most = max((counts[k] for k in quality), default=0)
    common = [k for k in quality if counts[k] >= most / 2]  # keys most runs share, headline metrics first
    return sorted(common, key=metric_rank)[:_MAX_METRIC_COLUMNS]


def _is_fi_key(key: str) -> bool:
    return key.lower().startswith(_FI_PREFIXES)


def _model_or_note(evidence: EvidenceStore, model: str | None, caption: str) -> TableContent | None:
    if evidence.mlflow is None:
        return _empty(caption, "No MLflow tracking server was configured, so there is no model data.")
    if not model:
        return _empty(caption, "No model was named for this table.")
    if evidence.model(model) is None:
        return _empty(caption, f"No registered model named {model} was found in MLflow.")
    return None


def find_experiment(evidence: EvidenceStore, ref: str | None) -> ExperimentInfo | None:
    if not ref or evidence.mlflow is None:
        return None
    ref = ref.removeprefix("x:")
    return next((e for e in evidence.mlflow.experiments if ref in (e.experiment_id, e.name)), None)


def _version_label(mv: ModelVersionInfo) -> str:
    return f"v{mv.version}"


# ----------------------------------------------------------------------------- tables
def fill_table(plan: TablePlan, evidence: EvidenceStore, section: Section) -> TableContent:
    """Fill the table a plan names, from evidence values only."""
    source = plan.source
    if section.model and not source.model:
        source = source.model_copy(update={"model": section.model})
    filler = _TABLE_FILLERS[source.kind]
    return filler(plan.title, source, evidence, section)


def _model_params(caption: str, src: TableSource, evidence: EvidenceStore, section: Section) -> TableContent:
    if (note := _model_or_note(evidence, src.model, caption)) is not None:
        return note
    assert src.model
    rm = evidence.model(src.model)
    assert rm
    mv = (
        next((v for v in rm.versions if v.version == src.version), None)
        if src.version
        else (primary_version(evidence, src.model))
    )
    if mv is None:
        wanted = f"version {src.version} of " if src.version else "a version of "
        return _empty(caption, f"No {wanted}{src.model} was found in MLflow.")
    run = version_run(evidence, mv)
    if run is None:
        return _empty(caption, f"Version {mv.version} of {src.model} is not linked to an MLflow run.")
    if not run.params:
        return _empty(caption, f"The run behind version {mv.version} of {src.model} logged no parameters.")
    rows = [
        [_text(key), _cell(evidence, _param_eid(run, key), value, run.evidence_id)]
        for key, value in sorted(run.params.items())
    ]
    return _table(
        caption,
        ["Parameter", "Value"],
        rows,
        note=f"Parameters of the run behind {src.model} version {mv.version}.",
    )


def _model_versions(
    caption: str, src: TableSource, evidence: EvidenceStore, section: Section
) -> TableContent:
    if (note := _model_or_note(evidence, src.model, caption)) is not None:
        return note
    assert src.model
    rm = evidence.model(src.model)
    assert rm
    if not rm.versions:
        return _empty(caption, f"No versions of {src.model} were found in MLflow.")
    aliases: dict[str, list[str]] = {}
    for alias, ver in rm.aliases.items():
        aliases.setdefault(str(ver), []).append(alias)
    rows = []
    for mv, run in _versions_with_runs(evidence, src.model):
        rows.append(
            [
                Cell(value=mv.version, evidence_id=mv.evidence_id),
                Cell(
                    value=", ".join(sorted(aliases.get(mv.version, mv.aliases))) or None,
                    evidence_id=rm.evidence_id if mv.version in aliases else None,
                ),
                Cell(value=mv.status, evidence_id=mv.evidence_id),
                Cell(
                    value=run_label(run) if run else mv.run_id,
                    evidence_id=run.evidence_id if run else None,
                ),
                Cell(value=(mv.created_at or "")[:10] or None, evidence_id=mv.evidence_id),
            ]
        )
    return _table(caption, ["Version", "Aliases", "Status", "Run", "Created"], rows)


def _metric_across_versions(
    caption: str, src: TableSource, evidence: EvidenceStore, section: Section
) -> TableContent:
    if (note := _model_or_note(evidence, src.model, caption)) is not None:
        return note
    assert src.model
    pairs = _versions_with_runs(evidence, src.model)
    runs = [run for _, run in pairs if run]
    keys = _metric_keys(runs, src.metric)
    if not runs or not keys or not any(k in r.metrics for r in runs for k in keys):
        what = f"metric {src.metric}" if src.metric else "any metric"
        return _empty(caption, f"No run behind a version of {src.model} logged {what}.")
    rows = []
    for mv, run in pairs:
        row = [Cell(value=mv.version, evidence_id=mv.evidence_id)]
        for key in keys:
            if run and key in run.metrics:
                row.append(_cell(evidence, _metric_eid(run, key), run.metrics[key], run.evidence_id))
            else:
                row.append(Cell(value=None))
        rows.append(row)
    gaps = [f"v{mv.version}" for mv, run in pairs if not run or any(k not in run.metrics for k in keys)]
    note = f"Not logged for {', '.join(gaps)} (shown empty)." if gaps else None
    return _table(caption, ["Version", *keys], rows, note)


def _metric_across_models(
    caption: str, src: TableSource, evidence: EvidenceStore, section: Section
) -> TableContent:
    if evidence.mlflow is None or not evidence.mlflow.registered_models:
        return _empty(caption, "No registered models were found in MLflow.")
    chosen: list[tuple[str, ModelVersionInfo, RunInfo | None]] = []
    for name in evidence.model_names():
        mv = primary_version(evidence, name)
        if mv:
            chosen.append((name, mv, version_run(evidence, mv)))
    runs = [run for _, _, run in chosen if run]
    keys = _metric_keys(runs, src.metric)
    if not keys or not any(k in r.metrics for r in runs for k in keys):
        what = f"metric {src.metric}" if src.metric else "any metric"
        return _empty(caption, f"No registered model's run logged {what}.")
    rows = []
    for name, mv, run in chosen:
        row = [
            Cell(value=name, evidence_id=f"m:{name}" if evidence.has(f"m:{name}") else None),
            Cell(value=mv.version, evidence_id=mv.evidence_id),
        ]
        for key in keys:
            ok = run is not None and key in run.metrics
            row.append(
                _cell(evidence, _metric_eid(run, key), run.metrics[key], run.evidence_id)
                if ok and run
                else Cell(value=None)
            )
        rows.append(row)
    return _table(
        caption,
        ["Model", "Version", *keys],
        rows,
        note="Each model's champion/production alias version, else its latest version.",
    )


def _experiment_runs(
    caption: str, src: TableSource, evidence: EvidenceStore, section: Section
) -> TableContent:
    if evidence.mlflow is None:
        return _empty(caption, "No MLflow tracking server was configured, so there are no runs.")
    exp = find_experiment(evidence, src.experiment)
    if exp is None and src.experiment:
        return _empty(caption, f"No experiment {src.experiment} was found in MLflow.")
    runs: list[RunInfo]
    if exp is not None:
        runs = list(exp.runs)
    elif src.model:
        runs = [run_by_eid(evidence)[r] for r in sorted(model_run_eids(evidence, src.model))]
    elif len(evidence.mlflow.experiments) == 1:
        runs = list(evidence.mlflow.experiments[0].runs)
    else:
        names = ", ".join(e.name for e in evidence.mlflow.experiments[:8])
        return _empty(caption, f"No experiment was named for this table (experiments: {names}).")
    if not runs:
        return _empty(caption, "No runs were found in this experiment.")
    runs.sort(key=lambda r: r.start_time or "", reverse=True)
    keys = _metric_keys(runs, src.metric)[:4]
    rows = []
    for run in runs[:_MAX_RUN_ROWS]:
        row = [
            Cell(value=run_label(run), evidence_id=run.evidence_id),
            Cell(value=run.status, evidence_id=run.evidence_id),
            Cell(value=(run.start_time or "")[:16].replace("T", " ") or None, evidence_id=run.evidence_id),
        ]
        for key in keys:
            row.append(
                _cell(evidence, _metric_eid(run, key), run.metrics[key], run.evidence_id)
                if key in run.metrics
                else Cell(value=None)
            )
        rows.append(row)
    note = None
    if len(runs) > _MAX_RUN_ROWS:
        note = f"The {_MAX_RUN_ROWS} most recent of {len(runs)} runs are shown."
    bad = [r for r in runs if r.status in ("FAILED", "KILLED")]
    if bad:
        note = (note + " " if note else "") + "FAILED and KILLED runs are listed with their status."
    return _table(caption, ["Run", "Status", "Started", *keys], rows, note)


def _code_facts(caption: str, src: TableSource, evidence: EvidenceStore, section: Section) -> TableContent:
    return _items_table(caption, src.evidence_ids, evidence, code_only=True)


def _evidence_rows(caption: str, src: TableSource, evidence: EvidenceStore, section: Section) -> TableContent:
    return _items_table(caption, src.evidence_ids, evidence, code_only=False)


def _items_table(caption: str, ids: list[str], evidence: EvidenceStore, code_only: bool) -> TableContent:
    if not ids:
        return _empty(caption, "No evidence items were named for this table.")
    items = [evidence.get(i) for i in ids]
    known = [i for i in items if i is not None and (i.source.kind == "code" or not code_only)]
    unknown = [i for i, it in zip(ids, items, strict=True) if it is None]
    rows = [
        [
            Cell(value=_fact_name(it), evidence_id=it.id),
            Cell(value=_plain(it.value), evidence_id=it.id),
            Cell(value=_location(it), evidence_id=it.id),
        ]
        for it in known
    ]
    notes = []
    if unknown:
        notes.append(f"Not found in the evidence: {', '.join(unknown[:5])}.")
    legacy = [it for it in known if it.live is False]
    if legacy:
        notes.append("Rows marked legacy come from code not reached from an entry point.")
        for row, it in zip(rows, known, strict=True):
            if it.live is False:
                row[0] = Cell(value=f"{_fact_name(it)} (legacy)", evidence_id=it.id)
    if not rows:
        return _empty(caption, " ".join(notes) or "No matching evidence was found.")
    return _table(caption, ["Fact", "Value", "Source"], rows, " ".join(notes) or None)


def _fact_name(item: EvidenceItem) -> str:
    return item.label or item.kind


def _plain(value: object) -> object:
    """Scalars as they are; dicts and lists as one readable string of the same values."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(_plain(v)) for v in value)
    return value


def _location(item: EvidenceItem) -> str:
    """file:line for code (the commit is in the provenance, not on every row), else the MLflow place."""
    src = item.source
    if src.kind != "code":
        return src.cite()
    return src.model_copy(update={"commit": None}).cite()


def _estimators(caption: str, src: TableSource, evidence: EvidenceStore, section: Section) -> TableContent:
    all_est = evidence.by_kind("estimator")
    if src.evidence_ids:
        all_est = [i for i in all_est if i.id in set(src.evidence_ids)] or all_est
    model = src.model or section.model
    families = estimator_families(evidence, model) if model else set()
    if families:  # a per_model section shows its own model's estimator family only
        all_est = [i for i in all_est if _estimator_name(i).lower() in families or i.live is False]
    live = [i for i in all_est if i.live is not False]
    legacy = [i for i in all_est if i.live is False]
    if not live:
        note = "No estimator construction was found in live code."
        if legacy:
            note += (
                " Legacy code not reached from an entry point constructs: "
                + ", ".join(f"{_plain(i.value)} ({_location(i)})" for i in legacy[:5])
                + "."
            )
        return _empty(caption, note)
    rows = []
    for est in live:
        settings = _estimator_settings(est, evidence)
        rows.append(
            [
                Cell(value=_plain(est.value) or est.label, evidence_id=est.id),
                Cell(value=settings or None, evidence_id=est.id if settings else None),
                Cell(value=_location(est), evidence_id=est.id),
            ]
        )
    note = None
    if legacy:
        note = (
            "Not listed (legacy code not reached from an entry point): "
            + ", ".join(f"{_plain(i.value)} at {_location(i)}" for i in legacy[:5])
            + "."
        )
    return _table(caption, ["Estimator", "Settings", "Defined at"], rows, note)


def _estimator_settings(est: EvidenceItem, evidence: EvidenceStore) -> str:
    """The keyword arguments of an estimator, as written in the code."""
    prefix = est.id.rsplit(":estimator", 1)[0] + ":param:"
    params = [
        i
        for i in evidence.items
        if i.kind == "param"
        and (i.attrs.get("owner") == est.id or (not i.attrs.get("owner") and i.id.startswith(prefix)))
    ]
    if params:
        return ", ".join(f"{_param_name(p)}={_param_value(p)}" for p in params)
    kwargs = est.attrs.get("params") or est.attrs.get("kwargs")
    if isinstance(kwargs, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in kwargs.items())
    return ""


def _param_name(item: EvidenceItem) -> str:
    return str(item.attrs.get("key") or item.id.split(":param:", 1)[-1].split(":")[0])


def _param_value(item: EvidenceItem) -> str:
    """A keyword argument as written: its literal value, else the expression that sets it."""
    if item.value is None and item.attrs.get("expr"):
        return str(item.attrs["expr"])
    return str(_plain(item.value))


_TABLE_FILLERS: dict[str, Callable[[str, TableSource, EvidenceStore, Section], TableContent]] = {
    "model_params": _model_params,
    "model_versions": _model_versions,
    "metric_across_versions": _metric_across_versions,
    "metric_across_models": _metric_across_models,
    "experiment_runs": _experiment_runs,
    "code_facts": _code_facts,
    "estimators": _estimators,
    "evidence": _evidence_rows,
}


# ----------------------------------------------------------------------------- charts
def fill_chart(plan: ChartPlan, evidence: EvidenceStore, section: Section) -> ChartContent:
    """Fill a chart's series from evidence values only."""
    src = plan.series
    if section.model and not src.model:
        src = src.model_copy(update={"model": section.model})
    series, note, x_label, y_label = _SERIES_FILLERS[src.kind](src, evidence)
    ids = [i for s in series for i in s.evidence_ids]
    return ChartContent(
        caption=plan.title,
        chart_type=plan.chart_type,
        x_label=x_label,
        y_label=y_label,
        series=series,
        note=note,
        citations=list(dict.fromkeys(ids)),
    )


_SeriesResult = tuple[list[Series], str | None, str, str]


def _chart_metrics(src: SeriesSource, runs: list[RunInfo]) -> list[str]:
    return _metric_keys(runs, src.metric)[: 1 if src.metric else 3]


def _series_versions(src: SeriesSource, evidence: EvidenceStore) -> _SeriesResult:
    if not src.model or evidence.model(src.model) is None:
        return [], f"No registered model named {src.model or '(none)'} was found in MLflow.", "", ""
    pairs = [(mv, run) for mv, run in _versions_with_runs(evidence, src.model) if run]
    keys = _chart_metrics(src, [r for _, r in pairs])
    series = []
    for key in keys:
        pts = [(mv, run) for mv, run in pairs if key in run.metrics]
        if pts:
            series.append(
                Series(
                    name=key,
                    x=[_version_label(mv) for mv, _ in pts],
                    y=[float(r.metrics[key]) for _, r in pts],
                    evidence_ids=[_metric_id(evidence, r, key) for _, r in pts],
                )
            )
    if not series:
        what = f"metric {src.metric}" if src.metric else "any metric"
        return [], f"No run behind a version of {src.model} logged {what}.", "", ""
    return series, None, "Version", src.metric or "Value"


def _metric_id(evidence: EvidenceStore, run: RunInfo, key: str) -> str:
    eid = _metric_eid(run, key)
    return eid if evidence.has(eid) else run.evidence_id


def _series_models(src: SeriesSource, evidence: EvidenceStore) -> _SeriesResult:
    chosen = []
    for name in evidence.model_names():
        mv = primary_version(evidence, name)
        run = version_run(evidence, mv) if mv else None
        if mv and run:
            chosen.append((name, mv, run))
    keys = _chart_metrics(src, [r for _, _, r in chosen])
    series = []
    for key in keys:
        pts = [(n, mv, r) for n, mv, r in chosen if key in r.metrics]
        if pts:
            series.append(
                Series(
                    name=key,
                    x=[f"{n} v{mv.version}" for n, mv, _ in pts],
                    y=[float(r.metrics[key]) for *_, r in pts],
                    evidence_ids=[_metric_id(evidence, r, key) for *_, r in pts],
                )
            )
    if not series:
        what = f"metric {src.metric}" if src.metric else "any metric"
        return [], f"No registered model's run logged {what}.", "", ""
    return series, None, "Model", src.metric or "Value"


def _series_history(src: SeriesSource, evidence: EvidenceStore) -> _SeriesResult:
    run = find_run(evidence, src.run_id) or _model_run(src, evidence)
    if run is None:
        return [], f"No MLflow run {src.run_id or ''} was found.".replace("  ", " "), "", ""
    keys = [src.metric] if src.metric else sorted(run.metric_history)[:3]
    series = []
    for key in keys:
        hist = run.metric_history.get(key or "")
        if key and hist:
            hid = f"{run.evidence_id}:hist:{key}"
            series.append(
                Series(
                    name=key,
                    x=[s for s, _ in hist],
                    y=[float(v) for _, v in hist],
                    evidence_ids=[hid if evidence.has(hid) else run.evidence_id] * len(hist),
                )
            )
    if not series:
        what = f"metric {src.metric}" if src.metric else "any metric"
        return [], f"Run {run_label(run)} logged no step history for {what}.", "", ""
    return series, None, "Step", src.metric or "Value"


def _model_run(src: SeriesSource, evidence: EvidenceStore) -> RunInfo | None:
    if not src.model:
        return None
    mv = primary_version(evidence, src.model)
    return version_run(evidence, mv) if mv else None


def _series_importance(src: SeriesSource, evidence: EvidenceStore) -> _SeriesResult:
    run = find_run(evidence, src.run_id) or _model_run(src, evidence)
    points: list[tuple[str, float, str]] = []
    for item in evidence.items:
        mine = run is None or item.id.startswith(run.evidence_id + ":") or item.source.run_id == run.run_id
        if mine and _is_importance(item):
            points += _importance_points(item)
        if points and run is None:
            break  # without a run named, the first run's importances (never a mix of runs)
    if not points and run is not None:
        points = [
            (_fi_feature(k), float(v), _metric_id(evidence, run, k))
            for k, v in run.metrics.items()
            if _is_fi_key(k)
        ]
    if not points:
        where = f"run {run_label(run)}" if run else "MLflow"
        return [], f"No feature importances were logged in {where}.", "", ""
    points.sort(key=lambda p: -abs(p[1]))
    top = points[:15]
    note = f"The {len(top)} largest of {len(points)} importances are shown." if len(points) > 15 else None
    series = Series(
        name="importance", x=[p[0] for p in top], y=[p[1] for p in top], evidence_ids=[p[2] for p in top]
    )
    return [series], note, "Feature", "Importance"


def _is_importance(item: EvidenceItem) -> bool:
    """A feature-importance item: its own kind, a ``:fi:`` id, or a logged importance JSON artifact."""
    if item.kind == "feature_importance" or ":fi:" in item.id:
        return True
    return (
        item.kind == "artifact"
        and "importance" in item.id.split(":art:", 1)[-1].lower()
        and isinstance(item.value, dict)
        and any(_is_number(v) for v in item.value.values())
    )


def _importance_points(item: EvidenceItem) -> list[tuple[str, float, str]]:
    """One item per feature (value a number) or one item holding {feature: importance}."""
    val = item.value
    if isinstance(val, dict):
        return [(str(k), float(v), item.id) for k, v in val.items() if _is_number(v)]
    if isinstance(val, list):
        out = []
        for entry in val:
            if isinstance(entry, dict):
                name = entry.get("feature") or entry.get("name")
                num = entry.get("importance", entry.get("value"))
                if name is not None and _is_number(num):
                    out.append((str(name), float(num), item.id))
        return out
    if _is_number(val):
        name = item.attrs.get("feature") or item.id.split(":fi:", 1)[-1] or item.label
        return [(str(name), float(val), item.id)]  # type: ignore[arg-type]
    return []


def _fi_feature(key: str) -> str:
    low = key.lower()
    for prefix in _FI_PREFIXES:
        if low.startswith(prefix):
            return key[len(prefix) :]
    return key


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _series_evidence(src: SeriesSource, evidence: EvidenceStore) -> _SeriesResult:
    items = [evidence.get(i) for i in src.evidence_ids]
    numeric = [i for i in items if i is not None and _is_number(i.value)]
    if not numeric:
        return [], "None of the named evidence items holds a number.", "", ""
    series = Series(
        name=src.metric or "value",
        x=[i.label for i in numeric],
        y=[float(i.value) for i in numeric],
        evidence_ids=[i.id for i in numeric],
    )  # type: ignore[arg-type]
    skipped = len(src.evidence_ids) - len(numeric)
    note = f"{skipped} named item(s) hold no number and are not shown." if skipped else None
    return [series], note, "", src.metric or ""


_SERIES_FILLERS: dict[str, Callable[[SeriesSource, EvidenceStore], _SeriesResult]] = {
    "metric_across_versions": _series_versions,
    "metric_across_models": _series_models,
    "metric_history": _series_history,
    "feature_importance": _series_importance,
    "evidence": _series_evidence,
}


# ----------------------------------------------------------------------------- images
_MEDIA = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


def fill_image(plan: ImagePlan, evidence: EvidenceStore, fetch: Fetch | None) -> ImageContent:
    """Fetch an MLflow image artifact's bytes (`fetch(run_id, path)`), or say why not."""
    found = image_artifacts(evidence).get(plan.artifact_id)
    base = ImageContent(caption=plan.title, artifact_id=plan.artifact_id)
    if found is None:
        base.note = f"No image artifact {plan.artifact_id} was found in MLflow."
        return base
    run, path = found
    base.media_type = _MEDIA.get("." + path.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    base.citations = [plan.artifact_id if evidence.has(plan.artifact_id) else run.evidence_id]
    if fetch is None:
        base.note = f"The artifact {path} of run {run_label(run)} was not downloaded."
        return base
    try:
        data = fetch(run.run_id, path)
    except Exception as exc:  # a broken artifact store costs this image only
        data = None
        base.note = f"The artifact {path} could not be downloaded ({type(exc).__name__})."
    if data:
        base.data_b64 = base64.b64encode(data).decode("ascii")
    elif base.note is None:
        base.note = f"The artifact {path} of run {run_label(run)} could not be downloaded."
    return base


# ---------------------------------------------------------------------- plan checking
def validate_plan(reply: PlanReply, evidence: EvidenceStore, section: Section) -> list[str]:
    """Errors in a plan (unknown ids, models, metrics, runs, experiments, images)."""
    errors: list[str] = []
    for n, block in enumerate(reply.blocks, 1):
        where = f"Block {n} ({block.type})"
        if isinstance(block, NarrativePlan | ListPlan):
            errors += _check_ids(where, block.evidence_ids, evidence)
            errors += _check_foreign(where, block.evidence_ids, section)
        elif isinstance(block, TablePlan):
            errors += _check_table(where, block.source, evidence, section)
        elif isinstance(block, ChartPlan):
            errors += _check_series(where, block.series, evidence, section)
        elif isinstance(block, ImagePlan):
            errors += _check_image(where, block.artifact_id, evidence, section)
        errors += _check_title(where, block.title, evidence)
    return errors


def _check_title(where: str, title: str | None, evidence: EvidenceStore) -> list[str]:
    """A title is typed by the model and printed as a heading or caption: it may hold no
    figure the evidence does not (narratives are checked when written; titles never are)."""
    if not title:
        return []
    from autodoc.write import grounding  # lazy: only plans with titles need it

    flags = grounding.check(title, evidence).flags
    if not flags:
        return []
    figures = ", ".join(dict.fromkeys(f.figure for f in flags))
    return [
        f"{where}: the title {title!r} holds {figures}, which no evidence value matches; "
        "titles name what is shown, never a figure"
    ]


def _choices(values: list[str], limit: int = 8) -> str:
    if not values:
        return "none exist"
    shown = ", ".join(values[:limit])
    return f"valid: {shown}" + (f" (and {len(values) - limit} more)" if len(values) > limit else "")


def _check_ids(where: str, ids: list[str], evidence: EvidenceStore) -> list[str]:
    unknown = [i for i in ids if not evidence.has(i)]
    if not unknown:
        return []
    return [f"{where}: unknown evidence ids {', '.join(unknown[:8])}; use only ids from the evidence list."]


def _check_foreign(where: str, ids: list[str], section: Section) -> list[str]:
    """A per_model subsection must not draw on another registered model's entries."""
    if not section.model:
        return []
    mine = (f"m:{section.model}", f"m:{section.model}@", f"mv:{section.model}:")
    foreign = [i for i in ids if i.startswith(("m:", "mv:")) and not (i == mine[0] or i.startswith(mine[1:]))]
    if not foreign:
        return []
    return [
        f"{where}: this subsection documents model {section.model}; drop {', '.join(foreign[:5])}, "
        "which belong to another model."
    ]


def _check_model(
    where: str, model: str | None, evidence: EvidenceStore, section: Section, required: bool
) -> list[str]:
    names = evidence.model_names()
    if section.model and model and model != section.model:
        return [
            f"{where}: this subsection documents model {section.model}; do not name model {model} "
            f"(leave model empty or use {section.model})."
        ]
    if model is None:
        return [f"{where}: name a model ({_choices(names)})."] if required and not section.model else []
    if model not in names:
        return [f"{where}: unknown model {model} ({_choices(names)})."]
    return []


def _model_metrics(evidence: EvidenceStore, model: str | None) -> list[str]:
    runs = (
        [run_by_eid(evidence)[r] for r in model_run_eids(evidence, model)]
        if model
        else [r for e in (evidence.mlflow.experiments if evidence.mlflow else []) for r in e.runs]
    )
    return sorted({k for r in runs for k in r.metrics})


def _check_metric(where: str, metric: str | None, evidence: EvidenceStore, model: str | None) -> list[str]:
    if metric is None:
        return []
    known = _model_metrics(evidence, model)
    if metric in known:
        return []
    scope = f" by the runs of {model}" if model else ""
    return [f"{where}: metric {metric} was not logged{scope} ({_choices(known)})."]


def _check_table(where: str, src: TableSource, evidence: EvidenceStore, section: Section) -> list[str]:
    kind = src.kind
    model = src.model or section.model
    needs_model = kind in ("model_params", "model_versions", "metric_across_versions")
    errors = _check_model(where, src.model, evidence, section, needs_model)
    if errors:
        return errors
    if src.version and model:
        rm = evidence.model(model)
        versions = [v.version for v in rm.versions] if rm else []
        if src.version not in versions:
            errors.append(f"{where}: {model} has no version {src.version} ({_choices(versions)}).")
    if kind in ("metric_across_versions", "metric_across_models", "experiment_runs"):
        errors += _check_metric(
            where, src.metric, evidence, model if kind != "metric_across_models" else None
        )
    if src.experiment and find_experiment(evidence, src.experiment) is None:
        names = [
            f"{e.name} (id {e.experiment_id})"
            for e in (evidence.mlflow.experiments if evidence.mlflow else [])
        ]
        errors.append(f"{where}: unknown experiment {src.experiment} ({_choices(names)}).")
    if src.run_id and find_run(evidence, src.run_id) is None:
        errors.append(f"{where}: unknown run {src.run_id}; use an r:<run8> id from the evidence list.")
    errors += _check_ids(where, src.evidence_ids, evidence)
    if kind in ("code_facts", "evidence") and not src.evidence_ids:
        errors.append(f"{where}: a {kind} table needs evidence_ids naming the items to show.")
    return errors


def _check_series(where: str, src: SeriesSource, evidence: EvidenceStore, section: Section) -> list[str]:
    kind = src.kind
    model = src.model or section.model
    errors = _check_model(where, src.model, evidence, section, kind == "metric_across_versions")
    if errors:
        return errors
    if kind in ("metric_across_versions", "metric_across_models"):
        errors += _check_metric(
            where, src.metric, evidence, model if kind == "metric_across_versions" else None
        )
    if kind == "metric_history":
        run = find_run(evidence, src.run_id)
        if run is None:
            with_hist = [
                r.evidence_id
                for e in (evidence.mlflow.experiments if evidence.mlflow else [])
                for r in e.runs
                if r.metric_history
            ]
            errors.append(f"{where}: metric_history needs a known run_id ({_choices(with_hist)}).")
        elif section.model and run.evidence_id not in model_run_eids(evidence, section.model):
            errors.append(f"{where}: run {src.run_id} is not a run of model {section.model}.")
        elif src.metric and src.metric not in run.metric_history:
            errors.append(
                f"{where}: run {src.run_id} has no step history for {src.metric} "
                f"({_choices(sorted(run.metric_history))})."
            )
    if kind == "feature_importance" and src.run_id and find_run(evidence, src.run_id) is None:
        errors.append(f"{where}: unknown run {src.run_id}; use an r:<run8> id from the evidence list.")
    if kind == "evidence":
        errors += _check_ids(where, src.evidence_ids, evidence)
        if not src.evidence_ids:
            errors.append(f"{where}: an evidence chart needs evidence_ids of numeric items.")
    return errors


def _check_image(where: str, artifact_id: str, evidence: EvidenceStore, section: Section) -> list[str]:
    images = image_artifacts(evidence)
    if section.model:
        runs = model_run_eids(evidence, section.model)
        images = {k: v for k, v in images.items() if v[0].evidence_id in runs}
    if artifact_id in images:
        return []
    return [
        f"{where}: {artifact_id} is not an image artifact{' of ' + section.model if section.model else ''} "
        f"({_choices(sorted(images), 6)})."
    ]
