"""The jobs a session starts (scan, plan, write, regenerate, build, generate) and what they leave.

Each job is one `autodoc.pipeline` call in a worker thread (`autodoc.ui.jobs`); its result
is applied to the session on the page's next run. `doc_rev` counts the reviewed document's
changes and `outputs_rev` says which of them the built files hold, so a download is never
older than the review without saying so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autodoc import demo, pipeline
from autodoc.document import DocumentState
from autodoc.errors import AutodocError
from autodoc.evidence import EvidenceStore
from autodoc.paths import check_allowed
from autodoc.pipeline.cache import cache_path, load_state, save_state
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import Spec
from autodoc.ui import build_worker
from autodoc.ui.jobs import Apply, Job, harvest, start_job
from autodoc.ui.restore import evidence_file, existing_outputs
from autodoc.ui.state import State, make_settings, notify, on_demo

REBUILD_WAIT_S = 15.0
REBUILD_DELAY_S = 0.3  # a rebuild waits this long before it starts (the page finishes drawing)


def job_running(ss: State) -> bool:
    return _running(ss, "job")


def _running(ss: State, key: str) -> bool:
    job: Job | None = ss.get(key)
    return job is not None and job.running


def _harvested(ss: State, key: str) -> Job | None:
    """The session's job under `key` if it finished and was just applied (once)."""
    job: Job | None = ss.get(key)
    return job if job is not None and harvest(job, ss) else None


def harvest_job(ss: State) -> Job | None:
    """Apply a finished job to the session (once); its outcome stays on the progress panel."""
    job = _harvested(ss, "job")
    if job is None:
        return None
    if job.kind != "scan" and job.output_dir and (job.error is None or job.cancelled):
        ss["doc_dir"] = job.output_dir  # review edits are saved to this document's cache
    ss.get("field_errors", {}).pop("opt_output_dir", None)  # "will be created" is no longer true
    return job


def changed(ss: State) -> None:
    """The reviewer changed the document: save it; the download row rebuilds the files."""
    ss["doc_rev"] = ss.get("doc_rev", 0) + 1
    ss["rebuild_wanted"] = True
    persist(ss)


def outputs_stale(ss: State) -> bool:
    return ss.get("outputs") is not None and ss.get("outputs_rev", 0) < ss.get("doc_rev", 0)


def persist(ss: State) -> None:
    """Save the reviewed document to its cache, so approvals and edits survive a new run."""
    doc: DocumentState | None = ss.get("doc")
    folder = ss.get("doc_dir")
    if doc is None or not folder:
        return
    try:
        save_state(doc, cache_path(check_allowed(folder, ss["defaults"].allowed_root)))
    except (AutodocError, OSError) as err:
        notify(ss, "warning", f"Could not save the review to {folder}: {err}")


def _locked(folder: str, work: Callable[[Progress], Any]) -> Callable[[Progress], Any]:
    """`work` holding the output folder's lock (`pipeline.generate` takes it by itself)."""

    def run(progress: Progress) -> Any:
        with pipeline.output_lock(folder):
            return work(progress)

    return run


def _copy(doc: DocumentState | None) -> DocumentState | None:
    # the worker gets its own copy; the page keeps showing (and editing) the session's one
    return doc.model_copy(deep=True) if doc is not None else None


def _restore_after_stop(output_dir: str):
    def apply(ss: State, result: Any) -> None:
        if result is not None:
            _apply_result(ss, result)
            return
        try:
            ss["doc"] = load_state(cache_path(output_dir))
        except AutodocError:
            return  # nothing was finished before the stop
        ss["doc_rev"] = ss.get("doc_rev", 0) + 1
        # the downloads are this folder's files (built before the stopped run), never another folder's
        ss["outputs"] = existing_outputs(Path(output_dir))
        ss["view"] = "Write review"

    return apply


def _apply_result(ss: State, result: Any) -> None:
    if isinstance(result, pipeline.RunResult):
        ss["doc"], ss["evidence"], ss["outputs"] = result.state, result.evidence, result.outputs
        ss["doc_rev"] = ss.get("doc_rev", 0) + 1
        ss["outputs_rev"] = ss["doc_rev"]
    elif isinstance(result, EvidenceStore):
        ss["evidence"] = result


def _then_view(view: str):
    def apply(ss: State, result: Any) -> None:
        _apply_result(ss, result)
        ss["view"] = view

    return apply


def _pair(view: str):
    def apply(ss: State, result: tuple[EvidenceStore, DocumentState]) -> None:
        ss["evidence"], ss["doc"] = result
        ss["doc_rev"] = ss.get("doc_rev", 0) + 1
        ss["view"] = view

    return apply


