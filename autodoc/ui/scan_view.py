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
        _table(
            None,
            [
                {"file": f.path, "kind": f.kind, "role": f.role, "facts": f.facts, "size": f.size}
                for f in code.files
            ],
        )
        _table("Skipped files", [{"file": s.path, "reason": s.reason} for s in code.skipped])
        for warning in code.warnings:
            st.warning(warning)
    if evidence.mlflow:
        _mlflow_overview(evidence)
    if evidence.redactions:
        st.subheader("Redactions")
        st.caption("Secrets found in the code or MLflow were removed before anything was handed on.")
        _table(None, [{"kind": r.kind, "where": r.place, "count": r.count} for r in evidence.redactions])


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
    _table("Registered models", models)
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
    _table("Experiments and runs", runs)
    for warning in snap.warnings:
        st.warning(warning)


def _table(title: str | None, rows: list[dict[str, object]]) -> None:
    """Rows as a full-width table under a bold title; nothing for no rows (a titled table)."""
    if title and not rows:
        return
    if title:
        st.markdown(f"**{title}**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
