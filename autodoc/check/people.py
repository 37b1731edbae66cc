"""People's statements in the document: one block per section, apart from the evidence.

Each statement reads "<statement> (stated by <who>, <date>)". The block cites no evidence
and no LLM sees or writes it; it is rebuilt from the spec at every build.
"""

from __future__ import annotations

import yaml

from autodoc.document import Block, DocumentState, NarrativeContent, NarrativePlan, Section
from autodoc.facts import TOPICS, Fact, section_for
from autodoc.scan.secrets import redact
from autodoc.spec import Spec, parse_spec

FACTS_SUFFIX = ".facts"
FACTS_TITLE = "Stated by people (not taken from the code or MLflow)"


def document_spec(state: DocumentState) -> Spec:
    """The spec the document was written from, as the cache holds it."""
    text = yaml.safe_dump(state.spec, sort_keys=False, allow_unicode=True)
    return parse_spec(text, "<the document's spec>")


def topic_name(topic: str) -> str:
    return topic.replace("_", " ").capitalize()


def fact_line(fact: Fact) -> str:
    """One statement as the document states it; a secret pasted into it is redacted."""
    statement, _ = redact(fact.statement, f"statement on {fact.topic}")
    return f"- **{topic_name(fact.topic)}:** {statement} ({fact.cite()})"


def place_facts(state: DocumentState, facts: list[Fact]) -> None:
    """Put each statement in its section's people block (replacing the blocks of a previous build)."""
    for sec in state.sections:
        sec.blocks = [b for b in sec.blocks if not b.id.endswith(FACTS_SUFFIX)]
    targets = _targets(state)
    grouped: dict[str, list[Fact]] = {}
    for fact in facts:
        name = section_for(fact, list(targets))
        if name is not None:
            grouped.setdefault(name, []).append(fact)
    for name, group in grouped.items():
        sec = targets[name]
        text = "\n".join(fact_line(f) for f in group)
        sec.blocks.append(
            Block(
                id=f"{sec.id}{FACTS_SUFFIX}",
                plan=NarrativePlan(title=FACTS_TITLE, guidance="statements supplied by people"),
                content=NarrativeContent(text=text),
                status="written",
            )
        )


def _targets(state: DocumentState) -> dict[str, Section]:
    """Spec section name -> the section that holds its statements (a per-model section's first one)."""
    out: dict[str, Section] = {}
    for sec in state.sections:
        if not sec.is_container and sec.spec_name not in out and sec.id != "change-log":
            out[sec.spec_name] = sec
    return out


def unanswered(spec: Spec) -> dict[str, list[str]]:
    """Section name -> topics no statement answers yet (each topic asked in one section)."""
    answered = {f.topic for f in spec.facts}
    headings = [s.name for s in spec.sections]
    out: dict[str, list[str]] = {}
    for topic in TOPICS:
        if topic in answered:
            continue
        section = section_for(Fact(topic=topic, statement="", stated_by="", date=""), headings)
        if section is not None:
            out.setdefault(section, []).append(topic)
    return out
