"""The LLM's plan for one section, on top of the deterministic plan.

The request names evidence by handle (`E1`..), runs (`R1`..) and images (`I1`..), offers
models, metrics, experiments and versions by name, and sends a per-request contract whose
choices are enums (`plan.contract`). The answer is read block by block: a block the
evidence cannot fill is dropped alone; only an answer with no usable block is re-asked,
and after the re-asks the section keeps its deterministic plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from autodoc.document import BlockPlan, PlanReply, Section, Usage
from autodoc.errors import LLMOutputError
from autodoc.evidence import EvidenceStore, run_label
from autodoc.llm import reask
from autodoc.llm.base import LLMRequest, Message, PlanTask
from autodoc.plan import contract, lineage
from autodoc.plan.handles import Handles
from autodoc.plan.request import MAX_TOKENS, code_files, heading_lines, usage_of
from autodoc.plan.topics import metric_rank

PLAN_EVIDENCE_ITEMS = 24  # a planner needs the shape of the evidence, not all of it

PLAN_SYSTEM = """Plan one section of a model document as JSON {"blocks": [...]}, 1-5 blocks:
narrative / list (guidance: what to write; evidence: handles E.. it draws on),
table (kind, with model / version / metric / experiment / run where the kind needs them),
chart (series kind: metric_across_versions needs model+metric, metric_across_models a
metric, metric_history a run R.. and metric, feature_importance a run or model, evidence
numeric E.. handles), image (an I.. handle). Use only the handles and names listed; our
code fills tables and charts from the evidence, so never type numbers. A default plan is
given: keep what serves the section, improve the rest."""


@dataclass
class PlanOutcome:
    plans: list[BlockPlan] = field(default_factory=list)  # empty: keep the deterministic plan
    dropped: int = 0
    reasons: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)

    def note(self, section: Section) -> str | None:
        where = f"Section {section.number} {section.heading}"
        if not self.plans:
            why = "; ".join(self.reasons[:2]) or "no usable block"
            return f"{where}: the LLM's plan had no usable block ({why}); the deterministic plan was used."
        if self.dropped:
            return f"{where}: {self.dropped} planned block(s) the evidence cannot fill were left out."
        return None


def ask_plan(
    section: Section, evidence: EvidenceStore, provider: object, task: PlanTask, baseline: list[BlockPlan]
) -> PlanOutcome:
    """Ask the provider for the section's plan; never raises for a bad answer."""
    handles, request = build_plan_request(section, evidence, task, baseline)
    checked: dict[int, tuple[list[BlockPlan], list[str]]] = {}

    def validate(reply: BaseModel) -> list[str]:
        plans, errors = _check(reply, handles, evidence, section)
        checked[id(reply)] = (plans, errors)
        return [] if plans else [handles.to_handles(e) for e in errors] or ["no block is usable"]

    try:
        result = reask.ask(provider, request, validate=validate)
    except LLMOutputError as err:
        return PlanOutcome(reasons=[err.message])
    outcome = PlanOutcome(usage=usage_of(result))
    notes = [n for r in result.responses for n in r.notes]
    if result.parsed is None:
        outcome.reasons = result.errors
        return outcome
    plans, errors = checked.get(id(result.parsed)) or _check(result.parsed, handles, evidence, section)
    outcome.plans, outcome.reasons = plans, errors + notes
    last = result.responses[-1].notes if result.responses else []
    outcome.dropped = len(errors) + sum(1 for n in last if n.startswith("blocks ")) if plans else 0
    return outcome


def _check(
    reply: BaseModel, handles: Handles, evidence: EvidenceStore, section: Section
) -> tuple[list[BlockPlan], list[str]]:
    """(blocks the evidence can fill, one error per block it cannot)."""
    from autodoc.write import fill

    kept: list[BlockPlan] = []
    errors: list[str] = []
    for plan in contract.to_plans(reply, handles):
        problems = fill.validate_plan(PlanReply(blocks=[plan]), evidence, section)
        if problems:
            errors.append(problems[0].replace("Block 1", f"Block {len(kept) + len(errors) + 1}", 1))
        else:
            kept.append(plan)
    return kept, errors


