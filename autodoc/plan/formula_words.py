"""The inputs of a formula model in one sentence, for the Summary and the features section alike."""

from __future__ import annotations

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import own_first
from autodoc.plan.values import join_at


def is_formula_inputs(item: EvidenceItem) -> bool:
    """The terms right of ``~`` in a model's formula (a feature fact the scan makes of them)."""
    return item.kind == "feature" and item.attrs.get("how") == "formula" and isinstance(item.value, list)


def formula_inputs(
    evidence: EvidenceStore, features: list[EvidenceItem]
) -> tuple[list[EvidenceItem], list[EvidenceItem]]:
    """(the formulas' inputs among `features`, the production model's first, at most 3; the others)."""
    formulas = [f for f in features if is_formula_inputs(f)]
    return own_first(evidence, formulas)[:3], [f for f in features if f not in formulas]


def formula_sentence(item: EvidenceItem) -> str:
    """``The glm formula (pricing/frequency.py, line 9) [n] takes 2 inputs: region (categorical) and
    fuel.``: the model's inputs as the formula names them, cited to the formula's line."""
    inputs = [str(v) for v in item.value] if isinstance(item.value, list) else []
    model = item.attrs.get("model") or "model's"
    many = f"{len(inputs)} input{'s' if len(inputs) > 1 else ''}"
    return f"The {model} formula ({join_at([item])}) {cite(item)} takes {many}: {join_words(inputs)}."
