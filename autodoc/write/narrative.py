"""Generation: turn one planned block into content, and prove every figure.

Narrative and list blocks are written by the provider from the section's evidence only,
then checked: unknown citations and ungrounded figures are re-asked (at most 2); a figure
still ungrounded is kept but flagged (status "flagged"); unknown citations are stripped.
Claims of work the evidence does not show (e.g. cross-validation with no cv evidence) are
treated the same way. Tables, charts and images are filled by our code, never by an LLM.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autodoc.document import (
    CITATION_RE,
    Block,
    BlockContent,
    ChartPlan,
    FigureFlag,
    ImagePlan,
    ListContent,
    ListItem,
    NarrativeContent,
    NarrativeReply,
    Section,
    TablePlan,
    Usage,
)
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.llm.base import LLMRequest, WriteTask
from autodoc.plan import offers, select
from autodoc.plan.handles import Handles
from autodoc.plan.request import ask_parsed, build_request, heading_lines, task_fields, usage_of
from autodoc.plan.values import resolve_param
from autodoc.write import context
from autodoc.write.claims import unsupported_claims

WRITE_SECTION_ITEMS = 10  # section context added to what the block plan names
EVIDENCE_HEADER = "Evidence (handle | what | value | where):"
EXCERPT_HEADER = "Code excerpts:"
BUDGET_TOKENS = 4000  # what one writing call carries at most (settings.call_budget_tokens)

WRITE_SYSTEM = """You write one block of a model documentation document, from the evidence given only.
Rules: copy every figure exactly from an evidence value; put a citation such as [[E3]] after
each claim, using only the handles listed; where something was not found, say so plainly;
never claim work (validation, tuning, monitoring) that the evidence does not show; no
headings. Format: paragraphs, "- " bullets for lists, **bold**. Return JSON {"text": "..."}."""


@dataclass
class BlockResult:
    content: BlockContent | None = None
    status: str = "written"
    flags: list[FigureFlag] = field(default_factory=list)
    error: str | None = None
    usage: Usage = field(default_factory=Usage)
    evidence_hash: str | None = None


def block_evidence_ids(section: Section, block: Block) -> list[str]:
    """Ids a narrative/list block is given: what its plan names, then the section's selection."""
    named = list(getattr(block.plan, "evidence_ids", []) or [])
    rest = [i for i in section.evidence_ids if i not in named][:WRITE_SECTION_ITEMS]
    return named + rest


def block_hash(section: Section, block: Block, evidence: EvidenceStore, offline: bool = False) -> str:
    """Changes iff the evidence this block draws on changes (or its plan does, or, for a block our
    code fills, that code: tables, charts, images, and every block of the `offline` writer).

    The section's selection is already hashed (`Section.evidence_hash`); only ids the plan
    names beyond it are hashed here, which keeps this cheap on the dispatching thread.
    """
    extra = set(_plan_ids(block)) - set(section.evidence_ids)
    extra_hash = evidence.content_hash(extra) if extra else "-"
    filled = f"|{fillers_fingerprint()}" if offline or isinstance(block.plan, _CODE_FILLED) else ""
    return f"{section.evidence_hash}|{extra_hash}|{hash_text(block.plan.model_dump_json())}{filled}"


_CODE_FILLED = (TablePlan, ChartPlan, ImagePlan)  # blocks our code fills from evidence, never an LLM
_FILLERS = ("write", "plan", "llm/offline")  # the code that fills them (cells, tables, charts, words)


@functools.cache
def fillers_fingerprint() -> str:
    """Changes whenever the code that fills tables, charts and images (or writes offline) does: a
    resumed run refills a cached block an older autodoc filled from the same evidence."""
    import hashlib

    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for path in [
        *(p for pkg in _FILLERS for p in sorted((root / pkg).glob("*.py"))),
        root / "render" / "format.py",
    ]:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:  # not shipped as source: the name alone
            continue
    return digest.hexdigest()[:10]


def hash_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _plan_ids(block: Block) -> list[str]:
    plan = block.plan
    ids = list(getattr(plan, "evidence_ids", []) or [])
    for attr in ("source", "series"):
        src = getattr(plan, attr, None)
        if src is not None:
            ids += list(src.evidence_ids)
    if getattr(plan, "artifact_id", None):
        ids.append(plan.artifact_id)
    return ids


