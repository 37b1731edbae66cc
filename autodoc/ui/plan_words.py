"""Planned blocks described in a reader's words ("table of the hyperparameters of churn v3").

Pure functions: the Plan review shows these sentences and keeps the evidence ids behind a toggle.
"""

from __future__ import annotations

from autodoc.document import Block, ChartPlan, TablePlan

_TABLES = {
    "model_params": "the hyperparameters of {model}{version}",
    "model_versions": "the registered versions of {model}",
    "metric_across_versions": "{metric} for every version of {model}",
    "metric_across_models": "{metric} for every registered model",
    "experiment_runs": "the runs of experiment {experiment}, with status and key metrics",
    "code_facts": "{count} facts found in the code",
    "estimators": "every estimator the live code builds, with its settings",
    "evidence": "{count} evidence items",
}
_SERIES = {
    "metric_across_versions": "{metric} across the versions of {model}",
    "metric_across_models": "{metric} across the registered models",
    "metric_history": "{metric} over the steps of run {run}",
    "feature_importance": "the feature importances of {model}",
    "evidence": "{count} evidence values",
}


def _count(n: int) -> str:
    return "one" if n == 1 else str(n)


def _table_words(plan: TablePlan) -> str:
    src = plan.source
    text = _TABLES.get(src.kind, src.kind.replace("_", " ")).format(
        model=src.model or "the model",
        version=f" version {src.version}" if src.version else "",
        metric=src.metric or "the metrics",
        experiment=src.experiment or "(any)",
        count=_count(len(src.evidence_ids)),
    )
    return f"Table of {text}"


def _chart_words(plan: ChartPlan) -> str:
    s = plan.series
    text = _SERIES.get(s.kind, s.kind.replace("_", " ")).format(
        model=s.model or (f"run {s.run_id[:8]}" if s.run_id else "the model"),
        metric=s.metric or "the metrics",
        run=(s.run_id or "?")[:8],
        count=_count(len(s.evidence_ids)),
    )
    return f"{plan.chart_type.capitalize()} chart of {text}"


def describe(block: Block) -> str:
    """One sentence saying what the block will show."""
    plan = block.plan
    if plan.type == "narrative":
        return f"Paragraph: {plan.guidance}" if plan.guidance else "Paragraph"
    if plan.type == "list":
        return f"Bulleted list: {plan.guidance}" if plan.guidance else "Bulleted list"
    if plan.type == "table":
        return _table_words(plan)
    if plan.type == "chart":
        return _chart_words(plan)
    parts = plan.artifact_id.split(":art:", 1)
    where = f"{parts[1]} logged by run {parts[0].removeprefix('r:')}" if len(parts) == 2 else plan.artifact_id
    return f"Image {where}"


def plan_evidence(block: Block) -> list[str]:
    """The evidence ids a planned block uses."""
    plan = block.plan
    if plan.type in ("narrative", "list"):
        return plan.evidence_ids
    if plan.type == "table":
        return plan.source.evidence_ids
    if plan.type == "chart":
        return plan.series.evidence_ids
    return [plan.artifact_id]


def block_name(block: Block, index: int) -> str:
    """How a reviewer calls a block: its title, else its kind and place ("paragraph 2")."""
    title = getattr(block.plan, "title", None)
    kind = {"narrative": "paragraph", "list": "list"}.get(block.plan.type, block.plan.type)
    return title or f"{kind} {index + 1}"
