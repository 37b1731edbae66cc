"""The one pipeline API both front ends call: scan -> plan -> generate -> build.

The CLI and the Streamlit app hold no pipeline logic; they build `Settings` and a `Spec`,
create a `Progress`, and call these functions (the app from a worker thread). The rooms:
`run` (one scheduling run), `resume` (what the cache carries over), `provenance`,
`outputs` (paths and atomic writes), `lock` (one writer per output folder).

Stop: `progress.stop(grace)` starts no new call; running ones may finish within `grace`
seconds and are kept in the state and the cache; `generate` then raises `Cancelled`
(exit 130) without writing a half-finished document. A wrong key, model or base URL
(`LLMConfigError`) stops issuing calls and is raised after the cache is saved.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autodoc.document import Block, DocumentState, Section
from autodoc.errors import AutodocError, Cancelled
from autodoc.evidence import EvidenceStore
from autodoc.limits import check_spec
from autodoc.llm.base import Provider
from autodoc.pipeline import cache, report
from autodoc.pipeline.lock import output_lock
from autodoc.pipeline.outputs import (
    Outputs,
    RunResult,
    check_outputs,
    docx_path,
    exit_code,
    notebook_path,
    write_output,
    write_outputs,
)
from autodoc.pipeline.prerender import Prerender
from autodoc.pipeline.provenance import finalize, provenance
from autodoc.pipeline.resume import FINISHED, PROTECTED, compatible, load_previous, merge
from autodoc.pipeline.run import Run
from autodoc.pipeline.schedule import Job
from autodoc.plan import planner as plan
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import Spec

if TYPE_CHECKING:
    from autodoc.scan.child import ScanChild


# ------------------------------------------------------------------------------ API
def scan(
    settings: Settings, progress: Progress | None = None, child: ScanChild | None = None
) -> EvidenceStore:
    """Scan code and MLflow concurrently into one evidence store (with `child`: its result)."""
    from autodoc.scan import run_scan

    progress = progress or Progress()
    progress.start_phase("scanning")
    try:
        return child.result(progress) if child is not None else run_scan(settings, progress)
    finally:
        progress.finish_phase("scanning")


def start_scan_child(settings: Settings) -> ScanChild | None:
    """The scan started in a child interpreter when this process has an SDK to load meanwhile
    (the first LLM run of a process) and a core is free for it; None: scan here (offline, the
    SDK is loaded and a re-scan reuses this process's memo of the files, or a busy machine)."""
    from autodoc.llm.registry import sdk_pending
    from autodoc.scan.child import ScanChild, spare_core

    return ScanChild(settings) if sdk_pending(settings.provider) and spare_core() else None


def plan_and_write(
    spec: Spec,
    evidence: EvidenceStore,
    settings: Settings,
    progress: Progress | None = None,
    state: DocumentState | None = None,
    plan_only: bool = False,
    prerender: Prerender | None = None,
    provider: Provider | None = None,
) -> DocumentState:
    """Plan every section and write its blocks as soon as its plan exists.

    `state` (e.g. loaded from the cache) is resumed: finished blocks whose evidence is
    unchanged are kept; missing and failed ones are redone. With `plan_only` the blocks
    are planned but not written (the review path). The cache is saved after every block.
    A `prerender` (when a build follows) draws the charts while the calls are in flight.
    A `provider` already built for these settings (by the preflight) is used, not rebuilt.
    """
    progress = progress or Progress()
    fresh = new_state(spec, evidence, settings, select=False)
    if state is not None and compatible(state, fresh):
        for sec in fresh.sections:  # resume compares each section's evidence hash
            if not sec.is_container:
                plan.assign_evidence(sec, evidence)
        merge(fresh, state, evidence)
    run = Run(fresh, evidence, settings, progress, prerender, provider)
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
    run = Run(state, evidence, settings, progress or Progress())
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
    run = Run(state, evidence, settings, progress or Progress())
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
    from autodoc.check import hooks as check_hooks  # loaded while the calls are in flight (prerender)
    from autodoc.render.docx import render_docx
    from autodoc.render.lint import lint_docx

    progress = progress or Progress()
    t0 = time.monotonic()
    progress.start_phase("building", total=2)
    out_dir = Path(settings.output_dir)
    if state.provenance is None and evidence is not None:
        finalize(state, evidence, settings)
    outputs = Outputs()
    files: list[tuple[Path, bytes | str]] = []  # written together at the end: one wait for the disk
    if evidence is not None:
        outputs.evidence = out_dir / "evidence.json"
        files.append((outputs.evidence, evidence.to_json()))
        state.evidence_path = str(outputs.evidence)
    cache_file = cache.cache_path(out_dir)
    snapshot = check_hooks.before_render(state, evidence, cache_file) if evidence is not None else None
    outputs.docx = docx_path(settings)
    docx_bytes = render_docx(state, settings.docx_template)
    files.append((outputs.docx, docx_bytes))
    state.lint = [f.line() for f in lint_docx(docx_bytes)]  # what a validator would send back
    progress.advance("building", "Word document")
    if settings.notebook if notebook is None else notebook:
        from autodoc.render.notebook import render_notebook

        outputs.notebook = notebook_path(settings)
        files.append((outputs.notebook, render_notebook(state)))
    progress.advance("building", "notebook")
    state.phase_seconds["building"] = round(time.monotonic() - t0, 3)
    outputs.report = out_dir / "run_report.json"
    files.append((outputs.report, json.dumps(report.run_report(state), indent=1, default=str)))
    outputs.extra["report_md"] = out_dir / "run_report.md"
    files.append((outputs.extra["report_md"], report.report_markdown(state)))
    outputs.cache = cache_file
    files.append((cache_file, cache.dump_state(state)))
    if snapshot is not None:
        files += check_hooks.after_build_files(snapshot, cache_file)
    write_outputs(files)
    progress.finish_phase("building")
    return outputs


def generate(spec: Spec, settings: Settings, progress: Progress | None = None) -> RunResult:
    """All four phases without stopping (the CLI default and the app's one-click path).

    Bad input (a spec over its limits, an unwritable output) and an output folder another
    run is writing into are refused before any work.
    """
    progress = progress or Progress()
    check_spec(spec, settings)
    check_outputs(settings)  # a bad output path is reported before any work, not after it
    with output_lock(settings.output_dir):
        return _generate(spec, settings, progress)


def _generate(spec: Spec, settings: Settings, progress: Progress) -> RunResult:
    started = time.monotonic()
    child = start_scan_child(settings)  # on another core while this process loads the SDK
    checked = start_preflight(settings)  # the LLM endpoint is checked while the scan runs
    evidence = scan(settings, progress, child)
    scanned = round(time.monotonic() - started, 3)
    # a dead endpoint, wrong key or model: stop before any section
    provider = checked.result() if checked is not None else None
    if progress.cancelled:
        raise Cancelled("stopped during the scan; nothing was written")
    previous = load_previous(settings, progress)
    prerender = Prerender()  # the renderer loads and charts are drawn while calls are in flight
    try:
        state = plan_and_write(
            spec, evidence, settings, progress, state=previous, prerender=prerender, provider=provider
        )
    finally:
        prerender.stop()
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


def start_preflight(settings: Settings) -> Any:
    """A future for the LLM preflight, holding the checked provider (None for the offline writer)."""
    if settings.provider == "offline":
        return None
    from autodoc.llm import preflight
    from autodoc.llm.registry import get_provider

    return preflight.start(lambda: get_provider(settings))


def from_cache(settings: Settings, docx: bool = False) -> Outputs:
    """Rebuild the notebook (and with `docx` the Word document) from the cache only."""
    path = cache.cache_path(settings.output_dir)
    state = cache.load_state(path)
    with output_lock(settings.output_dir):
        return _rebuild(state, settings, path, docx)


def _rebuild(state: DocumentState, settings: Settings, path: Path, docx: bool) -> Outputs:
    from autodoc.render.notebook import render_notebook

    outputs = Outputs(cache=path, notebook=notebook_path(settings))
    write_output(outputs.notebook, render_notebook(state))
    if docx:
        from autodoc.render.docx import render_docx

        outputs.docx = docx_path(settings)
        write_output(outputs.docx, render_docx(state, settings.docx_template))
    return outputs


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
        spec=spec.to_data(),
        settings=settings.public(),
        evidence_hash=evidence.content_hash(),
        sections=sections,
    )
    state.provenance = provenance(state, evidence, settings, spec.hash())
    return state


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
