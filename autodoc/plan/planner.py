"""Planning: expand the spec into sections, then give each section its typed blocks.

`expand_sections` is pure (spec + evidence -> numbered sections with stable ids). Every
section has a deterministic plan (the offline planner's); with `--plan llm` the model
plans on top of it (`plan.ask`) and that plan falls back to it block by block. The plan
lands in `Section.blocks` with status "planned", so the review UI can show, edit and
approve it before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autodoc.document import Block, BlockPlan, NarrativeContent, NarrativePlan, PlanReply, Section, Usage
from autodoc.evidence import SHORT_RUN_ID, EvidenceItem, EvidenceStore, run_evidence_id
from autodoc.llm.base import PlanTask
from autodoc.plan import contract, offers, select
from autodoc.plan.request import task_fields
from autodoc.spec import Spec

PLAN_IMAGE_IDS = 6
AUTO_LLM_PLAN_ITEMS = 40  # --plan auto: sections with more evidence than this are planned by the LLM
SECTION_EVIDENCE_ITEMS = 80


def slug(text: str) -> str:
    """A stable id fragment: lower case, runs of other characters become '-'."""
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-") or "section"


def expand_sections(spec: Spec, evidence: EvidenceStore) -> list[Section]:
    """One section per spec section; a per_model section gets one subsection per model."""
    sections: list[Section] = []
    ids: set[str] = set()
    headings: set[str] = set()
    models = evidence.model_names()
    for number, sec_spec in enumerate(spec.sections, start=1):
        base = _unique(slug(sec_spec.name), ids)
        heading = _unique_heading(sec_spec.name, headings)
        common = {"spec_name": sec_spec.name, "hint": sec_spec.hint}
        if not sec_spec.per_model:
            sections.append(Section(id=base, number=str(number), heading=heading, **common))
            continue
        if not models:
            sections.append(_no_models_section(base, str(number), heading, evidence, **common))
            continue
        sections.append(
            Section(
                id=base, number=str(number), heading=heading, is_container=True, status="written", **common
            )
        )
        for sub, model in enumerate(models, start=1):
            sub_heading = model if model not in headings else f"{model} ({sec_spec.name})"
            sections.append(
                Section(
                    id=_unique(f"{base}--{slug(model)}", ids),
                    number=f"{number}.{sub}",
                    heading=_unique_heading(sub_heading, headings),
                    model=model,
                    level=2,
                    **common,
                )
            )
    return sections


def _unique(candidate: str, taken: set[str]) -> str:
    value, n = candidate, 2
    while value in taken:
        value, n = f"{candidate}-{n}", n + 1
    taken.add(value)
    return value


def _unique_heading(candidate: str, taken: set[str]) -> str:
    value, n = candidate, 2
    while value.casefold() in taken:
        value, n = f"{candidate} ({n})", n + 1
    taken.add(value.casefold())
    return value


def _no_models_section(
    sid: str, number: str, heading: str, evidence: EvidenceStore, **common: str | None
) -> Section:
    """A per_model section with no registered model: say so, without any LLM call."""
    if evidence.mlflow is None:  # one sentence, not the registry's absence and then the server's
        text = (
            f"{evidence.no_mlflow_words()}, so no registered model version can be described "
            "here; the other sections describe the model from its code."
        )
    else:
        text = "No registered models were found in the MLflow model registry, so this section has no "
        text += "per-model subsections."  # where MLflow was read from is said once, at the top
    block = Block(
        id=f"{sid}.b1",
        plan=NarrativePlan(guidance="State that no registered models were found."),
        content=NarrativeContent(text=text),
        status="written",
    )
    return Section(id=sid, number=number, heading=heading, status="written", blocks=[block], **common)


# ---------------------------------------------------------------------------- planning
@dataclass
class PlanResult:
    blocks: list[Block] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    evidence_ids: list[str] = field(default_factory=list)  # the selection the plan was made from
    evidence_hash: str | None = None


def section_evidence(section: Section, evidence: EvidenceStore) -> list[EvidenceItem]:
    """The items a section may draw on (its selection), in selection order."""
    return select.select_evidence(section, evidence, max_items=SECTION_EVIDENCE_ITEMS)


def assign_evidence(section: Section, evidence: EvidenceStore) -> None:
    """Record which evidence a section is given and its hash (resume compares it)."""
    items = section_evidence(section, evidence)
    section.evidence_ids = [item.id for item in items]
    section.evidence_hash = evidence.content_hash(section.evidence_ids) + ":" + _hint_hash(section)


def _hint_hash(section: Section) -> str:
    import hashlib

    return hashlib.sha256(f"{section.heading}|{section.hint}".encode()).hexdigest()[:6]


def plan_task(section: Section, evidence: EvidenceStore, title: str, feedback: str | None = None) -> PlanTask:
    """The section's planning task as data: what the deterministic planner reads."""
    items = _items(section, evidence)
    items += _versions_of_runs(items, evidence)
    kinds = offers.table_kinds(section, evidence)
    images = offers.image_ids(section, evidence)[:PLAN_IMAGE_IDS]
    return PlanTask(**task_fields(section, title, feedback, items), table_kinds=kinds, image_ids=images)


