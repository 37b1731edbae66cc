"""`autodoc --update`: regenerate only the blocks whose evidence changed.

A narrative or list block is kept, whatever its review status, when every evidence item
it cites or was planned with is unchanged; it is rewritten when one changed or vanished
(an approved or edited block too: its text may now state a wrong figure; the previous
version stays in `.autodoc_cache.prev.json` for `autodoc diff`). Tables and charts are
refilled by code (no LLM call). Sections new to the spec or the registry are planned and
written; sections no longer there are dropped. The reviewer sees the plan before any call.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from autodoc import pipeline
from autodoc.check.changelog import CHANGE_LOG_ID
from autodoc.check.compare import Change, compare
from autodoc.check.impact import DocIndex, block_citations
from autodoc.check.people import FACTS_SUFFIX
from autodoc.check.snapshot import build_snapshot, load_snapshot, snapshot_path
from autodoc.document import Block, DocumentState, Section
from autodoc.errors import Cancelled
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.pipeline import FINISHED
from autodoc.pipeline.cache import cache_path, load_state
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import Spec
from autodoc.write.narrative import block_hash

PREVIOUS_CACHE = ".autodoc_cache.prev.json"


@dataclass
class UpdatePlan:
    changes: list[Change] = field(default_factory=list)
    redo: dict[str, str] = field(default_factory=dict)  # block id -> why it is rewritten
    kept: list[str] = field(default_factory=list)  # block ids reused as they are
    refill: list[str] = field(default_factory=list)  # tables/charts refilled by code
    new_sections: list[str] = field(default_factory=list)
    dropped_sections: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"changed: {c.category}: {c.summary()}" for c in self.changes]
        out += [f"rewrite {bid}: {why}" for bid, why in self.redo.items()]
        out += [f"new section {name}: planned and written" for name in self.new_sections]
        out += [f"dropped section {name}" for name in self.dropped_sections]
        out.append(
            f"{len(self.redo)} block(s) rewritten, {len(self.kept)} reused, "
            f"{len(self.refill)} table(s)/chart(s) refilled from evidence"
        )
        return out


def prepare(
    old: DocumentState, spec: Spec, evidence: EvidenceStore, settings: Settings
) -> tuple[DocumentState, UpdatePlan]:
    """The state to write (unchanged blocks kept, the rest reset to planned) and the plan."""
    fresh = pipeline.new_state(spec, evidence, settings)
    plan = UpdatePlan()
    previous = {s.id: s for s in old.sections if s.id != CHANGE_LOG_ID}
    for i, sec in enumerate(fresh.sections):
        was = previous.pop(sec.id, None)
        if sec.is_container:
            continue
        if was is None or not was.blocks:
            plan.new_sections.append(f"{sec.number} {sec.heading}")
            continue
        fresh.sections[i] = _carry(was, sec, old, evidence, plan)
    plan.dropped_sections = [f"{s.number} {s.heading}" for s in previous.values() if not s.is_container]
    fresh.evidence_items.update(old.evidence_items)
    fresh.notes = list(old.notes)
    snap = load_snapshot(snapshot_path(cache_path(settings.output_dir)))
    if snap is not None:
        current = build_snapshot(evidence, [])
        plan.changes = compare(snap, current, DocIndex.of(old))
    return fresh, plan


def _carry(
    was: Section, sec: Section, old: DocumentState, evidence: EvidenceStore, plan: UpdatePlan
) -> Section:
    kept = was.model_copy(deep=True)
    kept.number, kept.heading = sec.number, sec.heading
    kept.evidence_ids, kept.evidence_hash = sec.evidence_ids, sec.evidence_hash
    kept.blocks = [b for b in kept.blocks if not b.id.endswith(FACTS_SUFFIX)]  # rebuilt at build
    for blk in kept.blocks:
        if blk.plan.type in ("table", "chart"):
            _reset(blk)
            plan.refill.append(blk.id)
            continue
        why = "not finished" if blk.status not in FINISHED else changed_evidence(blk, old, evidence)
        if why:
            plan.redo[blk.id] = why + (f" (was {blk.status})" if blk.status in ("approved", "edited") else "")
            _reset(blk)
        else:
            offline = bool(old.provenance and old.provenance.provider == "offline")
            blk.evidence_hash = block_hash(kept, blk, evidence, offline)  # a later plain run reuses it too
            plan.kept.append(blk.id)
    return kept


def changed_evidence(blk: Block, old: DocumentState, evidence: EvidenceStore) -> str | None:
    """Why the evidence a block rests on is no longer what it was written from (None: unchanged)."""
    ids = list(dict.fromkeys([*block_citations(blk), *getattr(blk.plan, "evidence_ids", [])]))
    for eid in ids:
        before, now = old.evidence_items.get(eid), evidence.get(eid)
        if now is None:
            return f"{eid} is gone"
        if before is not None and _fingerprint(before) != _fingerprint(now):
            return f"{now.label} changed"
    return None


def _fingerprint(item: EvidenceItem) -> str:
    return item.model_dump_json(include={"value", "attrs", "text"})


def _reset(blk: Block) -> None:
    blk.content, blk.status, blk.flags, blk.error, blk.evidence_hash = None, "planned", [], None, None


@dataclass
class Pending:
    """An update scanned and planned, not yet written."""

    state: DocumentState
    evidence: EvidenceStore
    plan: UpdatePlan


def start_update(spec: Spec, settings: Settings, progress: Progress | None = None) -> Pending:
    """Scan and plan the update (no LLM call yet, nothing written)."""
    pipeline.check_outputs(settings)
    old = load_state(cache_path(settings.output_dir))
    evidence = pipeline.scan(settings, progress or Progress())
    state, plan = prepare(old, spec, evidence, settings)
    return Pending(state, evidence, plan)


def finish_update(
    pending: Pending, settings: Settings, progress: Progress | None = None
) -> pipeline.RunResult:
    """Write only the blocks the plan resets, then build; the previous cache is kept for `diff`."""
    progress = progress or Progress()
    cache_file = cache_path(settings.output_dir)
    shutil.copyfile(cache_file, cache_file.with_name(PREVIOUS_CACHE))
    pipeline.write_planned(pending.state, pending.evidence, settings, progress)
    outputs = pipeline.build(pending.state, settings, progress, evidence=pending.evidence)
    progress.finish()
    return pipeline.RunResult(pending.state, pending.evidence, outputs, pipeline.exit_code(pending.state))


def run_update(
    spec: Spec,
    settings: Settings,
    progress: Progress | None = None,
    confirm: Callable[[UpdatePlan], bool] | None = None,
) -> tuple[pipeline.RunResult, UpdatePlan]:
    """Scan, show the plan (`confirm` may stop it), write only what changed, build."""
    pending = start_update(spec, settings, progress)
    if confirm is not None and not confirm(pending.plan):
        raise Cancelled("update cancelled: the document and its cache are unchanged")
    return finish_update(pending, settings, progress), pending.plan
