"""The document as typed data: section plans, block contents, and the whole run state.

Planning produces `SectionPlan`s (a discriminated union of block plans); generation turns
each `BlockPlan` into a `BlockContent`; `DocumentState` holds everything and is what the
cache stores, the review UI edits and the renderers read. Renderers never see an LLM:
tables and charts carry values copied by our code from evidence items.

Narrative text is Markdown-lite (paragraphs, `- ` bullets, **bold**) with citation
markers ``[[evidence-id]]`` placed after the claim they support.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from autodoc.evidence import EvidenceItem, JSONValue
from autodoc.render.format import format_float, format_setting

CACHE_SCHEMA_VERSION = 1
CITATION_RE = r"\[\[([^\[\]\s]+)\]\]"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- plans
TableSourceKind = Literal[
    "model_params",  # hyperparameters of one model version's run (args: model, version?)
    "model_versions",  # versions of a model: version, aliases, status, run, created
    "metric_across_versions",  # one or all metrics per version of a model (args: model, metric?)
    "metric_across_models",  # a metric for the alias/latest version of every model (args: metric)
    "experiment_runs",  # runs of an experiment with status and key metrics (args: experiment)
    "code_facts",  # the named code evidence items: label, value, location (evidence_ids)
    "estimators",  # every estimator constructed in live code with its settings
    "evidence",  # generic: the named evidence items as rows (evidence_ids)
]
SeriesKind = Literal[
    "metric_across_versions",  # args: model, metric
    "metric_across_models",  # args: metric
    "metric_history",  # args: run_id, metric
    "feature_importance",  # args: run_id or model (from a logged feature-importance metric set)
    "evidence",  # named numeric evidence items as bars
]


class TableSource(_Strict):
    kind: TableSourceKind
    model: str | None = None
    version: str | None = None
    metric: str | None = None
    experiment: str | None = None
    run_id: str | None = None
    evidence_ids: list[str] = Field(default_factory=list)


class SeriesSource(_Strict):
    kind: SeriesKind
    model: str | None = None
    metric: str | None = None
    run_id: str | None = None
    evidence_ids: list[str] = Field(default_factory=list)


class NarrativePlan(_Strict):
    type: Literal["narrative"] = "narrative"
    title: str | None = None
    guidance: str = Field(max_length=1200)  # what to cover
    evidence_ids: list[str] = Field(default_factory=list, max_length=60)


class ListPlan(_Strict):
    type: Literal["list"] = "list"
    title: str | None = None
    guidance: str = Field(default="", max_length=600)
    evidence_ids: list[str] = Field(default_factory=list, max_length=60)


class TablePlan(_Strict):
    type: Literal["table"] = "table"
    title: str = Field(max_length=200)
    source: TableSource


class ChartPlan(_Strict):
    type: Literal["chart"] = "chart"
    title: str = Field(max_length=200)
    chart_type: Literal["bar", "line", "scatter"] = "bar"
    series: SeriesSource


class ImagePlan(_Strict):
    type: Literal["image"] = "image"
    title: str = Field(max_length=200)
    artifact_id: str  # evidence id of an image artifact (r:<run8>:art:<path>)


BlockPlan = Annotated[
    NarrativePlan | ListPlan | TablePlan | ChartPlan | ImagePlan, Field(discriminator="type")
]


class PlanReply(_Strict):
    """What a planning call must return (the LLM contract for planning)."""

    blocks: list[BlockPlan] = Field(min_length=1, max_length=5)


# ------------------------------------------------------------------------- contents
class FigureFlag(_Strict):
    """A figure in a narrative that matches no evidence value."""

    figure: str  # as written, e.g. "0.91" or "91%"
    context: str  # the sentence around it
    reason: str = "matches no evidence value"


class NarrativeReply(_Strict):
    """What a narrative/list generation call must return (the LLM contract)."""

    text: str = Field(max_length=6000)  # markdown-lite with [[id]] citation markers


class NarrativeContent(_Strict):
    type: Literal["narrative"] = "narrative"
    text: str
    citations: list[str] = Field(default_factory=list)  # ids cited, in order of first use


class ListItem(_Strict):
    text: str
    evidence_ids: list[str] = Field(default_factory=list)


class ListContent(_Strict):
    type: Literal["list"] = "list"
    items: list[ListItem]
    citations: list[str] = Field(default_factory=list)


class Cell(_Strict):
    value: JSONValue = None  # the evidence value, unformatted
    evidence_id: str | None = None


class TableContent(_Strict):
    type: Literal["table"] = "table"
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str | None = None  # e.g. "no runs logged metric auc"
    citations: list[str] = Field(default_factory=list)


class Series(_Strict):
    name: str
    x: list[JSONValue]
    y: list[float]
    evidence_ids: list[str] = Field(default_factory=list)  # one per point where known


class ChartContent(_Strict):
    type: Literal["chart"] = "chart"
    caption: str
    chart_type: Literal["bar", "line", "scatter"]
    x_label: str = ""
    y_label: str = ""
    series: list[Series]
    note: str | None = None
    citations: list[str] = Field(default_factory=list)


class ImageContent(_Strict):
    type: Literal["image"] = "image"
    caption: str
    artifact_id: str
    media_type: str = "image/png"
    data_b64: str | None = None  # the image bytes, base64 (None if it could not be fetched)
    note: str | None = None
    citations: list[str] = Field(default_factory=list)


BlockContent = Annotated[
    NarrativeContent | ListContent | TableContent | ChartContent | ImageContent,
    Field(discriminator="type"),
]

BlockStatus = Literal["planned", "running", "written", "flagged", "failed", "approved", "edited"]
SectionStatus = Literal[
    "pending", "planning", "planned", "writing", "written", "approved", "edited", "failed", "flagged"
]


class Usage(_Strict):
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    prompt_chars: int = 0
    retries: int = 0
    reasks: int = 0
    seconds: float = 0.0
    cached_tokens: int = 0  # input tokens the provider read from its prompt cache
    dropped_blocks: int = 0  # planned blocks left out as invalid
    plan_fallbacks: int = 0  # sections given the deterministic plan after the LLM's failed

    def add(self, other: Usage) -> None:
        for name in type(self).model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Block(_Strict):
    id: str  # "<section id>.b<n>", stable within a plan
    plan: BlockPlan
    content: BlockContent | None = None
    status: BlockStatus = "planned"
    flags: list[FigureFlag] = Field(default_factory=list)
    error: str | None = None
    evidence_hash: str | None = None  # hash of the evidence it was written from
    feedback: str | None = None  # last reviewer feedback used to regenerate it
    usage: Usage = Field(default_factory=Usage)


class Section(_Strict):
    id: str  # stable slug, e.g. "model-performance--churn_model"
    number: str  # "5" or "5.1"
    heading: str  # "Model Performance" or "churn_model" for a per_model subsection
    spec_name: str  # the section name in the spec
    model: str | None = None  # registered model of a per_model subsection
    hint: str | None = None
    level: int = 1  # 1 for a section, 2 for a per_model subsection
    is_container: bool = False  # a per_model parent heading with subsections and no blocks
    status: SectionStatus = "pending"
    blocks: list[Block] = Field(default_factory=list)
    plan_approved: bool = False
    evidence_ids: list[str] = Field(default_factory=list)  # what the section was given
    evidence_hash: str | None = None
    error: str | None = None
    plan_note: str | None = None  # what planning left out or fell back on (the run report says it)
    usage: Usage = Field(default_factory=Usage)


class EgressRecord(_Strict):
    """One request that left the machine (each attempt, retry and re-ask). Never content or secrets."""

    provider: str
    model: str
    purpose: str  # "plan <section>" or "write <block>"
    chars: int
    evidence_ids: list[str]
    files: list[str]
    redactions_applied: int = 0
    request_hash: str
    run: str = ""  # the run that sent it (see EgressSummary.runs)
    sent_at: str = ""
    bytes_sent: int = 0
    outcome: str = (
        "answered"  # answered | timeout | not delivered | connection lost | ... | no answer recorded
    )
    status: int | None = None  # the HTTP status when an answer came
    bytes_received: int = 0


class EgressSummary(_Strict):
    """The whole document's egress history, from the ledger beside the cache (all runs)."""

    requests: int = 0  # every request that left, whatever came back
    answered: int = 0  # with a 2xx answer
    bytes_sent: int = 0
    bytes_received: int = 0
    redactions_applied: int = 0
    runs: list[dict[str, Any]] = Field(default_factory=list)  # run, started, pid, outcome, requests
    by_model: dict[str, int] = Field(default_factory=dict)  # "openai/gpt-5.5" -> requests
    by_outcome: dict[str, int] = Field(default_factory=dict)  # "HTTP 200", "HTTP 429", "timeout", ...


