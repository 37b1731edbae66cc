"""Resume: carry finished work of the cache into a fresh state when spec, provider and model match."""

from __future__ import annotations

from autodoc.document import Block, DocumentState
from autodoc.errors import CacheError
from autodoc.evidence import EvidenceStore
from autodoc.pipeline import cache
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.write import narrative as write

FINISHED = ("written", "flagged", "approved", "edited")
PROTECTED = ("approved", "edited")


def load_previous(settings: Settings, progress: Progress) -> DocumentState | None:
    path = cache.cache_path(settings.output_dir)
    if not path.exists():
        return None
    try:
        return cache.load_state(path)
    except CacheError as err:
        progress.event("planning", f"{err.message}: starting afresh", level="warning")
        return None


def compatible(old: DocumentState, new: DocumentState) -> bool:
    """Resume only the same spec written by the same provider and model."""
    if not old.provenance or not new.provenance:
        return False
    return (old.provenance.spec_hash, old.provenance.provider, old.provenance.model) == (
        new.provenance.spec_hash,
        new.provenance.provider,
        new.provenance.model,
    )


def merge(new: DocumentState, old: DocumentState, evidence: EvidenceStore) -> None:
    """Carry over finished work; a section whose evidence changed is redone (its
    approved/edited blocks excepted)."""
    previous = {sec.id: sec for sec in old.sections}
    offline = bool(new.provenance and new.provenance.provider == "offline")  # its words are code's too
    for i, sec in enumerate(new.sections):
        was = previous.get(sec.id)
        if was is None or sec.is_container or not was.blocks:
            continue
        if was.evidence_hash == sec.evidence_hash:
            kept = was.model_copy(deep=True)
            for blk in kept.blocks:
                if blk.status not in FINISHED or (
                    blk.status not in PROTECTED
                    and blk.evidence_hash
                    and blk.evidence_hash != write.block_hash(kept, blk, evidence, offline)
                ):
                    reset_block(blk)
            new.sections[i] = kept
        elif any(b.status in PROTECTED for b in was.blocks):
            kept = was.model_copy(deep=True)
            kept.evidence_ids, kept.evidence_hash = sec.evidence_ids, sec.evidence_hash
            for blk in kept.blocks:
                if blk.status not in PROTECTED:
                    reset_block(blk)
            new.sections[i] = kept
    new.evidence_items.update(old.evidence_items)
    new.notes = list(old.notes)
    new.usage.add(old.usage)  # the calls that wrote the kept text still count
    new.egress, new.egress_summary = old.egress, old.egress_summary


def reset_block(blk: Block) -> None:
    blk.content, blk.status, blk.flags, blk.error, blk.evidence_hash = None, "planned", [], None, None
