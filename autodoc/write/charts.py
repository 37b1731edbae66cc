"""Chart series filled from evidence: each point cites the metric, param or importance item it came from."""

from __future__ import annotations

import math
from collections.abc import Callable

from autodoc.document import (
    ChartContent,
    ChartPlan,
    Section,
    Series,
    SeriesSource,
)
from autodoc.evidence import EvidenceItem, EvidenceStore, RunInfo, run_label
from autodoc.plan.lineage import (
    find_run,
    primary_version,
    version_run,
)
from autodoc.plan.topics import is_feature_importance, is_number
from autodoc.write.cells import (
    FI_PREFIXES,
    is_fi_key,
    metric_eid,
    metric_keys,
    scoped_to_model,
    version_label,
    versions_with_runs,
)


def fill_chart(plan: ChartPlan, evidence: EvidenceStore, section: Section) -> ChartContent:
    """Fill a chart's series from evidence values only."""
    src = scoped_to_model(plan.series, section)
    series, note, x_label, y_label = _SERIES_FILLERS[src.kind](src, evidence)
    series, dropped = _finite_points(series)
    if dropped:  # a NaN or infinite value (a diverged metric) is no point on a chart
        note = " ".join(
            filter(None, [note, f"{dropped} value(s) that are not finite numbers are not shown."])
        )
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


def _finite_points(series: list[Series]) -> tuple[list[Series], int]:
    """The series without points whose value is NaN or infinite, and how many were left out."""
    kept: list[Series] = []
    dropped = 0
    for s in series:
        keep = [n for n, y in enumerate(s.y) if math.isfinite(y)]
        dropped += len(s.y) - len(keep)
        if len(keep) == len(s.y):
            kept.append(s)
        elif keep:
            ids = [s.evidence_ids[n] for n in keep] if len(s.evidence_ids) == len(s.y) else s.evidence_ids
            kept.append(
                s.model_copy(
                    update={"x": [s.x[n] for n in keep], "y": [s.y[n] for n in keep], "evidence_ids": ids}
                )
            )
    return kept, dropped


def _chart_metrics(src: SeriesSource, runs: list[RunInfo]) -> list[str]:
    return metric_keys(runs, src.metric)[: 1 if src.metric else 3]


def _series_versions(src: SeriesSource, evidence: EvidenceStore) -> _SeriesResult:
    if not src.model or evidence.model(src.model) is None:
        return [], f"No registered model named {src.model or '(none)'} was found in MLflow.", "", ""
    pairs = [(mv, run) for mv, run in versions_with_runs(evidence, src.model) if run]
    keys = _chart_metrics(src, [r for _, r in pairs])
    series = []
    for key in keys:
        pts = [(mv, run) for mv, run in pairs if key in run.metrics]
        if pts:
            series.append(
                Series(
                    name=key,
                    x=[version_label(mv) for mv, _ in pts],
                    y=[float(r.metrics[key]) for _, r in pts],
                    evidence_ids=[_metric_id(evidence, r, key) for _, r in pts],
                )
            )
    if not series:
        what = f"metric {src.metric}" if src.metric else "any metric"
        return [], f"No run behind a version of {src.model} logged {what}.", "", ""
    return series, None, "Version", src.metric or "Value"


def _metric_id(evidence: EvidenceStore, run: RunInfo, key: str) -> str:
    eid = metric_eid(run, key)
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
    folds = "fold" in (src.metric or "").lower()
    return series, None, "Fold" if folds else "Step", src.metric or "Value"


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
        if mine and is_feature_importance(item):
            points += _importance_points(item)
        if points and run is None:
            break  # without a run named, the first run's importances (never a mix of runs)
    if not points and run is not None:
        points = [
            (_fi_feature(k), float(v), _metric_id(evidence, run, k))
            for k, v in run.metrics.items()
            if is_fi_key(k)
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


def _importance_points(item: EvidenceItem) -> list[tuple[str, float, str]]:
    """One item per feature (value a number) or one item holding {feature: importance}."""
    val = item.value
    if isinstance(val, dict):
        return [(str(k), float(v), item.id) for k, v in val.items() if is_number(v)]
    if isinstance(val, list):
        out = []
        for entry in val:
            if isinstance(entry, dict):
                name = entry.get("feature") or entry.get("name")
                num = entry.get("importance", entry.get("value"))
                if name is not None and is_number(num):
                    out.append((str(name), float(num), item.id))
        return out
    if is_number(val):
        name = item.attrs.get("feature") or item.id.split(":fi:", 1)[-1] or item.label
        return [(str(name), float(val), item.id)]  # type: ignore[arg-type]
    return []


def _fi_feature(key: str) -> str:
    low = key.lower()
    for prefix in FI_PREFIXES:
        if low.startswith(prefix):
            return key[len(prefix) :]
    return key


def _series_evidence(src: SeriesSource, evidence: EvidenceStore) -> _SeriesResult:
    items = [evidence.get(i) for i in src.evidence_ids]
    numeric = [i for i in items if i is not None and is_number(i.value)]
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
