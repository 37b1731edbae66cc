"""The review area: downloads, the view selector and the chosen view, rerun on their own.

The view shown is `ss["view"]` (a plain key jobs and pages may set); the selector widget
`view_pick` is set from it before it is drawn, so the two never disagree.
"""

from __future__ import annotations

import time

import streamlit as st

from autodoc.ui.build_view import build_view
from autodoc.ui.common import REVIEW_KEY
from autodoc.ui.downloads import downloads
from autodoc.ui.plan_view import plan_view
from autodoc.ui.scan_view import scan_view
from autodoc.ui.state import VIEWS
from autodoc.ui.write_view import write_view

RENDER = {
    "Scan overview": scan_view,
    "Plan review": plan_view,
    "Write review": write_view,
    "Build": build_view,
}


def _picked() -> None:
    st.session_state["view"] = st.session_state["view_pick"]


def current_view() -> str:
    ss = st.session_state
    if ss.get("view") not in VIEWS:
        ss["view"] = "Write review" if ss.get("doc") is not None else "Scan overview"
    return ss["view"]


@st.fragment(key=REVIEW_KEY)
def review_area() -> None:
    """Downloads, selector and view: switching views or clicking in a view reruns only this."""
    ss = st.session_state
    slot = st.container()  # the download row sits on top but is drawn last: a rebuild it
    ss["view_pick"] = current_view()  # starts then cannot slow down drawing the view
    st.radio("View", VIEWS, key="view_pick", horizontal=True, label_visibility="collapsed", on_change=_picked)
    started = time.perf_counter()
    RENDER[ss["view"]]()
    ss["_view_ms"] = (time.perf_counter() - started) * 1000
    with slot:
        downloads()
