"""Narrative markdown-lite parsing and numbered references shared by every renderer.

Narrative text holds paragraphs, ``- `` bullets, ``1. `` numbered items, ``**bold**``,
```code``` and citation markers ``[[evidence-id]]``. Citations become numbered references
in order of first use across the whole document, so the Word document, the notebook and
the app number them the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from autodoc.document import CITATION_RE, Block, DocumentState, FigureFlag, ListItem
from autodoc.evidence import EvidenceItem

ParagraphKind = Literal["para", "bullet", "number", "heading"]

_CITE_GROUP = rf"{CITATION_RE}(?:[ \t]*[,;]?[ \t]*{CITATION_RE})*"
_INLINE_RE = re.compile(rf"(?P<cite>{_CITE_GROUP})|\*\*(?P<bold>.+?)\*\*|`(?P<code>[^`]+)`")
_CITE_RE = re.compile(CITATION_RE)
_BULLET_RE = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBER_RE = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_HEADING_RE = re.compile(r"^\s*#{1,6}\s+(.*)$")


@dataclass(frozen=True)
class Span:
    """A run of inline text; a citation span has `ids` and no text of its own."""

    text: str = ""
    bold: bool = False
    code: bool = False
    ids: tuple[str, ...] = ()

    @property
    def is_citation(self) -> bool:
        return bool(self.ids)


@dataclass
class Paragraph:
    kind: ParagraphKind
    spans: list[Span] = field(default_factory=list)

    def citation_ids(self) -> list[str]:
        return [eid for span in self.spans for eid in span.ids]


# ------------------------------------------------------------------------- parsing
def parse_narrative(text: str) -> list[Paragraph]:
    """Split markdown-lite text into paragraphs of inline spans."""
    paragraphs: list[Paragraph] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            paragraphs.append(Paragraph("para", parse_inline(" ".join(buffer))))
            buffer.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        kind, body = _line_kind(line)
        if kind == "para":
            buffer.append(body)
            continue
        flush()
        paragraphs.append(Paragraph(kind, parse_inline(body)))
    flush()
    return paragraphs


def _line_kind(line: str) -> tuple[ParagraphKind, str]:
    for kind, pattern in (("bullet", _BULLET_RE), ("number", _NUMBER_RE), ("heading", _HEADING_RE)):
        match = pattern.match(line)
        if match:
            return kind, match.group(1)  # type: ignore[return-value]
    return "para", line


def parse_inline(text: str, *, bold: bool = False) -> list[Span]:
    """Split one line into text, bold, code and citation spans."""
    spans: list[Span] = []
    pos = 0
    for match in _INLINE_RE.finditer(text):
        if match.start() > pos:
            spans.append(Span(text[pos : match.start()], bold=bold))
        if match.group("cite"):
            spans.append(Span(ids=tuple(_CITE_RE.findall(match.group("cite"))), bold=bold))
        elif match.group("bold") is not None:
            spans.extend(parse_inline(match.group("bold"), bold=True))
        else:
            spans.append(Span(match.group("code"), bold=bold, code=True))
        pos = match.end()
    if pos < len(text):
        spans.append(Span(text[pos:], bold=bold))
    return spans


def list_item_spans(item: ListItem) -> tuple[list[Span], tuple[str, ...]]:
    """The item's spans, and the evidence ids it carries that its text does not cite."""
    spans = parse_inline(item.text)
    cited = {eid for span in spans for eid in span.ids}
    return spans, tuple(eid for eid in item.evidence_ids if eid not in cited)


def strip_citations(text: str) -> str:
    """The text without citation markers (for places that cannot show references)."""
    return re.sub(r"\s*" + _CITE_GROUP, "", text)


# --------------------------------------------------------------------------- flags
def flag_regex(flags: list[FigureFlag]) -> re.Pattern | None:
    """Matches the flagged figures in text (longest first, not inside a longer number)."""
    figures = sorted({f.figure for f in flags if f.figure.strip()}, key=len, reverse=True)
    if not figures:
        return None
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in figures) + r")(?![\d])")


def flag_sentence(flags: list[FigureFlag]) -> str:
    """What a block's flag note says after "Check before use:"."""
    figures = ", ".join(dict.fromkeys(f.figure for f in flags))
    reasons = "; ".join(dict.fromkeys(f.reason for f in flags))
    return f"the highlighted figure(s) {figures} above: {reasons}."


# ----------------------------------------------------------------------- citations
def block_citations(block: Block) -> list[str]:
    """Evidence ids a block cites, in the order a reader meets them."""
    content = block.content
    if content is None:
        return []
    ids: list[str] = []
    if content.type == "narrative":
        for para in parse_narrative(content.text):
            ids.extend(para.citation_ids())
        ids.extend(content.citations)
    elif content.type == "list":
        for item in content.items:
            ids.extend(_CITE_RE.findall(item.text))
            ids.extend(item.evidence_ids)
    elif content.type == "table":
        ids.extend(content.citations or [c.evidence_id for row in content.rows for c in row if c.evidence_id])
    elif content.type == "chart":
        ids.extend(content.citations or [eid for s in content.series for eid in s.evidence_ids])
    else:
        ids.extend(content.citations or [content.artifact_id])
    return _unique(ids)


