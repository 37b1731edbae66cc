"""What one browser session holds, and the jobs it starts.

Everything lives in the session's own state mapping (`st.session_state`), passed in as
`ss`, so two browser sessions never share keys, jobs or documents. No module-level
mutable state here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from autodoc import pipeline
from autodoc.document import DocumentState
from autodoc.errors import AutodocError, ConfigError
from autodoc.evidence import EvidenceStore
from autodoc.paths import check_allowed
from autodoc.pipeline.cache import cache_path, load_state, save_state
from autodoc.progress import Progress
from autodoc.settings import KEY_VARS, Settings, load_settings
from autodoc.spec import Spec, list_templates, load_spec, parse_spec, template_text
from autodoc.ui.jobs import Apply, Job, harvest, start_job
from autodoc.ui.spec_form import rows_from_spec

State = MutableMapping[str, Any]

MAX_SPEC_BYTES = 256 * 1024  # an uploaded spec larger than this is refused
PROVIDERS = ("offline", "anthropic", "openai")
VIEWS = ("Scan overview", "Plan review", "Write review", "Build")

# widget key -> Settings field, for the plain (non-path, non-key) options
NUMBER_FIELDS = (
    "generation_workers",
    "planning_workers",
    "max_files",
    "timeout",
    "max_retries",
    "initial_backoff",
    "max_backoff",
    "backoff_jitter",
)
FLAG_FIELDS = ("notebook", "verbose", "latest_only", "project_filtering")
TEXT_FIELDS = ("code_root", "output_dir", "mlflow_uri", "model", "base_url", "notebook_path")


# --------------------------------------------------------------------------- start-up
def base_settings() -> tuple[Settings, str | None]:
    """Defaults from the environment and `.env`, or plain defaults with the reason they failed."""
    try:
        return load_settings(), None
    except ConfigError as err:
        try:
            return load_settings({"provider": "offline"}), str(err)
        except ConfigError as err2:
            return Settings(), str(err2)


def init_session(ss: State) -> None:
    """Seed this session's widgets and state once, from the settings defaults."""
    if ss.get("_ready"):
        return
    defaults, problem = base_settings()
    ss["defaults"] = defaults
    ss["defaults_problem"] = problem
    for name in TEXT_FIELDS:
        ss.setdefault(f"opt_{name}", getattr(defaults, name) or "")
    for name in NUMBER_FIELDS:
        ss.setdefault(f"opt_{name}", getattr(defaults, name))
    for name in FLAG_FIELDS:
        ss.setdefault(f"opt_{name}", bool(getattr(defaults, name)))
    ss.setdefault("opt_provider", defaults.provider if defaults.provider in PROVIDERS else "offline")
    ss.setdefault("opt_api_key", "")
    ss.setdefault("opt_models", ", ".join(defaults.models))
    ss.setdefault("opt_experiments", ", ".join(defaults.experiments))
    ss.setdefault("opt_spec_path", defaults.spec_path or "doc_spec.yaml")
    for key, value in (
        ("doc", None),
        ("evidence", None),
        ("outputs", None),
        ("job", None),
        ("png_cache", {}),
        ("mode", {}),
        ("notices", []),
        ("spec_rev", 0),
        ("restored_from", None),
    ):
        ss.setdefault(key, value)
    if "spec_rows" not in ss:
        spec, source = initial_spec(ss["opt_spec_path"])
        set_spec(ss, spec, source)
    ss["_ready"] = True


def initial_spec(spec_path: str) -> tuple[Spec, str]:
    """The spec to start from: the spec file, else the default template, else a minimal one."""
    try:
        return load_spec(spec_path), spec_path
    except AutodocError:
        pass
    try:
        names = [name for name, _ in list_templates()]
        name = "default" if "default" in names else names[0]
        return parse_spec(template_text(name), f"template {name}"), f"template {name}"
    except (AutodocError, IndexError):
        text = "title: Model Documentation\nsections:\n  - Executive Summary\n  - Model Performance\n"
        return parse_spec(text, "<built-in>"), "a minimal starting spec"


def set_spec(ss: State, spec: Spec, source: str) -> None:
    """Load `spec` into the editor (a new editor key drops the old table's pending edits)."""
    ss["spec_title"] = spec.title
    ss["spec_authors"] = spec.authors or ""
    ss["spec_rows"] = rows_from_spec(spec)
    ss["spec_rows_current"] = list(ss["spec_rows"])
    ss["spec_source"] = source
    ss["spec_rev"] = ss.get("spec_rev", 0) + 1


PERSISTED_PREFIXES = ("opt_",)
PERSISTED_KEYS = ("spec_title", "spec_authors", "spec_template", "spec_move_row", "view")


def keep_widget_state(ss: State) -> None:
    """Keep the main page's settings while another page is shown.

    Streamlit drops the state of widgets a run did not draw; re-assigning the values makes
    them plain session values that survive until the main page draws the widgets again.
    The sections table's pending edits are folded into its rows (under a fresh editor key).
    """
    for key in list(ss.keys()):
        if key.startswith(PERSISTED_PREFIXES) or key in PERSISTED_KEYS:
            ss[key] = ss[key]
    if "spec_rows_current" in ss:
        ss["spec_rows"] = list(ss["spec_rows_current"])
        ss["spec_rev"] = ss.get("spec_rev", 0) + 1