# ------------------------------------------------------------------- narrative / list
def block_items(section: Section, block: Block, evidence: EvidenceStore) -> list[EvidenceItem]:
    idx = evidence.index()
    return [idx[i] for i in block_evidence_ids(section, block) if i in idx]


def write_handles(section: Section, block: Block, evidence: EvidenceStore, title: str) -> Handles:
    """The handles a block's writing request cites by (S1.. shared, E1.. its own)."""
    summary = context.context_for(title, evidence).items
    return Handles.build(_call_items(section, block, evidence), summary=summary)


def _call_items(section: Section, block: Block, evidence: EvidenceStore) -> list[EvidenceItem]:
    items = block_items(section, block, evidence)
    resolved = [r.item for p in items if p.kind == "param" and (r := resolve_param(p, evidence.items))]
    for item in resolved:  # a param's value comes from one source everywhere: the evidence, not the block's
        if item not in items:
            items.append(item)
    topics = select.section_topics(section.spec_name, section.hint)
    return items + [e for e in context.excerpts_for(items, evidence, topics) if e not in items]


def build_write_request(
    section: Section,
    block: Block,
    evidence: EvidenceStore,
    title: str,
    feedback: str | None = None,
    budget_tokens: int = BUDGET_TOKENS,
) -> LLMRequest:
    """The writing request for a narrative or list block: the run's shared context, then
    the section's own facts and code excerpts within `budget_tokens` (evidence by handle)."""
    plan = block.plan
    shared = context.context_for(title, evidence)
    handles = write_handles(section, block, evidence, title)
    missing = offers.missing_for(section, evidence)
    lines = heading_lines(section, title)[1:]  # the document's title is in the shared context
    if section.model:
        lines.append(f"Registered model: {section.model}")
    kind = "a bulleted list" if plan.type == "list" else "narrative paragraphs"
    guidance = handles.to_handles(plan.guidance)
    lines.append(f"Write {kind}" + (f" titled {plan.title!r}" if plan.title else "") + f": {guidance}")
    if section.hint:
        lines.append(f"Section hint: {section.hint}")
    if feedback:
        lines.append(f"Reviewer feedback: {feedback}")
    if missing:
        lines.append("Not found in the code or MLflow: " + "; ".join(missing))
    headers = _chars([EVIDENCE_HEADER, EXCERPT_HEADER, "(none beyond the document facts)"]) + 2
    room = (
        budget_tokens * context.CHARS_PER_TOKEN
        - len(WRITE_SYSTEM)
        - len(shared.text)
        - _chars(lines)
        - headers
    )
    items = _call_items(section, block, evidence)
    facts = [i for i in items if i.kind != "excerpt"]
    code = [i for i in items if i.kind == "excerpt"]
    first = context.fit(context.excerpt_lines(handles, code[: context.EXCERPTS[0]]), room // 3)
    fact_lines = context.fit(handles.evidence_lines(evidence, facts), room - _chars(first))
    rest = context.fit(
        context.excerpt_lines(handles, code[context.EXCERPTS[0] :]), room - _chars(first + fact_lines)
    )
    lines += [EVIDENCE_HEADER, *(fact_lines or ["(none beyond the document facts)"])]
    if first or rest:
        lines += [EXCERPT_HEADER, *first, *rest]
    sent = _sent(handles, fact_lines + first + rest, shared.items, evidence)
    task = WriteTask(
        **task_fields(section, title, feedback, sent),
        block_type=plan.type,
        block_title=plan.title,
        guidance=plan.guidance,
        missing=missing,
    )
    request = build_request(f"write {block.id}", WRITE_SYSTEM, lines, NarrativeReply, task, sent)
    return request.model_copy(update={"context": shared.text})


def _chars(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _sent(
    handles: Handles, lines: list[str], shared: list[EvidenceItem], evidence: EvidenceStore
) -> list[EvidenceItem]:
    """The items a call really carries: the shared ones and those whose line fitted."""
    idx = evidence.index()
    shown = [handles.real(line.split(" | ", 1)[0]) for line in lines if " | " in line]
    return [*shared, *[idx[i] for i in dict.fromkeys(shown) if i in idx]]


def check_text(text: str, evidence: EvidenceStore, allowed: list[str]) -> tuple[list[str], list[FigureFlag]]:
    """Problems to show the model on a re-ask, and the flags they would become."""
    from autodoc.write import grounding

    result = grounding.check(text, evidence, allowed_ids=allowed)
    claim_errors, claim_flags = unsupported_claims(text, evidence)
    return [*result.errors(), *claim_errors], [*result.flags, *claim_flags]


def write_text_block(
    section: Section,
    block: Block,
    evidence: EvidenceStore,
    provider: object,
    title: str,
    feedback: str | None = None,
    budget_tokens: int = BUDGET_TOKENS,
) -> BlockResult:
    """Write a narrative or list block; raises LLMError/LLMOutputError if it cannot.

    Citations of handles not given are removed; a figure they no longer back is flagged."""
    handles = write_handles(section, block, evidence, title)
    request = build_write_request(section, block, evidence, title, feedback, budget_tokens)
    allowed = list(request.evidence_ids)

    def problems(reply: NarrativeReply) -> list[str]:
        text, dropped = handles.cite_real(reply.text, allowed)
        unknown = [f"[[{h}]] is not a handle listed; cite only the handles given" for h in dropped[:3]]
        return unknown + [handles.to_handles(e) for e in check_text(text, evidence, allowed)[0]]

    result = ask_parsed(provider, request, validate=problems, what=f"block {block.id}")
    from autodoc.write import grounding

    text = handles.cite_real(result.parsed.text, allowed)[0]
    text = grounding.strip_unknown_citations(text, evidence)
    text = _strip_disallowed(text, allowed)
    _, flags = check_text(text, evidence, allowed)
    usage = usage_of(result)
    content = (
        _to_list(text) if block.plan.type == "list" else NarrativeContent(text=text, citations=_cites(text))
    )
    return BlockResult(content=content, status="flagged" if flags else "written", flags=flags, usage=usage)


def _strip_disallowed(text: str, allowed: list[str]) -> str:
    """Drop citations to real evidence the block was not given (it cannot have read them)."""
    ok = set(allowed)
    return re.sub(CITATION_RE, lambda m: m.group(0) if m.group(1) in ok else "", text)


def _cites(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for eid in re.findall(CITATION_RE, text):
        seen.setdefault(eid, None)
    return list(seen)


def _to_list(text: str) -> ListContent:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    bullets = [ln[2:].strip() for ln in lines if ln.startswith(("- ", "* "))]
    entries = bullets or [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    items = [ListItem(text=e, evidence_ids=_cites(e)) for e in entries]
    return ListContent(items=items, citations=_cites(text))


# ---------------------------------------------------------------- table / chart / image
def fill_block(
    section: Section, block: Block, evidence: EvidenceStore, fetch: Callable[[str, str], bytes | None] | None
) -> BlockResult:
    """Fill a table, chart or image from evidence (no LLM)."""
    from autodoc.write import fill

    plan = block.plan
    if plan.type == "table":
        content: BlockContent = fill.fill_table(plan, evidence, section)
    elif plan.type == "chart":
        content = fill.fill_chart(plan, evidence, section)
    elif plan.type == "image":
        content = fill.fill_image(plan, evidence, fetch)
    else:  # pragma: no cover - narrative/list go through write_text_block
        raise ValueError(plan.type)
    return BlockResult(content=content)


def artifact_fetcher(evidence: EvidenceStore) -> Callable[[str, str], bytes | None] | None:
    """fetch(run_id, path) against the scanned tracking server, or None without MLflow."""
    if not evidence.mlflow:
        return None
    uri = evidence.mlflow.tracking_uri
    fetched: dict[tuple[str, str], bytes | None] = {}  # one download per image and run

    def fetch(run_id: str, path: str) -> bytes | None:
        from autodoc.scan.mlflow.fetch import fetch_artifact

        key = (run_id, path)
        if key not in fetched:
            fetched[key] = fetch_artifact(uri, run_id, path)
        return fetched[key]

    return fetch


def cited_ids(block: Block) -> list[str]:
    """Every evidence id a finished block cites or tabulates."""
    content = block.content
    if content is None:
        return []
    ids = list(content.citations)
    if content.type == "list":
        for item in content.items:
            ids += item.evidence_ids
    elif content.type == "table":
        ids += [c.evidence_id for row in content.rows for c in row if c.evidence_id]
    elif content.type == "chart":
        ids += [eid for s in content.series for eid in s.evidence_ids if eid]
    elif content.type == "image":
        ids.append(content.artifact_id)
    elif content.type == "narrative":
        ids += _cites(content.text)
    return ids


def items_for(ids: list[str], evidence: EvidenceStore) -> dict[str, EvidenceItem]:
    idx = evidence.index()
    return {i: idx[i] for i in ids if i in idx}
