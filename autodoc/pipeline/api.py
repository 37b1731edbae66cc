"""The one pipeline API both front ends call: scan -> plan -> generate -> build.

The CLI and the Streamlit app hold no pipeline logic; they build `Settings` and a `Spec`,
create a `Progress`, and call these functions (the app from a worker thread).

Stop: `progress.stop()` makes every function return within about 2 s with the finished
blocks kept in the state and the cache; `generate` then raises `Cancelled` (exit 130)
without writing a half-finished document. A wrong key, model or base URL
(`LLMConfigError`) stops issuing calls and is raised after the cache is saved.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import autodoc
from autodoc.atomic import atomic_write
from autodoc.check import hooks as check_hooks
from autodoc.document import Block, DocumentState, Provenance, Section, Usage
from autodoc.errors import AutodocError, CacheError, Cancelled, ConfigError, LLMConfigError
from autodoc.evidence import EvidenceStore
from autodoc.pipeline import cache, report
from autodoc.pipeline.schedule import Job, Scheduler, Session
from autodoc.plan import planner as plan
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import Spec
from autodoc.write import narrative as write

FINISHED = ("written", "flagged", "approved", "edited")
PROTECTED = ("approved", "edited")
DOCX_NAME = "model_documentation.docx"
NOTEBOOK_NAME = "model_docs_notebook.ipynb"
OFFLINE_NOTE = "Written by the offline writer: no LLM key was configured."
OFFLINE_CHOSEN_NOTE = "Written by the offline writer (deterministic wording from the evidence, no LLM)."


@dataclass
class Outputs:
    """Files written by `build` (absent keys were not requested)."""

    docx: Path | None = None
    notebook: Path | None = None
    cache: Path | None = None
    evidence: Path | None = None
    report: Path | None = None
    extra: dict[str, Path] = field(default_factory=dict)


@dataclass
class RunResult:
    state: DocumentState
    evidence: EvidenceStore
    outputs: Outputs
    exit_code: int  # 0 clean, 1 finished with failed blocks or flagged figures


# ------------------------------------------------------------------------------ API
def scan(settings: Settings, progress: Progress | None = None) -> EvidenceStore:
    """Scan code and MLflow concurrently into one evidence store."""
    from autodoc.scan import run_scan

    progress = progress or Progress()
    progress.start_phase("scanning")
    try:
        return run_scan(settings, progress)
    finally:
        progress.finish_phase("scanning")


def plan_and_write(
    spec: Spec,
    evidence: EvidenceStore,
    settings: Settings,
    progress: Progress | None = None,
    state: DocumentState | None = None,
    plan_only: bool = False,
) -> DocumentState:
    """Plan every section and write its blocks as soon as its plan exists.

    `state` (e.g. loaded from the cache) is resumed: finished blocks whose evidence is
    unchanged are kept; missing and failed ones are redone. With `plan_only` the blocks
    are planned but not written (the review path). The cache is saved after every block.
    """
    progress = progress or Progress()
    fresh = new_state(spec, evidence, settings, select=False)
    if state is not None and _compatible(state, fresh):
        for sec in fresh.sections:  # resume compares each section's evidence hash
            if not sec.is_container:
                plan.assign_evidence(sec, evidence)
        _merge(fresh, state, evidence)
    run = _Run(fresh, evidence, settings, progress)
    jobs: list[Job] = []
    for sec in fresh.sections:
        if sec.is_container or (sec.status == "written" and not sec.blocks):
            continue
        if not sec.blocks:
            jobs.append(run.plan_job(sec, write_after=not plan_only))
        elif not plan_only:
            jobs += run.write_jobs(sec)
    run.execute(jobs)
    return fresh


def write_planned(
    state: DocumentState, evidence: EvidenceStore, settings: Settings, progress: Progress | None = None
) -> DocumentState:
    """Write every planned block not yet written (after a plan review)."""
    run = _Run(state, evidence, settings, progress or Progress())
    jobs: list[Job] = []
    for sec in state.sections:
        if sec.is_container:
            continue
        if not sec.blocks:
            jobs.append(run.plan_job(sec, write_after=True))
        else:
            jobs += run.write_jobs(sec)
    run.execute(jobs)
    return state


def regenerate(
    state: DocumentState,
    evidence: EvidenceStore,
    settings: Settings,
    section_id: str,
    block_id: str | None = None,
    feedback: str | None = None,
    replan: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> DocumentState:
    """Redo one section (or one block), optionally with reviewer feedback.

    Approved or edited blocks are kept unless `force`. Nothing else changes.
    """
    sec = _find_section(state, section_id)
    if sec.is_container:
        raise AutodocError(
            f"section {sec.number} {sec.heading!r} only holds per-model subsections",
            hint="regenerate one of its subsections",
        )
    run = _Run(state, evidence, settings, progress or Progress())
    plan.assign_evidence(sec, evidence)
    if block_id is not None:
        blk = _find_block(sec, block_id)
        if blk.status in PROTECTED and not force:
            raise AutodocError(
                f"block {block_id} is {blk.status}; it is not overwritten",
                hint="pass force to regenerate it anyway",
            )
        run.execute(run.write_jobs(sec, only=[blk], feedback=feedback, force=True, set_feedback=True))
    elif replan or not sec.blocks:
        kept = [b for b in sec.blocks if b.status in PROTECTED and not force]
        run.execute([run.plan_job(sec, write_after=True, feedback=feedback, keep=kept)])
    else:
        todo = [b for b in sec.blocks if force or b.status not in PROTECTED]
        run.execute(run.write_jobs(sec, only=todo, feedback=feedback, force=True, set_feedback=True))
    return state


def build(
    state: DocumentState,
    settings: Settings,
    progress: Progress | None = None,
    evidence: EvidenceStore | None = None,
    notebook: bool | None = None,
) -> Outputs:
    """Render the Word document (and notebook) and write every output atomically."""
    from autodoc.render.docx import render_docx

    progress = progress or Progress()
    t0 = time.monotonic()
    progress.start_phase("building", total=2)
    out_dir = Path(settings.output_dir)
    if state.provenance is None and evidence is not None:
        _finalize(state, evidence, settings)
    outputs = Outputs()
    if evidence is not None:
        outputs.evidence = out_dir / "evidence.json"
        write_output(outputs.evidence, evidence.to_json())
        state.evidence_path = str(outputs.evidence)
    cache_file = cache.cache_path(out_dir)
    snapshot = check_hooks.before_render(state, evidence, cache_file) if evidence is not None else None
    outputs.docx = docx_path(settings)
    write_output(outputs.docx, render_docx(state, settings.docx_template))
    progress.advance("building", "Word document")
    if settings.notebook if notebook is None else notebook:
        from autodoc.render.notebook import render_notebook

        outputs.notebook = notebook_path(settings)
        write_output(outputs.notebook, render_notebook(state))
    progress.advance("building", "notebook")
    state.phase_seconds["building"] = round(time.monotonic() - t0, 3)
    outputs.report = out_dir / "run_report.json"
    write_output(outputs.report, json.dumps(report.run_report(state), indent=1, default=str))
    outputs.extra["report_md"] = out_dir / "run_report.md"
    write_output(outputs.extra["report_md"], report.report_markdown(state))
    outputs.cache = cache_file
    cache.save_state(state, outputs.cache)
    if snapshot is not None:
        check_hooks.after_build(snapshot, outputs.cache)
    progress.finish_phase("building")
    return outputs


def generate(spec: Spec, settings: Settings, progress: Progress | None = None) -> RunResult:
    """All four phases without stopping (the CLI default and the app's one-click path)."""
    progress = progress or Progress()
    check_outputs(settings)  # a bad output path is reported before any work, not after it
    started = time.monotonic()
    evidence = scan(settings, progress)
    scanned = round(time.monotonic() - started, 3)
    if progress.cancelled:
        raise Cancelled("stopped during the scan; nothing was written")
    previous = _load_previous(settings, progress)
    state = plan_and_write(spec, evidence, settings, progress, state=previous)
    state.phase_seconds = {"scanning": scanned, **state.phase_seconds}
    if progress.cancelled:
        done = sum(1 for _, b in state.blocks() if b.status in FINISHED)
        raise Cancelled(
            f"stopped: {done} finished blocks kept in {cache.cache_path(settings.output_dir)}",
            hint="run the same command again to resume",
        )
    outputs = build(state, settings, progress, evidence=evidence)
    progress.finish()
    return RunResult(state=state, evidence=evidence, outputs=outputs, exit_code=exit_code(state))


def from_cache(settings: Settings, docx: bool = False) -> Outputs:
    """Rebuild the notebook (and with `docx` the Word document) from the cache only."""
    from autodoc.render.notebook import render_notebook

    path = cache.cache_path(settings.output_dir)
    state = cache.load_state(path)
    outputs = Outputs(cache=path, notebook=notebook_path(settings))
    write_output(outputs.notebook, render_notebook(state))
    if docx:
        from autodoc.render.docx import render_docx

        outputs.docx = docx_path(settings)
        write_output(outputs.docx, render_docx(state, settings.docx_template))
    return outputs


# --------------------------------------------------------------------------- helpers
def check_outputs(settings: Settings) -> None:
    """Raise `ConfigError` for output paths that cannot be written (checked before a run)."""
    out = Path(settings.output_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"the output folder {out} is a file", hint="pass a folder with --output")
    targets = [("Word document", docx_path(settings))]
    if settings.notebook:
        targets.append(("notebook", notebook_path(settings)))
    for label, path in targets:
        if path.is_dir():
            raise ConfigError(f"the {label} path {path} is a folder", hint="name a file to write")
    template = settings.docx_template
    if template and not Path(template).is_file():
        raise ConfigError(
            f"docx template not found: {template}",
            hint="pass a Word .docx file (not .dotx/.doc) with --docx-template, or leave it out",
        )


def write_output(path: Path, data: bytes | str) -> None:
    """`atomic_write` with an OS failure (full disk, no permission) as a message, not a traceback."""
    try:
        atomic_write(path, data)
    except OSError as err:
        raise AutodocError(
            f"could not write {path}: {err.strerror or err}",
            hint="check that the folder exists and is writable, and that the path is not a folder",
        ) from err


def exit_code(state: DocumentState) -> int:
    """1 when any block failed or holds a flagged figure, else 0."""
    return 1 if state.failed() or state.flagged() else 0


def docx_path(settings: Settings) -> Path:
    return Path(settings.docx_path) if settings.docx_path else Path(settings.output_dir) / DOCX_NAME


def notebook_path(settings: Settings) -> Path:
    return (
        Path(settings.notebook_path) if settings.notebook_path else Path(settings.output_dir) / NOTEBOOK_NAME
    )


def spec_hash(spec: Spec) -> str:
    try:
        return spec.hash()
    except NotImplementedError:  # the loader's hash is not there yet: same idea, local
        data = spec.model_dump(mode="json", exclude={"path"})
        for sec in data["sections"]:
            sec.pop("line", None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def spec_data(spec: Spec) -> dict[str, Any]:
    try:
        return spec.to_data()  # type: ignore[attr-defined]
    except (AttributeError, NotImplementedError):
        return spec.model_dump(mode="json")


def new_state(spec: Spec, evidence: EvidenceStore, settings: Settings, select: bool = True) -> DocumentState:
    """A fresh state: sections expanded and (with `select`) each given its evidence selection.

    Without `select` each planning job selects its section's evidence itself, so the first
    calls go out at once instead of after every section's selection.
    """
    sections = plan.expand_sections(spec, evidence)
    for sec in sections:
        if select and not sec.is_container:
            plan.assign_evidence(sec, evidence)
    state = DocumentState(
        title=spec.title,
        authors=spec.authors,
        version=spec.version,
        spec=spec_data(spec),
        settings=settings.public(),
        evidence_hash=evidence.content_hash(),
        sections=sections,
    )
    state.provenance = _provenance(state, evidence, settings, spec_hash(spec))
    return state


def _load_previous(settings: Settings, progress: Progress) -> DocumentState | None:
    path = cache.cache_path(settings.output_dir)
    if not path.exists():
        return None
    try:
        return cache.load_state(path)
    except CacheError as err:
        progress.event("planning", f"{err.message}: starting afresh", level="warning")
        return None


def _compatible(old: DocumentState, new: DocumentState) -> bool:
    """Resume only the same spec written by the same provider and model."""
    if not old.provenance or not new.provenance:
        return False
    return (old.provenance.spec_hash, old.provenance.provider, old.provenance.model) == (
        new.provenance.spec_hash,
        new.provenance.provider,
        new.provenance.model,
    )


def _merge(new: DocumentState, old: DocumentState, evidence: EvidenceStore) -> None:
    """Carry over finished work; a section whose evidence changed is redone (its
    approved/edited blocks excepted)."""
    previous = {sec.id: sec for sec in old.sections}
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
                    and blk.evidence_hash != write.block_hash(kept, blk, evidence)
                ):
                    _reset(blk)
            new.sections[i] = kept
        elif any(b.status in PROTECTED for b in was.blocks):
            kept = was.model_copy(deep=True)
            kept.evidence_ids, kept.evidence_hash = sec.evidence_ids, sec.evidence_hash
            for blk in kept.blocks:
                if blk.status not in PROTECTED:
                    _reset(blk)
            new.sections[i] = kept
    new.evidence_items.update(old.evidence_items)
    new.notes = list(old.notes)


def _reset(blk: Block) -> None:
    blk.content, blk.status, blk.flags, blk.error, blk.evidence_hash = None, "planned", [], None, None


def _find_section(state: DocumentState, section_id: str) -> Section:
    try:
        return state.section(section_id)
    except KeyError:
        raise AutodocError(
            f"no section {section_id!r} in this document",
            hint="one of: " + ", ".join(s.id for s in state.sections),
        ) from None


def _find_block(sec: Section, block_id: str) -> Block:
    for blk in sec.blocks:
        if blk.id == block_id:
            return blk
    raise AutodocError(
        f"no block {block_id!r} in section {sec.id}", hint="one of: " + ", ".join(b.id for b in sec.blocks)
    )


# ------------------------------------------------------------------------- the run
class _Run:
    """One scheduling run over a state. Only the dispatching thread mutates the state."""

    def __init__(
        self, state: DocumentState, evidence: EvidenceStore, settings: Settings, progress: Progress
    ) -> None:
        from autodoc.llm.registry import get_provider

        self.state, self.evidence, self.settings, self.progress = state, evidence, settings, progress
        self.session = Session(get_provider(settings, stop=progress.stop_event), progress, evidence)
        self.scheduler = Scheduler(settings.planning_workers, settings.generation_workers, progress)
        self.writer = cache.CacheWriter(
            cache.cache_path(settings.output_dir), lambda: cache.dump_state(self.state)
        )
        self.fetch = write.artifact_fetcher(evidence)
        self.fatal: LLMConfigError | None = None
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
                    snapshot_sec, snapshot_blk, self.evidence, self.session, title, snapshot_blk.feedback
                )
            return write.fill_block(snapshot_sec, snapshot_blk, self.evidence, self.fetch)

        # tables and charts are filled in microseconds on the dispatcher; an image may need a
        # download, so it takes a generation slot like a write instead of blocking dispatch
        kind = "local" if blk.plan.type in ("table", "chart") else "write"
        return Job(kind, f"write {blk.id}", run, lambda outcome: self._apply_block(sec, blk, outcome))

    # -- results (dispatching thread) ---------------------------------------------------
    def _apply_plan(self, sec: Section, outcome: Any, write_after: bool, keep: list[Block]) -> list[Job]:
        self.last_plan = time.monotonic()
        self.progress.advance("planning", f"{sec.number} {sec.heading}")
        if isinstance(outcome, BaseException):
            self._fail_section(sec, outcome)
            return []
        result: plan.PlanResult = outcome
        if result.evidence_hash:
            sec.evidence_ids, sec.evidence_hash = result.evidence_ids, result.evidence_hash
        sec.usage.add(result.usage)
        for counter in ("reasks", "dropped_blocks", "plan_fallbacks"):
            setattr(
                self.run_usage, counter, getattr(self.run_usage, counter) + getattr(result.usage, counter)
            )
        blocks = result.blocks
        if keep:  # approved/edited blocks survive a replan; new ids continue after theirs
            start = max(_block_number(b.id) for b in keep)
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
        self.first_write = self.first_write or time.monotonic()
        self.progress.advance("generating", f"{sec.number} {sec.heading}")
        if isinstance(outcome, BaseException):
            blk.status, blk.error, blk.content = "failed", _message(outcome), None
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
            blk.content, blk.status, blk.flags, blk.error = res.content, res.status, res.flags, None
            blk.usage = res.usage
            blk.evidence_hash = write.block_hash(sec, blk, self.evidence)
            self.run_usage.reasks += res.usage.reasks
            self.state.evidence_items.update(write.items_for(write.cited_ids(blk), self.evidence))
            level = "warning" if res.flags else "detail"
            self.progress.event(
                "generating",
                f"wrote {blk.id}" + (f" ({len(res.flags)} flagged)" if res.flags else ""),
                section=sec.id,
                block=blk.id,
                level=level,
            )
        sec.status = _section_status(sec)
        self._save()
        return []

    def _fail_section(self, sec: Section, err: BaseException) -> None:
        sec.status, sec.error = "failed", _message(err)
        self.progress.event(
            "planning",
            f"planning {sec.number} {sec.heading} failed: {sec.error}",
            section=sec.id,
            level="error",
        )
        self._maybe_fatal(err)
        self._save()

    def _maybe_fatal(self, err: BaseException) -> None:
        """A wrong key/model/URL fails every call alike: stop issuing them."""
        if isinstance(err, LLMConfigError) and self.fatal is None:
            self.fatal = err
            self.scheduler.abort()

    def _save(self) -> None:
        self.writer.save()

    # -- running ------------------------------------------------------------------------
    def execute(self, jobs: list[Job]) -> None:
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
        for sec in state.sections:
            if not sec.is_container:
                sec.status = _section_status(sec)
        state.egress.extend(self.session.egress)
        usage = self.session.usage.model_copy()
        usage.reasks = self.run_usage.reasks
        usage.dropped_blocks, usage.plan_fallbacks = (
            self.run_usage.dropped_blocks,
            self.run_usage.plan_fallbacks,
        )
        state.usage.add(usage)
        end = time.monotonic()
        if self.last_plan:
            state.phase_seconds["planning"] = round(
                state.phase_seconds.get("planning", 0) + self.last_plan - self.t0, 3
            )
        if self.first_write:
            state.phase_seconds["generating"] = round(
                state.phase_seconds.get("generating", 0) + end - self.first_write, 3
            )
        _finalize(state, self.evidence, self.settings)
        self.progress.finish_phase("planning")
        self.progress.finish_phase("generating")
        self._save()
        self.writer.flush()