def editor_key(ss: State) -> str:
    return f"spec_sections_{ss.get('spec_rev', 0)}"


def notify(ss: State, level: str, message: str) -> None:
    """Queue a message shown once at the top of the main area."""
    ss.setdefault("notices", []).append((level, message))


# ----------------------------------------------------------------------- spec sources
def spec_from_path(ss: State, path: str) -> Spec:
    defaults: Settings = ss["defaults"]
    checked = check_allowed(path, defaults.allowed_root)
    return load_spec(checked)


def spec_from_upload(name: str, data: bytes) -> Spec:
    """Parse an uploaded spec (size-limited; the parser only uses safe YAML)."""
    from autodoc.errors import SpecError

    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(
            f"the file is {len(data) // 1024} KB; specs are limited to {MAX_SPEC_BYTES // 1024} KB", path=name
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError("the file is not UTF-8 text", path=name) from None
    return parse_spec(text, name)


# --------------------------------------------------------------------------- settings
def api_key_available(ss: State) -> bool:
    provider = ss.get("opt_provider", "offline")
    if provider not in KEY_VARS:
        return False
    if (ss.get("opt_api_key") or "").strip():
        return True
    defaults: Settings = ss["defaults"]
    return bool(getattr(defaults, f"{provider}_api_key", None))


def effective_provider(ss: State) -> str:
    """The provider a run will use: with no key for an LLM provider, the offline writer."""
    provider = ss.get("opt_provider", "offline")
    return provider if provider in KEY_VARS and api_key_available(ss) else "offline"


def overrides(ss: State) -> dict[str, object]:
    """The settings the page's widgets set (field names, as `load_settings` expects)."""
    values: dict[str, object] = {}
    for name in TEXT_FIELDS:
        text = str(ss.get(f"opt_{name}") or "").strip()
        if text:
            values[name] = text
    for name in NUMBER_FIELDS + FLAG_FIELDS:
        values[name] = ss.get(f"opt_{name}")
    values["models"] = ss.get("opt_models") or ""
    values["experiments"] = ss.get("opt_experiments") or ""
    provider = effective_provider(ss)
    values["provider"] = provider
    key = (ss.get("opt_api_key") or "").strip()
    if key and provider in KEY_VARS:
        values["api_key"] = key  # lives in this session's memory only; never written
    if provider == "offline":
        values.pop("model", None)
        values.pop("base_url", None)
    return values


def make_settings(ss: State) -> Settings:
    """Settings for a run; paths must lie under the allowed root (raises AutodocError)."""
    defaults: Settings = ss["defaults"]
    settings = load_settings(overrides(ss))
    root = defaults.allowed_root
    settings.code_root = str(check_allowed(settings.code_root, root))
    settings.output_dir = str(check_allowed(settings.output_dir, root))
    if settings.notebook_path:
        settings.notebook_path = str(check_allowed(settings.notebook_path, root))
    settings.allowed_root = root
    return settings


# ------------------------------------------------------------------------------- jobs
def job_running(ss: State) -> bool:
    job: Job | None = ss.get("job")
    return job is not None and job.running


def harvest_job(ss: State) -> Job | None:
    """Apply a finished job to the session (once); its outcome stays on the progress panel."""
    job: Job | None = ss.get("job")
    if job is None or not harvest(job, ss):
        return None
    if job.kind != "scan" and job.output_dir and (job.error is None or job.cancelled):
        ss["doc_dir"] = job.output_dir  # review edits are saved to this document's cache
    return job


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


def outcome(job: Job) -> tuple[str, str]:
    """(level, message) telling the user how a finished job ended."""
    if job.cancelled:
        detail = f" {job.error}" if job.error else ""
        return "warning", f"{job.label} stopped after {job.seconds:.1f} s. Finished work is kept.{detail}"
    if job.error:
        return "error", job.error
    return "success", f"{job.label} finished in {job.seconds:.1f} s."


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
            ss["view"] = "Write review"
        except AutodocError:
            pass  # nothing was finished before the stop

    return apply


def _apply_result(ss: State, result: Any) -> None:
    if isinstance(result, pipeline.RunResult):
        ss["doc"], ss["evidence"], ss["outputs"] = result.state, result.evidence, result.outputs
    elif isinstance(result, DocumentState):
        ss["doc"] = result
    elif isinstance(result, EvidenceStore):
        ss["evidence"] = result
    elif isinstance(result, pipeline.Outputs):
        ss["outputs"] = result


def _then_view(view: str):
    def apply(ss: State, result: Any) -> None:
        _apply_result(ss, result)
        ss["view"] = view

    return apply


def _known_evidence(ss: State) -> EvidenceStore | None:
    """The session's evidence, else the document's evidence file (read on the script thread)."""
    if ss.get("evidence") is not None:
        return ss["evidence"]
    doc: DocumentState | None = ss.get("doc")
    return _evidence_file(doc) if doc is not None else None


def _or_scan(evidence: EvidenceStore | None, settings: Settings, progress: Progress) -> EvidenceStore:
    return evidence if evidence is not None else pipeline.scan(settings, progress)


def start_generate(ss: State, spec: Spec, settings: Settings) -> Job:
    def work(p: Progress) -> pipeline.RunResult:
        return pipeline.generate(spec, settings, p)

    return _start_saving(ss, "generate", "Generate documentation", work, _then_view("Write review"), settings)


def start_scan(ss: State, settings: Settings) -> Job:
    def work(p: Progress) -> EvidenceStore:
        return pipeline.scan(settings, p)

    return _start(ss, start_job("scan", "Scan", work, apply=_then_view("Scan overview")))


def start_plan(ss: State, spec: Spec, settings: Settings) -> Job:
    evidence = _known_evidence(ss)

    def work(p: Progress) -> tuple[EvidenceStore, DocumentState]:
        ev = _or_scan(evidence, settings, p)
        return ev, pipeline.plan_and_write(spec, ev, settings, p, plan_only=True)

    return _start(ss, start_job("plan", "Planning", work, apply=_pair("Plan review")), settings)


def start_write(ss: State, settings: Settings) -> Job:
    doc = _copy(ss["doc"])
    evidence = _known_evidence(ss)

    def work(p: Progress) -> tuple[EvidenceStore, DocumentState]:
        ev = _or_scan(evidence, settings, p)
        return ev, pipeline.write_planned(doc, ev, settings, p)

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

    label = ("Re-planning " if replan else "Regenerating ") + heading
    return _start(
        ss,
        start_job(
            "replan" if replan else "regenerate",
            label,
            work,
            apply=_pair("Plan review" if replan else "Write review"),
        ),
        settings,
    )


def start_build(ss: State, settings: Settings) -> Job:
    doc = _copy(ss["doc"])
    evidence = _known_evidence(ss)

    def work(p: Progress) -> pipeline.Outputs:
        return pipeline.build(doc, settings, p, evidence=evidence, notebook=settings.notebook)

    return _start(ss, start_job("build", "Build", work, apply=_then_view("Build")), settings)


def _pair(view: str):
    def apply(ss: State, result: tuple[EvidenceStore, DocumentState]) -> None:
        ss["evidence"], ss["doc"] = result
        ss["view"] = view

    return apply


def _start(ss: State, job: Job, settings: Settings | None = None) -> Job:
    job.output_dir = settings.output_dir if settings is not None else None
    ss["job"] = job
    ss.pop("_live", None)
    return job


def _start_saving(
    ss: State, kind: str, label: str, work: Callable[[Progress], Any], apply: Apply, settings: Settings
) -> Job:
    """Start a job that saves the cache as it goes: watched live, restored when stopped."""
    job = start_job(
        kind,
        label,
        work,
        apply=apply,
        on_cancel=_restore_after_stop(settings.output_dir),
        watch=cache_path(settings.output_dir),
    )
    return _start(ss, job, settings)


def live_document(ss: State, job: Job) -> DocumentState | None:
    """What the running job has saved so far (re-read only when the cache file changes)."""
    if job.watch is None:
        return None
    try:
        mtime = job.watch.stat().st_mtime
    except OSError:
        return None
    if mtime < job.started_wall:
        return None  # an older run's cache, not this job's work
    memo = ss.get("_live")
    if memo is None or memo[0] != mtime:
        try:
            memo = (mtime, load_state(job.watch))
        except AutodocError:
            return memo[1] if memo else None  # mid-replace; keep the last good one
        ss["_live"] = memo
    return memo[1]


# ------------------------------------------------------------------------------ cache
def restore_cache(ss: State, output_dir: str) -> DocumentState:
    """Load `<output_dir>/.autodoc_cache.json` into the session for review (raises AutodocError)."""
    defaults: Settings = ss["defaults"]
    folder = check_allowed(output_dir, defaults.allowed_root)
    doc = load_state(cache_path(folder))
    ss["doc"] = doc
    ss["evidence"] = _evidence_file(doc)
    ss["outputs"] = existing_outputs(folder)
    ss["restored_from"] = str(folder)
    ss["doc_dir"] = str(folder)
    ss["view"] = "Write review"
    return doc


def existing_outputs(folder: Path) -> pipeline.Outputs | None:
    """The files an earlier build left in `folder` (default names), for download."""
    names = {
        "docx": pipeline.DOCX_NAME,
        "notebook": pipeline.NOTEBOOK_NAME,
        "evidence": "evidence.json",
        "report": "run_report.json",
    }
    found = {key: folder / name for key, name in names.items() if (folder / name).is_file()}
    if not found:
        return None
    return pipeline.Outputs(cache=cache_path(folder), **found)


def _evidence_file(doc: DocumentState) -> EvidenceStore | None:
    path = Path(doc.evidence_path) if doc.evidence_path else None
    if path is None or not path.is_file():
        return None
    try:
        return EvidenceStore.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, json.JSONDecodeError):
        return None  # regeneration rescans instead
