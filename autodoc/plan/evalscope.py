"""Which rows the production metrics are computed on, when the code shows it: in-sample.

The scan records an ``in_sample`` fact where a model predicts on the very frame it was fitted
on (every prediction of that object in the scope reads the fit's input). With no train/test
split and no cross-validation in the production code, the metrics it computes are in-sample and
nothing is held out: a validator's first red flag, said once in the summary's Performance line
and in the validation section. A split or a cross-validation scheme in the same file silences it
(the held-out part may be what the metrics read); one only in another file (a stage that splits
and saves the data) does not: the training code's own metrics are still in-sample, said so.
"""

from __future__ import annotations

from collections.abc import Iterable

from autodoc.document import cite
from autodoc.evidence import EvidenceItem
from autodoc.plan.topics import is_production_code

_IN_SAMPLE = "metrics are computed on the rows the model is fitted on (in-sample)"


def in_sample_evaluation(items: Iterable[EvidenceItem]) -> tuple[list[EvidenceItem], list[EvidenceItem]]:
    """Production predictions on the fit's own rows in files without a split, and the production
    splits and cross-validations (all in other files)."""
    production = [i for i in items if i.source.kind == "code" and is_production_code(i)]
    held_out = [i for i in production if i.kind in ("split", "cv")]
    split_files = {i.source.path for i in held_out}
    return [i for i in production if i.kind == "in_sample" and i.source.path not in split_files], held_out


def in_sample_sentence(items: Iterable[EvidenceItem]) -> tuple[str, list[EvidenceItem]]:
    """``The metrics are computed on the rows ... (in-sample); no held-out data: model.predict_proba
    reads X, the frame model.fit is given (main.py, line 352; fitted at line 298) [[id]].``; with a
    split in another file ``The training code's metrics are ... (in-sample), although split.py splits
    the data [[id]]: ...``."""
    found, elsewhere = in_sample_evaluation(items)
    if not found:
        return "", []
    item = found[0]
    words = f"The {_IN_SAMPLE}; no held-out data"
    if elsewhere:  # the data are split by another stage: this code's metrics are in-sample all the same
        split = elsewhere[0]
        words = f"The training code's {_IN_SAMPLE}, although {split.source.path} splits the data"
        words += f" {cite(split)}"
    attrs = item.attrs
    obj, call, arg = attrs.get("object"), attrs.get("call"), attrs.get("input")
    src = item.source
    cell = f", cell {src.cell}" if src.cell is not None else ""
    fit_cell = attrs.get("fit_cell")
    fitted = f"cell {fit_cell}, line {attrs.get('fit_line')}" if fit_cell is not None else ""
    fitted = fitted or f"line {attrs.get('fit_line')}"
    text = (
        f"{words}: {obj}.{call} reads {arg}, the frame "
        f"{obj}.fit is given ({src.path}{cell}, line {src.line_start}; fitted at {fitted}) {cite(item)}."
    )
    return text, [item, *elsewhere[:1]]
