"""Prove every figure in a narrative: it must match an evidence value.

`check(text, evidence)` finds the citation markers ``[[id]]`` and every figure written in
the text, and matches each figure against the numbers the evidence holds (gathered by
`write.numbers`).

Matching rules:
- A decimal matches a value that rounds to it at the written number of decimals
  (0.837 and 0.84 both match 0.8374628; 0.80 matches 0.8).
- A written integer matches an equal value, or a value of magnitude 10 or more that
  rounds to it (1,235 matches 1234.6; 1 does not match 0.83).
- A percentage matches a value written as a fraction or as a percentage: 83.7% matches
  0.8374 and 83.74; 84% matches 0.837.
- Scientific notation is compared the same way on its mantissa (1e-4, 2.5E-3).
- A test/train share (test_size 0.2) also allows its complement (0.8); a pair such as
  "80/20" (adding up to 100) is read as two percentages.
- Small integers follow the same rule: "5-fold" passes only if 5 is an evidence value
  (e.g. the cv folds) or a derivable count; spelled-out numbers ("two models") are words,
  not figures, and are not checked.

A figure written exactly as it appears in a code excerpt the sentence cites is grounded too
("the solver runs 300 iterations [[c:train.py:15:excerpt:fit_model]]" when the quoted source
says ``max_iter=300``).

Not figures (skipped): list numbering at the start of a line ("1. Load", "6.1 Title"),
numbers glued to letters or underscores (identifiers, run ids,
"v2" when version 2 exists, "1st", "x86"), numbers inside citation markers, section /
table / figure / step numbers ("Section 3.1"), and dotted version strings (3.11.2) and
ISO dates that occur in some evidence string. Line numbers ("line 42", "train.py:42")
match the evidence's source locations; "version 3" and "v3" match existing versions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from autodoc.document import CITATION_RE, FigureFlag
from autodoc.evidence import EvidenceStore
from autodoc.write.numbers import DATE, NUM_IN_STRING, Numbers, evidence_numbers

_CITE = re.compile(CITATION_RE)
# why a figure is flagged when another evidence item holds it: the citation beside it is wrong
NOT_CITED = "not a value of the evidence its sentence cites"
_NUMBER = re.compile(
    r"(?P<sign>[-+−])?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"(?P<exp>[eE][-+]?\d+|\s?[x×]\s?10\^[-+−]?\d+)?(?P<pct>\s?%| percent\b)?"
)
_NUMBERING = re.compile(  # "1. Load", "2) Fit", "6.1 Title"; never "0.91 is the AUC"
    r"^[ \t]*(\d{1,2}(?=[.)][ \t])|[1-9]\d?(?:\.\d{1,2})+(?=[ \t]+[A-Z]))", re.M
)
_DOTTED = re.compile(r"\b\d+(?:\.\d+){2,}\b")
_LABEL_WORDS = re.compile(
    r"(?:section|sections|table|tables|figure|figures|fig\.|chapter|step|steps|appendix|page|item|§)\s*$",
    re.I,
)
_LOCATION_WORDS = re.compile(r"(?:lines?|cells?|\w\.(?:py|ipynb|yaml|yml|cfg|toml|json|sql|r)):?\s*$", re.I)
_VERSION_WORDS = re.compile(r"versions?\b[^.;\n]{0,24}$", re.I)


@dataclass
class Grounding:
    """The result of checking one narrative."""

    flags: list[FigureFlag] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)  # known ids, in order of first use
    unknown_citations: list[str] = field(default_factory=list)
    figures_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.flags and not self.unknown_citations

    def errors(self) -> list[str]:
        """Precise messages to show the model on a re-ask."""
        out = [
            f"The figure {f.figure} in '{_clip(f.context, 160)}' "
            + (
                "is not a value of the evidence its sentence cites"
                if f.reason == NOT_CITED
                else "matches no evidence value"
            )
            + "; cite the evidence it comes from or remove it."
            for f in self.flags
        ]
        if self.unknown_citations:
            ids = ", ".join(f"[[{c}]]" for c in self.unknown_citations[:10])
            out.append(f"These citations name no evidence item: {ids}. Cite only ids from the evidence list.")
        return out


# ------------------------------------------------------------------------ the figures
def check(text: str, evidence: EvidenceStore, allowed_ids: list[str] | None = None) -> Grounding:
    """Citations and figures of `text` against `evidence`.

    With `allowed_ids`, figures must come from those items or from items the text cites;
    counts, versions and source locations are always allowed. Unknown citations are ids
    the store does not hold.
    """
    result = Grounding()
    seen: set[str] = set()
    for cid in _CITE.findall(text):
        if cid in seen:
            continue
        seen.add(cid)
        (result.citations if evidence.has(cid) else result.unknown_citations).append(cid)
    allowed = None if allowed_ids is None else set(allowed_ids) | set(result.citations)
    numbers = evidence_numbers(evidence, allowed)
    plain = _CITE.sub(lambda m: " " * len(m.group(0)), text)
    for match, figure in _figures(plain, numbers):
        result.figures_checked += 1
        # a figure in a sentence that cites evidence must come from what it cites: "10 folds
        # [[cv]]" is not backed by some other item that happens to hold 10
        cited = [c for c in _CITE.findall(text, *_sentence_span(plain, match.start())) if evidence.has(c)]
        bound = evidence_numbers(evidence, set(cited)) if cited else numbers
        if not _matches(figure, match, bound) and not _quoted(match, cited, evidence):
            context = _sentence(plain, match.start())
            if cited and _matches(figure, match, numbers):  # a value, but not of what the sentence cites
                result.flags.append(FigureFlag(figure=figure, context=context, reason=NOT_CITED))
            else:
                result.flags.append(FigureFlag(figure=figure, context=context))
    return result


def _quoted(match: re.Match[str], cited: list[str], evidence: EvidenceStore) -> bool:
    """The figure is written exactly as in a code excerpt the sentence cites (``C=0.5`` in its source)."""
    if match.group("pct") or match.group("exp"):
        return False
    written = match.group("num").replace(",", "")
    items = [evidence.get(c) for c in cited]
    excerpts = [item.text for item in items if item and item.kind == "excerpt" and item.text]
    return any(written in {tok.lstrip("+-") for tok in NUM_IN_STRING.findall(text)} for text in excerpts)


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence around `pos`, with citation markers right after its full stop."""
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [e for e in (text.find(". ", pos), text.find("\n", pos)) if e != -1]
    end = min(ends) + 1 if ends else len(text)
    while end < len(text) and text[end] == " ":
        end += 1  # markers blanked out in `text` follow the stop as spaces
    return start, end


