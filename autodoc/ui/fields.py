"""Messages under the path and URI fields, computed when a value is typed (see `autodoc.ui.checks`)."""

from __future__ import annotations

import streamlit as st

from autodoc.ui import checks, state

FIELD_CHECKS = {
    "opt_code_root": lambda v, root: checks.check_code_root(v, root),
    "opt_output_dir": lambda v, root: checks.check_output_dir(v, root),
    "opt_mlflow_uri": lambda v, root: checks.check_mlflow_uri(v),
    "opt_spec_path": lambda v, root: checks.check_spec_path(v, root),
}
FIELD_NAMES = {
    "opt_code_root": "Code root",
    "opt_output_dir": "Output directory",
    "opt_mlflow_uri": "MLflow tracking URI",
}


def recheck(key: str) -> None:
    """Check a field as it is typed (a callback), and remember the message shown under it."""
    ss = st.session_state
    value = str(ss.get(key, state.kept(ss, key)) or "")
    ss["field_errors"][key] = (value, FIELD_CHECKS[key](value, ss["defaults"].allowed_root))


def field_message(key: str) -> None:
    """The message under a field (checked once if it was never checked)."""
    ss = st.session_state
    value = str(ss.get(key) or "")
    known = ss["field_errors"].get(key)
    if known is None or known[0] != value:
        recheck(key)
    message = ss["field_errors"][key][1]
    if message is None:
        return
    level, text = message
    if level == "info":
        st.caption(text)
    else:
        getattr(st, level)(text)


def blocking_field() -> str | None:
    """The first setting whose message is an error (a run cannot start until it is fixed)."""
    errors = st.session_state.get("field_errors", {})
    for key, name in FIELD_NAMES.items():
        found = errors.get(key)
        if found and found[1] and found[1][0] == "error":
            return name
    return None


def checked_input(label: str, key: str, help_text: str) -> None:
    """A text field checked as it is typed, its message right under it."""
    st.text_input(label, key=key, help=help_text, on_change=recheck, args=(key,))
    field_message(key)
