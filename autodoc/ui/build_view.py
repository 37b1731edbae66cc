"""The Build view: what the last build wrote, and what the reviewer should check first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from autodoc.document import DocumentState
from autodoc.ui.common import no_doc
from autodoc.ui.downloads import OUTPUT_LABELS, freshness


def build_view() -> None:
    if no_doc():
        return
    ss = st.session_state
    doc: DocumentState = ss["doc"]
    outputs = ss.get("outputs")
    failed, flagged = doc.failed(), doc.flagged()
    if failed:
        st.warning(f"{len(failed)} block(s) failed; the document marks them where they stand.")
    if flagged:
        st.warning(f"{len(flagged)} block(s) hold figures to check (highlighted in the Write review).")
    if outputs is None:
        st.info(
            "Press **4 · Build** to write the Word document (and the notebook if enabled) "
            "from the reviewed sections."
        )
        return
    st.markdown(freshness(ss))
    rows = [
        {"file": label, "path": str(getattr(outputs, key))}
        for key, label, _ in OUTPUT_LABELS
        if getattr(outputs, key)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    usage = doc.usage
    offline = doc.provenance is not None and doc.provenance.provider == "offline"
    st.caption(
        (
            "offline writer: no LLM calls"
            if offline
            else f"LLM calls {usage.calls} · tokens in {usage.input_tokens:,} · out {usage.output_tokens:,}"
        )
        + "".join(f" · {k} {v:.1f} s" for k, v in doc.phase_seconds.items())
    )
