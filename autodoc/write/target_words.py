"""How the target is built, in words: the test that sets a label, the notebook or command-line
parameters that define the outcome and the population (``outcome_concept_id = 9203``)."""

from __future__ import annotations

import re

from autodoc.document import cite, figure_text, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.formula_words import is_formula_inputs
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts
from autodoc.write.places import where

# outcome_concept_id, target_condition_id, label_column, event_code (not run_label: a run's name)
_DEFINING = re.compile(
    r"^(target|outcome|label|cohort|event|positive)(_|$)|(^|_)(target|outcome|cohort)(_|$)", re.I
)


def condition_words(item: EvidenceItem) -> str:
    """A label set by a test, in words: ``: 1 when Tags contains <r>, else 0`` (empty without one)."""
    a = item.attrs
    if not all(k in a for k in ("positive", "negative", "field", "op", "tested")):
        return ""
    return f": {a['positive']} when {a['field']} {a['op']} {a['tested']}, else {a['negative']}"


def default_label(found: list[EvidenceItem]) -> str:
    """`` GBTClassifier reads it as Spark's default label column (the code sets no labelCol).`` when an
    estimator names no label column and Spark's default is the target (said as the library's choice)."""
    default = next((t for t in found if t.kind == "target" and t.attrs.get("default")), None)
    if default is None:
        return ""
    model = default.attrs.get("estimator") or "The estimator"
    column = f"the column {default.value} as Spark's default label column"
    return f" {model} reads {column} (the code sets no labelCol)."


def indexed_label(evidence: EvidenceStore, target: EvidenceItem) -> tuple[str, list[EvidenceItem]]:
    """`` It is the column outcome with its categories numbered by StringIndexer (train.py, line 10) [c].``
    when the target column is a Spark StringIndexer's output (the label's categories as numbers)."""
    for item in production_facts(evidence, "preprocessing"):
        cols = item.attrs.get("columns")
        if isinstance(cols, dict) and cols.get("outputCol") == target.value and cols.get("inputCol"):
            by = f"{item.value} ({where(item)}) {cite(item)}"
            text = f" It is the column {cols['inputCol']} with its categories numbered by {by}."
            return text, [item]
    return "", []


def leakage(evidence: EvidenceStore, rules: list[EvidenceItem]) -> tuple[str, list[EvidenceItem]]:
    """`` recency, from which the label is computed, is also an input of the model (VectorAssembler,
    train.py, line 33) [c]: target leakage.`` when a column a label rule reads (of `rules`, the label
    facts said for the target) is among the inputs the code names for the model."""
    read = [str(c) for r in rules for c in r.attrs.get("from_columns") or []]
    for inputs in (f for f in production_facts(evidence, "feature") if is_formula_inputs(f)):
        shared = list(dict.fromkeys(c for c in read if c in inputs.value))
        if shared:
            one = len(shared) == 1
            by = f"{inputs.attrs['model']}, " if inputs.attrs.get("how") == "assembler" else ""
            text = (
                f" The column{'' if one else 's'} {join_words(shared)}, from which the label is computed, "
                f"{'is' if one else 'are'} also {'an input' if one else 'inputs'} of the model "
                f"({by}{where(inputs)}) {cite(inputs)}: the label can be read off the model's inputs "
                "(target leakage)."
            )
            return text, [inputs]
    return "", []


def built_first(targets: list[EvidenceItem]) -> list[EvidenceItem]:
    """`targets` with the labels whose test the code shows first (each group keeps its order): the
    column ``target`` set by ``(df["readmitted"] == "<30").astype(int)`` is said with that rule,
    not as the bare column another script reads."""
    return sorted(targets, key=lambda t: not (t.kind == "label" and "positive" in t.attrs))


def defining_parameters(evidence: EvidenceStore, target: EvidenceItem) -> tuple[str, list[EvidenceItem]]:
    """`` It is defined by the notebook widgets outcome_concept_id = 9203 [4] and ...`` (a clause and
    its items): run parameters whose name says they choose the outcome, label or population."""
    column = str(target.value or "").lower()
    found = [
        p
        for p in production_facts(evidence, "param")
        if p.attrs.get("owner_kind") in ("widget", "argparse")
        and p.value not in (None, "", target.value)  # --target churn names the column already stated
        and (
            _DEFINING.search(key := item_key(p).lstrip("-"))
            or (column and key.lower().startswith(column + "_"))
        )
    ][:4]
    if not found:
        return "", []
    kind = (
        "notebook widgets" if all(p.attrs.get("owner_kind") == "widget" for p in found) else "run parameters"
    )
    shown = join_words([f"{item_key(p).lstrip('-')} = {figure_text(p.value)} {cite(p)}" for p in found])
    return f" It is defined by the {kind} {shown}.", found


def horizon(found: list[EvidenceItem], target: EvidenceItem) -> tuple[str, list[EvidenceItem]]:
    """The sentence on the label a forecast is trained on (a column's value some rows ahead: a negative
    shift), the stated target's own when it is one, and its item; nothing without one."""
    ahead = [i for i in found if i.kind == "label" and i.attrs.get("how") == "future value"]
    label = target if target in ahead else ahead[0] if ahead else None
    return (horizon_words(label, target), [label]) if label is not None else ("", [])


def horizon_words(label: EvidenceItem, target: EvidenceItem) -> str:
    """`` The label is the value of units_sold 7 rows ahead within each id (train.py, line 9) [c].``:
    how far ahead a forecast looks; the shifted column said by the stated target's name when it is
    that column (or the configuration key that names it), else in the code's words."""
    a = label.attrs
    of = a.get("of") or "a column"
    if of == target.value or (
        a.get("of_key") and target.kind == "config" and item_key(target) == a["of_key"]
    ):
        of = target.value
    ahead = a.get("ahead")
    set_from = f", where {ahead} = {a['ahead_expr']}" if a.get("ahead_expr") else ""
    by = f" within each {join_words([str(g) for g in a['by']])}" if isinstance(a.get("by"), list) else ""
    place = f"({where(label)}) {cite(label)}"
    return f" The label is the value of {of} {figure_text(ahead)} rows ahead{by}{set_from} {place}."
