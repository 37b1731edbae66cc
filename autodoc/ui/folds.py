"""Sections drawn folded: a long document draws only the sections the reviewer has open.

Each section of the Write and Plan reviews is an expander whose content is drawn only
while it is open (Streamlit's stateful expander, `on_change`): the browser then draws a
25-section document as 25 headers plus the one being read, instead of every table and
chart on every click. A short document (up to `OPEN_ALL_UP_TO` sections) opens whole; a
longer one opens the first section left to review, and Approve folds that section and
opens the next one left to review.

Which sections are open lives in `ss["<view>_open"]`, a plain set no widget owns (widget
state is dropped when a view or page that does not draw it runs); the expander's own key
(`<view>x_<section id>`) follows it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from autodoc.document import DocumentState, Section
from autodoc.ui.common import REVIEW_KEY

OPEN_ALL_UP_TO = 8
Reviewable = Callable[[Section], bool]


def fold_key(view: str, section_id: str) -> str:
    return f"{view}x_{section_id}"


def _sections(doc: DocumentState) -> list[Section]:
    return [s for s in doc.sections if not s.is_container]


def initial_open(doc: DocumentState, reviewable: Reviewable) -> set[str]:
    """A short document opens whole; a longer one opens its first section left to review."""
    sections = _sections(doc)
    if len(sections) <= OPEN_ALL_UP_TO:
        return {s.id for s in sections}
    first = next((s for s in sections if reviewable(s)), None)
    return {first.id} if first is not None else set()


def open_set(view: str, doc: DocumentState, reviewable: Reviewable) -> set[str]:
    """The open sections of `view`, chosen afresh when the document's sections change."""
    ss = st.session_state
    ids = tuple(s.id for s in doc.sections)
    kept = ss.get(f"{view}_open")
    if kept is None or kept[0] != ids:
        kept = (ids, initial_open(doc, reviewable))
        ss[f"{view}_open"] = kept
    return kept[1]


def fold(view: str, doc: DocumentState, sec: Section, label: str, reviewable: Reviewable):
    """The section's expander and whether it is open (draw its content only then)."""
    opened = open_set(view, doc, reviewable)
    box = st.expander(
        label,
        expanded=sec.id in opened,
        key=fold_key(view, sec.id),
        on_change=_toggled,
        args=(view, sec.id),
    )
    return box, bool(box.open)


def _toggled(view: str, section_id: str) -> None:
    ss = st.session_state
    kept = ss.get(f"{view}_open")
    if kept is None:
        return
    if ss.get(fold_key(view, section_id)):
        kept[1].add(section_id)
    else:
        kept[1].discard(section_id)


def set_open(view: str, doc: DocumentState, section_id: str, value: bool, reviewable: Reviewable) -> None:
    """Open or fold one section (from a callback: the expander follows on its next draw)."""
    opened = open_set(view, doc, reviewable)
    if value:
        opened.add(section_id)
    else:
        opened.discard(section_id)
    st.session_state[fold_key(view, section_id)] = value


def set_all(view: str, doc: DocumentState, value: bool, reviewable: Reviewable) -> None:
    for sec in _sections(doc):
        set_open(view, doc, sec.id, value, reviewable)


def all_buttons(view: str, row, reviewable: Reviewable) -> None:
    """ "Open every section" and "Fold every section" in `row` (keys `<view>_open_all`, `<view>_fold_all`)."""
    for value, label in ((True, "Open every section"), (False, "Fold every section")):
        row.button(
            label,
            key=f"{view}_{'open' if value else 'fold'}_all",
            type="tertiary",
            on_click=_all,
            args=(view, value, reviewable),
        )


def _all(view: str, value: bool, reviewable: Reviewable) -> None:
    set_all(view, st.session_state["doc"], value, reviewable)
    st.rerun([REVIEW_KEY])  # every section of the view changes


def next_to_review(doc: DocumentState, section_id: str, reviewable: Reviewable) -> str | None:
    """The first section after `section_id` left to review, else the first before it."""
    sections = _sections(doc)
    ids = [s.id for s in sections]
    at = ids.index(section_id) if section_id in ids else -1
    for sec in sections[at + 1 :] + sections[: max(at, 0)]:
        if reviewable(sec):
            return sec.id
    return None


def done_and_next(view: str, doc: DocumentState, section_id: str, reviewable: Reviewable) -> str | None:
    """Fold a reviewed section and open the next one left to review; returns that one's id."""
    following = next_to_review(doc, section_id, reviewable)
    set_open(view, doc, section_id, False, reviewable)
    if following is not None:
        set_open(view, doc, following, True, reviewable)
    return following
