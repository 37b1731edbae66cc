"""The "what should change?" form under a section: regenerate (or re-plan) it with feedback."""

from __future__ import annotations

import streamlit as st

from autodoc.document import Section
from autodoc.ui import runs
from autodoc.ui.common import set_mode, settings_or_error
from autodoc.ui.plan_words import block_name


def feedback_form(sec: Section, *, replan: bool) -> None:
    key = f"fb_{sec.id}"
    target = None
    if not replan and len(sec.blocks) > 1:  # one block alone, or the whole section
        choices = {"": "The whole section"} | {
            b.id: f"{b.plan.type}: {block_name(b, i)}" for i, b in enumerate(sec.blocks)
        }
        target = st.selectbox(
            "Regenerate", list(choices), format_func=choices.__getitem__, key=f"fb_block_{sec.id}"
        )
    st.text_area("What should change?" if not replan else "What should the plan do differently?", key=key)
    row = st.container(horizontal=True)
    label = "Re-plan" if replan else "Regenerate"
    go = row.button(label, key=f"fb_go_{sec.id}", type="primary", disabled=runs.job_running(st.session_state))
    row.button("Cancel", key=f"fb_cancel_{sec.id}", on_click=set_mode, args=(sec.id, None))
    if not go:
        return
    settings = settings_or_error()
    if settings is None:
        return
    runs.start_regenerate(
        st.session_state,
        settings,
        sec.id,
        feedback=st.session_state.get(key),
        replan=replan,
        block_id=target or None,
    )
    set_mode(sec.id, None)
    st.rerun()  # the whole page: the progress panel shows the new job
