"""Where Python source holds text: its string literals, its comments and a notebook's shell lines.

In Python an unquoted value is a name or an expression (``token: SpanContextToken``,
``passphrase = not flag``), never a literal. The secrets scanner (`autodoc.scan.secrets`) still
redacts quoted literals and secret-shaped tokens everywhere, but looks for an unquoted
``name=value`` secret only inside these spans (a connection string in a string, a password in a
comment, ``!curl --token=...`` in a notebook).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

_TEXT_RE = re.compile(
    r"#[^\n]*"  # a comment
    r"|^[ \t]*[!%][^\n]*"  # a notebook's shell or magic line
    r"|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(?:'''|\Z)"  # strings; one left open runs to the end
    r'|"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:"""|\Z)'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*(?:'|$)"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*(?:"|$)',
    re.MULTILINE,
)
_TRIPLE = ('"""', "'''")


def is_python(source: str) -> bool:
    """Python source, unless a notebook cell magic makes the cell another language (``%%bash``)."""
    return not source.lstrip().startswith("%%")


def in_text(source: str, opened: str = "") -> Callable[[int], bool]:
    """Whether a position of Python `source` lies inside a string literal, a comment or a shell line;
    `opened` is the triple quote of a string that a slice of a longer source starts inside."""
    spans = [(m.start() - len(opened), m.end() - len(opened)) for m in _TEXT_RE.finditer(opened + source)]
    return _lookup(spans)


def open_strings(source: str) -> Callable[[int], str]:
    """For a position of `source`, the triple quote of a string it lies inside ("" when none)."""
    spans = [(m.start(), m.end()) for m in _TEXT_RE.finditer(source)]
    starts = [start for start, _ in spans]

    def opened(pos: int) -> str:
        i = bisect_right(starts, pos) - 1
        if i < 0 or not spans[i][0] < pos < spans[i][1]:
            return ""
        head = source[spans[i][0] : spans[i][0] + 3]
        return head if head in _TRIPLE else ""

    return opened


def _lookup(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    starts = [start for start, _ in spans]

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < spans[i][1]

    return inside


# a type: names, dots, subscripts and unions (``SpanContextToken | None``, ``dict[str, Any]``)
_ONE_TYPE = r"[A-Za-z_][\w.]*(?:\[[\w., |\[\]]*\])?"
_TYPE_RE = re.compile(rf"{_ONE_TYPE}(?:\s*\|\s*{_ONE_TYPE})*")
_DEFAULT_RE = re.compile(r"[ \t]*=(?!=)")


def quoted_annotation(match: re.Match[str]) -> bool:
    """``token: "SpanContextToken | None" = None``: a type written as a string (a forward reference)
    before its default value, not a secret (`match` is the secrets scanner's quoted assignment)."""
    return (
        match.group("pre").rstrip().endswith(":")
        and _TYPE_RE.fullmatch(match.group("val")) is not None
        and _DEFAULT_RE.match(match.string, match.end()) is not None
    )
