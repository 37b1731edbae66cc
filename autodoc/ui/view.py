"""Turn document blocks into what the page shows: Markdown, tables, cached chart images.

Pure functions (no Streamlit calls) so the same code is tested directly and reused by the
benchmark. Numbers are formatted with the renderers' `format_value`; citations become the
document's numbered references via `autodoc.render.text`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar

import pandas as pd

from autodoc.document import ChartContent, FigureFlag, ImageContent, TableContent
from autodoc.render.charts import chart_png
from autodoc.render.format import format_cell
from autodoc.render.text import Paragraph, Span, cite_label, parse_narrative

T = TypeVar("T")
MAX_CACHE_ENTRIES = 3000
SCREEN_DPI = 110  # charts on screen: sharp enough, 3x cheaper than the document's 200 dpi
_MD_SPECIAL = re.compile(r"([\\$*_`~\[\]<>#|])")


def escape_md(text: str) -> str:
    """Escape text so Streamlit's Markdown shows it literally (no math, links or emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _figure_re(figure: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])" + re.escape(figure) + r"(?![\w]|\.\d)")


def cite_md(ids: list[str] | tuple[str, ...], numbers: dict[str, int], sources: dict[int, str]) -> str:
    """`[1, 2]` in grey; hovering it shows where each reference comes from (file:line, run...)."""
    label = cite_label(list(ids), numbers)
    if not label:
        return ""
    cited = sorted({numbers[eid] for eid in ids if eid in numbers})
    title = "\n".join(f"[{n}] {sources[n]}" for n in cited if n in sources)
    if not title:
        return f":gray[{escape_md(label)}]"
    title = html.escape(title).replace("\n", "&#10;")  # one line of Markdown; a line break on hover
    return f'<span title="{title}" style="color: gray; cursor: help">{escape_md(label)}</span>'


def _span_md(
    span: Span, numbers: dict[str, int], sources: dict[int, str], flagged: list[re.Pattern[str]]
) -> str:
    if span.is_citation:
        label = cite_md(span.ids, numbers, sources)
        return f" {label}" if label else ""
    if span.code:
        return f"`{span.text.replace('`', '')}`"
    text = escape_md(span.text)
    for pattern in flagged:
        # a flagged figure is highlighted where it stands, so the reviewer sees it in context
        text = pattern.sub(lambda m: f":red-background[**{m.group(0)}** ⚠]", text)
    return f"**{text}**" if span.bold and text.strip() else text


def _paragraph_md(
    para: Paragraph, numbers: dict[str, int], sources: dict[int, str], flagged: list[re.Pattern[str]]
) -> str:
    body = "".join(_span_md(s, numbers, sources, flagged) for s in para.spans).strip()
    body = re.sub(r"\s+ (:gray\[|<span title=)", r" \1", body)
    if para.kind == "bullet":
        return "- " + body
    if para.kind == "number":
        return "1. " + body
    if para.kind == "heading":
        return f"**{body}**"
    return body


def narrative_markdown(
    text: str, numbers: dict[str, int], flags: list[FigureFlag] = (), sources: dict[int, str] | None = None
) -> str:
    """Markdown for narrative text: numbered references (their sources on hover), flagged figures.

    With `sources` (reference number -> where it comes from) the Markdown holds HTML spans:
    draw it with `unsafe_allow_html=True` (the text itself is escaped, so it holds no HTML).
    """
    flagged = [_figure_re(escape_md(f.figure)) for f in flags if f.figure]
    out: list[str] = []
    previous = None
    for para in parse_narrative(text):
        line = _paragraph_md(para, numbers, sources or {}, flagged)
        # consecutive list items stay one list; everything else is its own paragraph
        joiner = "\n" if para.kind in ("bullet", "number") and previous == para.kind else "\n\n"
        out.append((joiner if out else "") + line)
        previous = para.kind
    return "".join(out)


def table_frame(table: TableContent) -> pd.DataFrame:
    """The table as strings formatted exactly as the Word document shows them."""
    columns = _unique_columns(table.columns)
    rows = [[format_cell(cell.value) for cell in row] for row in table.rows]
    width = len(columns)
    rows = [(r + [""] * width)[:width] for r in rows]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _unique_columns(columns: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for col in columns:
        seen[col] = seen.get(col, 0) + 1
        out.append(col if seen[col] == 1 else f"{col} ({seen[col]})")
    return out


def content_key(content: ChartContent | ImageContent) -> str:
    return hashlib.sha1(content.model_dump_json().encode()).hexdigest()


def chart_image(chart: ChartContent, cache: MutableMapping[str, bytes]) -> bytes:
    """PNG of a chart, drawn once per chart content (kept in the session's cache)."""
    key = "chart:" + content_key(chart)
    png = cache.get(key)
    if png is None:
        png = chart_png(chart, dpi=SCREEN_DPI)
        _bound(cache)
        cache[key] = png
    return png


def image_bytes(image: ImageContent, cache: MutableMapping[str, bytes]) -> bytes | None:
    if not image.data_b64:
        return None
    key = "image:" + hashlib.sha1(image.data_b64.encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = base64.b64decode(image.data_b64)
        _bound(cache)
        cache[key] = data
    return data


def memo(cache: MutableMapping[str, Any], content: object, extra: object, make: Callable[[], T]) -> T:
    """`make()` once per content object (and `extra`), kept in the session's cache.

    Contents are replaced, never mutated, when a block is edited or rewritten, so the
    object's identity (kept alive by the entry itself) is a safe key.
    """
    key = f"memo:{id(content)}"
    entry = cache.get(key)
    if entry is not None and entry[0] is content and entry[1] == extra:
        return entry[2]
    value = make()
    _bound(cache)
    cache[key] = (content, extra, value)
    return value


def _bound(cache: MutableMapping[str, Any]) -> None:
    """Forget everything once the cache gets large (old versions of rewritten blocks pile up)."""
    if len(cache) >= MAX_CACHE_ENTRIES:
        cache.clear()
