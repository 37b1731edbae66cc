"""The sidebar's settings: configuration (checked as typed), provider, advanced options, filters."""

from __future__ import annotations

import streamlit as st

from autodoc.settings import DEFAULT_MODELS, KEY_VARS
from autodoc.ui import state
from autodoc.ui.fields import checked_input
from autodoc.ui.spec_editor import spec_editor
from autodoc.ui.spec_form import SpecCheck


# --------------------------------------------------------------------------- settings
def configuration() -> None:
    ss = st.session_state
    defaults = ss["defaults"]
    with st.expander("Configuration", expanded=True):
        if ss.get("demo"):
            st.caption(
                "No code root configured: showing the bundled demo project and its local MLflow store."
            )
        checked_input("Code root", "opt_code_root", "The ML codebase to scan.")
        checked_input(
            "Output directory", "opt_output_dir", "Where the Word document, notebook and cache are written."
        )
        checked_input(
            "MLflow tracking URI",
            "opt_mlflow_uri",
            "Leave empty to use MLFLOW_TRACKING_URI from the environment. Checked within 10 s.",
        )
        if defaults.allowed_root:
            st.caption(f"Paths must lie under {defaults.allowed_root}.")


def options() -> None:
    ss = st.session_state
    with st.expander("Options", expanded=True):
        st.selectbox(
            "Provider",
            state.PROVIDERS,
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
        if state.effective_provider(ss) == "offline":
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
            help="Inside Domino, only this project's experiments and models; elsewhere, a ./mlflow.db "
            "that nothing in the code relates to is not read.",
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
