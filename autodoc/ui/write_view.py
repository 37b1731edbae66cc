"""The Write review: every section as it will read, with Approve, Edit and Regenerate.

Each section is its own fragment (keyed `wr_<section id>`) inside a fold (`autodoc.ui.folds`)
whose content is drawn only while it is open: a click in it reruns that section only; Approve
also folds it and opens the next section left to review, and reruns the counts line and the
download row. A change that renumbers the references reruns the whole review area.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from autodoc.document import DocumentState, Section
from autodoc.pipeline import report
from autodoc.render.text import citation_numbers
from autodoc.ui import actions, folds, runs
from autodoc.ui.blocks import block, reference_sources, references, section_sources, sources_expander
from autodoc.ui.citations import reader_text, stored_text, unknown_references
from autodoc.ui.common import badge, mode, no_doc, set_mode
from autodoc.ui.downloads import DOWNLOADS_KEY
from autodoc.ui.feedback import feedback_form
from autodoc.ui.plan_words import block_name
from autodoc.ui.view import escape_md

T = TypeVar("T")
WRITTEN = ("written", "flagged", "approved", "edited", "failed")
TO_REVIEW = ("written", "flagged", "edited", "failed")
COUNTS_KEY = "wr_counts"
REFERENCES_KEY = "wr_references"
VIEW = "wr"


def to_review(sec: Section) -> bool:
    """Written and not approved yet: the sections Approve moves the reader on to."""
    return sec.status in TO_REVIEW


def section_key(section_id: str) -> str:
    return f"wr_{section_id}"


def numbers_of(doc: DocumentState) -> dict[str, int]:
    """Reference numbers of the document, computed once per document revision."""
    return _per_revision("_numbers", doc, lambda: citation_numbers(doc))


def sources_of(doc: DocumentState) -> dict[int, str]:
    """Reference number -> its source (shown on hover), once per document revision."""
    return _per_revision("_sources", doc, lambda: reference_sources(doc, numbers_of(doc)))


def _per_revision(key: str, doc: DocumentState, make: Callable[[], T]) -> T:
    ss = st.session_state
    memo = ss.get(key)
    rev = ss.get("doc_rev", 0)
    if memo is None or memo[0] is not doc or memo[1] != rev:
        memo = (doc, rev, make())  # the entry keeps `doc` alive: its identity is a safe key
        ss[key] = memo
    return memo[2]


def write_view() -> None:
    if no_doc():
        return
    doc: DocumentState = st.session_state["doc"]
    st.fragment(_counts, key=COUNTS_KEY)()
    for note in doc.notes:
        st.caption(escape_md(note))
    st.markdown(f"## {escape_md(doc.title)}" + (f"\n{escape_md(doc.authors)}" if doc.authors else ""))
    for sec in doc.sections:
        st.fragment(_section, key=section_key(sec.id))(sec.id)
    st.fragment(_references, key=REFERENCES_KEY)()


def _counts() -> None:
    doc: DocumentState = st.session_state["doc"]
    counts = actions.section_counts(doc, runs.job_running(st.session_state))
    row = st.container(horizontal=True, vertical_alignment="center")
    row.caption("Sections: " + " · ".join(f"{badge(k)} {v}" for k, v in sorted(counts.items())))
    folds.all_buttons(VIEW, row, to_review)


def _references() -> None:
    doc: DocumentState | None = st.session_state.get("doc")
    if doc is not None:
        references(doc, numbers_of(doc))


def _section(section_id: str) -> None:
    """One section, drawn from the session's document (a fragment rerun finds the current one)."""
    ss = st.session_state
    doc: DocumentState | None = ss.get("doc")
    if doc is None or all(s.id != section_id for s in doc.sections):
        return
    write_section(doc, doc.section(section_id), numbers_of(doc), runs.job_running(ss))


def write_section(
    doc: DocumentState, sec: Section, numbers: dict[str, int], busy: bool, readonly: bool = False
) -> None:
    title = f"{sec.number} {escape_md(sec.heading)}"
    if readonly or sec.is_container:
        st.markdown(f"{'###' if sec.level == 1 else '####'} {title} {badge(actions.shown_status(sec, busy))}")
        if not sec.is_container:
            _section_body(doc, sec, numbers, busy, readonly)
        return
    label = f"**{title}** {badge(actions.shown_status(sec, busy))}"
    box, opened = folds.fold(VIEW, doc, sec, label, to_review)
    if opened:
        with box:
            _section_body(doc, sec, numbers, busy, readonly)


def _section_body(
    doc: DocumentState, sec: Section, numbers: dict[str, int], busy: bool, readonly: bool
) -> None:
    if sec.error:
        st.error(sec.error)
    current = None if readonly else mode(sec.id)
    if current == "edit":
        _edit_form(doc, sec, numbers)
        return
    sources = sources_of(doc)
    for blk in sec.blocks:
        block(blk, numbers, sources)
    if readonly:
        return
    for note in dict.fromkeys(filter(None, (report.block_feedback_note(doc, b) for b in sec.blocks))):
        st.info(f"Feedback not followed. {escape_md(note)}", icon=":material/feedback:")
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
            block(blk, numbers, sources_of(doc))
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
    ss = st.session_state
    doc: DocumentState = ss["doc"]
    actions.approve_section(doc, section_id)
    runs.changed(ss)  # the download row, drawn last, starts the background rebuild
    following = folds.done_and_next(VIEW, doc, section_id, to_review)
    opened = [section_key(following)] if following else []
    # the download row last: the rebuild it starts must not slow down drawing the sections
    st.rerun([section_key(section_id), *opened, COUNTS_KEY, DOWNLOADS_KEY])


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
            return  # the section redraws with the message
        edits[blk.id] = stored_text(ss[key], numbers, original)
    for block_id, text in edits.items():
        actions.edit_block(doc, section_id, block_id, text, ss.get("evidence"))
    ss[f"edit_error_{section_id}"] = None
    set_mode(section_id, None)
    if not edits:
        return  # a click in a section reruns that section
    runs.changed(ss)  # the download row starts the background rebuild
    again = [section_key(section_id), COUNTS_KEY]
    if numbers_of(doc) != numbers:  # the edit renumbered the references: every open section shows them
        opened = folds.open_set(VIEW, doc, to_review)
        again += [section_key(s.id) for s in doc.sections if s.id in opened and s.id != section_id]
        again.append(REFERENCES_KEY)
    st.rerun([*again, DOWNLOADS_KEY])  # the download row last (it starts the rebuild)
