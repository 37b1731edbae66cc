"""View and state helpers for the Streamlit app (no pipeline logic lives here)."""
