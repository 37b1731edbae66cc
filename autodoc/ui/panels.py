"""The main area: actions, live progress and logs, and the four review views."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from autodoc.document import CITATION_RE, Block, DocumentState, Section
from autodoc.errors import AutodocError
from autodoc.evidence import EvidenceStore
from autodoc.progress import PHASES, Snapshot
from autodoc.render.text import block_citations, citation_numbers, cite_label, reference_text
from autodoc.spec import Spec
from autodoc.ui import actions, session
from autodoc.ui.jobs import Job
from autodoc.ui.view import chart_image, escape_md, image_bytes, memo, narrative_markdown, table_frame

CITE_RE = re.compile(CITATION_RE)
POLL_SECONDS = 0.5
LOG_LINES = 300
STATUS_COLORS = {
    "pending": "gray",
    "planning": "blue",
    "planned": "blue",
    "writing": "blue",
    "written": "green",
    "approved": "green",
    "edited": "violet",
    "failed": "red",
    "flagged": "orange",
    "running": "blue",
}


def badge(status: str) -> str:
    return f":{STATUS_COLORS.get(status, 'gray')}-badge[{status}]"


# ----------------------------------------------------------------------------- actions
def _settings_or_error():
    try:
        return session.make_settings(st.session_state)
    except AutodocError as err:
        st.error(str(err))
        return None


def action_bar(spec: Spec | None) -> None:
    """One-click generation, or the step-by-step path with a review after each step."""
    ss = st.session_state
    busy = session.job_running(ss)
    doc: DocumentState | None = ss.get("doc")
    row = st.container(horizontal=True, vertical_alignment="center")
    cols = [row] * 5
    go = cols[0].button(
        "Generate documentation",
        type="primary",
        disabled=busy or spec is None,
        key="act_generate",
        help="Scan, plan, write and build without stopping.",
    )
    scan = cols[1].button("1 · Scan", disabled=busy, key="act_scan")
    plan = cols[2].button("2 · Plan", disabled=busy or spec is None, key="act_plan")
    write = cols[3].button("3 · Write", disabled=busy or doc is None, key="act_write")
    build = cols[4].button("4 · Build", disabled=busy or doc is None, key="act_build")
    if spec is None and not busy:
        st.caption("Fix the spec in the sidebar to generate.")
    if not (go or scan or plan or write or build):
        return
    settings = _settings_or_error()
    if settings is None:
        return
    if go:
        session.start_generate(ss, spec, settings)
    elif scan:
        session.start_scan(ss, settings)
    elif plan:
        session.start_plan(ss, spec, settings)
    elif write:
        session.start_write(ss, settings)
    else:
        session.start_build(ss, settings)


def notices() -> None:
    ss = st.session_state
    for level, message in ss.get("notices", []):
        getattr(st, level)(message)
    ss["notices"] = []


# ---------------------------------------------------------------------------- progress
def progress_panel() -> None:
    """Live progress of the session's job, polled only while it runs."""
    ss = st.session_state
    job: Job | None = ss.get("job")
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


def draw_progress(job: Job, snap: Snapshot) -> None:
    with st.container(border=True):
        head = st.columns([3, 1])
        state = "stopping…" if snap.cancelled and job.running else ("running" if job.running else "done")
        head[0].markdown(f"**{job.label}** · {state}")
        if job.done:
            level, message = session.outcome(job)
            getattr(st, level)(message)
        if job.running:
            head[1].button(
                "Stop",
                key="act_stop",
                on_click=job.stop,
                disabled=snap.cancelled,
                help="Stop the job: finished blocks are kept, no partial files are written.",
            )
        cols = st.columns(len(PHASES))
        for col, phase in zip(cols, PHASES, strict=True):
            ph = snap.phases.get(phase)
            done, total = (ph.done, ph.total) if ph else (0, 0)
            started = ph is not None and ph.started is not None
            label = phase.capitalize() + (
                f" {done}/{total}" if total else (" ✓" if ph and ph.finished else "")
            )
            col.progress(
                min(1.0, done / total) if total else (1.0 if ph and ph.finished else 0.0),
                text=label if started else f":gray[{phase.capitalize()}]",
            )
            if ph and ph.current:
                col.caption(escape_md(ph.current))
        st.caption(
            f"Elapsed {snap.elapsed:.1f} s · tokens in {snap.input_tokens:,} · "
            f"out {snap.output_tokens:,} · LLM calls {snap.calls} · retries {snap.retries} · "
            f"errors {snap.errors}"
        )
    logs_panel(job, snap)


