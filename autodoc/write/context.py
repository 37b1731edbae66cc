"""What every writing call carries, and how much: the document's facts, then the section's.

The document's facts (registered models, their documented versions (`plan.lineage.champions`,
as in the one-minute summary) and aliases, the headline metrics of the runs behind them, the
production pipeline and estimators, data source and target) are a stable prefix: the
same text, with the same `S` handles, in every call of a run, so provider-side prompt caching
applies. A call then adds the section's own facts (`E` handles, none repeated from the
prefix) and 2-6 code excerpts, within a budget of tokens per call (about 4 characters a
token) that is measured, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.handles import Handles
from autodoc.plan.lineage import champions
from autodoc.plan.topics import is_production_code, metric_rank

CHARS_PER_TOKEN = 4
SUMMARY_ITEMS = 20
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
    """The facts every section may need: models, documented versions, headline metrics, pipeline."""
    idx = evidence.index()
    documented = {name: (mv, run) for name, mv, run in champions(evidence)}
    ids: list[str] = []
    for model in evidence.model_names():
        info = evidence.model(model)
        ids.append(info.evidence_id if info else f"m:{model}")
        mv, run = documented.get(model, (None, None))
        if mv is not None:
            ids.append(mv.evidence_id)
        if run is not None:
            ids += [f"{run.evidence_id}:metric:{k}" for k in sorted(run.metrics, key=metric_rank)[:3]]
    ids += [i.id for i in evidence.by_kind("alias")][:4]
    # how the version in use is chosen right after the aliases it sets, before the list is capped
    for kind, limit in (
        ("model_selection", 2),
        ("pipeline", 2),
        ("estimator", 3),
        ("data_source", 2),
        ("target", 1),
    ):
        found = [i for i in evidence.by_kind(kind) if is_production_code(i)]  # as the summary's
        ids += [i.id for i in found[:limit]]
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
