"""Table and figure numbering and image decoding shared by the docx, the notebook and the app."""

from __future__ import annotations

import base64
import binascii

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage

from autodoc.document import ChartContent, DocumentState, ImageContent, TableContent


def image_bytes(content: ImageContent) -> bytes | None:
    """Decoded image bytes, or None when missing, corrupt or in a format Word cannot embed."""
    if not content.data_b64:
        return None
    try:
        blob = base64.b64decode(content.data_b64, validate=True)
        DocxImage.from_blob(blob)
    except (binascii.Error, ValueError, UnrecognizedImageError):
        return None
    except Exception:
        return None
    return blob


def has_points(chart: ChartContent) -> bool:
    """Whether a chart has anything to draw (a chart whose evidence holds no number has no points)."""
    return any(s.y for s in chart.series)


def empty_chart_words(chart: ChartContent) -> str:
    """What stands in for a chart without a point: its title and why (no figure, no number)."""
    return f"No chart of {chart.caption}: {chart.note or 'the evidence holds no values for it.'}"


def empty_table_words(table: TableContent) -> str:
    """What stands in for a table without a row: its title and why (no numbered, empty table)."""
    return f"No table of {table.caption}: {table.note or 'the evidence holds no values for it.'}"


def caption_labels(state: DocumentState) -> dict[str, str]:
    """Block id -> "Table N" / "Figure N", numbered in document order.

    Charts and embedded images share the Figure sequence; an image that cannot be shown
    gets a notice instead of a number.
    """
    labels: dict[str, str] = {}
    tables = figures = 0
    for _, block in state.blocks():
        content = block.content
        if block.status == "failed" or content is None:
            continue
        if isinstance(content, TableContent) and content.rows:
            tables += 1
            labels[block.id] = f"Table {tables}"
        elif (isinstance(content, ChartContent) and has_points(content)) or (
            isinstance(content, ImageContent) and image_bytes(content) is not None
        ):
            figures += 1
            labels[block.id] = f"Figure {figures}"
    return labels
