"""The Write review: every section as it will read, with Approve, Edit and Regenerate.

The view runs inside the review-area fragment: a click here reruns the downloads and this
view, not the sidebar.
"""

from __future__ import annotations

import streamlit as st

from autodoc.document import DocumentState, Section
from autodoc.render.text import citation_numbers
from autodoc.ui import actions, runs
from autodoc.ui.blocks import block, references, section_sources, sources_expander
from autodoc.ui.citations import reader_text, stored_text, unknown_references
from autodoc.ui.common import badge, mode, no_doc, set_mode
from autodoc.ui.feedback import feedback_form
from autodoc.ui.plan_words import block_name
from autodoc.ui.view import escape_md

WRITTEN = ("written", "flagged", "approved", "edited", "failed")


def numbers_of(doc: DocumentState) -> dict[str, int]:
    """Reference numbers of the document, computed once per document revision."""
    ss = st.session_state
    memo = ss.get("_numbers")
    key = (id(doc), ss.get("doc_rev", 0))
    if memo is None or memo[0] != key:
        memo = (key, citation_numbers(doc))
        ss["_numbers"] = memo
    return memo[1]


def write_view() -> None:
    if no_doc():
        return
    doc: DocumentState = st.session_state["doc"]
    counts = actions.section_counts(doc)
    st.caption("Sections: " + " · ".join(f"{badge(k)} {v}" for k, v in sorted(counts.items())))
    for note in doc.notes:
        st.caption(escape_md(note))
    st.markdown(f"## {escape_md(doc.title)}" + (f"\n{escape_md(doc.authors)}" if doc.authors else ""))
    numbers, busy = numbers_of(doc), runs.job_running(st.session_state)
    for sec in doc.sections:
        write_section(doc, sec, numbers, busy)
    references(doc, numbers)


def write_section(
    doc: DocumentState, sec: Section, numbers: dict[str, int], busy: bool, readonly: bool = False
) -> None:
    level = "###" if sec.level == 1 else "####"
    st.markdown(f"{level} {sec.number} {escape_md(sec.heading)} {badge(sec.status)}")
    if sec.is_container:
        return
    if sec.error:
        st.error(sec.error)
    current = None if readonly else mode(sec.id)
    if current == "edit":
        _edit_form(doc, sec, numbers)
        return
    for blk in sec.blocks:
        block(blk, numbers)
    if readonly:
        return
    sources_expander(doc, sec, numbers)
    if current == "regen":
        feedback_form(sec, replan=False)
        return
    row = st.container(horizontal=True)
    row.button(
        "Approve",
        key=f"ap_{sec.id}",
        disabled=busy or sec.status == "approved",
        on_click=_approve,
        args=(sec.id,),
    )
    row.button("Edit", key=f"ed_{sec.id}", disabled=busy, on_click=set_mode, args=(sec.id, "edit"))
    row.button("Regenerate…", key=f"rg_{sec.id}", disabled=busy, on_click=set_mode, args=(sec.id, "regen"))


def _edit_form(doc: DocumentState, sec: Section, numbers: dict[str, int]) -> None:
    ss = st.session_state
    for i, blk in enumerate(sec.blocks):
        text = actions.editable_text(blk)
        if blk.content is None or text is None:
            block(blk, numbers)
            continue
        st.text_area(
            f"Text of {block_name(blk, i)} ({sec.heading})",
            value=reader_text(text, numbers),
            key=f"edit_{blk.id}",
            height=200,
            help="[3] cites reference 3 (listed below). A figure you add needs the reference it comes from.",
        )
    sources = section_sources(doc, sec, numbers)
    if sources:
        st.caption("References you can cite: " + " · ".join(sources))
    if ss.get(f"edit_error_{sec.id}"):
        st.error(ss[f"edit_error_{sec.id}"])
    row = st.container(horizontal=True)
    row.button("Save edits", key=f"edit_save_{sec.id}", type="primary", on_click=_save_edits, args=(sec.id,))
    row.button("Cancel", key=f"edit_cancel_{sec.id}", on_click=set_mode, args=(sec.id, None))


def _approve(section_id: str) -> None:
    actions.approve_section(st.session_state["doc"], section_id)
    runs.changed(st.session_state)
    runs.request_rebuild(st.session_state)


def _save_edits(section_id: str) -> None:
    ss = st.session_state
    doc: DocumentState = ss["doc"]
    numbers = numbers_of(doc)
    edits = {}
    for blk in doc.section(section_id).blocks:
        key, original = f"edit_{blk.id}", actions.editable_text(blk)
        if original is None or key not in ss or ss[key] == reader_text(original, numbers):
            continue
        unknown = unknown_references(ss[key], numbers)
        if unknown:
            ss[f"edit_error_{section_id}"] = (
                f"{', '.join(unknown)} is not a reference of this document: cite one of the references "
                "listed above, or remove it."
            )
            return
        edits[blk.id] = stored_text(ss[key], numbers, original)
    for block_id, text in edits.items():
        actions.edit_block(doc, section_id, block_id, text, ss.get("evidence"))
    ss[f"edit_error_{section_id}"] = None
    set_mode(section_id, None)
    if edits:
        runs.changed(ss)
        runs.request_rebuild(st.session_state)