class Provenance(_Strict):
    generator_version: str
    generated_at: str
    spec_hash: str
    spec_path: str | None = None
    code_root: str | None = None
    code_commit: str | None = None
    code_dirty: bool | None = None
    files_scanned: int = 0
    files_skipped: list[str] = Field(default_factory=list)  # "path (reason)" of files that could not be read
    mlflow_uri: str | None = None
    runs_used: list[str] = Field(default_factory=list)
    model_versions_used: list[str] = Field(default_factory=list)  # "name v3"
    library_versions: dict[str, str] = Field(default_factory=dict)  # from MLflow run tags/params
    provider: str
    model: str | None = None
    evidence_hash: str | None = None


class SummaryFact(_Strict):
    """One fact of the one-minute summary: a topic, its label and a cited sentence (``[[id]]``)."""

    topic: str  # purpose, model, target, data, split, features, hyperparameters, tuning, metrics, ...
    label: str
    text: str
    evidence_ids: list[str] = Field(default_factory=list)

    @classmethod
    def citing(cls, topic: str, label: str, text: str, items: list[EvidenceItem]) -> SummaryFact:
        """A fact whose sentence cites `items`."""
        return cls(topic=topic, label=label, text=text, evidence_ids=[i.id for i in items])


def cite(*items: EvidenceItem) -> str:
    """Citation markers for `items`, as the writers put them after a claim: ``[[id]] [[id]]``."""
    return " ".join(f"[[{i.id}]]" for i in items)


