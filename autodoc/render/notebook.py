"""The editable Jupyter notebook, built from a `DocumentState` alone.

Markdown cells carry the headings and narratives (citations as the same numbered
references as the Word document); code cells rebuild every table and chart from data
embedded in the notebook with pandas and matplotlib only. All code is written by
`render.notebook_code`, never by an LLM, and needs nothing from autodoc to run. Same state,
same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autodoc.document import (
    Block,
    ChartContent,
    DocumentState,
    FigureFlag,
    ImageContent,
    ListContent,
    NarrativeContent,
    Section,
    TableContent,
)
from autodoc.render.figures import (
    caption_labels,
    empty_chart_words,
    empty_table_words,
    has_points,
    image_bytes,
)
from autodoc.render.format import model_row
from autodoc.render.notebook_code import SETUP_CODE, chart_code, table_code
from autodoc.render.provenance import provenance_rows
from autodoc.render.text import (
    Span,
    block_citations,
    citation_numbers,
    cite_label,
    flag_regex,
    flag_sentence,
    list_item_spans,
    parse_inline,
    parse_narrative,
    references,
)

_ID_OK = re.compile(r"[^A-Za-z0-9_-]+")
_MD_HEADING = {"heading": "**{}**", "bullet": "- {}", "number": "1. {}", "para": "{}"}


def render_notebook(state: DocumentState) -> bytes:
    """Build the notebook (nbformat v4, validated) and return its JSON bytes."""
    builder = _Builder(state)
    nb = new_notebook(cells=builder.cells(), metadata=_metadata(state))
    nbformat.validate(nb)
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def _metadata(state: DocumentState) -> dict[str, Any]:
    prov = state.provenance
    return {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "autodoc": {
            "title": state.title,
            "document_version": state.version,
            "generator_version": prov.generator_version if prov else None,
            "spec_hash": prov.spec_hash if prov else None,
            "code_commit": prov.code_commit if prov else None,
        },
    }


class _Builder:
    """Walks the state once and emits cells with stable, unique ids."""

    def __init__(self, state: DocumentState) -> None:
        self.state = state
        self.numbers = citation_numbers(state)
        self.labels = caption_labels(state)
        self.used_ids: set[str] = set()
        self.out: list[Any] = []

    def cells(self) -> list[Any]:
        self._md("title", _title_md(self.state))
        if self.state.summary or self.state.gaps:
            self._md("summary", _summary_md(self.state, self.numbers))
        self._code("setup", SETUP_CODE)
        for section in self.state.sections:
            self._section(section)
        self._md("references", _references_md(self.state))
        self._md("provenance", _provenance_md(self.state))
        return self.out

    # -- cells with stable ids --------------------------------------------------------
    def _id(self, base: str, suffix: str) -> str:
        """A valid nbformat id (1-64 of [A-Za-z0-9_-]) derived from `base`; never reused."""
        slug = _ID_OK.sub("-", base).strip("-") or "cell"
        cell_id = f"{slug}-{suffix}"
        if len(cell_id) > 64 or slug != base.replace(".", "-") or cell_id in self.used_ids:
            digest = hashlib.sha1(f"{base}/{suffix}".encode()).hexdigest()[:8]
            cell_id = f"{slug[: 64 - len(suffix) - 10]}-{digest}-{suffix}"
        while cell_id in self.used_ids:  # practically never: same digest twice
            cell_id = hashlib.sha1(cell_id.encode()).hexdigest()[:16] + f"-{suffix}"
        self.used_ids.add(cell_id)
        return cell_id

    def _md(self, base: str, text: str, suffix: str = "md", attachments: dict | None = None) -> None:
        cell = new_markdown_cell(text, id=self._id(base, suffix))
        if attachments:
            cell["attachments"] = attachments
        self.out.append(cell)

    def _code(self, base: str, code: str, suffix: str = "code") -> None:
        self.out.append(new_code_cell(code, id=self._id(base, suffix)))

    # -- content -------------------------------------------------------------------------
    def _section(self, section: Section) -> None:
        hashes = "#" * (min(section.level, 2) + 1)
        lines = [f"{hashes} {section.number} {section.heading}"]
        if not section.is_container:
            if section.error or (not section.blocks and section.status == "failed"):
                lines.append(_notice(f"This section could not be completed: {section.error or 'no blocks'}"))
            elif not section.blocks:
                lines.append(_notice("No content was generated for this section."))
        self._md(section.id, "\n\n".join(lines), suffix="heading")
        if section.is_container:
            return
        for block in section.blocks:
            self._block(block)

    def _block(self, block: Block) -> None:
        content = block.content
        title = getattr(block.plan, "title", None)
        prefix = f"#### {title}\n\n" if title and block.plan.type in ("narrative", "list") else ""
        if block.status == "failed" or content is None:
            what = title or f"{block.plan.type} block"
            reason = block.error or ("generation failed" if block.status == "failed" else block.status)
            self._md(block.id, prefix + _notice(f"Not generated: {what} ({block.id}). Reason: {reason}"))
            return
        flag_note = _flag_note(block.flags)
        if isinstance(content, NarrativeContent):
            text = _narrative_md(content.text, self.numbers, block.flags)
            self._md(block.id, prefix + text + flag_note)
        elif isinstance(content, ListContent):
            self._md(block.id, prefix + _list_md(content, self.numbers, block.flags) + flag_note)
        elif isinstance(content, TableContent) and not content.rows:
            self._md(block.id, f"*{empty_table_words(content)}*", suffix="caption")
        elif isinstance(content, TableContent):
            self._md(block.id, self._caption(block, content.caption) + _note(content.note), suffix="caption")
            self._code(block.id, table_code(content))
        elif isinstance(content, ChartContent) and not has_points(content):
            self._md(block.id, f"*{empty_chart_words(content)}*", suffix="caption")
        elif isinstance(content, ChartContent):
            self._md(block.id, self._caption(block, content.caption) + _note(content.note), suffix="caption")
            self._code(block.id, chart_code(content))
        elif isinstance(content, ImageContent):
            self._image(block, content)

    def _caption(self, block: Block, caption: str) -> str:
        refs = cite_label(block_citations(block), self.numbers)
        return f"**{self.labels[block.id]}:** *{caption}*" + (f" {refs}" if refs else "")

    def _image(self, block: Block, content: ImageContent) -> None:
        blob = image_bytes(content)
        if blob is None:
            note = content.note or "The artifact could not be fetched or is not a supported image."
            self._md(
                block.id, _notice(f"Image not available: {content.caption} ({content.artifact_id}). {note}")
            )
            return
        name = f"{_ID_OK.sub('-', block.id)}.{content.media_type.split('/')[-1]}"
        text = f"![{content.caption}](attachment:{name})\n\n{self._caption(block, content.caption)}"
        attachments = {name: {content.media_type: base64.b64encode(blob).decode("ascii")}}
        self._md(block.id, text + _note(content.note), attachments=attachments)


# ----------------------------------------------------------------------------- markdown
def _notice(text: str) -> str:
    return f"> ⚠ **{text}**"


def _note(note: str | None) -> str:
    return f"\n\n*{note}*" if note else ""


def _flag_note(flags: list[FigureFlag]) -> str:
    if not flags:
        return ""
    return f"\n\n> ⚠ **Check before use:** {flag_sentence(flags)}"


def _spans_md(spans: list[Span], numbers: dict[str, int], flag_re: re.Pattern | None) -> str:
    out = []
    for span in spans:
        if span.is_citation:
            out.append(cite_label(span.ids, numbers))
            continue
        text = span.text
        if span.code:
            text = f"`{text}`"
        elif flag_re is not None:
            text = flag_re.sub(lambda m: f"<mark>{m.group(0)}</mark>", text)
        out.append(f"**{text}**" if span.bold and text.strip() else text)
    return "".join(out)


def _narrative_md(text: str, numbers: dict[str, int], flags: list[FigureFlag]) -> str:
    flag_re = flag_regex(flags)
    lines: list[str] = []
    previous = None
    for para in parse_narrative(text):
        body = _MD_HEADING[para.kind].format(_spans_md(para.spans, numbers, flag_re))
        same_list = previous == para.kind and para.kind in ("bullet", "number")
        lines.append(("\n" if same_list else "\n\n") + body if lines else body)
        previous = para.kind
    return "".join(lines)


def _list_md(content: ListContent, numbers: dict[str, int], flags: list[FigureFlag]) -> str:
    flag_re = flag_regex(flags)
    lines = []
    for item in content.items:
        spans, extra = list_item_spans(item)
        label = cite_label(extra, numbers) if extra else ""
        lines.append("- " + _spans_md(spans, numbers, flag_re) + (f" {label}" if label else ""))
    return "\n".join(lines)


def _summary_md(state: DocumentState, numbers: dict[str, int]) -> str:
    """The Word document's summary: each fact once with its citations, then the gaps."""
    lines = ["## Summary", "", "_What the evidence shows about the model, each fact once._", ""]
    for fact in state.summary:
        lines.append(f"- **{fact.label}:** " + _spans_md(parse_inline(fact.text), numbers, None))
    if state.gaps:
        lines += ["", "### What the evidence does not show", "", *(f"- {gap}" for gap in state.gaps)]
    return "\n".join(lines)


