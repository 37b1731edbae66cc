"""The inputs of a formula model (or of a Spark VectorAssembler) in one sentence, for the Summary and
the features section alike."""

from __future__ import annotations

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import own_first
from autodoc.plan.values import join_at


def is_formula_inputs(item: EvidenceItem) -> bool:
    """The terms right of ``~`` in a model's formula, or the columns a Spark VectorAssembler puts into
    the model's feature vector (a feature fact the scan makes of them)."""
    how = item.attrs.get("how")
    return item.kind == "feature" and how in ("formula", "assembler") and isinstance(item.value, list)


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
    if item.attrs.get("how") == "assembler":
        return _assembled(item, inputs)
    model = item.attrs.get("model") or "model's"
    many = f"{len(inputs)} input{'s' if len(inputs) > 1 else ''}"
    return f"The {model} formula ({join_at([item])}) {cite(item)} takes {many}: {join_words(inputs)}."


def _assembled(item: EvidenceItem, inputs: list[str]) -> str:
    """``VectorAssembler (train.py, line 24) [n] puts 2 input columns into the vector features: a and
    b.``, and the part of the list the scan could not resolve, quoted, never guessed."""
    out = item.attrs.get("output")
    into = f"the vector {out}" if isinstance(out, str) else "one vector"
    unresolved = [str(u) for u in item.attrs.get("unresolved") or []]
    many = f"{len(inputs)} input column{'s' if len(inputs) != 1 else ''}" + (
        " named in the code" if unresolved else ""
    )
    text = f"VectorAssembler ({join_at([item])}) {cite(item)} puts {many} into {into}"
    text += f": {join_words(inputs)}" if inputs else ""
    if unresolved:
        text += f"; the columns of {join_words(unresolved)} are set at run time and not resolved here"
    return text + "."
