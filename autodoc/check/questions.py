"""`autodoc questions`: what the code and MLflow cannot answer, as a questionnaire to fill in.

The YAML it writes is a facts file: answer a question (statement, stated_by, date), save
it as `autodoc_facts.yaml` beside the spec, and the next build states each answer with
its source; unanswered entries (empty statement) are ignored until someone fills them.
"""

from __future__ import annotations

import yaml

from autodoc.check.people import unanswered
from autodoc.document import DocumentState
from autodoc.evidence import user_tags
from autodoc.facts import SIDECAR_NAME, TOPICS
from autodoc.spec import Spec

# tag keys in MLflow that hint at an answer (never taken as one: a person must state it)
_HINT_KEYS = {
    "intended_use": ("use_case", "intended", "purpose"),
    "business_owner": ("owner", "team"),
    "limitations": ("limitation",),
    "approvals": ("approv", "validation_status"),
    "out_of_scope": ("scope",),
    "review_cadence": ("review",),
}


def questionnaire(spec: Spec, state: DocumentState | None = None) -> str:
    """The YAML questionnaire of every unanswered topic, per section of `spec`."""
    todo = unanswered(spec)
    lines = [
        f"# Questions the code and MLflow could not answer, per section of {spec.path or 'the spec'}.",
        "# Fill in statement, stated_by and date (YYYY-MM-DD), save this file as",
        f"# {SIDECAR_NAME} beside the spec and generate again: the document states each",
        '# answer as "stated by <who>, <date>". Entries left with an empty statement are ignored.',
        "facts:",
    ]
    if not todo:
        lines[-1] = "facts: []  # every question is answered"
    for section, topics in todo.items():
        lines.append(f"  # --- {section}")
        for topic in topics:
            lines += _entry(section, topic, hints(state, topic))
    return "\n".join(lines) + "\n"


def _entry(section: str, topic: str, found: list[str]) -> list[str]:
    out = [
        f"  - topic: {topic}",
        f"    section: {_quote(section)}",
        f"    question: {_quote(TOPICS[topic][0])}",
    ]
    out += [f"    # the evidence only hints: {hint}" for hint in found]
    out += ['    statement: ""', '    stated_by: ""', '    date: ""']
    return out


def hints(state: DocumentState | None, topic: str) -> list[str]:
    """MLflow tags that look related to `topic` (shown as hints, never as answers)."""
    if state is None:
        return []
    keys = _HINT_KEYS.get(topic, ())
    out = []
    for item in state.evidence_items.values():
        tags = item.attrs.get("tags") if item.kind in ("registered_model", "experiment") else None
        for key, value in user_tags(tags).items():
            if any(k in key.lower() for k in keys):
                out.append(f"{item.label}: tag {key} = {value}")
    return sorted(set(out))[:3]


def _quote(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', width=1000).strip()


def unanswered_count(spec: Spec) -> int:
    return sum(len(t) for t in unanswered(spec).values())