# ---------------------------------------------------------------------------- request
def build_plan_request(
    section: Section, evidence: EvidenceStore, task: PlanTask, baseline: list[BlockPlan]
) -> tuple[Handles, LLMRequest]:
    """The planning request and the handles it uses."""
    items = task.evidence[:PLAN_EVIDENCE_ITEMS]
    handles = Handles.build(items, task.image_ids, _runs(section, evidence))
    choices = plan_choices(section, evidence, handles, task.table_kinds)
    lines = heading_lines(section, task.document_title)
    if section.model:
        lines.append(f"Registered model of this subsection: {section.model}")
    if section.hint:
        lines.append(f"Hint: {section.hint}")
    if task.feedback:
        lines.append(f"Reviewer feedback: {task.feedback}")
    lines.append("Table kinds offered: " + ", ".join(choices.table_kinds or ["evidence"]))
    lines += _named(choices, handles, evidence)
    lines += ["Default plan:", *default_plan_lines(baseline, handles)]
    lines += ["Evidence (handle | what | value | where):"]
    lines += handles.evidence_lines(evidence, items) or ["(none found in code or MLflow)"]
    request = LLMRequest(
        purpose=f"plan {section.id}",
        system=PLAN_SYSTEM,
        messages=[Message(role="user", content="\n".join(lines))],
        response_model=contract.plan_contract(choices),
        max_tokens=MAX_TOKENS,
        task=task,
        evidence_ids=[item.id for item in items],
        files=code_files(items),
    )
    return handles, request


def plan_choices(
    section: Section, evidence: EvidenceStore, handles: Handles, kinds: list[str]
) -> contract.Choices:
    models = [section.model] if section.model else evidence.model_names()
    versions = [v.version for m in models if evidence.model(m) for v in evidence.model(m).versions]
    runs = [lineage.find_run(evidence, eid) for eid in handles.runs.values()]
    metrics = sorted({k for run in runs if run for k in run.metrics}, key=metric_rank)
    experiments = [e.name for e in evidence.mlflow.experiments] if evidence.mlflow else []
    return contract.Choices(handles, kinds, models, metrics, experiments, versions)


def _runs(section: Section, evidence: EvidenceStore) -> list[str]:
    """Runs a plan may name: the section's model's runs, else every linked run (at most 12)."""
    if section.model:
        runs = sorted(lineage.model_run_eids(evidence, section.model))
    else:
        runs = sorted(lineage.linked_run_eids(evidence)) or [
            r.evidence_id for e in (evidence.mlflow.experiments if evidence.mlflow else []) for r in e.runs
        ]
    return runs[:12]


def _named(choices: contract.Choices, handles: Handles, evidence: EvidenceStore) -> list[str]:
    lines = []
    if choices.models:
        lines.append("Models: " + ", ".join(choices.models))
    for handle, eid in handles.runs.items():
        run = lineage.find_run(evidence, eid)
        if run is not None:
            lines.append(f"{handle} = run {run_label(run)} ({run.status})")
    for handle, eid in handles.images.items():
        lines.append(f"{handle} = image {eid.split(':art:', 1)[-1]}")
    if choices.metrics:
        lines.append("Metrics: " + ", ".join(choices.metrics[: contract.MAX_METRICS]))
    return lines


def default_plan_lines(plans: list[BlockPlan], handles: Handles) -> list[str]:
    """The deterministic plan, as the model would write it (handles, not ids)."""
    out = []
    for n, plan in enumerate(plans, 1):
        ids = getattr(plan, "evidence_ids", None) or getattr(
            getattr(plan, "source", None) or getattr(plan, "series", None), "evidence_ids", []
        )
        refs = [h for h in (handles.handle_of(i) for i in ids) if h]
        text = getattr(plan, "guidance", None) or getattr(plan, "title", None) or ""
        kind = getattr(getattr(plan, "source", None) or getattr(plan, "series", None), "kind", "")
        line = f"{n}. {plan.type}{' ' + kind if kind else ''}: {text[:160]}"
        out.append(line + (f" [{', '.join(refs[:8])}]" if refs else ""))
    return out
