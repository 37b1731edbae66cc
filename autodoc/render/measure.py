"""How wide text prints: the one rule table layout and the document check share.

Widths are measured with Carlito (Calibri's metric twin, which LibreOffice prints with) when it
is installed, else estimated from average Calibri advance widths.
"""

from __future__ import annotations

import functools
from pathlib import Path

BODY_PT = 10.5  # table text: the body size (bold in the header row)
CELL_PADDING_PT = 2 * 5.4  # Word's default left + right cell margins
PORTRAIT_WIDTHS_IN = (8.27, 8.5)  # A4 and Letter
# U+200B: where a long header may wrap (after "_" or "."), so it never breaks inside a part
BREAK = "\u200b"
_FONT_DIRS = ("/usr/share/fonts/truetype/crosextra", "/usr/share/fonts/truetype/msttcorefonts")
_FILES = {True: ("Carlito-Bold.ttf", "calibrib.ttf"), False: ("Carlito-Regular.ttf", "calibri.ttf")}
_NARROW = set("iljtfrI.,:;'!|()[] ")
_WIDE = set("mwMW@%")


def text_pt(text: str, *, bold: bool = False, size: float = BODY_PT) -> float:
    """Printed width of `text` on one line, in points."""
    return _width(text, bold, size)


@functools.lru_cache(maxsize=8192)  # layout and the document check measure the same words
def _width(text: str, bold: bool, size: float) -> float:
    text = text.replace(BREAK, "")
    font = _font(bold)
    if font is not None:
        try:
            return font.getlength(text) / 10 * size / BODY_PT
        except (RuntimeError, ValueError, OSError):  # a glyph the font engine cannot lay out
            pass
    ems = sum(0.3 if c in _NARROW else 0.85 if c in _WIDE else 0.62 if c.isupper() else 0.52 for c in text)
    return ems * size * (1.03 if bold else 1.0)


def longest_part_pt(text: str, *, bold: bool = False, size: float = BODY_PT) -> float:
    """The widest piece of `text` that cannot wrap (a word, or a part of one between break marks)."""
    parts = [p for w in text.split() for p in w.split(BREAK)]
    return max((text_pt(p, bold=bold, size=size) for p in parts), default=0.0)


def narrowest_text_pt(left_margin_emu: int, right_margin_emu: int) -> float:
    """The text width in points on A4 or Letter portrait with these margins, whichever is narrower."""
    return (min(PORTRAIT_WIDTHS_IN) - (left_margin_emu + right_margin_emu) / 914400) * 72


@functools.cache
def _font(bold: bool):
    from PIL import ImageFont  # lazy: only layout and the document check need it

    for folder in _FONT_DIRS:
        for name in _FILES[bold]:
            if Path(folder, name).exists():
                # BASIC layout: no libraqm (complex-script shaping we do not need, and it can fail)
                return ImageFont.truetype(
                    str(Path(folder, name)), int(BODY_PT * 10), layout_engine=ImageFont.Layout.BASIC
                )
    return None
