"""Which sections, blocks and sentences of a document rest on which evidence.

Built from the cache alone: a block's citations (narrative markers, list items, table
cells, chart points) and each section's evidence selection. `check`, `--update` and the
change log ask it what a change touches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autodoc.document import (
    CITATION_RE,
    Block,
    ChartContent,
    DocumentState,
    ListContent,
    NarrativeContent,
    Section,
    TableContent,
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\[(*-])")
_MARKER = re.compile(CITATION_RE)


@dataclass
class Hit:
    """One place of the document a change touches."""

    section: str  # "6.1 breast_cancer_gbm"
    section_id: str
    block_id: str | None = None
    sentence: str | None = None  # the sentence or table row, citation markers removed


@dataclass
class DocIndex:
    state: DocumentState
    cited: dict[str, set[str]] = field(default_factory=dict)  # evidence id -> block ids
    selected: dict[str, set[str]] = field(default_factory=dict)  # evidence id -> section ids
    blocks: dict[str, tuple[Section, Block]] = field(default_factory=dict)

    @classmethod
    def of(cls, state: DocumentState) -> DocIndex:
        index = cls(state)
        for sec in state.sections:
            for eid in sec.evidence_ids:
                index.selected.setdefault(eid, set()).add(sec.id)
            for blk in sec.blocks:
                index.blocks[blk.id] = (sec, blk)
                for eid in block_citations(blk):
                    index.cited.setdefault(eid, set()).add(blk.id)
        return index

    def runs_used(self) -> set[str]:
        prov = self.state.provenance
        return set(prov.runs_used) if prov else set()

    def is_cited(self, eid: str | None) -> bool:
        return bool(eid) and eid in self.cited

    def is_documented(self, eid: str | None) -> bool:
        return bool(eid) and (eid in self.cited or eid in self.selected)

    def hits(self, ids: list[str], model: str | None = None) -> list[Hit]:
        """Sentences and rows citing any of `ids`; else sections given them; else the model's."""
        wanted = [i for i in ids if i]
        out: list[Hit] = []
        for block_id in sorted({b for eid in wanted for b in self.cited.get(eid, ())}, key=_order(self)):
            sec, blk = self.blocks[block_id]
            places = cited_places(blk, set(wanted)) or [None]
            out += [Hit(_name(sec), sec.id, blk.id, place) for place in places]
        # a section given the fact but not citing it may still state it: named only when no
        # block cites the fact
        sections = set() if out else {s for eid in wanted for s in self.selected.get(eid, ())}
        if model:
            sections |= {s.id for s in self.state.sections if s.model == model}
            sections |= set(self.selected.get(f"m:{model}", ()))
        done = {h.section_id for h in out}
        for sec in self.state.sections:
            if sec.id in sections and sec.id not in done:
                out.append(Hit(_name(sec), sec.id))
        return out


def _order(index: DocIndex):
    position = {blk_id: n for n, blk_id in enumerate(index.blocks)}
    return lambda blk_id: position.get(blk_id, 0)


def _name(sec: Section) -> str:
    return f"{sec.number} {sec.heading}"


def block_citations(blk: Block) -> list[str]:
    """Every evidence id a block rests on (its citations, cells, points, items)."""
    content = blk.content
    if content is None:
        return []
    ids = list(content.citations)
    if isinstance(content, TableContent):
        ids += [c.evidence_id for row in content.rows for c in row if c.evidence_id]
    elif isinstance(content, ChartContent):
        ids += [eid for s in content.series for eid in s.evidence_ids]
    elif isinstance(content, ListContent):
        ids += [eid for item in content.items for eid in item.evidence_ids]
    elif isinstance(content, NarrativeContent):
        ids += _MARKER.findall(content.text)
    return list(dict.fromkeys(ids))


def cited_places(blk: Block, ids: set[str]) -> list[str]:
    """The sentences, list items or table rows of `blk` that cite one of `ids`."""
    content = blk.content
    if isinstance(content, NarrativeContent):
        return [clean(s) for s in sentences(content.text) if ids & set(_MARKER.findall(s))]
    if isinstance(content, ListContent):
        return [
            clean(i.text) for i in content.items if ids & (set(i.evidence_ids) | set(_MARKER.findall(i.text)))
        ]
    if isinstance(content, TableContent):
        rows = [r for r in content.rows if ids & {c.evidence_id for c in r if c.evidence_id}]
        return [f"{content.caption}: " + " | ".join(_cell(c.value) for c in r) for r in rows]
    if isinstance(content, ChartContent):
        return [content.caption] if any(ids & set(s.evidence_ids) for s in content.series) else []
    return []


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        out += [s for s in _SENTENCE_END.split(para.strip()) if s.strip()]
    return out


def clean(text: str) -> str:
    """A sentence without citation markers or list/bold markup, at most 200 characters."""
    plain = " ".join(_MARKER.sub("", text).replace("**", "").lstrip("- ").split())
    plain = re.sub(r"\s+([.,;:])", r"\1", plain)
    return plain if len(plain) <= 200 else plain[:197] + "..."


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