def _block_number(block_id: str) -> int:
    match = re.search(r"\.b(\d+)$", block_id)
    return int(match.group(1)) if match else 0


def _message(err: BaseException) -> str:
    if isinstance(err, AutodocError):
        return err.message
    return f"internal error ({type(err).__name__}: {err})"


def _section_status(sec: Section) -> str:
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


# ---------------------------------------------------------------------- provenance
LIBRARY_KEY = re.compile(
    r"(^|[._\-])(version|ver)$|^(python|sklearn|scikit-learn|xgboost|lightgbm|"
    r"pandas|numpy|torch|tensorflow|mlflow)([._\-]version)?$",
    re.I,
)


def _finalize(state: DocumentState, evidence: EvidenceStore, settings: Settings) -> None:
    """Provenance, models covered, cited items and notes: what the cache alone must hold."""
    spec_h = state.provenance.spec_hash if state.provenance else ""
    state.models_covered = _models_covered(state, evidence)
    ids = [eid for _, blk in state.blocks() for eid in write.cited_ids(blk)]
    for entry in state.models_covered:
        ids += [entry["evidence_id"], *entry["version_ids"]]
    items = {}
    for eid in ids:  # the current fact, or the one a reused block was written from
        item = evidence.get(eid) or state.evidence_items.get(eid)
        if item is not None:
            items[eid] = item
    state.evidence_items = items
    state.provenance = _provenance(state, evidence, settings, spec_h)
    state.notes = _notes(state, evidence, settings)


