"""autodoc's Streamlit app: edit the spec, generate, review every section, download.

A thin shell over `autodoc.pipeline`: the sidebar builds a `Spec` and `Settings`, jobs run
in a background thread that reports through a `Progress` kept in this session's state, and
the main area shows the evidence, the plans and the written sections for review.
This file is the router; each page starts with `state.enter_page` (one session state for all).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from autodoc.errors import AutodocError
from autodoc.ui.main_page import MAIN_PAGE

HERE = Path(__file__).resolve().parent
PAGES = [
    st.Page(HERE / MAIN_PAGE, title="Write documentation", icon=":material/description:", default=True),
    st.Page(
        HERE / "pages/1_Previous_documents.py", title="Previous documents", icon=":material/folder_open:"
    ),
    st.Page(HERE / "pages/2_Help.py", title="Help", icon=":material/help:"),
]

st.set_page_config(page_title="autodoc", page_icon="📄", layout="wide")
page = st.navigation(PAGES)
try:
    page.run()
except AutodocError as err:  # a message the user can act on, never a traceback
    st.error(str(err))
