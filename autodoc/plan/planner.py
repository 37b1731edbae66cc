"""Planning: expand the spec into sections, then ask for each section's typed blocks.

`expand_sections` is pure (spec + evidence -> numbered sections with stable ids). A
planning call sends only the section's own evidence, compactly, and is re-asked when the
plan names evidence that does not exist. The plan lands in `Section.blocks` with status
"planned", so the review UI can show, edit and approve it before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autodoc.document import Block, NarrativeContent, NarrativePlan, PlanReply, Section, Usage
from autodoc.errors import LLMOutputError
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.llm.base import LLMRequest, PlanTask
from autodoc.plan import select
from autodoc.plan.request import (
    ask_parsed,
    build_request,
    evidence_lines,
    heading_lines,
    task_fields,
    usage_of,
)
from autodoc.spec import Spec

PLAN_EVIDENCE_ITEMS = 24  # a planner needs the shape of the evidence, not all of it
PLAN_IMAGE_IDS = 6
SECTION_EVIDENCE_ITEMS = 80

PLAN_SYSTEM = """Plan one section of a model document. Return JSON {"blocks":[...]}, 1-5 of:
narrative{title?,guidance,evidence_ids} | list{title?,guidance,evidence_ids} |
table{title,source:{kind,model?,version?,metric?,experiment?,run_id?,evidence_ids?}} with kind
one of the table kinds offered | chart{title,chart_type:bar|line|scatter,series:{kind,...}},
series kinds: metric_across_versions(model,metric), metric_across_models(metric),
metric_history(run_id,metric), feature_importance(run_id|model), evidence(evidence_ids) |
image{title,artifact_id} from the image ids offered. Name only ids, models, metrics and runs
shown below. Our code fills tables and charts: never type numbers; prefer them for figures."""


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
    where = "the MLflow model registry" if evidence.mlflow else "MLflow (no tracking server was scanned)"
    text = f"No registered models were found in {where}, so this section has no per-model subsections."
    if evidence.mlflow_note:
        text += f" {evidence.mlflow_note}"
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


def build_plan_request(
    section: Section, evidence: EvidenceStore, title: str, feedback: str | None = None
) -> LLMRequest:
    """The planning request: title, section, hint, feedback, compact evidence, what fits."""
    items = _items(section, evidence)[:PLAN_EVIDENCE_ITEMS]
    kinds = select.table_kinds(section, evidence)
    images = select.image_ids(section, evidence)[:PLAN_IMAGE_IDS]
    task = PlanTask(**task_fields(section, title, feedback, items), table_kinds=kinds, image_ids=images)
    lines = heading_lines(section, title)
    if section.model:
        lines.append(f"Registered model of this subsection: {section.model}")
    if section.hint:
        lines.append(f"Hint: {section.hint}")
    if feedback:
        lines.append(f"Reviewer feedback: {feedback}")
    lines.append("Table kinds offered: " + (", ".join(kinds) or "code_facts, evidence"))
    if images:
        lines.append("Image ids: " + ", ".join(images))
    lines += evidence_lines(items, "(none found in code or MLflow)")
    return build_request(f"plan {section.id}", PLAN_SYSTEM, lines, PlanReply, task, items)


def plan_section(
    section: Section, evidence: EvidenceStore, provider: object, title: str, feedback: str | None = None
) -> PlanResult:
    """Ask for the section's blocks (re-asked on unknown evidence); raises on failure."""
    from autodoc.write import fill  # lazy: planning imports the filler only when it plans

    request = build_plan_request(section, evidence, title, feedback)
    result = ask_parsed(
        provider,
        request,
        validate=lambda r: fill.validate_plan(r, evidence, section),
        what=f"the plan for section {section.number} {section.heading!r}",
    )
    blocks = [
        Block(id=f"{section.id}.b{n}", plan=plan, feedback=feedback)
        for n, plan in enumerate(result.parsed.blocks, start=1)
    ]
    usage = usage_of(result)
    if result.errors:  # valid JSON but still naming unknown evidence after the re-asks
        kept = _drop_unknown(blocks, evidence, section)
        dropped = len(blocks) - len(kept)
        note = (
            f"Section {section.number} {section.heading}: {dropped} planned block(s) named evidence "
            "that does not exist and were left out."
        )
        return PlanResult(blocks=kept, usage=usage, error=note if dropped else None)
    return PlanResult(blocks=blocks, usage=usage)


def _drop_unknown(blocks: list[Block], evidence: EvidenceStore, section: Section) -> list[Block]:
    """Keep the blocks whose plan validates on its own; the rest name missing evidence."""
    from autodoc.write import fill

    kept = [b for b in blocks if not fill.validate_plan(PlanReply(blocks=[b.plan]), evidence, section)]
    if not kept:
        raise LLMOutputError(
            f"every block planned for section {section.number} names evidence that does not exist"
        )
    return kept


def _items(section: Section, evidence: EvidenceStore) -> list[EvidenceItem]:
    if section.evidence_ids:
        idx = evidence.index()
        return [idx[i] for i in section.evidence_ids if i in idx]
    return section_evidence(section, evidence)