def _models_covered(state: DocumentState, evidence: EvidenceStore) -> list[dict[str, Any]]:
    names = {sec.model for sec in state.sections if sec.model}
    out = []
    for model in evidence.mlflow.registered_models if evidence.mlflow else []:
        if names and model.name not in names:
            continue
        out.append(
            {
                "name": model.name,
                "evidence_id": model.evidence_id,
                "versions": [v.version for v in model.versions],
                "version_ids": [v.evidence_id for v in model.versions],
                "aliases": dict(model.aliases),
                "description": model.description,
            }
        )
    return out


def _provenance(state: DocumentState, evidence: EvidenceStore, settings: Settings, spec_h: str) -> Provenance:
    code = evidence.code
    items = state.evidence_items.values()
    runs = sorted({i.source.run_id for i in items if i.source.run_id})
    versions = sorted(
        {
            f"{i.source.model_name} v{i.source.model_version}"
            for i in items
            if i.source.model_name and i.source.model_version
        }
    )
    for entry in state.models_covered:
        model = evidence.model(entry["name"])
        for ver in model.versions if model else []:
            versions.append(f"{model.name} v{ver.version}")
            if ver.run_id:
                runs.append(ver.run_id)
    runs = sorted(set(runs))
    return Provenance(
        generator_version=autodoc.__version__,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        spec_hash=spec_h,
        spec_path=settings.spec_path,
        code_root=code.root if code else settings.code_root,
        code_commit=code.commit if code else None,
        code_dirty=code.dirty if code else None,
        files_scanned=len(code.files) if code else 0,
        files_skipped=[f"{s.path} ({s.reason})" for s in code.unread()] if code else [],
        mlflow_uri=(evidence.mlflow.origin or evidence.mlflow.tracking_uri)
        if evidence.mlflow
        else settings.mlflow_uri,
        runs_used=runs,
        model_versions_used=sorted(set(versions)),
        library_versions=_library_versions(evidence, runs),
        provider=settings.provider,
        model=settings.model_name,
        evidence_hash=evidence.content_hash(),
    )