def live_sections(job: Job) -> None:
    """Sections as the running job saves them: statuses, and each finished one as it reads."""
    doc = session.live_document(st.session_state, job)
    if doc is None:
        return
    st.markdown(
        "Sections: "
        + " · ".join(f"{s.number} {escape_md(s.heading)} {badge(s.status)}" for s in doc.sections)
    )
    written = [
        s
        for s in doc.sections
        if not s.is_container and s.status in ("written", "flagged", "approved", "edited", "failed")
    ]
    if written:
        with st.expander(f"Written so far ({len(written)})"):
            numbers = citation_numbers(doc)
            for sec in written:
                _write_section(doc, sec, numbers, busy=True, readonly=True)


def logs_panel(job: Job, snap: Snapshot) -> None:
    verbose = bool(st.session_state.get("opt_verbose"))
    events = [e for e in snap.events if verbose or e.level != "detail"][-LOG_LINES:]
    lines = []
    for e in events:
        where = f" [{e.section}{'/' + e.block if e.block else ''}]" if e.section else ""
        lines.append(f"{max(0.0, e.at - job.started):7.2f}s {e.level:<7} {e.phase:<10}{where} {e.message}")
    with st.expander(f"Logs ({len(events)} events)", expanded=job.running):
        st.code("\n".join(lines) or "no events yet", language=None)


