"""Reviewer edits applied to a `DocumentState` (approve, edit text, remove a block, guidance).

These are the only changes the app makes to a document by itself; everything that needs
evidence selection or an LLM goes through `autodoc.pipeline`.
"""

from __future__ import annotations

import re

from autodoc.document import CITATION_RE, Block, DocumentState, FigureFlag, ListContent, ListItem, Section
from autodoc.evidence import EvidenceStore

_CITE = re.compile(CITATION_RE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")


def approve_plan(doc: DocumentState, section_id: str) -> None:
    doc.section(section_id).plan_approved = True


def remove_block(doc: DocumentState, section_id: str, block_id: str) -> None:
    sec = doc.section(section_id)
    sec.blocks = [b for b in sec.blocks if b.id != block_id]


def set_guidance(doc: DocumentState, section_id: str, block_id: str, guidance: str) -> None:
    """Change what a narrative/list block should cover; it is written (again) from the new plan."""
    block = find_block(doc.section(section_id), block_id)
    if block.plan.type in ("narrative", "list"):
        block.plan = block.plan.model_copy(update={"guidance": guidance.strip()})


def approve_section(doc: DocumentState, section_id: str) -> None:
    """Mark every written block approved (edited blocks stay `edited`: a person wrote them)."""
    sec = doc.section(section_id)
    for block in sec.blocks:
        if block.content is not None and block.status not in ("edited", "failed"):
            block.status = "approved"
    sec.status = "approved"


def editable_text(block: Block) -> str | None:
    """The text a reviewer edits for a narrative or list block (None for other blocks)."""
    content = block.content
    if content is None:
        return None
    if content.type == "narrative":
        return content.text
    if content.type == "list":
        return "\n".join(f"- {item.text}" for item in content.items)
    return None


def edit_block(
    doc: DocumentState, section_id: str, block_id: str, text: str, evidence: EvidenceStore | None = None
) -> None:
    """Replace a narrative/list block's text with the reviewer's, re-checking its figures.

    Without the scan's evidence, the document's cited items stand in for it: a figure must
    still come from what its sentence cites.
    """
    sec = doc.section(section_id)
    if evidence is None and doc.evidence_items:
        evidence = EvidenceStore(created_at="", generator_version="", items=list(doc.evidence_items.values()))
    block = find_block(sec, block_id)
    content = block.content
    if content is None or content.type not in ("narrative", "list"):
        return
    cited = list(dict.fromkeys(_CITE.findall(text)))
    if content.type == "narrative":
        block.content = content.model_copy(update={"text": text.strip(), "citations": cited})
    else:
        items = [_list_item(line) for line in text.splitlines() if line.strip()]
        block.content = ListContent(items=items, citations=cited)
    block.status = "edited"
    block.flags = _recheck(text, evidence)
    sec.status = "edited"


def _list_item(line: str) -> ListItem:
    body = _BULLET.sub("", line.strip(), count=1)
    return ListItem(text=body, evidence_ids=list(dict.fromkeys(_CITE.findall(body))))


NO_SOURCE = "no source: cite the evidence this figure comes from"


def _recheck(text: str, evidence: EvidenceStore | None) -> list[FigureFlag]:
    """Flag figures in edited text: those matching no evidence, and those in a sentence citing none."""
    if evidence is None:
        return []
    from autodoc.write.grounding import check

    flags = list(check(text, evidence).flags)
    seen = {(f.figure, " ".join(f.context.split())) for f in flags}
    for sentence in _SENTENCE.split(text):
        if not sentence.strip() or _CITE.search(sentence):
            continue
        # with nothing cited, no evidence is allowed: every figure but counts and versions is flagged
        for flag in check(sentence, evidence, allowed_ids=[]).flags:
            if (flag.figure, " ".join(flag.context.split())) not in seen:
                flags.append(flag.model_copy(update={"reason": NO_SOURCE}))
    return flags


def find_block(sec: Section, block_id: str) -> Block:
    for block in sec.blocks:
        if block.id == block_id:
            return block
    raise KeyError(block_id)


IN_FLIGHT = ("planning", "writing")


def shown_status(sec: Section, running: bool) -> str:
    """A section's status as the page says it: one a stopped run left in flight is "stopped"."""
    return "stopped" if sec.status in IN_FLIGHT and not running else sec.status


def section_counts(doc: DocumentState, running: bool = True) -> dict[str, int]:
    """How many (non-container) sections are in each status (`running`: a job is going on)."""
    counts: dict[str, int] = {}
    for sec in doc.sections:
        if not sec.is_container:
            status = shown_status(sec, running)
            counts[status] = counts.get(status, 0) + 1
    return counts