def _library_versions(evidence: EvidenceStore, runs: list[str]) -> dict[str, str]:
    """Version-like tags and params of the runs used (e.g. sklearn_version)."""
    found: dict[str, str] = {}
    for run_id in runs:
        run = evidence.run(run_id)
        if run is None:
            continue
        for key, value in {**run.params, **run.tags}.items():
            if LIBRARY_KEY.search(key) and not key.startswith("mlflow.source") and len(str(value)) < 60:
                found.setdefault(key, str(value))
    return dict(sorted(found.items()))


def _notes(state: DocumentState, evidence: EvidenceStore, settings: Settings) -> list[str]:
    notes: list[str] = []
    if settings.provider == "offline":
        keyed = settings.anthropic_api_key or settings.openai_api_key
        notes.append(OFFLINE_CHOSEN_NOTE if keyed else OFFLINE_NOTE)
    if evidence.mlflow_note:
        notes.append(evidence.mlflow_note)
    notes += [sec.plan_note for sec in state.sections if sec.plan_note]
    if evidence.redactions:
        count = sum(r.count for r in evidence.redactions)
        notes.append(f"{count} secret(s) found in the scanned material were redacted before any use.")
    unread = evidence.code.unread() if evidence.code else []
    if unread:
        shown = ", ".join(f"{s.path} ({s.reason})" for s in unread[:5])
        more = f" and {len(unread) - 5} more" if len(unread) > 5 else ""
        notes.append(f"{len(unread)} file(s) could not be read and are not in the evidence: {shown}{more}.")
    return notes
