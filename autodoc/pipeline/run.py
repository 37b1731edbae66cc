"""One scheduling run over a document state: plan and write jobs, results applied, cache saved."""

from __future__ import annotations

import re
import time
from typing import Any

from autodoc.document import Block, ChartContent, DocumentState, Section, Usage
from autodoc.errors import AutodocError, LLMConfigError, LLMError
from autodoc.evidence import EvidenceStore
from autodoc.llm.base import Provider
from autodoc.llm.scrub import Scrubber
from autodoc.pipeline import cache
from autodoc.pipeline.ledger import Ledger, history, ledger_path
from autodoc.pipeline.prerender import Prerender
from autodoc.pipeline.provenance import finalize
from autodoc.pipeline.resume import FINISHED, PROTECTED
from autodoc.pipeline.schedule import Job, JobKind, Scheduler, Session
from autodoc.plan import planner as plan
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.write import narrative as write

BREAKER = 3  # transport failures in a row after which no new call is scheduled
JOB_KINDS: dict[str, JobKind] = {"narrative": "write", "list": "write", "table": "local", "chart": "local"}


class Run:
    """One scheduling run over a state. Only the dispatching thread mutates the state."""

    def __init__(
        self,
        state: DocumentState,
        evidence: EvidenceStore,
        settings: Settings,
        progress: Progress,
        prerender: Prerender | None = None,
        provider: Provider | None = None,
    ) -> None:
        from autodoc.llm.registry import get_provider

        self.state, self.evidence, self.settings, self.progress = state, evidence, settings, progress
        self.prerender = prerender  # charts drawn while calls are in flight (a build follows)
        if provider is None:
            provider = get_provider(settings, stop=progress.stop_event)
        else:  # built by the preflight: its calls stop with this run
            provider.stop = progress.stop_event  # type: ignore[attr-defined]  # as get_provider sets it
        # offline runs send nothing: their ledger stays in memory
        path = ledger_path(settings.output_dir) if provider.name != "offline" else None
        self.ledger = Ledger(path, document_key(state), provider.name, provider.model, self._failed_attempt)
        scrubber = Scrubber.from_settings(settings)
        self.session = Session(provider, progress, evidence, settings.max_prompt_chars, self.ledger, scrubber)
        self.scheduler = Scheduler(settings.planning_workers, settings.generation_workers, progress)
        self.writer = cache.CacheWriter(
            cache.cache_path(settings.output_dir), lambda: cache.dump_state(self.state)
        )
        self.fetch = write.artifact_fetcher(evidence)
        self.fatal: LLMConfigError | None = None
        self.failures_in_row = 0  # transport failures since the last call that worked
        self.halted: str | None = None  # why no new call was scheduled (the circuit breaker)
        self.t0 = time.monotonic()
        self.last_plan: float | None = None
        self.first_write: float | None = None
        self.run_usage = Usage()

    # -- jobs ---------------------------------------------------------------------------
    def plan_job(
        self, sec: Section, *, write_after: bool, feedback: str | None = None, keep: list[Block] | None = None
    ) -> Job:
        sec.status = "planning"
        self.progress.add_total("planning", 1)
        title = self.state.title

        def run() -> plan.PlanResult:
            target = sec.model_copy(update={"blocks": []})  # the dispatcher owns `sec`
            if target.evidence_hash is None:
                plan.assign_evidence(target, self.evidence)
            mode = plan.plan_mode(self.settings.plan, target)
            result = plan.plan_section(target, self.evidence, self.session, title, feedback, mode)
            result.evidence_ids, result.evidence_hash = target.evidence_ids, target.evidence_hash
            return result

        def done(outcome: Any) -> list[Job]:
            return self._apply_plan(sec, outcome, write_after, keep or [])

        return Job("plan", f"plan {sec.id}", run, done)

    def write_jobs(
        self,
        sec: Section,
        *,
        only: list[Block] | None = None,
        feedback: str | None = None,
        force: bool = False,
        set_feedback: bool = False,
    ) -> list[Job]:
        """Write jobs for `only` (default: every unfinished block of the section).

        A resumed block keeps the feedback it was last written with; a regeneration sets
        it (`set_feedback`), so regenerating without feedback drops the old request.
        """
        targets = only if only is not None else [b for b in sec.blocks if b.status not in FINISHED]
        jobs = []
        for blk in targets:
            if blk.status in PROTECTED and not force:
                continue
            if set_feedback or feedback is not None:
                blk.feedback = feedback
            jobs.append(self._write_job(sec, blk))
        if jobs:
            sec.status = "writing"
            self.progress.add_total("generating", len(jobs))
        return jobs

    def _write_job(self, sec: Section, blk: Block) -> Job:
        snapshot_sec = sec.model_copy(update={"blocks": []})
        snapshot_blk = blk.model_copy(deep=True)
        title = self.state.title

        def run() -> write.BlockResult:
            self.progress.set_current("generating", f"{sec.number} {sec.heading}")
            if snapshot_blk.plan.type in ("narrative", "list"):
                return write.write_text_block(
                    snapshot_sec,
                    snapshot_blk,
                    self.evidence,
                    self.session,
                    title,
                    snapshot_blk.feedback,
                    self.settings.call_budget_tokens,
                )
            return write.fill_block(snapshot_sec, snapshot_blk, self.evidence, self.fetch)

        # tables and charts are filled in microseconds on the dispatcher; an image may need a
        # download, so it runs in a slot of its own: neither the dispatcher nor an LLM slot waits
        kind = JOB_KINDS.get(blk.plan.type, "fetch")
        return Job(kind, f"write {blk.id}", run, lambda outcome: self._apply_block(sec, blk, outcome))

    # -- results (dispatching thread) ---------------------------------------------------
    def _apply_plan(self, sec: Section, outcome: Any, write_after: bool, keep: list[Block]) -> list[Job]:
        self._first_answer()
        self.last_plan = time.monotonic()
        self.progress.advance("planning", f"{sec.number} {sec.heading}")
        if isinstance(outcome, BaseException):
            self._fail_section(sec, outcome)
            return []
        result: plan.PlanResult = outcome
        self.failures_in_row = 0
        if result.evidence_hash:
            sec.evidence_ids, sec.evidence_hash = result.evidence_ids, result.evidence_hash
        sec.usage.add(result.usage)
        for counter in ("reasks", "dropped_blocks", "plan_fallbacks"):
            setattr(
                self.run_usage, counter, getattr(self.run_usage, counter) + getattr(result.usage, counter)
            )
        blocks = result.blocks
        if keep:  # approved/edited blocks survive a replan; new ids continue after theirs
            start = max(block_number(b.id) for b in keep)
            blocks = [b.model_copy(update={"id": f"{sec.id}.b{start + n}"}) for n, b in enumerate(blocks, 1)]
        sec.blocks, sec.error = keep + blocks, None
        sec.status = "planned"
        sec.plan_note = result.error
        if result.error:  # blocks dropped or a fallback plan: say so, never silently
            self.progress.event("planning", result.error, section=sec.id, level="warning")
        self.progress.event(
            "planning",
            f"planned {sec.number} {sec.heading}: {len(blocks)} blocks",
            section=sec.id,
            level="detail",
        )
        self._save()
        if not write_after or self.fatal:
            return []
        return self.write_jobs(sec)

    def _apply_block(self, sec: Section, blk: Block, outcome: Any) -> list[Job]:
        self._first_answer()
        self.first_write = self.first_write or time.monotonic()
        self.progress.advance("generating", f"{sec.number} {sec.heading}")
        if isinstance(outcome, BaseException):
            blk.status, blk.error, blk.content = "failed", self.session.scrubber.text(message(outcome)), None
            self.progress.event(
                "generating",
                f"block {blk.id} failed: {blk.error}",
                section=sec.id,
                block=blk.id,
                level="error",
            )
            self._maybe_fatal(outcome)
        else:
            res: write.BlockResult = outcome
            self.failures_in_row = 0
            blk.content, blk.status, blk.flags, blk.error = res.content, res.status, res.flags, None
            if self.prerender is not None and isinstance(res.content, ChartContent):
                self.prerender.chart(res.content)
            blk.usage = res.usage
            offline = self.session.provider.name == "offline"  # its words are our code's too
            blk.evidence_hash = write.block_hash(sec, blk, self.evidence, offline)
            self.run_usage.reasks += res.usage.reasks
            self.state.evidence_items.update(write.items_for(write.cited_ids(blk), self.evidence))
            if res.flags:
                self.progress.count("flagged", len(res.flags))
            level = "warning" if res.flags else "detail"
            self.progress.event(
                "generating",
                f"wrote {blk.id}" + (f" ({len(res.flags)} flagged)" if res.flags else ""),
                section=sec.id,
                block=blk.id,
                level=level,
            )
        sec.status = section_status(sec)
        self._save()
        return []

    def _first_answer(self) -> None:
        """The first requests are built and sent: the renderer may load while they fly."""
        if self.prerender is not None:
            self.prerender.start()

    def _fail_section(self, sec: Section, err: BaseException) -> None:
        sec.status, sec.error = "failed", self.session.scrubber.text(message(err))
        self.progress.event(
            "planning",
            f"planning {sec.number} {sec.heading} failed: {sec.error}",
            section=sec.id,
            level="error",
        )
        self._maybe_fatal(err)
        self._save()

    def _maybe_fatal(self, err: BaseException) -> None:
        """A wrong key/model/URL fails every call alike, and so does an endpoint that went
        away (`BREAKER` transport failures in a row): stop issuing calls and say why."""
        if self.fatal is not None:
            return
        if isinstance(err, LLMConfigError):
            self.fatal = err
            self.scheduler.abort()
        elif isinstance(err, LLMError) and err.retryable and self.halted is None:
            self.failures_in_row += 1  # the endpoint failed even after the retry policy
            if self.failures_in_row >= BREAKER:
                self.halted = (
                    f"not attempted: {self.failures_in_row} LLM calls in a row failed ({err.message}); "
                    "no new call was scheduled. Check that the LLM server is up, then run the same "
                    "command again to resume"
                )
                self.progress.event("generating", self.halted, level="error")
                self.scheduler.halt()

    def _save(self) -> None:
        self.writer.save()

    # -- running ------------------------------------------------------------------------
    def execute(self, jobs: list[Job]) -> None:
        if jobs and self.session.leaves_machine:
            from autodoc.llm import preflight

            preflight.check(self.session.provider)  # before the first section, or not at all
        if any(j.kind == "plan" for j in jobs):
            self.progress.start_phase("planning")
        self.progress.start_phase("generating")
        try:
            self.scheduler.run(jobs)
        finally:
            self._finish()
        if self.fatal is not None and not self.progress.cancelled:
            raise self.fatal

    def _finish(self) -> None:
        state = self.state
        if self.halted:
            self._mark_not_attempted(self.halted)
        for sec in state.sections:
            if not sec.is_container:
                sec.status = section_status(sec)
        self._close_ledger()
        usage = self.session.usage.model_copy()
        usage.reasks = self.run_usage.reasks
        usage.dropped_blocks, usage.plan_fallbacks = (
            self.run_usage.dropped_blocks,
            self.run_usage.plan_fallbacks,
        )
        state.usage.add(usage)
        end = time.monotonic()
        if self.session.leaves_machine:
            flight = state.phase_seconds.get("llm_in_flight", 0) + self.session.in_flight_seconds()
            state.phase_seconds["llm_in_flight"] = round(flight, 3)
        if self.last_plan:
            state.phase_seconds["planning"] = round(
                state.phase_seconds.get("planning", 0) + self.last_plan - self.t0, 3
            )
        if self.first_write:
            state.phase_seconds["generating"] = round(
                state.phase_seconds.get("generating", 0) + end - self.first_write, 3
            )
        finalize(state, self.evidence, self.settings)
        self.progress.finish_phase("planning")
        self.progress.finish_phase("generating")
        self._save()
        self.writer.flush()

    def _mark_not_attempted(self, why: str) -> None:
        """What the circuit breaker left undone fails with the reason (the report lists it)."""
        for sec in self.state.sections:
            if sec.is_container:
                continue
            if not sec.blocks and sec.status != "written":
                sec.status, sec.error = "failed", why
            for blk in sec.blocks:
                if blk.status in ("planned", "running"):
                    blk.status, blk.error = "failed", why

    def _failed_attempt(self, purpose: str, outcome: str) -> None:
        """A request that got no usable HTTP answer: shown as it happens (it may be retried)."""
        self.progress.count("failed attempts")
        self.progress.event(self.progress.snapshot(10**9).phase, f"{purpose}: {outcome}", level="warning")

    def _close_ledger(self) -> None:
        """End this run in the ledger; the state shows the document's whole egress history."""
        outcome = "stopped" if self.progress.cancelled else "failed" if self.fatal else "finished"
        self.ledger.end(outcome)
        if self.ledger.path is not None:
            self.state.egress, self.state.egress_summary = history(self.ledger.path, document_key(self.state))


def document_key(state: DocumentState) -> str:
    """What makes two runs work on the same document: the key resume matches on."""
    prov = state.provenance
    return f"{prov.spec_hash}/{prov.provider}/{prov.model}" if prov else ""


def block_number(block_id: str) -> int:
    match = re.search(r"\.b(\d+)$", block_id)
    return int(match.group(1)) if match else 0


def message(err: BaseException) -> str:
    if isinstance(err, AutodocError):
        return err.message
    return f"internal error ({type(err).__name__}: {err})"


def section_status(sec: Section) -> str:
    if sec.is_container:
        return "written"
    if not sec.blocks:
        return "failed" if sec.error else "pending"
    statuses = {b.status for b in sec.blocks}
    if statuses <= {"approved"}:
        return "approved"
    if "failed" in statuses:
        return "failed"
    if statuses & {"planned", "running"}:
        return "planned" if not statuses & set(FINISHED) else "writing"
    if "flagged" in statuses:
        return "flagged"
    return "edited" if "edited" in statuses else "written"
