"""What only people know: statements supplied by people, and the document's review fields.

A spec may hold them (or a sidecar `autodoc_facts.yaml` beside the spec may)::

    review:
      owner: "Dr. Ana Ruiz, Oncology Analytics"
      last_reviewed: 2026-11-01
      next_review: 2027-05-01
      cadence: 6 months              # how old a statement may grow (days, weeks, months, years)
    facts:
      - topic: intended_use          # see TOPICS; any other word is a free topic
        statement: "Triage of fine-needle aspirates before pathologist review."
        stated_by: "Dr. Ana Ruiz"
        date: 2026-11-20
        section: Executive Summary   # optional: where the document states it

The document states each one as "<statement> (stated by <who>, <date>)" in a block of its
own, never mixed with evidence. The parsing helpers take the spec reader, so every mistake
names file, line and field like the rest of the spec.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

SIDECAR_NAME = "autodoc_facts.yaml"
FACT_KEYS = ("topic", "statement", "stated_by", "date", "section", "question")
REVIEW_KEYS = ("owner", "last_reviewed", "next_review", "cadence")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CADENCE = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.I)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

# Topics evidence cannot answer: (question, sections it belongs to, by keyword in the heading).
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "intended_use": (
        "What is the model intended to be used for, and by whom?",
        ("summary", "overview", "purpose", "intended"),
    ),
    "business_owner": (
        "Who is the business owner accountable for the model?",
        ("summary", "overview", "governance", "owner"),
    ),
    "out_of_scope": (
        "Which uses are out of scope (the model must not be used for)?",
        ("deployment", "use", "scope", "limitation"),
    ),
    "limitations": (
        "What are the known limitations of the model?",
        ("conclusion", "limitation", "risk", "validation"),
    ),
    "approvals": (
        "Who approved the model for use, and when?",
        ("governance", "approval", "appendix", "deployment"),
    ),
    "review_cadence": (
        "How often is the model reviewed?",
        ("governance", "monitoring", "appendix", "review"),
    ),
}


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str
    statement: str
    stated_by: str
    date: str  # YYYY-MM-DD
    section: str | None = None
    question: str | None = None  # the questionnaire's question this answers
    line: int | None = None
    source: str | None = None  # the file it came from

    def cite(self) -> str:
        return f"stated by {self.stated_by}, {self.date}"


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str | None = None
    last_reviewed: str | None = None
    next_review: str | None = None
    cadence: str | None = None

    def cadence_days(self) -> int | None:
        match = _CADENCE.match(self.cadence or "")
        return int(match.group(1)) * _UNIT_DAYS[match.group(2).lower()] if match else None


# --------------------------------------------------------------------------- parsing
def read_review(reader: Any, node: yaml.Node) -> Review:
    if not isinstance(node, yaml.MappingNode):
        raise reader.fail(
            "expected a mapping with owner, last_reviewed, next_review, cadence", node, "review"
        )
    entries = reader.keys(node, REVIEW_KEYS, "review")
    values: dict[str, str] = {}
    for key, (_, value) in entries.items():
        field = f"review.{key}"
        values[key] = (
            read_date(reader, value, field)
            if key in ("last_reviewed", "next_review")
            else reader.string(value, field)
        )
    if "cadence" in values and not _CADENCE.match(values["cadence"]):
        raise reader.fail(
            f"cadence {values['cadence']!r} is not a period",
            entries["cadence"][1],
            "review.cadence",
            hint="write e.g.  cadence: 12 months  (days, weeks, months or years)",
        )
    return Review(**values)


def read_facts(reader: Any, node: yaml.Node, field: str = "facts") -> list[Fact]:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise reader.fail("expected a list of statements (lines starting with '- ')", node, field)
    facts = []
    for index, item in enumerate(node.value, 1):
        where = f"{field}[{index}]"
        if not isinstance(item, yaml.MappingNode):
            raise reader.fail("expected a mapping with topic, statement, stated_by, date", item, where)
        entries = reader.keys(item, FACT_KEYS, where)
        if "statement" in entries and _blank(entries["statement"][1]):
            continue  # a question of the questionnaire not answered yet
        for key in ("topic", "statement", "stated_by", "date"):
            if key not in entries:
                raise reader.fail(f"missing '{key}'", item, f"{where}.{key}", hint=_FACT_HINT)
        values = {
            key: read_date(reader, value, f"{where}.{key}")
            if key == "date"
            else reader.string(value, f"{where}.{key}")
            for key, (_, value) in entries.items()
        }
        facts.append(Fact(**values, line=item.start_mark.line + 1, source=reader.path))
    return facts


def _blank(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not str(node.value).strip()


_FACT_HINT = "each statement needs topic, statement, stated_by and date (YYYY-MM-DD)"


def read_date(reader: Any, node: yaml.Node, field: str) -> str:
    text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
    if not _DATE.match(text) or parse_date(text) is None:
        raise reader.fail(f"expected a date YYYY-MM-DD, got {text or 'nothing'!r}", node, field)
    return text


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------- rules
def section_for(fact: Fact, headings: list[str]) -> str | None:
    """The spec section that states `fact`: its own `section`, else by topic keywords."""
    by_norm = {" ".join(h.split()).casefold(): h for h in headings}
    named = by_norm.get(" ".join(fact.section.split()).casefold()) if fact.section else None
    if named:
        return named  # a section the spec no longer has: placed by topic, never dropped
    words = TOPICS.get(fact.topic, ("", ()))[1]
    for word in words:
        for heading in headings:
            if word in heading.casefold():
                return heading
    return headings[0] if headings else None


def stale_facts(facts: list[Fact], review: Review | None, today: date) -> list[Fact]:
    """Statements older than the review cadence (none without a cadence)."""
    days = review.cadence_days() if review else None
    if days is None:
        return []
    limit = today - timedelta(days=days)
    return [f for f in facts if (parse_date(f.date) or today) < limit]
