"""Training-setup phrases of the summary's Training fact: the checkpoint a trainer keeps, class
weights computed from the labels and per-row weights, each with the item it cites."""

from __future__ import annotations

import re

from autodoc.document import cite
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts

_RATIO = re.compile(r"\(\s*(\w+)\s*==\s*0\s*\)\.sum\(\)\s*/\s*\(\s*\1\s*==\s*1\s*\)\.sum\(\)")


def checkpoint_words(evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """A Hugging Face Trainer's ``load_best_model_at_end``: the checkpoint kept is chosen on the
    evaluation set (by ``metric_for_best_model``, else the loss)."""
    kept = [f for f in production_facts(evidence, "fit") if isinstance(f.attrs.get("keeps_best"), str)]
    if not kept:
        return None
    on = kept_checkpoint(kept[0].attrs["keeps_best"])
    return f"the trainer keeps the checkpoint with {on} {cite(kept[0])}", kept[0]


def kept_checkpoint(best: str) -> str:
    """``the best f1 on the evaluation set`` (``loss``: the lowest loss)."""
    return ("the lowest loss" if best == "loss" else f"the best {best}") + " on the evaluation set"


def class_weight_words(evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """``class_weight`` or ``scale_pos_weight`` computed from the labels, in words."""
    for item in production_facts(evidence, "class_weight"):
        expr = str(item.attrs.get("expr") or "")
        if item.attrs.get("unresolved") or not expr:
            continue
        key = item.id.rsplit(":", 1)[-1]
        match = _RATIO.search(expr)
        if match:
            how = f"the ratio of negative to positive labels in {match.group(1)}"
        else:
            how = "a value computed from the training labels"
        return f"class weighting sets {key} to {how} {cite(item)}", item
    return None


def row_weight_words(evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """``the fit weights each row by the column exposure (sample_weight)``: per-row weights a fit call
    reads from a data column (`scan.code.rules.per_row`)."""
    for item in production_facts(evidence, "param"):
        if item.attrs.get("owner_kind") == "fit" and item.attrs.get("per_row"):
            key = item_key(item)
            return f"the fit weights each row by {item.attrs['per_row']} ({key}) {cite(item)}", item
    return None
