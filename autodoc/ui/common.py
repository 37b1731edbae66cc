"""Small pieces every review view shares: status badges, per-section modes, settings errors."""

from __future__ import annotations

import streamlit as st

from autodoc.errors import AutodocError
from autodoc.pipeline import busy_message
from autodoc.settings import Settings
from autodoc.ui import runs, state

REVIEW_KEY = "review"  # the review area's fragment (downloads, view selector, the view)
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
    "stopped": "orange",
    "finished": "green",
}


def badge(status: str) -> str:
    return f":{STATUS_COLORS.get(status, 'gray')}-badge[{status}]"


def settings_or_error(writes: bool = True) -> Settings | None:
    """The run's settings, or None after showing why they cannot be used.

    `writes`: the job writes into the output folder, which no other run may be writing into.
    """
    try:
        settings = state.make_settings(st.session_state)
    except AutodocError as err:
        st.error(str(err))
        return None
    if writes:
        runs.finish_rebuild(st.session_state)  # this session's own background rebuild ends first
    busy = busy_text(settings.output_dir) if writes else None
    if busy:
        st.error(busy)
        return None
    return settings


def busy_text(folder: str) -> str | None:
    """Why no job may write into `folder` now, in the app's words (None when it may)."""
    message = busy_message(folder)
    if message is None:
        return None
    return (
        f"Not started: {message}. Wait for that run to finish, or choose another "
        "**Output directory** in the sidebar."
    )


def no_doc() -> bool:
    if st.session_state.get("doc") is None:
        st.info(
            "No document yet. Press **Generate documentation**, or **2 · Plan** to review the plan "
            "first. An output directory with a cache is opened automatically."
        )
        return True
    return False


def mode(section_id: str) -> str | None:
    return st.session_state["mode"].get(section_id)


def set_mode(section_id: str, value: str | None) -> None:
    st.session_state["mode"][section_id] = value