def plan_mode(setting: str, section: Section) -> str:
    """ "llm" or "offline" for this section: `--plan auto` leaves small sections to the
    deterministic plan (half the calls) and lets the LLM choose among much evidence."""
    if setting != "auto":
        return setting
    return "llm" if len(section.evidence_ids) > AUTO_LLM_PLAN_ITEMS else "offline"


def plan_section(
    section: Section,
    evidence: EvidenceStore,
    provider: object,
    title: str,
    feedback: str | None = None,
    mode: str = "llm",
) -> PlanResult:
    """The section's blocks: the deterministic plan, or (mode "llm", an LLM provider) the
    model's plan on top of it, checked block by block and falling back to it."""
    task = plan_task(section, evidence, title, feedback)
    baseline = deterministic_plan(task, evidence, section)
    if mode != "llm" or getattr(provider, "name", "") == "offline":
        return PlanResult(blocks=_numbered(section, baseline, feedback))
    from autodoc.plan import ask

    outcome = ask.ask_plan(section, evidence, provider, task, baseline)
    blocks = with_prose(outcome.plans, baseline) if outcome.plans else baseline
    note = outcome.note(section)
    usage = outcome.usage
    usage.dropped_blocks += outcome.dropped
    usage.plan_fallbacks += 0 if outcome.plans else 1
    return PlanResult(blocks=_numbered(section, blocks, feedback), usage=usage, error=note)


def with_prose(plans: list[BlockPlan], baseline: list[BlockPlan]) -> list[BlockPlan]:
    """Every section carries prose: a plan of only tables, charts and images gets the
    deterministic plan's first narrative in front."""
    if any(p.type in ("narrative", "list") for p in plans):
        return plans
    prose = [p for p in baseline if p.type in ("narrative", "list")][:1]
    return (prose + plans)[: contract.MAX_BLOCKS]


def deterministic_plan(task: PlanTask, evidence: EvidenceStore, section: Section) -> list[BlockPlan]:
    """The offline planner's blocks that hold against the evidence (never empty)."""
    from autodoc.llm.offline.planner import plan_section  # lazy: the offline planner imports plan modules
    from autodoc.write import fill

    plans = list(plan_section(task).blocks)
    kept = [p for p in plans if not fill.validate_plan(PlanReply(blocks=[p]), evidence, section)]
    return kept or plans[:1]


def _numbered(section: Section, plans: list[BlockPlan], feedback: str | None) -> list[Block]:
    return [Block(id=f"{section.id}.b{n}", plan=plan, feedback=feedback) for n, plan in enumerate(plans, 1)]


def _versions_of_runs(items: list[EvidenceItem], evidence: EvidenceStore) -> list[EvidenceItem]:
    """The registered versions behind the runs a section shows: a chart caption names model and version."""
    runs = {run_evidence_id(i.id) for i in items if i.id.startswith("r:")}
    return [
        v
        for v in evidence.by_kind("model_version")
        if "r:" + str(v.attrs.get("run_id") or "")[:SHORT_RUN_ID] in runs and v not in items
    ]


def _items(section: Section, evidence: EvidenceStore) -> list[EvidenceItem]:
    if section.evidence_ids:
        idx = evidence.index()
        return [idx[i] for i in section.evidence_ids if i in idx]
    return section_evidence(section, evidence)