def _figures(text: str, numbers: Numbers) -> Iterable[tuple[re.Match[str], str]]:
    skip = _skip_spans(text, numbers)
    for m in _NUMBER.finditer(text):
        start, end = m.start("num"), m.end()
        if any(a <= start < b for a, b in skip):
            continue
        before = text[start - 1] if start else " "
        after = text[m.end("num")] if m.end("num") < len(text) else " "
        glued_before = before.isalpha() or before == "_"
        if glued_before and not _standalone_v(text, start):
            continue  # part of an identifier: x86, fold_3, 3f2a1b9c
        if (after.isalpha() or after == "_") and not (m.group("exp") or m.group("pct")):
            continue  # 1st, 2D, 3f2a...
        if before == "." and start >= 2 and text[start - 2].isalnum():
            continue  # tail of a dotted name or version
        if _LABEL_WORDS.search(text[max(0, start - 12) : start]):
            continue
        yield m, text[m.start() : end].strip()


def _skip_spans(text: str, numbers: Numbers) -> list[tuple[int, int]]:
    """List numbering, and dates and dotted versions that appear verbatim in some evidence string;
    a date in words (``3 December 2026``, ``December 3, 2026``, ``in December 2026``, ``in 2026``)
    when some evidence date is that day, month or year."""
    spans = [(m.start(1), m.end(1)) for m in _NUMBERING.finditer(text)]
    for rx in (DATE, _DOTTED):
        for m in rx.finditer(text):
            if m.group(0) in numbers.strings or m.group(0)[:10] in numbers.strings:
                spans.append((m.start(), m.end()))
    for m in _WORDED_DATE.finditer(text):
        if _iso_prefix(m) in numbers.strings:
            spans.append((m.start(), m.end()))
    return spans


