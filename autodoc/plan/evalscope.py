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
from autodoc.scan.code.file_links import base_name

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


_OWN_ROWS = frozenset({"split", "cv", "estimator", "in_sample"})  # a script that chooses its own rows


def whole_file_evaluation(items: Iterable[EvidenceItem]) -> tuple[str, EvidenceItem, EvidenceItem] | None:
    """(script, its read, the split): a production script that loads a model and computes metrics on
    a file it reads whole (no split, no fit, no cross-validation of its own), the same file (by name)
    that a production split in another script divides for training."""
    production = [i for i in items if i.source.kind == "code" and is_production_code(i)]
    by_path: dict[str, dict[str, list[EvidenceItem]]] = {}
    for item in production:
        by_path.setdefault(str(item.source.path), {}).setdefault(item.kind, []).append(item)
    splits = [i for i in production if i.kind == "split"]
    for path, kinds in by_path.items():
        scored = any(not m.attrs.get("on") for m in kinds.get("metric", []))
        if not scored or "model_load" not in kinds or kinds.keys() & _OWN_ROWS:
            continue
        for read in (r for r in kinds.get("data_source", []) if isinstance(r.value, str)):
            for split in (s for s in splits if s.source.path != path):
                reads = by_path[str(split.source.path)].get("data_source", [])
                if base_name(read.value) in {base_name(r.value) for r in reads if isinstance(r.value, str)}:
                    return path, read, split
    return None


def whole_file_sentence(items: Iterable[EvidenceItem]) -> tuple[str, list[EvidenceItem]]:
    """`` model/evaluate.py scores the loaded model on every row of creditcard.csv (line 22) [r], the
    file model/prepare.py splits for training (line 15) [s]: the rows the model was fitted on are among
    them.``"""
    found = whole_file_evaluation(items)
    if found is None:
        return "", []
    path, read, split = found
    return (
        f"{path} scores the loaded model on every row of {base_name(str(read.value))} (line "
        f"{read.source.line_start}) {cite(read)}, the file {split.source.path} splits for training (line "
        f"{split.source.line_start}) {cite(split)}: the rows the model was fitted on are among them.",
        [read, split],
    )


def evaluation_words(items: list[EvidenceItem]) -> tuple[str, list[EvidenceItem]]:
    """What the code shows about the rows its metrics are computed on (`in_sample_sentence`,
    `whole_file_sentence`), and the items cited."""
    words, cited = in_sample_sentence(items)
    whole, scored = whole_file_sentence(items)
    return f"{words} {whole}".strip(), cited + scored
