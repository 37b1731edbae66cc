"""Validation criteria in words: the metric levels a model must reach to be registered (MLflow
Recipes ``validation_criteria``), as one clause of the selection fact."""

from __future__ import annotations

import re

from autodoc.document import cite, figure_text, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts

_CRITERION = re.compile(r"^(.*criteria)[\[(](\d+)[\])]\.(metric|threshold)$")


def criteria(evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]]:
    """`` The validation criteria ask for f1_score of at least 0.5 [c] ...`` (a sentence and its items)."""
    pairs: dict[tuple[str, str], dict[str, EvidenceItem]] = {}
    for item in production_facts(evidence, "config"):
        match = _CRITERION.match(item_key(item))
        if match and item.attrs.get("variant") is None:
            pairs.setdefault((match.group(1), match.group(2)), {})[match.group(3)] = item
    found = [p for p in pairs.values() if "metric" in p and "threshold" in p][:4]
    if not found:
        return "", []
    shown = [
        f"{p['metric'].value} of at least {figure_text(p['threshold'].value)} {cite(p['threshold'])}"
        for p in found
    ]
    return f" The validation criteria ask for {join_words(shown)}.", [p["threshold"] for p in found]