_MONTHS = ("january", "february", "march", "april", "may", "june")
_MONTHS += ("july", "august", "september", "october", "november", "december")
_MONTH = r"(?P<{}>" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in _MONTHS) + r")\.?"
_WORDED_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})\s+" + _MONTH.format("m1") + r"\s+(?P<y1>\d{4})"
    r"|" + _MONTH.format("m2") + r"\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4})"
    r"|" + _MONTH.format("m3") + r"\s+(?P<y3>\d{4})"
    r"|(?:in|since|during|until|of)\s+(?P<y4>(?:19|20)\d\d))\b(?!-)",
    re.I,
)


def _iso_prefix(m: re.Match[str]) -> str:
    """``2026-12-03``, ``2026-12-`` or ``2026-``: what an evidence date starts with."""
    year = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4")
    month = m.group("m1") or m.group("m2") or m.group("m3")
    day = m.group("d1") or m.group("d2")
    if month is None:
        return f"{year}-"
    number = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(month.lower()[:3]))
    return f"{year}-{number:02d}-" + (f"{int(day):02d}" if day else "")


def _standalone_v(text: str, start: int) -> bool:
    """A version label such as "v2" (checked against the versions that exist)."""
    return text[start - 1] in "vV" and (
        start < 2 or not (text[start - 2].isalnum() or text[start - 2] in "_`")  # `V1`: a name in code
    )


def _matches(figure: str, m: re.Match[str], numbers: Numbers) -> bool:
    num = m.group("num").replace(",", "")
    start = m.start("num")
    prefix = m.string[max(0, start - 30) : start]
    if num.isdigit():
        if _LOCATION_WORDS.search(prefix) and int(num) in numbers.locations:
            return True
        if prefix.endswith(("v", "V")):
            return num in numbers.versions  # "v7" names a version, never a measured value
        if _VERSION_WORDS.search(prefix) and num in numbers.versions:
            return True
    decimals = len(num.split(".", 1)[1]) if "." in num else 0
    written = float(num)
    exp = m.group("exp")
    scale = 1.0
    if exp:
        power = int(
            re.sub(r"[^\d\-+−]", "", exp.split("10^")[-1] if "^" in exp else exp[1:]).replace("−", "-")
        )
        scale = 10.0**power
    if m.group("pct") or _split_pair(m):
        # a share is measured, never a count of things: "100%" is not "1 model"
        return _near(written / 100, decimals + 2, numbers.measured, scale) or _near(
            written, decimals, numbers.values, scale
        )
    return _near(written, decimals, numbers.values if decimals == 0 else numbers.measured, scale)


_PAIR_AFTER = re.compile(r"^/(\d{1,2})\b")
_PAIR_BEFORE = re.compile(r"\b(\d{1,2})/$")


def _split_pair(m: re.Match[str]) -> bool:
    """Half of a percentage pair such as "80/20" (the two parts add up to 100)."""
    num = m.group("num")
    if not num.isdigit():
        return False
    text, start, end = m.string, m.start("num"), m.end("num")
    after = _PAIR_AFTER.match(text[end : end + 4])
    before = _PAIR_BEFORE.search(text[max(0, start - 3) : start])
    other = after or before
    return other is not None and int(other.group(1)) + int(num) == 100


def _near(written: float, decimals: int, values: list[float], scale: float = 1.0) -> bool:
    """Does some value round to `written` (x scale) at `decimals` places of the mantissa?"""
    target = written * scale
    half = 0.5 * 10.0 ** (-decimals) * scale
    tol = max(abs(target), 1e-300) * 1e-9
    if decimals == 0 and scale == 1.0 and abs(target) < 10:
        half = 0.0  # small integers must be exact: "1" does not stand for 0.83
    if abs(abs(target) - 1.0) < 1e-12:
        half = 0.0  # "1.0" or "100%" claims perfection: only an exact 1 backs it, not 0.998
    lo = bisect.bisect_left(values, target - half - tol)
    return lo < len(values) and values[lo] <= target + half + tol


def _sentence(text: str, pos: int) -> str:
    start, end = _sentence_span(text, pos)
    return " ".join(text[start:end].split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def strip_unknown_citations(text: str, evidence: EvidenceStore) -> str:
    """Remove citation markers that name no evidence item (and the space before them)."""

    def keep(m: re.Match[str]) -> str:
        return m.group(0) if evidence.has(m.group(1)) else ""

    out = _CITE.sub(keep, text)
    return re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", out))
