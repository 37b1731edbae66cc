"""Documents already in the output directory: download them or open one for review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from autodoc.errors import AutodocError
from autodoc.paths import check_allowed
from autodoc.pipeline.cache import cache_path, load_state
from autodoc.ui import restore, state
from autodoc.ui.main_page import MAIN_PAGE

PATTERNS = ("*.docx", "*.ipynb", "*.json", "*.md")
MIME = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ipynb": "application/x-ipynb+json",
    ".json": "application/json",
    ".md": "text/markdown",
}


def files_in(folder: Path) -> list[Path]:
    found = {p for pattern in PATTERNS for p in folder.glob(pattern) if p.is_file()}
    found |= {cache_path(folder)} if cache_path(folder).is_file() else set()
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def open_for_review(folder: str) -> None:
    ss = st.session_state
    try:
        restore.restore_cache(ss, folder)
        ss["restore_tried"] = folder
        state.put(ss, "opt_output_dir", folder)
        ss["open_error"] = None
    except AutodocError as err:
        ss["open_error"] = str(err)


def main() -> None:
    ss = st.session_state
    state.enter_page(ss, "previous")
    st.title("Previous documents")
    if "prev_folder" not in ss:
        ss["prev_folder"] = state.kept(ss, "opt_output_dir") or "./output"  # the session's output folder
    folder_text = st.text_input("Output directory", key="prev_folder")
    try:
        folder = check_allowed(folder_text, ss["defaults"].allowed_root)
    except AutodocError as err:
        st.error(str(err))
        return
    if not folder.is_dir():
        st.info(f"{folder} does not exist yet: generate a document first.")
        return
    files = files_in(folder)
    if not files:
        st.info(f"No documents in {folder} yet.")
        return
    _cache_summary(folder)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "file": p.name,
                    "size (KB)": round(p.stat().st_size / 1024, 1),
                    "modified": dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M"),
                }
                for p in files
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    row = st.container(horizontal=True)
    for i, path in enumerate(files):
        row.download_button(
            f"⬇ {path.name}",
            data=lambda p=path: p.read_bytes(),
            file_name=path.name.lstrip("."),
            mime=MIME.get(path.suffix, "application/octet-stream"),
            on_click="ignore",
            key=f"prev_dl_{i}",
        )


def _cache_summary(folder: Path) -> None:
    ss = st.session_state
    if not cache_path(folder).is_file():
        return
    try:
        doc = load_state(cache_path(folder))
    except AutodocError as err:
        st.warning(f"The saved document cannot be opened: {err}")
        return
    when = doc.provenance.generated_at if doc.provenance else "unknown time"
    statuses: dict[str, int] = {}
    for sec in doc.sections:
        statuses[sec.status] = statuses.get(sec.status, 0) + 1
    with st.container(border=True):
        st.markdown(
            f"**{doc.title}** · generated {when} · "
            + ", ".join(f"{n} {k}" for k, n in sorted(statuses.items()))
        )
        if st.button(
            "Open for review", type="primary", key="prev_open", on_click=open_for_review, args=(str(folder),)
        ):
            if ss.get("open_error"):
                st.error(ss["open_error"])
            else:
                st.switch_page(MAIN_PAGE)


main()
