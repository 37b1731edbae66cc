"""The main page: the sidebar (spec and settings), the actions, progress and the review area."""

from __future__ import annotations

import streamlit as st

from autodoc.errors import AutodocError
from autodoc.pipeline.cache import cache_path
from autodoc.ui import keep_current, restore, run_panel, runs, settings_form, state
from autodoc.ui.fields import blocking_field
from autodoc.ui.views import review_area

MAIN_PAGE = "pages/0_Write_documentation.py"  # relative to app.py (the router)
# The sidebar holds the section cards: a little wider (still resizable) than Streamlit's default.
SIDEBAR_CSS = """<style>
section[data-testid="stSidebar"] { width: 440px !important; min-width: 440px; }
</style>"""


def restore_if_cached() -> None:
    """Opening an output directory that holds a cache restores that document for review."""
    ss = st.session_state
    folder = (state.kept(ss, "opt_output_dir") or "").strip()
    if ss.get("doc") is not None or ss.get("job") is not None or not folder:
        return
    if ss.get("restore_tried") == folder or not cache_path(folder).is_file():
        return
    ss["restore_tried"] = folder
    try:
        doc = restore.restore_cache(ss, folder)
        count = sum(1 for s in doc.sections if not s.is_container)
        state.notify(
            ss, "info", f"Opened the document saved in {cache_path(folder)} ({count} sections) for review."
        )
    except AutodocError as err:
        state.notify(ss, "warning", f"Could not open the saved document: {err}")


def main_page() -> None:
    st.html(SIDEBAR_CSS)
    ss = st.session_state
    runs.harvest_job(ss)
    check = settings_form.render()
    state.remember_widgets(ss)
    ss["spec"] = check.spec  # the spec a run would use (None while the editor has an error)
    restore_if_cached()
    st.title("autodoc")
    st.caption("Model documentation written from your code and MLflow: every figure cited.")
    if ss.get("defaults_problem"):
        st.warning(f"Settings from the environment were not usable: {ss['defaults_problem']}")
    spec = keep_current.with_people(ss, check.spec)  # with the statements people gave here
    run_panel.action_bar(spec, blocking_field())
    keep_current.panel(spec)
    run_panel.notices()
    run_panel.progress_panel()
    review_area()
