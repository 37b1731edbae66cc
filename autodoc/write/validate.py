"""`validate_plan`: a plan checked against the evidence before anything is written.

Its messages are shown to the model on a re-ask, so they name the bad value and list choices.
"""

from __future__ import annotations

from autodoc.document import (
    ChartPlan,
    ImagePlan,
    ListPlan,
    NarrativePlan,
    PlanReply,
    Section,
    SeriesSource,
    TablePlan,
    TableSource,
)
from autodoc.evidence import EvidenceStore
from autodoc.plan.lineage import (
    find_run,
    image_artifacts,
    model_run_eids,
    run_by_eid,
)
from autodoc.write.cells import find_experiment


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
