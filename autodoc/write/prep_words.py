"""The transformations the production model's training code applies, in words.

Containers (``Pipeline``, ``ColumnTransformer``) say only that steps are chained; the steps inside
them say what happens to the columns (``SimpleImputer (strategy = median)``). The production
model's own training script's steps come first (`plan.lineage.own_first`).
"""

from __future__ import annotations

from autodoc.document import cite
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import own_first
from autodoc.plan.topics import production_facts

_CONTAINERS = frozenset(
    {"Pipeline", "ColumnTransformer", "FeatureUnion", "make_pipeline", "make_column_transformer"}
)


def transform_steps(evidence: EvidenceStore, limit: int = 4) -> list[EvidenceItem]:
    """The preprocessing steps, each class with the same settings once, containers only if alone."""
    prep = own_first(evidence, production_facts(evidence, "preprocessing"))
    steps = [p for p in prep if str(p.value).rsplit(".", 1)[-1] not in _CONTAINERS] or prep
    seen: dict[str, EvidenceItem] = {}
    for step in steps:
        seen.setdefault(f"{step.value}{_settings(step)}", step)
    return list(seen.values())[:limit]


def step_words(step: EvidenceItem) -> str:
    """``SimpleImputer (strategy = median) [n]``: the class, the settings the code writes, cited."""
    return f"{step.value}{_settings(step)} {cite(step)}"


def _settings(step: EvidenceItem) -> str:
    params = step.attrs.get("params")
    written = (
        {k: v for k, v in params.items() if isinstance(v, str | int | float)}
        if isinstance(params, dict)
        else {}
    )
    return " (" + ", ".join(f"{k} = {v}" for k, v in list(written.items())[:2]) + ")" if written else ""
