"""Download buttons that say which state of the review they hold, rebuilt in the background."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from autodoc.ui import build_worker, runs

OUTPUT_LABELS = (
    ("docx", "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("notebook", "Notebook", "application/x-ipynb+json"),
    ("cache", "Cache", "application/json"),
    ("evidence", "Evidence", "application/json"),
    ("report", "Run report", "application/json"),
)
POLL_SECONDS = 1.0  # while a rebuild runs (about 2 s): each poll is a script run competing with it
DOWNLOADS_KEY = "downloads"
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
        return (
            ":orange-badge[updating] The Word document and notebook are being rebuilt with your review "
            "(a few seconds)."
        )
    if runs.outputs_stale(ss):
        return (
            ":orange-badge[out of date] The Word document and notebook were built before your latest review; "
            "press **4 · Build** to bring them up to date."
        )
    return ":green-badge[up to date] The Word document and notebook hold the review as shown."


def downloads() -> None:
    """The download row, a fragment of its own (keyed, so a review click can redraw it)."""
    st.fragment(_downloads, key=DOWNLOADS_KEY)()


def _downloads() -> None:
    ss = st.session_state
    if ss.get("outputs") is not None and not ss.get("_worker_started"):
        ss["_worker_started"] = True
        build_worker.warm()  # a rebuild may follow: the worker process imports the renderers now
    runs.harvest_rebuild(ss)  # a rebuild that ended since the row was last drawn
    if ss.pop("rebuild_wanted", False):
        runs.request_rebuild(ss)  # the review changed since the files were built: rebuild them
    if runs.rebuild_running(ss):
        st.fragment(_watched_row, run_every=POLL_SECONDS)()  # polled only while a rebuild runs
    else:
        _download_row()


def _watched_row() -> None:
    """The row while a rebuild runs: redrawn every poll, the polling cancelled once it ended."""
    runs.harvest_rebuild(st.session_state)
    _download_row()
    if not runs.rebuild_running(st.session_state):
        stop_polling()


def stop_polling() -> None:
    """Cancel the browser's `run_every` timer of the fragment running now.

    Streamlit cancels it only when the fragment's parent reruns without it; the row must not
    rerun its parent (nor the page) just to stop polling. Streamlit 1.67 has no public call for
    this (`run_every` is read when the parent draws the fragment; `st.rerun` with a fragment key
    is for callbacks only), so this sends the message Streamlit itself sends then, guarded:
    without it the row keeps polling until the next click, which is harmless.
    """
    try:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, get_script_run_ctx

        ctx, fragment_id = get_script_run_ctx(), ThreadState.get().fragment_id
        if ctx is None or not fragment_id:
            return
        msg = ForwardMsg()
        msg.stop_auto_rerun.fragment_ids.append(fragment_id)
        ctx.enqueue(msg)
    except (ImportError, AttributeError):  # another Streamlit: keep polling until the next click
        return


def _download_row() -> None:
    """The download buttons. Their bytes are given, not a callable: Streamlit names given bytes
    by their content, so a button redrawn by a poll keeps answering a click made just before
    (a callable gets a new name on every redraw and such a click would be lost). While the
    rebuild runs, the Word document and notebook cannot be downloaded: they are being replaced.
    """
    ss = st.session_state
    outputs = ss.get("outputs")
    if outputs is None:
        return
    present = present_outputs(outputs)
    if not present:
        return
    stale, updating = runs.outputs_stale(ss), runs.rebuild_running(ss)
    cols = st.columns(len(present))
    for col, (key, label, mime, path) in zip(cols, present, strict=True):
        when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M:%S")
        busy = updating and key in REBUILT
        note = " (updating…)" if busy else " (before your last change)" if stale and key in REBUILT else ""
        col.download_button(
            f"⬇ {label}{note}",
            data=b"" if busy else _read(path),
            file_name=path.name,
            mime=mime,
            key=f"dl_{key}",
            on_click="ignore",
            width="stretch",
            disabled=busy,
            help=f"{path} · built {when}",
        )
    st.caption(freshness(ss))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""  # replaced or removed meanwhile: the next redraw shows the new file