def _built(rev: int):
    def apply(ss: State, result: pipeline.Outputs) -> None:
        ss["outputs"] = result
        ss["outputs_rev"] = max(ss.get("outputs_rev", 0), rev)
        ss["view"] = "Build"

    return apply


def _known_evidence(ss: State) -> EvidenceStore | None:
    """The session's evidence, else the document's evidence file (read on the script thread)."""
    if ss.get("evidence") is not None:
        return ss["evidence"]
    doc: DocumentState | None = ss.get("doc")
    return evidence_file(doc) if doc is not None else None


def _demo_store(settings: Settings, progress: Progress) -> None:
    progress.event("scanning", "preparing the demo MLflow store (the first time trains the demo models)")
    demo.ensure_demo_store(settings.mlflow_uri)


def _scan(settings: Settings, progress: Progress) -> EvidenceStore:
    if on_demo(settings):
        _demo_store(settings, progress)
    return pipeline.scan(settings, progress)


def _or_scan(evidence: EvidenceStore | None, settings: Settings, progress: Progress) -> EvidenceStore:
    return evidence if evidence is not None else _scan(settings, progress)


# ------------------------------------------------------------------------ start a job
def start_generate(ss: State, spec: Spec, settings: Settings) -> Job:
    def work(p: Progress) -> pipeline.RunResult:
        if on_demo(settings):
            _demo_store(settings, p)
        return pipeline.generate(spec, settings, p)

    # pipeline.generate raises Cancelled unless it went on to build the files
    view = _then_view("Write review")
    return _start_saving(ss, "generate", "Generate documentation", work, view, settings, complete=True)


def start_update_check(ss: State, spec: Spec, settings: Settings) -> Job:
    """Scan and list what changed since the document was built (no LLM); see `keep_current`."""
    from autodoc.check.update import start_update as plan_update

    def apply(ss: State, pending: Any) -> None:
        ss["update_pending"] = pending

    job = start_job("scan", "Check for changes", lambda p: plan_update(spec, settings, p), apply=apply)
    return _start(ss, job, settings)


def start_update(ss: State, settings: Settings) -> Job:
    """Rewrite only the blocks the checked update lists (`autodoc --update`)."""
    from autodoc.check.update import finish_update

    pending = ss.pop("update_pending")
    work = _locked(settings.output_dir, lambda p: finish_update(pending, settings, p))
    return _start_saving(ss, "generate", "Update document", work, _then_view("Write review"), settings)


def start_scan(ss: State, settings: Settings) -> Job:
    def work(p: Progress) -> EvidenceStore:
        return _scan(settings, p)

    return _start(ss, start_job("scan", "Scan", work, apply=_then_view("Scan overview")))


def start_plan(ss: State, spec: Spec, settings: Settings) -> Job:
    evidence = _known_evidence(ss)

    def work(p: Progress) -> tuple[EvidenceStore, DocumentState]:
        ev = _or_scan(evidence, settings, p)
        return ev, pipeline.plan_and_write(spec, ev, settings, p, plan_only=True)

    work = _locked(settings.output_dir, work)
    return _start(ss, start_job("plan", "Planning", work, apply=_pair("Plan review")), settings)


def start_write(ss: State, settings: Settings) -> Job:
    doc = _copy(ss["doc"])
    evidence = _known_evidence(ss)

    def work(p: Progress) -> tuple[EvidenceStore, DocumentState]:
        ev = _or_scan(evidence, settings, p)
        return ev, pipeline.write_planned(doc, ev, settings, p)

    work = _locked(settings.output_dir, work)
    return _start_saving(ss, "write", "Writing", work, _pair("Write review"), settings)


def start_regenerate(
    ss: State,
    settings: Settings,
    section_id: str,
    *,
    feedback: str | None,
    replan: bool = False,
    block_id: str | None = None,
) -> Job:
    doc = _copy(ss["doc"])
    evidence = _known_evidence(ss)
    heading = doc.section(section_id).heading if doc else section_id

    def work(p: Progress) -> tuple[EvidenceStore, DocumentState]:
        ev = _or_scan(evidence, settings, p)
        new = pipeline.regenerate(
            doc,
            ev,
            settings,
            section_id,
            block_id=block_id,
            feedback=feedback or None,
            replan=replan,
            progress=p,
        )
        return ev, new

    work = _locked(settings.output_dir, work)
    label = ("Re-planning " if replan else "Regenerating ") + heading
    kind = "replan" if replan else "regenerate"
    view = _pair("Plan review" if replan else "Write review")

    def apply(ss: State, result: tuple[EvidenceStore, DocumentState]) -> None:
        view(ss, result)
        ss["rebuild_wanted"] = True  # the download row rebuilds the files with the new text

    return _start(ss, start_job(kind, label, work, apply=apply), settings)


