"""The main page: spec and settings in the sidebar, the actions, progress and the review."""

import streamlit as st

from autodoc.ui import state
from autodoc.ui.main_page import main_page

state.enter_page(st.session_state, "main")
main_page()
