"""The planning contract of one request: a pydantic model whose choices are enums.

Every value a plan may name (evidence, image and run handles, table and series kinds,
model, metric and experiment names, versions) is listed in the JSON schema the provider
enforces, so a conforming answer cannot name what does not exist. `to_plans` maps an
answer back onto the document's `BlockPlan`s (real evidence ids), one block at a time.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from autodoc.document import (
    BlockPlan,
    ChartPlan,
    ImagePlan,
    ListPlan,
    NarrativePlan,
    SeriesSource,
    TablePlan,
    TableSource,
)
from autodoc.plan.handles import Handles

SERIES_KINDS = [
    "metric_across_versions",
    "metric_across_models",
    "metric_history",
    "feature_importance",
    "evidence",
]
MAX_BLOCKS = 5
MAX_IDS = 12
MAX_METRICS = 40


@dataclass
class Choices:
    """What one planning request may name."""

    handles: Handles
    table_kinds: list[str]
    models: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    experiments: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)


def plan_contract(choices: Choices) -> type[BaseModel]:
    """A per-request reply model: `{"blocks": [...]}` with every choice an enum."""
    h = choices.handles
    ids = _list(_enum("EvidenceHandle", list(h.evidence)))
    run = _optional(_enum("RunHandle", list(h.runs)))
    model = _optional(_enum("ModelName", choices.models))
    metric = _optional(_enum("MetricName", choices.metrics[:MAX_METRICS]))
    title = Annotated[str, Field(max_length=200)]
    maybe_title = Annotated[str | None, Field(max_length=200)]
    blocks: list[type[BaseModel]] = [
        _block(
            "NarrativeBlock",
            "narrative",
            title=(maybe_title, None),
            guidance=(_text(1200), ...),
            evidence=ids,
        ),
        _block("ListBlock", "list", title=(maybe_title, None), guidance=(_text(600), ...), evidence=ids),
        _block(
            "TableBlock",
            "table",
            title=(title, ...),
            kind=(_enum("TableKind", choices.table_kinds or ["evidence"]), ...),
            model=model,
            version=_optional(_enum("Version", choices.versions)),
            metric=metric,
            experiment=_optional(_enum("ExperimentName", choices.experiments)),
            run=run,
            evidence=ids,
        ),
        _block(
            "ChartBlock",
            "chart",
            title=(title, ...),
            chart_type=(Literal["bar", "line", "scatter"], "bar"),
            series=(_enum("SeriesKind", SERIES_KINDS), ...),
            model=model,
            metric=metric,
            run=run,
            evidence=ids,
        ),
    ]
    if h.images:
        image = (_enum("ImageHandle", list(h.images)), ...)
        blocks.append(_block("ImageBlock", "image", title=(title, ...), image=image))
    union = Annotated[_union(blocks), Field(discriminator="type")]
    return create_model(
        "PlanReply",
        __config__=ConfigDict(extra="forbid"),
        blocks=(Annotated[list[union], Field(min_length=1, max_length=MAX_BLOCKS)], ...),  # type: ignore[valid-type]
    )


def _enum(name: str, values: list[str]) -> Any:
    """A string enum of `values` (one `$defs` entry however often it is used), or None."""
    values = list(dict.fromkeys(v for v in values if v))
    if not values:
        return None
    return enum.Enum(name, {_member(v, n): v for n, v in enumerate(values)}, type=str)  # type: ignore[misc]


def _member(value: str, n: int) -> str:
    return re.sub(r"\W", "_", value)[:40] + f"_{n}"


def _optional(kind: Any) -> tuple[Any, Any]:
    return (kind | None, None) if kind is not None else (None, None)


def _list(kind: Any) -> tuple[Any, Any]:
    if kind is None:
        return (Annotated[list[str], Field(max_length=0)], [])
    return (Annotated[list[kind], Field(max_length=MAX_IDS)], [])  # type: ignore[valid-type]


def _text(limit: int) -> Any:
    return Annotated[str, Field(max_length=limit)]


def _block(name: str, type_: str, **fields: Any) -> type[BaseModel]:
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid"),
        type=(Literal[type_], ...),  # type: ignore[valid-type]
        **fields,
    )


def _union(models: list[type[BaseModel]]) -> Any:
    out: Any = models[0]
    for model in models[1:]:
        out = out | model
    return out


# ------------------------------------------------------------------------ back to ids
def to_plans(reply: BaseModel, handles: Handles) -> list[BlockPlan]:
    """The reply's blocks as document `BlockPlan`s naming real evidence ids."""
    return [to_plan(block, handles) for block in reply.blocks]  # type: ignore[attr-defined]


def to_plan(block: BaseModel, h: Handles) -> BlockPlan:
    data = {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in block}
    ids = h.real_ids([_value(e) for e in data.get("evidence") or []])[0]
    kind = data["type"]
    if kind in ("narrative", "list"):
        cls = NarrativePlan if kind == "narrative" else ListPlan
        return cls(title=data.get("title"), guidance=data.get("guidance") or "", evidence_ids=ids)
    run = h.real(data["run"]) if data.get("run") else None
    if kind == "table":
        source = TableSource(
            kind=data["kind"],
            model=data.get("model"),
            version=data.get("version"),
            metric=data.get("metric"),
            experiment=data.get("experiment"),
            run_id=run,
            evidence_ids=ids,
        )
        return TablePlan(title=data["title"], source=source)
    if kind == "chart":
        series = SeriesSource(
            kind=data["series"],
            model=data.get("model"),
            metric=data.get("metric"),
            run_id=run,
            evidence_ids=ids,
        )
        return ChartPlan(title=data["title"], chart_type=data.get("chart_type") or "bar", series=series)
    return ImagePlan(title=data["title"], artifact_id=h.real(data["image"]) or data["image"])


def _value(value: Any) -> str:
    return value.value if isinstance(value, enum.Enum) else str(value)
