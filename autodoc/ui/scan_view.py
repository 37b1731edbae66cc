"""The Scan overview: what was read, skipped and redacted; the MLflow models and runs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from autodoc.evidence import EvidenceStore, run_label


def scan_view() -> None:
    evidence: EvidenceStore | None = st.session_state.get("evidence")
    if evidence is None:
        st.info(
            "No scan yet. Press **1 · Scan** (or **Generate documentation**) to read the code and MLflow."
        )
        return
    code = evidence.code
    items = evidence.items
    c = st.columns(5)
    c[0].metric("Files scanned", len(code.files) if code else 0)
    c[1].metric("Files skipped", len(code.skipped) if code else 0)
    c[2].metric("Evidence items", len(items))
    c[3].metric("Registered models", len(evidence.mlflow.registered_models) if evidence.mlflow else 0)
    c[4].metric("Redactions", sum(r.count for r in evidence.redactions))
    if evidence.mlflow_note:
        st.info(evidence.mlflow_note)
    if code:
        st.subheader("Code")
        if code.commit:
            st.caption(f"{code.root} @ {code.commit[:12]}" + (" (uncommitted changes)" if code.dirty else ""))
        st.dataframe(
            pd.DataFrame(
                [
                    {"file": f.path, "kind": f.kind, "role": f.role, "facts": f.facts, "size": f.size}
                    for f in code.files
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        if code.skipped:
            st.markdown("**Skipped files**")
            st.dataframe(
                pd.DataFrame([{"file": s.path, "reason": s.reason} for s in code.skipped]),
                hide_index=True,
                width="stretch",
            )
        for warning in code.warnings:
            st.warning(warning)
    if evidence.mlflow:
        _mlflow_overview(evidence)
    if evidence.redactions:
        st.subheader("Redactions")
        st.caption("Secrets found in the code or MLflow were removed before anything was handed on.")
        st.dataframe(
            pd.DataFrame([{"kind": r.kind, "where": r.place, "count": r.count} for r in evidence.redactions]),
            hide_index=True,
            width="stretch",
        )


def _mlflow_overview(evidence: EvidenceStore) -> None:
    snap = evidence.mlflow
    st.subheader("MLflow")
    st.caption(snap.tracking_uri)
    models = [
        {
            "model": m.name,
            "version": v.version,
            "aliases": ", ".join(v.aliases or [a for a, ver in m.aliases.items() if ver == v.version]),
            "status": v.status or "",
            "run": v.run_id or "",
            "created": v.created_at or "",
        }
        for m in snap.registered_models
        for v in m.versions
    ]
    if models:
        st.markdown("**Registered models**")
        st.dataframe(pd.DataFrame(models), hide_index=True, width="stretch")
    runs = [
        {
            "experiment": x.name,
            "run": run_label(r),
            "status": r.status,
            "metrics": len(r.metrics),
            "params": len(r.params),
            "started": r.start_time or "",
        }
        for x in snap.experiments
        for r in x.runs
    ]
    if runs:
        st.markdown("**Experiments and runs**")
        st.dataframe(pd.DataFrame(runs), hide_index=True, width="stretch")
    for warning in snap.warnings:
        st.warning(warning)
