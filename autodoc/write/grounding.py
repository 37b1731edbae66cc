"""Prove every figure in a narrative: it must match an evidence value.

`check(text, evidence)` finds the citation markers ``[[id]]`` and every figure written in
the text, and matches each figure against the numbers the evidence holds.

What counts as an evidence number: every number in the items' `value`, `attrs` and
`label` (numbers, numeric strings such as a param "0.1", numbers inside strings such as
"max_depth=5", but not digits glued to letters as in hex run ids), numbers in the `text`
of documentation items (README, notebook markdown, config, MLflow descriptions and run
notes), the MLflow snapshot's metrics and params, and counts derivable
from the evidence (registered models, versions per model, experiments, runs per
experiment and status, live estimators, files scanned, ...).

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
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from autodoc.document import CITATION_RE, FigureFlag
from autodoc.evidence import EvidenceItem, EvidenceStore

_CITE = re.compile(CITATION_RE)
_NUMBER = re.compile(
    r"(?P<sign>[-+−])?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"(?P<exp>[eE][-+]?\d+|\s?[x×]\s?10\^[-+−]?\d+)?(?P<pct>\s?%| percent\b)?"
)
# a number inside a string, not glued to letters (so hex run ids and "v2" give nothing)
_NUM_IN_STRING = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?")
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
_DOC_KINDS = {
    "readme",
    "notebook_markdown",
    "config",
    "run",
    "registered_model",
    "model_version",
    "experiment",
    "module",
    "class",
    "function",
}  # kinds whose text is documentation the code or the registry holds
_SHARE_KEY = re.compile(r"(test_size|train_size|validation_split|holdout|test_share|val_size)$", re.I)


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
            f"The figure {f.figure} in '{_clip(f.context, 160)}' matches no evidence value; "
            "cite the evidence it comes from or remove it."
            for f in self.flags
        ]
        if self.unknown_citations:
            ids = ", ".join(f"[[{c}]]" for c in self.unknown_citations[:10])
            out.append(f"These citations name no evidence item: {ids}. Cite only ids from the evidence list.")
        return out


# ------------------------------------------------------------------------ the values
@dataclass
class _Numbers:
    values: list[float]  # sorted, absolute values, counts included (for whole numbers)
    strings: str  # every evidence string, joined (for dates and dotted versions)
    locations: set[int]
    versions: set[str]
    measured: list[float]  # sorted evidence values without the derived counts


def _item_numbers(item: EvidenceItem) -> list[float]:
    out: list[float] = []
    _collect(item.value, out)
    _collect(item.attrs, out)
    if item.kind in _DOC_KINDS and item.text:
        _collect(item.text, out)
    # a test share of 0.2 is also a training share of 0.8 ("an 80/20 split")
    shares = [item.value] if _SHARE_KEY.search(item.id) else []
    shares += [v for k, v in item.attrs.items() if _SHARE_KEY.search(k)]
    out += [
        1 - v
        for share in shares
        if isinstance(share, int | float | str)
        for v in _as_numbers(share)
        if 0 < v < 1
    ]
    return out


def _as_numbers(value: object) -> list[float]:
    out: list[float] = []
    _collect(value, out)
    return out


def _collect(value: object, out: list[float]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if math.isfinite(value):
            out.append(float(value))
    elif isinstance(value, str):
        for tok in _NUM_IN_STRING.findall(_DATE.sub(" ", value).replace(",", "")):
            try:
                out.append(float(tok))
            except ValueError:
                continue
    elif isinstance(value, dict):
        for key, val in value.items():
            _collect(key, out)
            _collect(val, out)
    elif isinstance(value, list | tuple):
        for val in value:
            _collect(val, out)


def _strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for val in value.values():
            _strings(val, out)
    elif isinstance(value, list | tuple):
        for val in value:
            _strings(val, out)


def derived_counts(evidence: EvidenceStore) -> set[float]:
    """Counts a sober text may state: how many models, versions, runs, estimators, files..."""
    counts: set[int] = set()
    mlf = evidence.mlflow
    if mlf:
        counts.add(len(mlf.registered_models))
        counts.add(sum(len(m.versions) for m in mlf.registered_models))
        counts.update(len(m.versions) for m in mlf.registered_models)
        counts.update(len(m.aliases) for m in mlf.registered_models)
        counts.add(len(mlf.experiments))
        runs = [r for e in mlf.experiments for r in e.runs]
        counts.add(len(runs))
        counts.update(len(e.runs) for e in mlf.experiments)
        counts.update(Counter(r.status for r in runs).values())
        counts.update(Counter((r.experiment_id, r.status) for r in runs).values())
        counts.update(len(r.metrics) for r in runs)
        counts.update(len(r.params) for r in runs)
    if evidence.code:
        counts.update({len(evidence.code.files), len(evidence.code.skipped), len(evidence.code.entry_points)})
    live = [i for i in evidence.items if i.live is not False]
    counts.update(Counter(i.kind for i in live).values())
    counts.update(Counter(i.kind for i in evidence.items).values())
    counts.update(Counter((i.kind, i.source.path) for i in live if i.source.kind == "code").values())
    return {float(c) for c in counts}


@dataclass
class _Base:
    """What every check of one store shares, whatever it cites (computed once per store)."""

    path_values: list[float]  # numbers in file paths name places, not figures
    strings: list[str]  # MLflow ids, names and times
    locations: set[int]
    versions: set[str]
    counts: set[float]
    runs: dict[str, Any]  # run evidence id -> RunInfo


def _base(evidence: EvidenceStore) -> _Base:
    cache = evidence.__dict__.setdefault("_grounding_cache", {})
    key = (id(evidence), len(evidence.items), "base")
    if key in cache:
        return cache[key]
    base = _Base([], [], set(), set(), derived_counts(evidence), {})
    for item in evidence.items:
        src = item.source
        base.locations.update(x for x in (src.line_start, src.line_end, src.cell) if x is not None)
        if src.path:
            _collect(src.path.replace("/", " "), base.path_values)
        if src.model_version:
            base.versions.add(src.model_version)
    mlf = evidence.mlflow
    for rm in mlf.registered_models if mlf else []:
        for mv in rm.versions:
            base.versions.add(mv.version)
            base.strings += [mv.version, mv.created_at or "", mv.run_id or ""]
    for exp in mlf.experiments if mlf else []:
        base.strings.append(exp.experiment_id)
        for run in exp.runs:
            base.strings += [run.run_id, run.run_name or "", run.start_time or "", run.end_time or ""]
            if run.evidence_id[2:].isdigit():  # an all-digit run8 written as a name
                base.path_values.append(float(run.evidence_id[2:]))
            base.runs[run.evidence_id] = run
    cache[key] = base
    return base


def _numbers(evidence: EvidenceStore, allowed: set[str] | None) -> _Numbers:
    cache = evidence.__dict__.setdefault("_grounding_cache", {})
    # keyed on the object too: a copied store carries a copy of this cache in its __dict__
    key = (id(evidence), len(evidence.items), None if allowed is None else frozenset(allowed))
    if key in cache:
        return cache[key]
    base = _base(evidence)
    values: list[float] = list(base.path_values)
    strings: list[str] = list(base.strings)
    index = evidence.index()
    items = evidence.items if allowed is None else [index[i] for i in allowed if i in index]
    for item in items:
        values += _item_numbers(item)
        _collect(item.label, values)
        _strings([item.value, item.attrs], strings)
    _run_numbers(base, values, allowed)
    measured = sorted({abs(v) for v in values})
    result = _Numbers(
        sorted(set(measured) | base.counts), "\n".join(strings), base.locations, base.versions, measured
    )
    if len(cache) > 64:
        cache.clear()
    cache[key] = result
    return result


def _run_numbers(base: _Base, values: list[float], allowed: set[str] | None) -> None:
    """Metrics and params of the runs cited whole, and of those cited one by one."""
    if allowed is None:
        for run in base.runs.values():
            _collect(run.metrics, values)
            _collect(run.params, values)
        return
    for aid in allowed:
        rid, _, rest = aid.partition(":metric:") if ":metric:" in aid else aid.partition(":param:")
        run = base.runs.get(rid if rest else aid)
        if run is None:
            continue
        if not rest:  # the whole run is cited
            _collect(run.metrics, values)
            _collect(run.params, values)
        elif ":metric:" in aid and rest in run.metrics:  # a run's C=1.0 does not back "AUC 1.0"
            _collect(run.metrics[rest], values)
        elif ":param:" in aid and rest in run.params:
            _collect(run.params[rest], values)


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
    numbers = _numbers(evidence, allowed)
    plain = _CITE.sub(lambda m: " " * len(m.group(0)), text)
    for match, figure in _figures(plain, numbers):
        result.figures_checked += 1
        # a figure in a sentence that cites evidence must come from what it cites: "10 folds
        # [[cv]]" is not backed by some other item that happens to hold 10
        cited = [c for c in _CITE.findall(text, *_sentence_span(plain, match.start())) if evidence.has(c)]
        bound = _numbers(evidence, set(cited)) if cited else numbers
        if not _matches(figure, match, bound) and not _quoted(match, cited, evidence):
            result.flags.append(FigureFlag(figure=figure, context=_sentence(plain, match.start())))
    return result


def _quoted(match: re.Match[str], cited: list[str], evidence: EvidenceStore) -> bool:
    """The figure is written exactly as in a code excerpt the sentence cites (``C=0.5`` in its source)."""
    if match.group("pct") or match.group("exp"):
        return False
    written = match.group("num").replace(",", "")
    items = [evidence.get(c) for c in cited]
    excerpts = [item.text for item in items if item and item.kind == "excerpt" and item.text]
    return any(written in {tok.lstrip("+-") for tok in _NUM_IN_STRING.findall(text)} for text in excerpts)


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence around `pos`, with citation markers right after its full stop."""
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [e for e in (text.find(". ", pos), text.find("\n", pos)) if e != -1]
    end = min(ends) + 1 if ends else len(text)
    while end < len(text) and text[end] == " ":
        end += 1  # markers blanked out in `text` follow the stop as spaces
    return start, end


def _figures(text: str, numbers: _Numbers) -> Iterable[tuple[re.Match[str], str]]:
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


def _skip_spans(text: str, numbers: _Numbers) -> list[tuple[int, int]]:
    """List numbering, and dates and dotted versions that appear verbatim in some evidence string."""
    spans = [(m.start(1), m.end(1)) for m in _NUMBERING.finditer(text)]
    for rx in (_DATE, _DOTTED):
        for m in rx.finditer(text):
            if m.group(0) in numbers.strings or m.group(0)[:10] in numbers.strings:
                spans.append((m.start(), m.end()))
    return spans


def _standalone_v(text: str, start: int) -> bool:
    """A version label such as "v2" (checked against the versions that exist)."""
    return text[start - 1] in "vV" and (
        start < 2 or not (text[start - 2].isalnum() or text[start - 2] == "_")
    )


def _matches(figure: str, m: re.Match[str], numbers: _Numbers) -> bool:
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
