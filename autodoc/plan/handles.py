"""Short handles a request gives the model instead of evidence ids, mapped back on return.

A model copies `E7` far more reliably than `c:src/train.py:30:param:n_splits`, and a
handle set small enough to list is small enough to put into the JSON schema as an enum.
Evidence items are `E1`..`En` (in prompt order), image artifacts `I1`..`Ik`, runs
`R1`..`Rm`; models, metrics and experiments go by their own names. The model never sees
a pattern it has to expand: every handle it may use is listed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from autodoc.document import CITATION_RE
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan import compact

HANDLE = re.compile(r"^[SEIR]\d+$")
SLOPPY = re.compile(r"^([SEIRseir])\s*0*(\d+)$")  # e7, E07, "E 7": unambiguously E7
MANGLED = re.compile(r"\[\[([^\[\]]*?\s[^\[\]]*|)\]\]")  # double brackets that are no citation: [[E 3]], [[]]
_RUN_PARTS = {"run_metric": "metric", "run_param": "param", "run_tag": "tag", "metric_history": "history"}


@dataclass
class Handles:
    """Handle <-> evidence id, for one request."""

    summary: dict[str, str] = field(default_factory=dict)  # S1 -> m:churn (the document's facts, every call)
    evidence: dict[str, str] = field(default_factory=dict)  # E1 -> c:src/train.py:30:param:n_splits
    images: dict[str, str] = field(default_factory=dict)  # I1 -> r:402279c6:art:plots/roc.png
    runs: dict[str, str] = field(default_factory=dict)  # R1 -> r:402279c6
    _reverse: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        items: Iterable[EvidenceItem],
        images: Iterable[str] = (),
        runs: Iterable[str] = (),
        summary: Iterable[EvidenceItem] = (),
    ) -> Handles:
        """Summary items are S1.. (the same in every call); `items` already among them are
        not given a second handle (never the same material twice in one call)."""
        out = cls()
        for item in summary:
            out._add(out.summary, "S", item.id)
        for item in items:
            if item.id not in out.summary.values():
                out._add(out.evidence, "E", item.id)
        for eid in images:
            out._add(out.images, "I", eid)
        for eid in runs:
            out._add(out.runs, "R", eid)
        return out

    def _add(self, table: dict[str, str], letter: str, real: str) -> None:
        if real in self._reverse and self._reverse[real].startswith(letter):
            return
        handle = f"{letter}{len(table) + 1}"
        table[handle] = real
        self._reverse.setdefault(real, handle)

    # -- lookups ----------------------------------------------------------------------------
    def real(self, handle: str) -> str | None:
        """The id a handle of any kind stands for (None if the request gave no such handle)."""
        handle = canonical(handle)
        return (
            self.evidence.get(handle)
            or self.summary.get(handle)
            or self.images.get(handle)
            or self.runs.get(handle)
        )

    def handle_of(self, real: str) -> str | None:
        return self._reverse.get(real)

    def real_ids(self, handles: Iterable[str]) -> tuple[list[str], list[str]]:
        """(ids the handles stand for, in order without repeats; handles that stand for none)."""
        ids: dict[str, None] = {}
        unknown: list[str] = []
        for h in handles:
            real = self.real(h)
            if real is None:
                unknown.append(h)
            else:
                ids.setdefault(real, None)
        return list(ids), unknown

    def cite_real(self, text: str, allowed: Iterable[str] = ()) -> tuple[str, list[str]]:
        """`[[E3]]` -> `[[<id>]]`; a citation of a handle not given (or of an id not allowed)
        is removed. Returns (text, the citations removed)."""
        ok = (
            set(allowed)
            | set(self.evidence.values())
            | set(self.summary.values())
            | set(self.images.values())
        )
        dropped: list[str] = []

        def swap(match: re.Match[str]) -> str:
            token = match.group(1)
            handle = canonical(token)
            real = self.evidence.get(handle) or self.summary.get(handle) or self.images.get(handle)
            if real is None and token in ok:
                real = token  # a real id the request listed (e.g. the offline writer's)
            if real is None:
                dropped.append(token)
                return ""
            return f"[[{real}]]"

        def mangled(match: re.Match[str]) -> str:  # [[E 3]] is a slip for [[E3]]; [[]] is nothing
            if SLOPPY.match(match.group(1).strip()):
                return swap(match)
            dropped.append(match.group(1))
            return ""

        text = re.sub(CITATION_RE, swap, text)
        text = MANGLED.sub(mangled, text)
        return _tidy(text) if dropped else text, dropped

    def to_handles(self, text: str) -> str:
        """Real ids in a message (e.g. a grounding error) written as the handles the model knows."""
        for real in sorted(self._reverse, key=len, reverse=True):
            if real in text:
                text = text.replace(real, self._reverse[real])
        return text

    # -- prompt ------------------------------------------------------------------------------
    def evidence_lines(self, evidence: EvidenceStore, items: list[EvidenceItem]) -> list[str]:
        """One line per item: `E4 | what it is | value | where`, runs named by their R handle
        (items with a summary handle are in the shared context, not repeated here)."""
        return [
            self.line(item, evidence)
            for item in items
            if item.id in self._reverse and item.id not in self.summary.values()
        ]

    def line(self, item: EvidenceItem, evidence: EvidenceStore) -> str:
        handle = self._reverse[item.id]
        parts = [handle, self._describe(item), compact.short_value(item)]
        where = item.source.cite() if item.source.kind == "code" else ""
        if where:
            parts.append(where)
        if item.live is False:
            parts.append("legacy (not reached from an entry point)")
        return " | ".join(parts)

    def _describe(self, item: EvidenceItem) -> str:
        part = _RUN_PARTS.get(item.kind)
        pieces = item.id.split(":", 3)
        run_eid = ":".join(pieces[:2]) if item.id.startswith("r:") and len(pieces) >= 2 else None
        run_name = self._reverse.get(run_eid) if run_eid else None
        if part and run_eid:
            key = pieces[3] if len(pieces) == 4 else item.label
            return f"{part} {key} of run {run_name or run_eid[2:]}"
        if item.kind == "run" and run_name and run_name.startswith("R"):
            return f"run {run_name}: {compact.clip(item.label, 50)}"
        label = compact.clip(item.label, 60)
        if item.kind == "param" and item.attrs.get("owner_name"):
            label += f" (argument of {item.attrs['owner_name']})"
        return f"{item.kind}: {label}"


def _tidy(text: str) -> str:
    """Spaces left where a citation was removed."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text)


def canonical(handle: str) -> str:
    """A handle as we wrote it: `e7`, `E07` and `E 7` are copies of `E7` (a model's
    copying slips that name one handle only); anything else is returned as it is."""
    handle = handle.strip()
    sloppy = SLOPPY.match(handle)
    return f"{sloppy.group(1).upper()}{sloppy.group(2)}" if sloppy else handle


def is_handle(token: str) -> bool:
    return bool(HANDLE.match(token))
