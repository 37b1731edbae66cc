"""One written block as the reader sees it: text with numbered references, tables, charts, flags."""

from __future__ import annotations

import re

import streamlit as st

from autodoc.document import CITATION_RE, Block, DocumentState, Section
from autodoc.render.text import block_citations, reference_text
from autodoc.ui.view import (
    chart_image,
    cite_md,
    escape_md,
    image_bytes,
    memo,
    narrative_markdown,
    table_frame,
)

CITE_RE = re.compile(CITATION_RE)


def reference_sources(doc: DocumentState, numbers: dict[str, int]) -> dict[int, str]:
    """Reference number -> where it comes from (shown when the reader hovers over `[n]`)."""
    items = doc.evidence_items
    return {n: reference_text(items[eid]) if eid in items else eid for eid, n in numbers.items()}


def block(blk: Block, numbers: dict[str, int], sources: dict[int, str] | None = None) -> None:
    """One block as it reads; `sources` puts each reference's source on hover."""
    sources = sources or {}
    content = blk.content
    if blk.status == "failed" or content is None:
        if blk.error:
            st.error(f"{blk.plan.type} block {blk.id} failed: {blk.error}")
        else:
            st.caption(f"{blk.plan.type} block not written yet ({blk.status}).")
        return
    cache = st.session_state["png_cache"]
    if blk.plan.type in ("narrative", "list") and blk.plan.title:
        st.markdown(f"**{escape_md(blk.plan.title)}**")
    if content.type == "narrative":
        st.markdown(_cited_md(content, content.text, numbers, sources, blk), unsafe_allow_html=True)
    elif content.type == "list":
        text = "\n".join(f"- {item.text}" for item in content.items)
        st.markdown(_cited_md(content, text, numbers, sources, blk), unsafe_allow_html=True)
    elif content.type == "table":
        _caption(content.caption, blk, numbers, sources)
        # a static table: the interactive grid costs the browser far more on every rerun
        st.table(memo(cache, content, None, lambda: table_frame(content)), hide_index=True)
    elif content.type == "chart":
        _caption(content.caption, blk, numbers, sources)
        st.image(chart_image(content, cache))
    else:
        _caption(content.caption, blk, numbers, sources)
        data = image_bytes(content, cache)
        if data:
            st.image(data)
    note = getattr(content, "note", None)
    if note:
        st.caption(escape_md(note))
    if blk.flags:
        st.warning(
            "Check these figures: "
            + "; ".join(f"**{escape_md(f.figure)}** ({escape_md(f.reason)})" for f in blk.flags)
        )


def _cited_md(
    content: object, text: str, numbers: dict[str, int], sources: dict[int, str], blk: Block
) -> str:
    """Markdown of a narrative/list, recomputed only when its text, numbering or flags change."""
    cited = tuple(numbers.get(eid) for eid in CITE_RE.findall(text))
    flags = tuple(f.figure for f in blk.flags)
    return memo(
        st.session_state["png_cache"],
        content,
        (cited, flags, bool(sources)),
        lambda: narrative_markdown(text, numbers, blk.flags, sources),
    )


def _caption(caption: str, blk: Block, numbers: dict[str, int], sources: dict[int, str]) -> None:
    label = cite_md(block_citations(blk), numbers, sources)
    st.markdown(f"*{escape_md(caption)}*" + (f" {label}" if label else ""), unsafe_allow_html=True)


def section_sources(doc: DocumentState, sec: Section, numbers: dict[str, int]) -> list[str]:
    """`[n] label. where` for every reference the section cites, in number order."""
    ids = {eid for blk in sec.blocks for eid in block_citations(blk) if eid in numbers}
    return [_source_line(doc, eid, numbers[eid]) for eid in sorted(ids, key=numbers.__getitem__)]


def _source_line(doc: DocumentState, eid: str, number: int) -> str:
    item = doc.evidence_items.get(eid)
    return f"\\[{number}\\] {escape_md(reference_text(item) if item else eid)}"


def sources_expander(doc: DocumentState, sec: Section, numbers: dict[str, int]) -> None:
    lines = section_sources(doc, sec, numbers)
    if lines:
        with st.expander(f"Sources of this section ({len(lines)})"):
            st.markdown("  \n".join(lines))


def references(doc: DocumentState, numbers: dict[str, int]) -> None:
    """Every reference of the document, listed only while its expander is open (a long list)."""
    if not numbers:
        return
    box = st.expander(f"References ({len(numbers)})", key="wr_refs_open", on_change="rerun")
    if box.open:
        box.markdown("  \n".join(_source_line(doc, eid, n) for eid, n in numbers.items()))