# ------------------------------------------------------------------------- downloads
OUTPUT_LABELS = (
    ("docx", "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("notebook", "Notebook", "application/x-ipynb+json"),
    ("cache", "Cache", "application/json"),
    ("evidence", "Evidence", "application/json"),
    ("report", "Run report", "application/json"),
)


def downloads() -> None:
    """Download buttons for the files the last build wrote (read when clicked)."""
    outputs = st.session_state.get("outputs")
    if outputs is None:
        return
    present = [(k, lab, mime, getattr(outputs, k)) for k, lab, mime in OUTPUT_LABELS if getattr(outputs, k)]
    present = [(k, lab, mime, Path(p)) for k, lab, mime, p in present if Path(p).is_file()]
    if not present:
        return
    cols = st.columns(len(present))
    for col, (key, label, mime, path) in zip(cols, present, strict=True):
        col.download_button(
            f"⬇ {label}",
            data=lambda p=path: p.read_bytes(),
            file_name=path.name,
            mime=mime,
            key=f"dl_{key}",
            on_click="ignore",
            width="stretch",
        )


# ------------------------------------------------------------------------------ views
def view_selector() -> str:
    ss = st.session_state
    ss.setdefault("view", "Write review" if ss.get("doc") is not None else "Scan overview")
    return st.radio("View", session.VIEWS, key="view", horizontal=True, label_visibility="collapsed")


def scan_view() -> None:
    evidence: EvidenceStore | None = st.session_state.get("evidence")
    if evidence is None:
        st.info(
            "No scan yet. Press **1 · Scan** (or **Generate documentation**) to read the code and MLflow."
        )
        return
    code = evidence.code
    items = evidence.items
    c = st.columns(5)
    c[0].metric("Files scanned", len(code.files) if code else 0)
    c[1].metric("Files skipped", len(code.skipped) if code else 0)
    c[2].metric("Evidence items", len(items))
    c[3].metric("Registered models", len(evidence.mlflow.registered_models) if evidence.mlflow else 0)
    c[4].metric("Redactions", sum(r.count for r in evidence.redactions))
    if evidence.mlflow_note:
        st.info(evidence.mlflow_note)
    if code:
        st.subheader("Code")
        if code.commit:
            st.caption(f"{code.root} @ {code.commit[:12]}" + (" (uncommitted changes)" if code.dirty else ""))
        st.dataframe(
            pd.DataFrame(
                [
                    {"file": f.path, "kind": f.kind, "role": f.role, "facts": f.facts, "size": f.size}
                    for f in code.files
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        if code.skipped:
            st.markdown("**Skipped files**")
            st.dataframe(
                pd.DataFrame([{"file": s.path, "reason": s.reason} for s in code.skipped]),
                hide_index=True,
                width="stretch",
            )
        for warning in code.warnings:
            st.warning(warning)
    if evidence.mlflow:
        _mlflow_overview(evidence)
    if evidence.redactions:
        st.subheader("Redactions")
        st.caption("Secrets found in the code or MLflow were removed before anything was handed on.")
        st.dataframe(
            pd.DataFrame([{"kind": r.kind, "where": r.place, "count": r.count} for r in evidence.redactions]),
            hide_index=True,
            width="stretch",
        )


def _mlflow_overview(evidence: EvidenceStore) -> None:
    snap = evidence.mlflow
    st.subheader("MLflow")
    st.caption(snap.tracking_uri)
    models = [
        {
            "model": m.name,
            "version": v.version,
            "aliases": ", ".join(v.aliases or [a for a, ver in m.aliases.items() if ver == v.version]),
            "status": v.status or "",
            "run": v.run_id or "",
            "created": v.created_at or "",
        }
        for m in snap.registered_models
        for v in m.versions
    ]
    if models:
        st.markdown("**Registered models**")
        st.dataframe(pd.DataFrame(models), hide_index=True, width="stretch")
    runs = [
        {
            "experiment": x.name,
            "run": r.run_name or r.run_id[:8],
            "status": r.status,
            "metrics": len(r.metrics),
            "params": len(r.params),
            "started": r.start_time or "",
        }
        for x in snap.experiments
        for r in x.runs
    ]
    if runs:
        st.markdown("**Experiments and runs**")
        st.dataframe(pd.DataFrame(runs), hide_index=True, width="stretch")
    for warning in snap.warnings:
        st.warning(warning)


def _no_doc() -> bool:
    if st.session_state.get("doc") is None:
        st.info(
            "No document yet. Press **Generate documentation**, or **2 · Plan** to review the plan "
            "first. An output directory with a cache is opened automatically."
        )
        return True
    return False


def _mode(section_id: str) -> str | None:
    return st.session_state["mode"].get(section_id)


def _set_mode(section_id: str, mode: str | None) -> None:
    st.session_state["mode"][section_id] = mode


def _plan_summary(block: Block) -> tuple[str, str]:
    plan = block.plan
    if plan.type in ("narrative", "list"):
        return plan.title or plan.type.capitalize(), plan.guidance
    if plan.type == "table":
        src = plan.source
        return plan.title, f"table from {src.kind}" + "".join(
            f", {k} {v}"
            for k, v in (("model", src.model), ("metric", src.metric), ("experiment", src.experiment))
            if v
        )
    if plan.type == "chart":
        s = plan.series
        return plan.title, f"{plan.chart_type} chart of {s.kind}" + "".join(
            f", {k} {v}" for k, v in (("model", s.model), ("metric", s.metric)) if v
        )
    return plan.title, f"image {plan.artifact_id}"


def _plan_evidence(block: Block) -> list[str]:
    plan = block.plan
    if plan.type in ("narrative", "list"):
        return plan.evidence_ids
    if plan.type == "table":
        return plan.source.evidence_ids
    if plan.type == "chart":
        return plan.series.evidence_ids
    return [plan.artifact_id]


def plan_view() -> None:
    if _no_doc():
        return
    doc: DocumentState = st.session_state["doc"]
    busy = session.job_running(st.session_state)
    approved = sum(1 for s in doc.sections if s.plan_approved or s.is_container)
    st.caption(
        f"{approved} of {len(doc.sections)} section plans approved. Review each plan, then "
        "press **3 · Write** to write the planned blocks."
    )
    for sec in doc.sections:
        _plan_section(doc, sec, busy)


def _plan_section(doc: DocumentState, sec: Section, busy: bool) -> None:
    st.markdown(
        f"{'###' if sec.level == 1 else '####'} {sec.number} {escape_md(sec.heading)} "
        f"{badge(sec.status)}" + (" :green-badge[plan approved]" if sec.plan_approved else "")
    )
    if sec.is_container:
        st.caption("One subsection per registered model follows.")
        return
    if sec.error:
        st.error(sec.error)
    for block in sec.blocks:
        title, detail = _plan_summary(block)
        ids = _plan_evidence(block)
        cols = st.columns([0.8, 4.4, 2])
        cols[0].markdown(f"`{block.plan.type}`")
        cols[1].markdown(f"**{escape_md(title)}** · {escape_md(detail)}")
        if ids:
            cols[1].caption(
                "evidence: "
                + ", ".join(escape_md(i) for i in ids[:8])
                + (f" … (+{len(ids) - 8})" if len(ids) > 8 else "")
            )
        with cols[2]:
            row = st.container(horizontal=True)
            b = [row, row]
            if block.plan.type in ("narrative", "list"):
                b[0].button(
                    "Guidance",
                    icon=":material/edit:",
                    key=f"pg_{block.id}",
                    disabled=busy,
                    help="Edit guidance",
                    on_click=_set_mode,
                    args=(sec.id, f"guide:{block.id}"),
                )
            last = len(sec.blocks) == 1  # an empty section would simply be planned again
            b[1].button(
                "Remove",
                icon=":material/delete:",
                key=f"rm_{block.id}",
                disabled=busy or last,
                help="Re-plan instead: a section keeps at least one block" if last else "Remove this block",
                on_click=_remove_block,
                args=(sec.id, block.id),
            )
        if _mode(sec.id) == f"guide:{block.id}":
            st.text_area("Guidance", value=block.plan.guidance, key=f"guide_{block.id}")
            st.button(
                "Save guidance",
                key=f"guide_save_{block.id}",
                on_click=_save_guidance,
                args=(sec.id, block.id),
            )
    row = st.container(horizontal=True)
    cols = [row] * 2
    cols[0].button(
        "Approve plan",
        key=f"pa_{sec.id}",
        disabled=busy or sec.plan_approved,
        on_click=_approve_plan,
        args=(sec.id,),
    )
    cols[1].button(
        "Re-plan with feedback…",
        key=f"prf_{sec.id}",
        disabled=busy,
        on_click=_set_mode,
        args=(sec.id, "replan"),
    )
    if _mode(sec.id) == "replan":
        _feedback_form(sec, replan=True)


def _approve_plan(section_id: str) -> None:
    actions.approve_plan(st.session_state["doc"], section_id)
    session.persist(st.session_state)


def _remove_block(section_id: str, block_id: str) -> None:
    actions.remove_block(st.session_state["doc"], section_id, block_id)
    session.persist(st.session_state)


def _save_guidance(section_id: str, block_id: str) -> None:
    ss = st.session_state
    actions.set_guidance(ss["doc"], section_id, block_id, ss.get(f"guide_{block_id}", ""))
    session.persist(ss)
    _set_mode(section_id, None)


def _feedback_form(sec: Section, *, replan: bool) -> None:
    key = f"fb_{sec.id}"
    target = None
    if not replan and len(sec.blocks) > 1:  # one block alone, or the whole section
        choices = {"": "The whole section"} | {b.id: _block_label(b) for b in sec.blocks}
        target = st.selectbox(
            "Regenerate", list(choices), format_func=choices.__getitem__, key=f"fb_block_{sec.id}"
        )
    st.text_area("What should change?" if not replan else "What should the plan do differently?", key=key)
    row = st.container(horizontal=True)
    cols = [row] * 2
    label = "Re-plan" if replan else "Regenerate"
    go = cols[0].button(
        label, key=f"fb_go_{sec.id}", type="primary", disabled=session.job_running(st.session_state)
    )
    cols[1].button("Cancel", key=f"fb_cancel_{sec.id}", on_click=_set_mode, args=(sec.id, None))
    if go:
        settings = _settings_or_error()
        if settings is not None:
            session.start_regenerate(
                st.session_state,
                settings,
                sec.id,
                feedback=st.session_state.get(key),
                replan=replan,
                block_id=target or None,
            )
            _set_mode(sec.id, None)
            st.rerun()


def _block_label(block: Block) -> str:
    title = getattr(block.plan, "title", None) or getattr(block.plan, "guidance", "")[:40]
    return f"{block.plan.type}: {title}" if title else block.plan.type


def write_view() -> None:
    if _no_doc():
        return
    ss = st.session_state
    doc: DocumentState = ss["doc"]
    busy = session.job_running(ss)
    numbers = citation_numbers(doc)
    counts = actions.section_counts(doc)
    st.caption("Sections: " + " · ".join(f"{badge(k)} {v}" for k, v in sorted(counts.items())))
    for note in doc.notes:
        st.caption(escape_md(note))
    st.markdown(f"## {escape_md(doc.title)}" + (f"\n{escape_md(doc.authors)}" if doc.authors else ""))
    for sec in doc.sections:
        _write_section(doc, sec, numbers, busy)
    _references(doc, numbers)


def _write_section(
    doc: DocumentState, sec: Section, numbers: dict[str, int], busy: bool, readonly: bool = False
) -> None:
    level = "###" if sec.level == 1 else "####"
    st.markdown(f"{level} {sec.number} {escape_md(sec.heading)} {badge(sec.status)}")
    if sec.is_container:
        return
    if sec.error:
        st.error(sec.error)
    mode = None if readonly else _mode(sec.id)
    for block in sec.blocks:
        if mode == "edit" and block.content is not None and actions.editable_text(block) is not None:
            st.text_area(
                f"Text of {block.plan.title or block.id}",
                value=actions.editable_text(block),
                key=f"edit_{block.id}",
                height=200,
            )
        else:
            _block(block, numbers)
    if mode == "edit":
        row = st.container(horizontal=True)
        cols = [row] * 2
        cols[0].button(
            "Save edits", key=f"edit_save_{sec.id}", type="primary", on_click=_save_edits, args=(sec.id,)
        )
        cols[1].button("Cancel", key=f"edit_cancel_{sec.id}", on_click=_set_mode, args=(sec.id, None))
        return
    if mode == "regen":
        _feedback_form(sec, replan=False)
        return
    if readonly:
        return
    row = st.container(horizontal=True)
    cols = [row] * 3
    cols[0].button(
        "Approve",
        key=f"ap_{sec.id}",
        disabled=busy or sec.status == "approved",
        on_click=_approve,
        args=(sec.id,),
    )
    cols[1].button("Edit", key=f"ed_{sec.id}", disabled=busy, on_click=_set_mode, args=(sec.id, "edit"))
    cols[2].button(
        "Regenerate…", key=f"rg_{sec.id}", disabled=busy, on_click=_set_mode, args=(sec.id, "regen")
    )


def _block(block: Block, numbers: dict[str, int]) -> None:
    content = block.content
    if block.status == "failed" or content is None:
        if block.error:
            st.error(f"{block.plan.type} block {block.id} failed: {block.error}")
        else:
            st.caption(f"{block.plan.type} block not written yet ({block.status}).")
        return
    if block.plan.type in ("narrative", "list") and block.plan.title:
        st.markdown(f"**{escape_md(block.plan.title)}**")
    if content.type == "narrative":
        st.markdown(_cited_md(content, content.text, numbers, block))
    elif content.type == "list":
        text = "\n".join(f"- {item.text}" for item in content.items)
        st.markdown(_cited_md(content, text, numbers, block))
    elif content.type == "table":
        _caption(content.caption, block, numbers)
        frame = memo(st.session_state["png_cache"], content, None, lambda: table_frame(content))
        st.dataframe(frame, hide_index=True, width="stretch")
    elif content.type == "chart":
        _caption(content.caption, block, numbers)
        st.image(chart_image(content, st.session_state["png_cache"]))
    else:
        _caption(content.caption, block, numbers)
        data = image_bytes(content, st.session_state["png_cache"])
        if data:
            st.image(data)
    note = getattr(content, "note", None)
    if note:
        st.caption(escape_md(note))
    if block.flags:
        st.warning(
            "Figures that match no evidence: "
            + "; ".join(f"**{escape_md(f.figure)}** ({escape_md(f.reason)})" for f in block.flags)
        )


def _cited_md(content: object, text: str, numbers: dict[str, int], block: Block) -> str:
    """Markdown of a narrative/list, recomputed only when its text, numbering or flags change."""
    cited = tuple(numbers.get(eid) for eid in CITE_RE.findall(text))
    flags = tuple(f.figure for f in block.flags)
    return memo(
        st.session_state["png_cache"],
        content,
        (cited, flags),
        lambda: narrative_markdown(text, numbers, block.flags),
    )


def _caption(caption: str, block: Block, numbers: dict[str, int]) -> None:
    label = cite_label(block_citations(block), numbers)
    st.markdown(f"*{escape_md(caption)}*" + (f" :gray[{escape_md(label)}]" if label else ""))


def _references(doc: DocumentState, numbers: dict[str, int]) -> None:
    if not numbers:
        return
    with st.expander(f"References ({len(numbers)})"):
        lines = []
        for eid, n in numbers.items():
            item = doc.evidence_items.get(eid)
            lines.append(f"{n}. {escape_md(reference_text(item) if item else eid)}")
        st.markdown("\n".join(lines))


def _approve(section_id: str) -> None:
    actions.approve_section(st.session_state["doc"], section_id)
    session.persist(st.session_state)


def _save_edits(section_id: str) -> None:
    ss = st.session_state
    doc: DocumentState = ss["doc"]
    for block in doc.section(section_id).blocks:
        key = f"edit_{block.id}"
        if key in ss and ss[key] != actions.editable_text(block):
            actions.edit_block(doc, section_id, block.id, ss[key], ss.get("evidence"))
    session.persist(ss)
    _set_mode(section_id, None)


def build_view() -> None:
    if _no_doc():
        return
    ss = st.session_state
    doc: DocumentState = ss["doc"]
    outputs = ss.get("outputs")
    failed, flagged = doc.failed(), doc.flagged()
    if failed:
        st.warning(f"{len(failed)} block(s) failed; the document marks them where they stand.")
    if flagged:
        st.warning(
            f"{len(flagged)} block(s) hold figures that match no evidence (highlighted in the Write review)."
        )
    if outputs is None:
        st.info(
            "Press **4 · Build** to write the Word document (and the notebook if enabled) from "
            "the reviewed sections."
        )
        return
    rows = [
        {"file": label, "path": str(getattr(outputs, key))}
        for key, label, _ in OUTPUT_LABELS
        if getattr(outputs, key)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    usage = doc.usage
    offline = doc.provenance is not None and doc.provenance.provider == "offline"
    st.caption(
        (
            "offline writer: no LLM calls"
            if offline
            else f"LLM calls {usage.calls} · tokens in {usage.input_tokens:,} · out {usage.output_tokens:,}"
        )
        + "".join(f" · {k} {v:.1f} s" for k, v in doc.phase_seconds.items())
    )


def render_view(name: str) -> None:
    started = time.perf_counter()
    {"Scan overview": scan_view, "Plan review": plan_view, "Write review": write_view, "Build": build_view}[
        name
    ]()
    st.session_state["_view_ms"] = (time.perf_counter() - started) * 1000
