"""Download buttons that say which state of the review they hold, rebuilt in the background."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from autodoc.ui import runs

OUTPUT_LABELS = (
    ("docx", "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("notebook", "Notebook", "application/x-ipynb+json"),
    ("cache", "Cache", "application/json"),
    ("evidence", "Evidence", "application/json"),
    ("report", "Run report", "application/json"),
)
POLL_SECONDS = 0.5
REBUILT = ("docx", "notebook")  # the files that hold the review; the rest follow the scan


def present_outputs(outputs) -> list[tuple[str, str, str, Path]]:
    """(key, label, mime, path) of every output file that exists."""
    found = []
    for key, label, mime in OUTPUT_LABELS:
        path = getattr(outputs, key, None)
        if path and Path(path).is_file():
            found.append((key, label, mime, Path(path)))
    return found


def freshness(ss) -> str:
    """A caption telling which review the Word document and notebook hold."""
    if runs.rebuild_running(ss):
        return ":orange-badge[updating] The Word document and notebook are being rebuilt with your review."
    if runs.outputs_stale(ss):
        return (
            ":orange-badge[out of date] The Word document and notebook were built before your latest review; "
            "press **4 · Build** to bring them up to date."
        )
    return ":green-badge[up to date] The Word document and notebook hold the review as shown."


def downloads() -> None:
    """The download row; polled only while a background rebuild runs (then one full run redraws it)."""
    polling = runs.rebuild_running(st.session_state)
    st.fragment(_download_row, run_every=POLL_SECONDS if polling else None)()


def _download_row() -> None:
    ss = st.session_state
    if runs.harvest_rebuild(ss) is not None and not runs.rebuild_running(ss):
        st.rerun()  # the files are fresh: redraw the row once, with the polling off
    outputs = ss.get("outputs")
    if outputs is None:
        return
    present = present_outputs(outputs)
    if not present:
        return
    stale = runs.outputs_stale(ss)
    cols = st.columns(len(present))
    for col, (key, label, mime, path) in zip(cols, present, strict=True):
        when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M:%S")
        old = " (before your last change)" if stale and key in REBUILT else ""
        col.download_button(
            f"⬇ {label}{old}",
            data=lambda p=path: p.read_bytes(),
            file_name=path.name,
            mime=mime,
            key=f"dl_{key}",
            on_click="ignore",
            width="stretch",
            help=f"{path} · built {when}",
        )
    st.caption(freshness(ss))
