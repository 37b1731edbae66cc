"""The reviewer's text in a reader's form: `[3]` for `[[evidence id]]`, no code backticks.

`reader_text` turns a block's stored text into what the Edit box shows; `stored_text` maps
the reviewer's text back, so the document keeps evidence ids and the citations still resolve.
"""

from __future__ import annotations

import re

from autodoc.document import CITATION_RE
from autodoc.render.text import cited_numbers

_MARKERS = re.compile(r"(?:" + CITATION_RE + r"[ \t]*)+")
_CITE = re.compile(CITATION_RE)
_LABEL = re.compile(r"\[(\d+(?:–\d+)?(?:, \d+(?:–\d+)?)*)\]")
_CODE = re.compile(r"`([^`\n]+)`")


def reader_text(text: str, numbers: dict[str, int]) -> str:
    """`[[a]] [[b]]` -> `[1, 2]` (ids the document does not number stay as they are)."""

    def label(match: re.Match[str]) -> str:
        ids = _CITE.findall(match.group(0))
        nums = [numbers.get(eid) for eid in ids]
        if any(n is None for n in nums):
            return match.group(0)
        trail = match.group(0)[len(match.group(0).rstrip()) :]
        return "[" + ", ".join(str(n) for n in dict.fromkeys(nums)) + "]" + trail

    return _CODE.sub(r"\1", _MARKERS.sub(label, text))


def stored_text(edited: str, numbers: dict[str, int], original: str = "") -> str:
    """The reviewer's text with `[n]` mapped back to evidence ids and the original code spans restored."""
    by_number = {n: eid for eid, n in numbers.items()}

    def markers(match: re.Match[str]) -> str:
        wanted = sorted(cited_numbers(match.group(0)))
        if not wanted or any(n not in by_number for n in wanted):
            return match.group(0)  # not a reference of this document: left as typed
        return "".join(f"[[{by_number[n]}]]" for n in wanted)

    text = _LABEL.sub(markers, edited)
    for code in dict.fromkeys(_CODE.findall(original)):
        text = re.sub(r"(?<![`\w])" + re.escape(code) + r"(?![`\w])", f"`{code}`", text, count=1)
    return text


def unknown_references(edited: str, numbers: dict[str, int]) -> list[str]:
    """Labels such as `[42]` that name no reference of the document."""
    known = set(numbers.values())
    return [m.group(0) for m in _LABEL.finditer(edited) if not cited_numbers(m.group(0)) <= known]
