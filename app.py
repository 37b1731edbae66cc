"""autodoc's Streamlit app: edit the spec, generate, review every section, download.

A thin shell over `autodoc.pipeline`: the sidebar builds a `Spec` and `Settings`, jobs run
in a background thread that reports through a `Progress` kept in this session's state, and
the main area shows the evidence, the plans and the written sections for review.
"""

from __future__ import annotations

import streamlit as st

from autodoc.errors import AutodocError
from autodoc.pipeline.cache import cache_path
from autodoc.ui import panels, session, sidebar


def restore_if_cached() -> None:
    """Opening an output directory that holds a cache restores that document for review."""
    ss = st.session_state
    folder = (ss.get("opt_output_dir") or "").strip()
    if ss.get("doc") is not None or ss.get("job") is not None or not folder:
        return
    if ss.get("restore_tried") == folder or not cache_path(folder).is_file():
        return
    ss["restore_tried"] = folder
    try:
        doc = session.restore_cache(ss, folder)
        session.notify(
            ss,
            "info",
            f"Opened the document saved in {cache_path(folder)} ({len(doc.sections)} sections) for review.",
        )
    except AutodocError as err:
        session.notify(ss, "warning", f"Could not open the saved document: {err}")


# The sections table needs room: a wider (still resizable) sidebar than Streamlit's default.
SIDEBAR_CSS = """<style>
section[data-testid="stSidebar"] { width: 460px !important; min-width: 460px; }
</style>"""


def main() -> None:
    st.set_page_config(page_title="autodoc", page_icon="📄", layout="wide")
    st.html(SIDEBAR_CSS)
    ss = st.session_state
    session.init_session(ss)
    session.harvest_job(ss)
    check = sidebar.render()
    ss["spec"] = check.spec  # the spec a run would use (None while the editor has an error)
    restore_if_cached()
    st.title("autodoc")
    st.caption("Model documentation written from your code and MLflow: every figure cited.")
    if ss.get("defaults_problem"):
        st.warning(f"Settings from the environment were not usable: {ss['defaults_problem']}")
    panels.action_bar(check.spec)
    panels.notices()
    panels.progress_panel()
    panels.downloads()
    panels.render_view(panels.view_selector())


try:
    main()
except AutodocError as err:  # a message the user can act on, never a traceback
    st.error(str(err))
