"""Small pieces every review view shares: status badges, per-section modes, settings errors."""

from __future__ import annotations

import streamlit as st

from autodoc.errors import AutodocError
from autodoc.settings import Settings
from autodoc.ui import state

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


def settings_or_error() -> Settings | None:
    """The run's settings, or None after showing why they cannot be used."""
    try:
        return state.make_settings(st.session_state)
    except AutodocError as err:
        st.error(str(err))
        return None


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
