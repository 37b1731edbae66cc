"""The action bar, the one-time notices and the live progress of the session's job."""

from __future__ import annotations

import streamlit as st

from autodoc.document import DocumentState
from autodoc.errors import AutodocError
from autodoc.pipeline.cache import load_state
from autodoc.progress import PHASES, PhaseState, Snapshot
from autodoc.render.text import citation_numbers
from autodoc.spec import Spec
from autodoc.ui import runs
from autodoc.ui.common import badge, settings_or_error
from autodoc.ui.jobs import Job, outcome
from autodoc.ui.state import State
from autodoc.ui.view import escape_md
from autodoc.ui.write_view import WRITTEN, write_section

POLL_SECONDS = 0.5
LOG_LINES = 300


def action_bar(spec: Spec | None, blocked: str | None = None) -> None:
    """One-click generation, or the step-by-step path with a review after each step.

    `blocked` names a setting that must be fixed first (shown next to its field).
    """
    ss = st.session_state
    busy = runs.job_running(ss)
    doc: DocumentState | None = ss.get("doc")
    row = st.container(horizontal=True, vertical_alignment="center")
    no_spec = spec is None or blocked is not None
    go = row.button(
        "Generate documentation",
        type="primary",
        disabled=busy or no_spec,
        key="act_generate",
        help="Scan, plan, write and build without stopping.",
    )
    scan = row.button("1 · Scan", disabled=busy or blocked is not None, key="act_scan")
    plan = row.button("2 · Plan", disabled=busy or no_spec, key="act_plan")
    write = row.button("3 · Write", disabled=busy or doc is None, key="act_write")
    build = row.button("4 · Build", disabled=busy or doc is None, key="act_build")
    if not busy and (spec is None or blocked):
        st.caption(
            f"Fix {blocked} in the sidebar to generate."
            if blocked
            else "Fix the spec in the sidebar to generate."
        )
    if not (go or scan or plan or write or build):
        return
    settings = settings_or_error(writes=not scan)  # a scan writes nothing into the output folder
    if settings is None:
        return
    if go:
        runs.start_generate(ss, spec, settings)
    elif scan:
        runs.start_scan(ss, settings)
    elif plan:
        runs.start_plan(ss, spec, settings)
    elif write:
        runs.start_write(ss, settings)
    else:
        runs.start_build(ss, settings)


def notices() -> None:
    ss = st.session_state
    for level, message in ss.get("notices", []):
        getattr(st, level)(message)
    ss["notices"] = []


def progress_panel() -> None:
    """Live progress of the session's job, polled only while it runs."""
    job: Job | None = st.session_state.get("job")
    if job is None:
        return

    @st.fragment(run_every=POLL_SECONDS if job.running else None)
    def live() -> None:
        current: Job | None = st.session_state.get("job")
        if current is None:
            return
        draw_progress(current, current.progress.snapshot())
        if current.running:
            live_sections(current)
        if current.done and not current.harvested:
            st.rerun()  # a full run applies the result and stops the polling

    live()


def job_state(job: Job, snap: Snapshot) -> str:
    """running | stopping… | stopped | failed | finished: what the job really did."""
    if job.running:
        return "stopping…" if snap.cancelled else "running"
    if job.cancelled:
        return "stopped"
    return "failed" if job.error else "finished"


def last_phase(snap: Snapshot) -> str:
    """The phase a job was in when it ended: the last one that started (scanning if none did)."""
    started = [p for p in PHASES if (ph := snap.phases.get(p)) is not None and ph.started is not None]
    return started[-1] if started else PHASES[0]


def _phase_label(phase: str, ph: PhaseState | None, ended: str | None) -> str:
    """`ended` is "failed" or "stopped" for the phase the job was in when it ended."""
    name = phase.capitalize()
    if ended:
        return f":{'red' if ended == 'failed' else 'orange'}[{name} {ended}]"
    if ph is None or ph.started is None:
        return f":gray[{name}]"
    if ph.total:
        return f"{name} {ph.done}/{ph.total}"
    return name + (" ✓" if ph.finished else "")


def draw_progress(job: Job, snap: Snapshot) -> None:
    status = job_state(job, snap)
    with st.container(border=True):
        head = st.columns([3, 1])
        head[0].markdown(f"**{escape_md(job.label)}** {badge(status)}")
        if job.done:
            level, message = outcome(job)
            getattr(st, level)(message)
        if job.running:
            stop_button(head[1], job, snap)
        cols = st.columns(len(PHASES))
        for col, phase in zip(cols, PHASES, strict=True):
            ph = snap.phases.get(phase)
            total = ph.total if ph else 0
            finished = ph is not None and ph.finished is not None
            value = min(1.0, ph.done / total) if ph and total else (1.0 if finished else 0.0)
            ended = status if status in ("failed", "stopped") and phase == last_phase(snap) else None
            col.progress(value, text=_phase_label(phase, ph, ended))
            if ph and ph.current and job.running:
                col.caption(escape_md(ph.current))
        offline = " (offline writer)" if job.provider in (None, "offline") else ""
        calls = f"no LLM calls{offline}" if snap.calls == 0 else f"LLM calls {snap.calls}"
        st.caption(
            f"Elapsed {job.seconds:.1f} s · tokens in {snap.input_tokens:,} · out {snap.output_tokens:,} · "
            f"{calls} · retries {snap.retries} · errors {snap.errors + (1 if status == 'failed' else 0)}"
        )
    logs_panel(job, snap)


def stop_button(where, job: Job, snap: Snapshot) -> None:
    """Stop (running LLM calls may finish within the grace period), then Stop now."""
    if not snap.cancelled:
        where.button(
            "Stop",
            key="act_stop",
            on_click=job.stop,
            help=f"No new LLM call starts; running ones may finish within {job.grace:g} s and their "
            "answers are kept. Finished blocks are kept, no partial files are written.",
        )
        return
    waiting = not job.progress.stop_expired
    where.button(
        "Stop now",
        key="act_stop_now",
        on_click=job.stop,
        kwargs={"now": True},
        disabled=not waiting,
        help="Stop waiting for the LLM calls still running (their answers are lost).",
    )
    if waiting:
        st.caption(
            f"Stopping: no new LLM calls; running ones may finish within {job.grace:g} s "
            "and their answers are kept."
        )


def live_sections(job: Job) -> None:
    """Sections as the running job saves them: statuses, and each finished one as it reads."""
    doc = live_document(st.session_state, job)
    if doc is None:
        return
    st.markdown(
        "Sections: "
        + " · ".join(f"{s.number} {escape_md(s.heading)} {badge(s.status)}" for s in doc.sections)
    )
    written = [s for s in doc.sections if not s.is_container and s.status in WRITTEN]
    if written:
        with st.expander(f"Written so far ({len(written)})"):
            numbers = citation_numbers(doc)
            for sec in written:
                write_section(doc, sec, numbers, busy=True, readonly=True)


def logs_panel(job: Job, snap: Snapshot) -> None:
    verbose = bool(st.session_state.get("kept", {}).get("opt_verbose"))
    events = [e for e in snap.events if verbose or e.level != "detail"][-LOG_LINES:]
    lines = []
    for e in events:
        where = f" [{e.section}{'/' + e.block if e.block else ''}]" if e.section else ""
        lines.append(f"{max(0.0, e.at - job.started):7.2f}s {e.level:<7} {e.phase:<10}{where} {e.message}")
    with st.expander(f"Logs ({len(events)} events)", expanded=job.running):
        st.code("\n".join(lines) or "no events yet", language=None)


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