def start_build(ss: State, settings: Settings) -> Job:
    doc = _copy(ss["doc"])
    evidence = _known_evidence(ss)
    rev = ss.get("doc_rev", 0)

    def work(p: Progress) -> pipeline.Outputs:
        return pipeline.build(doc, settings, p, evidence=evidence, notebook=settings.notebook)

    work = _locked(settings.output_dir, work)
    return _start(ss, start_job("build", "Build", work, apply=_built(rev)), settings)


def _start(ss: State, job: Job, settings: Settings | None = None) -> Job:
    finish_rebuild(ss)
    job.output_dir = settings.output_dir if settings is not None else None
    job.grace = settings.stop_grace if settings is not None else 0.0
    job.provider = settings.provider if settings is not None else None
    ss["job"] = job
    ss["spec_load_error"] = None  # an old upload error is not about this run
    ss.pop("_live", None)
    return job


def _start_saving(
    ss: State,
    kind: str,
    label: str,
    work: Callable[[Progress], Any],
    apply: Apply,
    settings: Settings,
    complete: bool = False,
) -> Job:
    """Start a job that saves the cache as it goes: watched live, restored when stopped.

    `complete`: the work raises `Cancelled` when stopped, so its normal return means finished.
    """
    job = start_job(
        kind,
        label,
        work,
        apply=apply,
        on_cancel=_restore_after_stop(settings.output_dir),
        watch=cache_path(settings.output_dir),
        returns_complete=complete,
    )
    return _start(ss, job, settings)


# ------------------------------------------------------------------ background rebuild
def start_rebuild(ss: State, settings: Settings) -> Job | None:
    """Rebuild the Word document (and notebook) from the reviewed document, in the background."""
    doc = _copy(ss.get("doc"))
    if doc is None or rebuild_running(ss):
        return None
    evidence = _known_evidence(ss)
    rev = ss.get("doc_rev", 0)
    outputs = ss.get("outputs")
    notebook = bool(settings.notebook or (outputs is not None and outputs.notebook))
    settings = settings.model_copy(update={"output_dir": ss.get("doc_dir") or settings.output_dir})

    def work(p: Progress) -> pipeline.Outputs:
        time.sleep(REBUILD_DELAY_S)  # let the page finish drawing first
        with pipeline.output_lock(settings.output_dir):
            return build_worker.build(doc, settings, evidence, notebook)  # in the worker process

    def apply(state: State, result: pipeline.Outputs) -> None:
        state["outputs"] = result
        state["outputs_rev"] = max(state.get("outputs_rev", 0), rev)

    job = start_job("rebuild", "Updating the downloads", work, apply=apply)
    job.rev = rev
    ss["rebuild"] = job
    return job


def request_rebuild(ss: State) -> None:
    """Start a background rebuild when the built files are older than the review.

    The download row calls this after a review change (approve, edit, regenerate), once the
    click's section is drawn; a failed rebuild of the same review is not retried by itself.
    """
    if not outputs_stale(ss) or rebuild_running(ss) or job_running(ss):
        return
    last: Job | None = ss.get("rebuild")
    if last is not None and last.error is not None and last.rev == ss.get("doc_rev", 0):
        return
    try:
        settings = make_settings(ss)
    except AutodocError:
        return  # the downloads stay marked out of date; the settings error shows at the next run
    if pipeline.busy_message(ss.get("doc_dir") or settings.output_dir):
        return  # another run writes that folder: the downloads stay marked out of date
    start_rebuild(ss, settings)


def rebuild_running(ss: State) -> bool:
    return _running(ss, "rebuild")


def harvest_rebuild(ss: State) -> Job | None:
    """Apply a finished rebuild; a review changed meanwhile saves the newer cache again."""
    job = _harvested(ss, "rebuild")
    if job is None:
        return None
    if ss.get("doc_rev", 0) > job.rev:
        persist(ss)  # the build saved an older review into the cache
        if job.error is None:
            request_rebuild(ss)
    return job


def finish_rebuild(ss: State) -> None:
    """Let a running rebuild end before a job that writes the same folder starts."""
    job: Job | None = ss.get("rebuild")
    if job is not None and job.running:
        job.join(REBUILD_WAIT_S)
    harvest_rebuild(ss)