def caption_citations(block: Block) -> list[str]:
    """Ids shown after a table/chart/image caption."""
    return (
        block_citations(block)
        if block.content is not None and block.content.type in ("table", "chart", "image")
        else []
    )


def citation_numbers(state: DocumentState) -> dict[str, int]:
    """Evidence id -> reference number, in order of first use across the document."""
    numbers: dict[str, int] = {}
    for fact in state.summary:  # the summary comes first
        for eid in re.findall(CITATION_RE, fact.text):
            numbers.setdefault(eid, len(numbers) + 1)
    for _, block in state.blocks():
        for eid in block_citations(block):
            numbers.setdefault(eid, len(numbers) + 1)
    return numbers


def cite_label(ids: list[str] | tuple[str, ...], numbers: dict[str, int]) -> str:
    """``[3]``, ``[3, 5]`` or ``[3, 5–9]`` for a group of citations (unknown ids are skipped)."""
    nums = sorted({numbers[eid] for eid in ids if eid in numbers})
    return "[" + ", ".join(_runs(nums)) + "]" if nums else ""


def _runs(nums: list[int]) -> list[str]:
    """Sorted numbers with runs of three or more written as ranges: 5, 6, 7 -> 5–7."""
    out: list[str] = []
    start = 0
    for i in range(1, len(nums) + 1):
        if i == len(nums) or nums[i] != nums[i - 1] + 1:
            run = nums[start:i]
            out += [f"{run[0]}–{run[-1]}"] if len(run) >= 3 else [str(n) for n in run]
            start = i
    return out


def cited_numbers(label: str) -> set[int]:
    """The reference numbers a label such as ``[3, 5–9]`` stands for (the inverse of cite_label)."""
    found: set[int] = set()
    for part in label.strip("[]").split(", "):
        first, _, last = part.partition("–")
        if first.isdigit() and (not last or last.isdigit()):
            found.update(range(int(first), int(last or first) + 1))
    return found


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


# ---------------------------------------------------------------------- references
@dataclass(frozen=True)
class Reference:
    number: int
    evidence_id: str
    text: str
    link: str | None = None


def references(state: DocumentState) -> list[Reference]:
    """Every numbered reference with its resolved text, in number order."""
    refs = []
    for eid, number in citation_numbers(state).items():
        item = state.evidence_items.get(eid)
        if item is None:
            refs.append(Reference(number, eid, f"Evidence {eid} (details not kept in the document state)"))
        else:
            refs.append(Reference(number, eid, reference_text(item), reference_link(item)))
    return refs


def reference_text(item: EvidenceItem) -> str:
    """Label plus where the fact comes from: a code location or an MLflow entity."""
    location = _code_location(item) if item.source.kind == "code" else _mlflow_location(item)
    label = item.label
    if item.value is None and item.attrs.get("by_caller"):
        label = label.removesuffix(" = None") + f" ({item.attrs.get('expr')})"  # each caller's value
    elif item.value is None and item.attrs.get("expr") and label.endswith(" = None"):
        label = label.removesuffix(" = None") + " (set by an expression at run time)"  # no value in the code
    elif item.value is None and item.kind == "param" and label.endswith(" = None"):
        label = label.removesuffix(" = None") + " set to None in the code"  # written so: class_weight=None
    return f"{label}. {location}" if location else label


def reference_link(item: EvidenceItem) -> str | None:
    """The http(s) link to the entity, when the tracking server has one."""
    uri = item.source.uri
    return uri if uri and uri.startswith(("http://", "https://")) else None


def _code_location(item: EvidenceItem) -> str:
    src = item.source
    parts = [f"Code: {src.path or '?'}"]
    if src.cell is not None:
        parts.append(f"cell {src.cell}")
    if src.line_start:
        if src.line_end and src.line_end != src.line_start:
            parts.append(f"lines {src.line_start}–{src.line_end}")
        else:
            parts.append(f"line {src.line_start}")
    if src.commit:
        parts.append(f"commit {src.commit[:12]}")
    return ", ".join(parts)


def _mlflow_location(item: EvidenceItem) -> str:
    src = item.source
    parts = []
    if src.model_name:
        parts.append(f"registered model {src.model_name}")
        if src.model_version:
            parts[-1] += f" version {src.model_version}"
    if src.run_id:
        parts.append(f"run {src.run_id}")
    if src.experiment_id:
        parts.append(f"experiment {src.experiment_id}")
    if not parts and src.uri:
        parts.append(src.uri)
    if not parts:
        parts.append(item.id)
    return "MLflow: " + ", ".join(parts)
