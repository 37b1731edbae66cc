"""The sidebar: the spec editor and every setting of a run."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from autodoc.errors import AutodocError
from autodoc.settings import DEFAULT_MODELS, KEY_VARS
from autodoc.spec import list_templates, parse_spec, template_text
from autodoc.ui import session
from autodoc.ui.spec_form import COLUMNS, SpecCheck, check, clean_rows, error_text, move_row


# ------------------------------------------------------------------------ spec editor
def _load_path() -> None:
    ss = st.session_state
    try:
        spec = session.spec_from_path(ss, ss["opt_spec_path"])
        session.set_spec(ss, spec, ss["opt_spec_path"])
        ss["spec_load_error"] = None
    except AutodocError as err:
        ss["spec_load_error"] = str(err)


def _load_template() -> None:
    ss = st.session_state
    name = ss.get("spec_template")
    try:
        spec = parse_spec(template_text(name), f"template {name}")
        session.set_spec(ss, spec, f"template {name}")
        ss["spec_load_error"] = None
    except AutodocError as err:
        ss["spec_load_error"] = str(err)


def _load_upload() -> None:
    ss = st.session_state
    uploaded = ss.get("spec_upload")
    if uploaded is None:
        return
    try:
        spec = session.spec_from_upload(uploaded.name, uploaded.getvalue())
        session.set_spec(ss, spec, f"uploaded {uploaded.name}")
        ss["spec_load_error"] = None
    except AutodocError as err:
        ss["spec_load_error"] = str(err)


def _move(delta: int) -> None:
    ss = st.session_state
    index = ss.get("spec_move_row", 0) or 0
    rows = move_row(ss.get("spec_rows_current", ss["spec_rows"]), index, delta)
    ss["spec_rows"] = rows
    ss["spec_rev"] += 1  # a fresh editor shows the new order
    ss["spec_move_row"] = max(0, min(len(rows) - 1, index + delta))


@st.cache_data(show_spinner=False)
def _templates() -> list[tuple[str, str]]:
    """The built-in templates (files shipped with the package: the same for every session)."""
    try:
        return list_templates()
    except AutodocError:
        return []


def spec_sources() -> None:
    ss = st.session_state
    with st.expander("Start from…", expanded=False):
        st.caption(f"Now editing: {ss.get('spec_source', '')}")
        st.text_input("Spec file", key="opt_spec_path", help="Path of a YAML spec on the server.")
        st.button("Load spec file", on_click=_load_path, key="spec_load_path")
        st.file_uploader(
            "Upload spec",
            type=["yaml", "yml"],
            key="spec_upload",
            on_change=_load_upload,
            help=f"A YAML spec from your computer (at most {session.MAX_SPEC_BYTES // 1024} KB).",
        )
        templates = _templates()
        if templates:
            names = [name for name, _ in templates]
            described = dict(templates)
            st.selectbox(
                "Built-in template", names, key="spec_template", format_func=lambda n: f"{n}: {described[n]}"
            )
            st.button("Use template", on_click=_load_template, key="spec_use_template")
    if ss.get("spec_load_error"):
        st.error(ss["spec_load_error"])


def spec_editor() -> SpecCheck:
    """Title, authors and the sections table; returns the validated spec (or its error)."""
    ss = st.session_state
    st.header("Document spec")
    spec_sources()
    st.text_input("Title", key="spec_title")
    title_msg = st.empty()
    st.text_input("Authors", key="spec_authors")
    authors_msg = st.empty()
    st.caption(
        "Sections: add rows at the bottom, delete with the row checkbox; "
        "tick per_model for one subsection per registered model."
    )
    frame = pd.DataFrame(ss["spec_rows"], columns=list(COLUMNS))
    edited = st.data_editor(
        frame,
        key=session.editor_key(ss),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Section", required=True, width="medium"),
            "per_model": st.column_config.CheckboxColumn("per_model", default=False, width="small"),
            "hint": st.column_config.TextColumn("Hint", width="large"),
        },
    )
    rows = clean_rows(edited.to_dict("records"))
    ss["spec_rows_current"] = rows
    sections_msg = st.empty()
    if rows:
        cols = st.columns([3, 1, 1], vertical_alignment="bottom")
        cols[0].selectbox(
            "Move section",
            range(len(rows)),
            key="spec_move_row",
            format_func=lambda i: f"{i + 1}. {rows[i]['name'] or '(no name)'}",
        )
        cols[1].button("↑", key="spec_up", on_click=_move, args=(-1,), help="Move up")
        cols[2].button("↓", key="spec_down", on_click=_move, args=(1,), help="Move down")
    result = check(ss.get("spec_title", ""), ss.get("spec_authors", ""), rows)
    _place_error(result, title_msg, authors_msg, sections_msg)
    st.download_button(
        "Download spec YAML",
        data=result.spec.to_yaml() if result.spec else result.draft.text,
        file_name="doc_spec.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        key="spec_download",
    )
    return result


def _place_error(result: SpecCheck, title_msg, authors_msg, sections_msg) -> None:
    if result.error is None:
        return
    text = error_text(result.error)
    if result.place == "title":
        title_msg.error(f"Title: {text}")
    elif result.place == "authors":
        authors_msg.error(f"Authors: {text}")
    else:
        rows = st.session_state.get("spec_rows_current", [])
        where = ""
        if result.row is not None and result.row < len(rows):
            where = f"Row {result.row + 1} ({rows[result.row]['name'] or 'no name'}): "
        sections_msg.error(f"Sections: {where}{text}")


# --------------------------------------------------------------------------- settings
def configuration() -> None:
    ss = st.session_state
    defaults = ss["defaults"]
    with st.expander("Configuration", expanded=True):
        st.text_input("Code root", key="opt_code_root", help="The ML codebase to scan.")
        st.text_input(
            "Output directory",
            key="opt_output_dir",
            help="Where the Word document, notebook and cache are written.",
        )
        st.text_input(
            "MLflow tracking URI",
            key="opt_mlflow_uri",
            help="Leave empty to use MLFLOW_TRACKING_URI from the environment.",
        )
        if defaults.allowed_root:
            st.caption(f"Paths must lie under {defaults.allowed_root}.")


def options() -> None:
    ss = st.session_state
    with st.expander("Options", expanded=True):
        st.selectbox(
            "Provider",
            session.PROVIDERS,
            key="opt_provider",
            help="offline writes from the evidence alone, with no LLM.",
        )
        provider = ss["opt_provider"]
        if provider in KEY_VARS:
            st.text_input(
                "API key",
                key="opt_api_key",
                type="password",
                help=f"Kept only in this browser session; never saved. "
                f"Leave empty to use {KEY_VARS[provider]} from the environment.",
            )
            st.text_input("Model", key="opt_model", placeholder=DEFAULT_MODELS[provider])
            st.text_input(
                "Base URL",
                key="opt_base_url",
                help="An OpenAI-compatible endpoint (Azure OpenAI, a local server).",
            )
        if session.effective_provider(ss) == "offline":
            why = "" if provider == "offline" else f"No API key for {provider}, so "
            st.info(
                f"{why}{'t' if why else 'T'}he offline writer will be used: it writes every "
                "section from the evidence with fixed wording and no LLM. Tables and charts "
                "are filled from the evidence either way."
            )


def advanced() -> None:
    with st.expander("Advanced", expanded=False):
        c1, c2 = st.columns(2)
        c1.number_input("Generation workers", min_value=1, max_value=64, step=1, key="opt_generation_workers")
        c2.number_input("Planning workers", min_value=1, max_value=64, step=1, key="opt_planning_workers")
        c1.number_input("Max files", min_value=1, step=10, key="opt_max_files")
        c2.number_input("Timeout (s)", min_value=1.0, step=10.0, key="opt_timeout")
        c1.number_input("Max retries", min_value=0, max_value=20, step=1, key="opt_max_retries")
        c2.number_input("Initial backoff (s)", min_value=0.0, step=0.5, key="opt_initial_backoff")
        c1.number_input("Max backoff (s)", min_value=0.0, step=1.0, key="opt_max_backoff")
        c2.number_input("Backoff jitter", min_value=0.0, max_value=1.0, step=0.05, key="opt_backoff_jitter")
        st.checkbox("Generate notebook", key="opt_notebook")
        st.text_input(
            "Notebook path", key="opt_notebook_path", placeholder="<output>/model_docs_notebook.ipynb"
        )
        st.checkbox("Verbose", key="opt_verbose", help="Show per-block events in the Logs panel.")


def filters() -> None:
    with st.expander("Filters", expanded=False):
        st.text_input(
            "Model names",
            key="opt_models",
            placeholder="churn*, fraud_detector",
            help="Comma-separated; * matches any characters, ? one character.",
        )
        st.text_input(
            "Experiment names",
            key="opt_experiments",
            placeholder="production_*",
            help="Comma-separated; wildcards as above.",
        )
        st.checkbox("Latest only", key="opt_latest_only", help="Only the latest version of each model.")
        st.checkbox(
            "Domino project filtering",
            key="opt_project_filtering",
            help="Inside Domino, only this project's experiments and models.",
        )


def render() -> SpecCheck:
    with st.sidebar:
        result = spec_editor()
        st.header("Settings")
        configuration()
        options()
        advanced()
        filters()
    return result
