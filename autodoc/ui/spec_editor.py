"""The spec editor in the sidebar: where the spec starts from, title, authors, one card per section.

Rows live in `ss["spec_rows"]` (no widget owns them); each card's widgets are keyed by the
row's uid and copy their value into the row when changed, so page switches and moves keep them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from autodoc.errors import AutodocError
from autodoc.spec import list_templates, parse_spec, template_text
from autodoc.ui import state
from autodoc.ui.fields import checked_input
from autodoc.ui.spec_form import SpecCheck, check, error_text, move_row
from autodoc.ui.view import escape_md


def _loaded(spec_source: str, load) -> None:
    ss = st.session_state
    try:
        state.set_spec(ss, load(), spec_source)
        ss["spec_load_error"] = None
    except AutodocError as err:
        ss["spec_load_error"] = str(err)


def _load_path() -> None:
    ss = st.session_state
    path = ss["opt_spec_path"]
    _loaded(path, lambda: state.spec_from_path(ss, path))


def _load_template() -> None:
    name = st.session_state.get("spec_template")
    _loaded(f"template {name}", lambda: parse_spec(template_text(name), f"template {name}"))


def _load_upload() -> None:
    uploaded = st.session_state.get("spec_upload")
    if uploaded is not None:
        _loaded(
            f"uploaded {uploaded.name}", lambda: state.spec_from_upload(uploaded.name, uploaded.getvalue())
        )


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
        checked_input("Spec file", "opt_spec_path", "Path of a YAML spec on the server.")
        st.button("Load spec file", on_click=_load_path, key="spec_load_path")
        st.file_uploader(
            "Upload spec",
            type=["yaml", "yml"],
            key="spec_upload",
            on_change=_load_upload,
            help=f"A YAML spec from your computer (at most {state.MAX_SPEC_BYTES // 1024} KB).",
        )
        templates = _templates()
        if templates:
            described = dict(templates)
            st.selectbox(
                "Built-in template",
                list(described),
                key="spec_template",
                format_func=lambda n: f"{n}: {described[n]}",
            )
            st.button("Use template", on_click=_load_template, key="spec_use_template")
    if ss.get("spec_load_error"):
        st.error(ss["spec_load_error"])


# ------------------------------------------------------------------------ section cards
_FIELD_PREFIX = re.compile(r"^(?:sections|hints)[\[\].\w ]*:\s*")  # the card already says where


def _field_changed(uid: int, field: str, key: str) -> None:
    ss = st.session_state
    for row in ss["spec_rows"]:
        if row["uid"] == uid:
            row[field] = ss[key]


def _bound(widget: Callable[..., Any], label: str, uid: int, field: str, prefix: str, **kw: Any) -> None:
    """A card's widget whose edits go straight to its row's `field` (key ``<prefix>_<uid>``)."""
    key = f"{prefix}_{uid}"
    widget(label, key=key, on_change=_field_changed, args=(uid, field, key), **kw)


def _move(uid: int, delta: int) -> None:
    ss = st.session_state
    rows = ss["spec_rows"]
    index = next(i for i, r in enumerate(rows) if r["uid"] == uid)
    ss["spec_rows"] = move_row(rows, index, delta)


def _delete(uid: int) -> None:
    ss = st.session_state
    ss["spec_rows"] = [r for r in ss["spec_rows"] if r["uid"] != uid]


def _add() -> None:
    ss = st.session_state
    uid = ss.get("spec_uid", 0)
    ss["spec_uid"] = uid + 1
    row = {"uid": uid, "name": "", "per_model": False, "required": False, "hint": ""}
    ss["spec_rows"] = [*ss["spec_rows"], row]
    ss["spec_open"] = uid  # the new card opens for its name


def _card(i: int, row: dict, count: int, error: str | None) -> None:
    ss = st.session_state
    uid = row["uid"]
    for field, prefix in state.CARD_FIELDS:
        ss.setdefault(f"{prefix}_{uid}", row.get(field, False))  # a page switch dropped the widget: refill it
    label = (
        f"{i + 1} · {escape_md(row['name']) or '(new section)'}"
        + (" · per model" if row["per_model"] else "")
        + (" · required" if row.get("required") else "")
    )
    with st.expander(label, expanded=error is not None or ss.get("spec_open") == uid):
        _bound(st.text_input, "Section name", uid, "name", "sec_name")
        _bound(st.checkbox, "One subsection per registered model (per_model)", uid, "per_model", "sec_pm")
        _bound(
            st.checkbox,
            "Required (`autodoc check` fails a document where it is missing or empty)",
            uid,
            "required",
            "sec_req",
        )
        _bound(
            st.text_area,
            "Hint",
            uid,
            "hint",
            "sec_hint",
            height=90,
            placeholder="What this section should cover (optional)",
        )
        row_buttons = st.container(horizontal=True)
        row_buttons.button(
            "↑", key=f"sec_up_{uid}", on_click=_move, args=(uid, -1), disabled=i == 0, help="Move up"
        )
        row_buttons.button(
            "↓",
            key=f"sec_down_{uid}",
            on_click=_move,
            args=(uid, 1),
            disabled=i == count - 1,
            help="Move down",
        )
        row_buttons.button("Delete", key=f"sec_del_{uid}", on_click=_delete, args=(uid,), disabled=count == 1)
        if error:
            st.error(error)


def spec_editor() -> SpecCheck:
    """Title, authors and the section cards; returns the validated spec (or its error)."""
    ss = st.session_state
    st.header("Document spec")
    spec_sources()
    st.text_input("Title", key="spec_title")
    title_msg = st.empty()
    st.text_input("Authors", key="spec_authors")
    authors_msg = st.empty()
    rows = ss["spec_rows"]
    result = check(ss.get("spec_title", ""), ss.get("spec_authors", ""), rows, ss.get("spec_extra"))
    st.caption(f"Sections ({len(rows)}): open a card to rename it, write its hint or move it.")
    for i, row in enumerate(rows):
        in_card = result.error is not None and result.place == "sections" and result.row == i
        error = _FIELD_PREFIX.sub("", error_text(result.error)) if in_card else None
        _card(i, row, len(rows), error)
    st.button("Add section", key="spec_add", on_click=_add, icon=":material/add:")
    _place_error(result, title_msg, authors_msg)
    st.download_button(
        "Download spec YAML",
        data=result.spec.to_yaml() if result.spec else result.draft.text,
        file_name="doc_spec.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        key="spec_download",
    )
    return result


def _place_error(result: SpecCheck, title_msg, authors_msg) -> None:
    if result.error is None:
        return
    text = error_text(result.error)
    if result.place == "title":
        title_msg.error(f"Title: {text}")
    elif result.place == "authors":
        authors_msg.error(f"Authors: {text}")
    elif result.place != "sections" or result.row is None:
        st.error(f"Sections: {text}")