def _title_md(state: DocumentState) -> str:
    prov = state.provenance
    date = prov.generated_at[:10] if prov else ""
    lines = [
        f"# {state.title}",
        "",
        f"**Authors:** {state.authors or '—'}  ",
        f"**Date:** {date or '—'}  ",
        f"**Document version:** {state.version}",
    ]
    if state.models_covered:
        lines += ["", "| Model | Versions | Aliases |", "|---|---|---|"]
        lines += ["| " + " | ".join(model_row(model)) + " |" for model in state.models_covered]
    lines += ["", *(f"*{note}*" for note in state.notes)]
    lines += ["", "Run all cells to rebuild the tables and charts from the data embedded in this notebook."]
    return "\n".join(lines).rstrip()


def _references_md(state: DocumentState) -> str:
    lines = ["## References", ""]
    refs = references(state)
    if not refs:
        lines.append("No evidence was cited.")
    for ref in refs:
        link = f" <{ref.link}>" if ref.link else ""
        lines.append(f"- **[{ref.number}]** {ref.text}{link} (`{ref.evidence_id}`)")
    return "\n".join(lines)


def _provenance_md(state: DocumentState) -> str:
    prov = state.provenance
    lines = ["## Appendix: Provenance", ""]
    if prov is None:
        return "\n".join([*lines, "Provenance not recorded."])
    lines += ["| Item | Value |", "|---|---|"]
    lines += [f"| {k} | {v.replace('|', '/')} |" for k, v in provenance_rows(state)]
    if prov.runs_used or prov.model_versions_used:
        lines += [
            "",
            "**Runs and model versions used:** " + ", ".join(prov.model_versions_used + prov.runs_used),
        ]
    if prov.library_versions:
        libs = ", ".join(f"{k} {v}" for k, v in sorted(prov.library_versions.items()))
        lines += ["", f"**Library versions:** {libs}"]
    flagged = [
        f"{s.number} {s.heading}: {f.figure} ({f.reason})" for s, b in state.flagged() for f in b.flags
    ]
    failed = [f"{s.number} {s.heading}: {(b.id if b else 'whole section')}" for s, b in state.failed()]
    lines += ["", "**Flagged figures:** " + ("; ".join(flagged) or "none")]
    lines += ["", "**Failed blocks:** " + ("; ".join(failed) or "none")]
    return "\n".join(lines)
