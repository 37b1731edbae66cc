"""Keeping the document current in the app: "Update document" and what only people know.

- Update: "Check for changes" scans (no LLM) and lists what changed and which blocks would
  be rewritten; "Update document" then rewrites only those (`autodoc --update`).
- Questions: the topics code and MLflow cannot answer, per section, as a form. Answers are
  kept in the session and in `<output>/autodoc_facts.yaml`, and added to the spec of the
  next run, so the document states them as "stated by <who>, <date>".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from autodoc.check.people import topic_name, unanswered
from autodoc.facts import SIDECAR_NAME, TOPICS, Fact
from autodoc.pipeline.cache import cache_path
from autodoc.spec import Spec
from autodoc.ui import runs, state
from autodoc.ui.common import settings_or_error

PEOPLE_KEY = "people_facts"


# ----------------------------------------------------------------------- people's facts
def facts_file(ss: Any) -> Path | None:
    folder = (state.kept(ss, "opt_output_dir") or "").strip()
    return Path(folder) / SIDECAR_NAME if folder else None


def people_facts(ss: Any) -> list[Fact]:
    """The statements entered in this session, else those saved in the output folder."""
    if PEOPLE_KEY not in ss:
        path = facts_file(ss)
        ss[PEOPLE_KEY] = load_facts(path) if path is not None else []
    return ss[PEOPLE_KEY]


def load_facts(path: Path) -> list[Fact]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return [Fact(**{k: str(v) for k, v in f.items()}) for f in data.get("facts", [])]
    except (OSError, ValueError, TypeError, AttributeError, yaml.YAMLError):
        return []  # an unreadable file is not the app's to fix: the CLI names its line


def facts_yaml(facts: list[Fact]) -> str:
    rows = [f.model_dump(exclude_none=True, exclude={"line", "source", "question"}) for f in facts]
    return yaml.safe_dump({"facts": rows}, sort_keys=False, allow_unicode=True)


def with_people(ss: Any, spec: Spec | None) -> Spec | None:
    """The spec a run uses: the editor's spec plus the statements entered here."""
    facts = people_facts(ss)
    if spec is None or not facts:
        return spec
    known = {(f.topic, f.statement) for f in spec.facts}
    extra = [f for f in facts if (f.topic, f.statement) not in known]
    return spec.model_copy(update={"facts": [*spec.facts, *extra]})


def answer(ss: Any, topic: str, section: str, statement: str, who: str, when: date) -> Fact | None:
    """Record one answer (ignored without a statement and a name); saved beside the outputs."""
    if not statement.strip() or not who.strip():
        return None
    fact = Fact(
        topic=topic,
        section=section,
        statement=statement.strip(),
        stated_by=who.strip(),
        date=when.isoformat(),
    )
    facts = [f for f in people_facts(ss) if f.topic != topic] + [fact]
    ss[PEOPLE_KEY] = facts
    path = facts_file(ss)
    if path is not None and path.parent.is_dir():
        path.write_text(facts_yaml(facts), encoding="utf-8")
    return fact


def questions_form(spec: Spec) -> None:
    ss = st.session_state
    todo = unanswered(with_people(ss, spec) or spec)
    label = f"What only people know ({sum(len(t) for t in todo.values())} unanswered)"
    with st.expander(label, expanded=False):
        if not todo:
            st.caption("Every question is answered; the document states each answer with its source.")
            return
        st.caption(
            "Code and MLflow cannot say these. Answers are stated in the document as "
            "'stated by <who>, <date>', never mixed with evidence."
        )
        with st.form("people_form"):
            values = {}
            for section, topics in todo.items():
                st.markdown(f"**{section}**")
                for topic in topics:
                    values[topic] = (
                        section,
                        st.text_area(TOPICS[topic][0], key=f"q_{topic}_text", height=68),
                        st.text_input(f"{topic_name(topic)}: stated by", key=f"q_{topic}_who"),
                        st.date_input(
                            f"{topic_name(topic)}: date", key=f"q_{topic}_date", value=date.today()
                        ),
                    )
            if st.form_submit_button("Save answers"):
                saved = [
                    t for t, (sec, text, who, when) in values.items() if answer(ss, t, sec, text, who, when)
                ]
                state.notify(ss, "info", f"Saved {len(saved)} answer(s); they are stated in the next run.")
                st.rerun()


# ------------------------------------------------------------------------------ update
def update_panel(spec: Spec | None) -> None:
    ss = st.session_state
    folder = (state.kept(ss, "opt_output_dir") or "").strip()
    if not folder or spec is None or not cache_path(folder).is_file():
        return
    busy = runs.job_running(ss)
    pending = ss.get("update_pending")
    with st.expander("Update document", expanded=pending is not None):
        if pending is None:
            st.caption("Rescan the code and MLflow and see what changed since this document was built.")
            if st.button("Check for changes", key="upd_check", disabled=busy):
                settings = settings_or_error(writes=False)
                if settings is not None:
                    runs.start_update_check(ss, spec, settings)
                    st.rerun()
            return
        for line in pending.plan.lines():
            st.markdown(f"- {line}")
        row = st.container(horizontal=True)
        if row.button("Update document", type="primary", key="upd_go", disabled=busy):
            settings = settings_or_error()
            if settings is not None:
                runs.start_update(ss, settings)
                st.rerun()
        if row.button("Discard", key="upd_discard", disabled=busy):
            ss.pop("update_pending", None)
            st.rerun()


def panel(spec: Spec | None) -> None:
    """The hook of the main page: the update panel and the questions form."""
    update_panel(spec)
    if spec is not None:
        questions_form(spec)