def archive_words(item: EvidenceItem) -> str:
    """`` from the archive data.zip`` after a file read from inside an archive; `` in the folder given as
    the first command-line argument`` after one whose folder the code leaves open (`folder_words`)."""
    archive, folder = item.attrs.get("archive"), item.attrs.get("folder_words")
    if isinstance(archive, str) and archive:
        return f" from the archive {archive}"
    return f" {folder}" if isinstance(folder, str) and folder else ""


def join_words(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c" (empty parts left out)."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def figure_text(value: object) -> str:
    """A value as prose, by the one number rule of `render.format`: floats as measured values
    (4 significant digits; the grounding check accepts the rounding)."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format_float(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {figure_text(v)}" for k, v in list(value.items())[:8])
    if isinstance(value, list):
        return ", ".join(figure_text(v) for v in value[:8]) + (", …" if len(value) > 8 else "")
    return str(value)


def setting_text(value: object) -> str:
    """A setting (code, config, logged parameter) as prose: exactly as written (`render.format`)."""
    if isinstance(value, float) and math.isfinite(value):
        return format_setting(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {setting_text(v)}" for k, v in list(value.items())[:8])
    if isinstance(value, list):
        return ", ".join(setting_text(v) for v in value[:8]) + (", …" if len(value) > 8 else "")
    return figure_text(value)


class DocumentState(_Strict):
    """Everything needed to review, resume and rebuild a document without any LLM."""

    schema_version: int = CACHE_SCHEMA_VERSION
    title: str
    authors: str | None = None
    version: str = "1.0"
    spec: dict[str, Any]  # the validated spec as plain data
    settings: dict[str, Any] = Field(default_factory=dict)  # public settings only, never keys
    evidence_path: str | None = None
    evidence_hash: str | None = None
    sections: list[Section] = Field(default_factory=list)
    provenance: Provenance | None = None
    usage: Usage = Field(default_factory=Usage)
    phase_seconds: dict[str, float] = Field(default_factory=dict)
    egress: list[EgressRecord] = Field(default_factory=list)
    egress_summary: EgressSummary = Field(default_factory=EgressSummary)
    # every evidence item the document cites or tabulates, so the cache alone can rebuild
    # the References section and the notebook without the evidence file
    evidence_items: dict[str, EvidenceItem] = Field(default_factory=dict)
    models_covered: list[dict[str, Any]] = Field(default_factory=list)  # name, versions, aliases
    notes: list[str] = Field(default_factory=list)  # e.g. "written by the offline writer"
    summary: list[SummaryFact] = Field(default_factory=list)  # the one-minute summary after the title
    gaps: list[str] = Field(default_factory=list)  # what the evidence does not show, once per document
    lint: list[str] = Field(default_factory=list)  # the document check's findings on the last build

    def section(self, section_id: str) -> Section:
        for sec in self.sections:
            if sec.id == section_id:
                return sec
        raise KeyError(section_id)

    def blocks(self) -> list[tuple[Section, Block]]:
        return [(sec, blk) for sec in self.sections for blk in sec.blocks]

    def flagged(self) -> list[tuple[Section, Block]]:
        return [(s, b) for s, b in self.blocks() if b.flags]

    def failed(self) -> list[tuple[Section, Block]]:
        return [(s, b) for s, b in self.blocks() if b.status == "failed"] + [
            (s, None) for s in self.sections if s.status == "failed" and not s.blocks
        ]  # type: ignore[misc]
