"""What every writing call carries, and how much: the document's facts, then the section's.

The document's facts (the items the one-minute summary cites, `write.summary`: purpose,
production models with their versions, runs and estimators, target, data, split, features,
hyperparameters, held-out metrics, threshold, tracking, serving) are a stable prefix: the
same text, with the same `S` handles, in every call of a run, so provider-side prompt caching
applies. A call then adds the section's own facts (`E` handles, none repeated from the
prefix) and 2-6 code excerpts, within a budget of tokens per call (about 4 characters a
token) that is measured, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.handles import Handles
from autodoc.write.summary import summary_facts

CHARS_PER_TOKEN = 4
SUMMARY_ITEMS = 48  # the summary cites about 40 items for two models
EXCERPTS = (2, 6)  # at least, at most (when the evidence has them and the budget allows)
EXCERPT_CHARS = 900


@dataclass
class DocumentContext:
    """The stable prefix of a run's calls."""

    title: str
    items: list[EvidenceItem] = field(default_factory=list)
    text: str = ""

    @classmethod
    def build(cls, title: str, evidence: EvidenceStore) -> DocumentContext:
        items = summary_items(evidence)
        handles = Handles.build([], summary=items)
        lines = [f"Document: {title}", "Document facts (S handles, the same in every request):"]
        lines += [handles.line(item, evidence) for item in items] or ["(none)"]
        return cls(title=title, items=items, text="\n".join(lines))


_built: dict[tuple[int, str, int], DocumentContext] = {}


def context_for(title: str, evidence: EvidenceStore) -> DocumentContext:
    """The run's context, built once per (store, title) and then shared by every call."""
    key = (id(evidence), title, len(evidence.items))
    found = _built.get(key)
    if found is None:
        if len(_built) > 16:
            _built.clear()
        found = _built[key] = DocumentContext.build(title, evidence)
    return found


def summary_items(evidence: EvidenceStore) -> list[EvidenceItem]:
    """The facts every section may need: the items the one-minute summary cites, in its order."""
    idx = evidence.index()
    ids = [eid for fact in summary_facts(evidence) for eid in fact.evidence_ids]
    return [idx[i] for i in dict.fromkeys(ids) if i in idx][:SUMMARY_ITEMS]


def excerpts_for(
    section_items: list[EvidenceItem], evidence: EvidenceStore, topics: list[str]
) -> list[EvidenceItem]:
    """Code excerpts for a call: the section's own, then production ones on its topics."""
    own = [i for i in section_items if i.kind == "excerpt" and i.text]
    wanted = set(topics)
    more = [
        i
        for i in evidence.by_kind("excerpt")
        if i.text and i.role in ("production", "serving") and wanted & set(i.topics) and i not in own
    ]
    return (own + more)[: EXCERPTS[1]]


def excerpt_lines(handles: Handles, items: list[EvidenceItem]) -> list[str]:
    out = []
    for item in items:
        handle = handles.handle_of(item.id)
        if handle is None:
            continue
        text = item.text or ""
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS] + "\n# … (excerpt shortened)"
        out += [f"{handle} | {item.label} | {item.source.cite()}", "```", text, "```"]
    return out


def fit(lines: list[str], budget_chars: int) -> list[str]:
    """The first lines that fit in `budget_chars` (a line is never cut)."""
    out, used = [], 0
    for line in lines:
        used += len(line) + 1
        if used > budget_chars:
            break
        out.append(line)
    return out
