"""The Plan review: each section's planned blocks in words, the evidence behind a toggle."""

from __future__ import annotations

import streamlit as st

from autodoc.document import Block, DocumentState, Section
from autodoc.render.text import reference_text
from autodoc.ui import actions, folds, runs
from autodoc.ui.common import badge, mode, no_doc, set_mode
from autodoc.ui.downloads import DOWNLOADS_KEY
from autodoc.ui.feedback import feedback_form
from autodoc.ui.plan_words import describe, plan_evidence
from autodoc.ui.view import escape_md

SUMMARY_KEY = "pl_summary"
VIEW = "pl"


def plan_used(sec: Section) -> bool:
    """The section was written from its plan (a one-click Generate writes without a review)."""
    return any(b.content is not None for b in sec.blocks)


def plan_to_review(sec: Section) -> bool:
    """A plan nobody approved that no section was written from yet."""
    return not sec.is_container and not sec.plan_approved and not plan_used(sec)


def plan_summary(doc: DocumentState) -> str:
    sections = [s for s in doc.sections if not s.is_container]
    approved = sum(1 for s in sections if s.plan_approved)
    used = sum(1 for s in sections if plan_used(s))
    parts = [f"{approved} of {len(sections)} section plans approved"]
    if used:
        parts.append(f"{used} used to write their section")
    tail = (
        " Review each plan, then press **3 · Write** to write the planned blocks."
        if used < len(sections)
        else " Re-plan a section to change what it shows."
    )
    return ", ".join(parts) + "." + tail


def plan_view() -> None:
    """Each section is a fragment (keyed `pl_<section id>`) in a fold (`autodoc.ui.folds`) drawn
    only while open: a click in it reruns that section."""
    if no_doc():
        return
    st.fragment(_summary, key=SUMMARY_KEY)()
    for sec in st.session_state["doc"].sections:
        st.fragment(_section, key=_key(sec.id))(sec.id)


def _summary() -> None:
    row = st.container(horizontal=True, vertical_alignment="center")
    row.caption(plan_summary(st.session_state["doc"]))
    folds.all_buttons(VIEW, row, plan_to_review)


def _key(section_id: str) -> str:
    return f"pl_{section_id}"


def _section(section_id: str) -> None:
    ss = st.session_state
    doc: DocumentState | None = ss.get("doc")
    if doc is not None and any(s.id == section_id for s in doc.sections):
        _plan_section(doc, doc.section(section_id), runs.job_running(ss))


def _plan_badges(sec: Section) -> str:
    if sec.plan_approved:
        return " :green-badge[plan approved]"
    return " :blue-badge[plan used]" if plan_used(sec) else ""


def _plan_section(doc: DocumentState, sec: Section, busy: bool) -> None:
    title = f"{sec.number} {escape_md(sec.heading)}"
    if sec.is_container:
        st.markdown(f"{'###' if sec.level == 1 else '####'} {title} {badge(actions.shown_status(sec, busy))}")
        st.caption("One subsection per registered model follows.")
        return
    label = f"**{title}** {badge(actions.shown_status(sec, busy))}" + _plan_badges(sec)
    box, opened = folds.fold(VIEW, doc, sec, label, plan_to_review)
    if opened:
        with box:
            _plan_body(doc, sec, busy)


def _plan_body(doc: DocumentState, sec: Section, busy: bool) -> None:
    if sec.error:
        st.error(sec.error)
    for block in sec.blocks:
        _plan_block(doc, sec, block, busy)
    row = st.container(horizontal=True)
    row.button(
        "Approve plan",
        key=f"pa_{sec.id}",
        disabled=busy or sec.plan_approved,
        on_click=_approve_plan,
        args=(sec.id,),
    )
    row.button(
        "Re-plan with feedback…",
        key=f"prf_{sec.id}",
        disabled=busy,
        on_click=set_mode,
        args=(sec.id, "replan"),
    )
    if mode(sec.id) == "replan":
        feedback_form(sec, replan=True)


def _plan_block(doc: DocumentState, sec: Section, block: Block, busy: bool) -> None:
    ids = plan_evidence(block)
    cols = st.columns([5, 2])
    title = getattr(block.plan, "title", None)
    cols[0].markdown((f"**{escape_md(title)}** · " if title else "") + escape_md(describe(block)))
    if ids:
        with cols[0].expander(f"Evidence behind it ({len(ids)})"):
            st.markdown("\n".join(f"- {escape_md(_evidence_line(doc, eid))}" for eid in ids))
    with cols[1]:
        row = st.container(horizontal=True)
        if block.plan.type in ("narrative", "list"):
            row.button(
                "Guidance",
                icon=":material/edit:",
                key=f"pg_{block.id}",
                disabled=busy,
                help="Change what this block should cover",
                on_click=set_mode,
                args=(sec.id, f"guide:{block.id}"),
            )
        last = len(sec.blocks) == 1  # an empty section would simply be planned again
        row.button(
            "Remove",
            icon=":material/delete:",
            key=f"rm_{block.id}",
            disabled=busy or last,
            help="Re-plan instead: a section keeps at least one block" if last else "Remove this block",
            on_click=_remove_block,
            args=(sec.id, block.id),
        )
    if mode(sec.id) == f"guide:{block.id}":
        st.text_area("Guidance", value=block.plan.guidance, key=f"guide_{block.id}")
        st.button(
            "Save guidance", key=f"guide_save_{block.id}", on_click=_save_guidance, args=(sec.id, block.id)
        )


def _evidence_line(doc: DocumentState, eid: str) -> str:
    item = doc.evidence_items.get(eid)
    return reference_text(item) if item is not None else eid


def _approve_plan(section_id: str) -> None:
    doc: DocumentState = st.session_state["doc"]
    actions.approve_plan(doc, section_id)
    runs.persist(st.session_state)
    following = folds.done_and_next(VIEW, doc, section_id, plan_to_review)
    st.rerun([_key(section_id), *([_key(following)] if following else []), SUMMARY_KEY])


def _remove_block(section_id: str, block_id: str) -> None:
    actions.remove_block(st.session_state["doc"], section_id, block_id)
    runs.changed(st.session_state)
    st.rerun([_key(section_id), DOWNLOADS_KEY])


def _save_guidance(section_id: str, block_id: str) -> None:
    ss = st.session_state
    actions.set_guidance(ss["doc"], section_id, block_id, ss.get(f"guide_{block_id}", ""))
    runs.changed(ss)
    set_mode(section_id, None)
    st.rerun([_key(section_id), DOWNLOADS_KEY])
