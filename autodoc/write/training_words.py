"""Training-setup phrases of the summary's Training fact: the checkpoint a trainer keeps, class
weights computed from the labels and per-row weights, early stopping and the rows it watches, each
with the item it cites."""

from __future__ import annotations

import re

from autodoc.document import cite, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import own_fit
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts
from autodoc.plan.values import owned_params
from autodoc.scan.code.rules.loops import EPOCH_LOOP
from autodoc.scan.code.rules.training import split_of
from autodoc.write.places import where

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


_ROUNDS = ("early_stopping_rounds", "od_wait")  # an estimator's own stopping rule (XGBoost 2, CatBoost)
# what stopping on each split means for the model's scores
_STOPPED_ON = {
    "validation": " (the validation split){stops}: those rows choose the number of trees, and the number of"
    " rounds set in the code is an upper bound",
    "test": " (the test split){stops}: the test rows choose the number of trees, so scores measured on them"
    " are optimistic",
    "train": " (the training rows){stops}: the rows the model is fitted on choose the number of trees,"
    " which does not guard against overfitting",
}


def early_stopping_words(evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """A boosted model's early stopping (`scan.code.rules.stopping`): after how many rounds without
    improvement, on which rows, and what that split means for the scores."""
    found = [f for f in production_facts(evidence, "early_stopping") if "how" in f.attrs]
    if not found:
        return _estimator_stopping(evidence)
    item = found[0]
    stops = _stops(item.attrs.get("rounds"), str(item.attrs["how"]), item)
    return _stopping_sentence(stops, item.attrs.get("eval_rows"), item.attrs.get("split")), item


def _stops(rounds: object, how: str, item: EvidenceItem) -> str:
    """`` has not improved for 50 rounds (early_stopping_rounds of XGBClassifier) [c]``, or `` stops
    improving (...) [c]`` when the number of rounds is not known."""
    if isinstance(rounds, int) and not isinstance(rounds, bool) and rounds > 0:
        return f" has not improved for {rounds} rounds ({how}) {cite(item)}"
    return f" stops improving ({how}) {cite(item)}"


def _stopping_sentence(stops: str, rows: object, split: object) -> str:
    if not isinstance(rows, list) or not rows:
        return f"training stops early when the score{stops}"
    said = _STOPPED_ON.get(str(split), "{stops}").format(stops=stops)
    return f"training stops early when the score on {', '.join(map(str, rows))}{said}"


def _estimator_stopping(evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """``XGBClassifier(early_stopping_rounds=50)`` (XGBoost 2, CatBoost) fitted with
    ``eval_set=[(X_val, y_val)]``: the estimator's own setting, and the rows its fit watches."""
    for est in production_facts(evidence, "estimator"):
        fit = own_fit(evidence, est)
        rounds = next((p for p in owned_params(est, evidence.items) if item_key(p) in _ROUNDS), None)
        if fit is None or rounds is None or not fit.attrs.get("eval_rows"):
            continue
        stops = _stops(rounds.value, f"{item_key(rounds)} of {est.value}", rounds)
        return _stopping_sentence(stops, fit.attrs["eval_rows"], fit.attrs.get("eval_split")), rounds
    return None


def owned_settings(owner: EvidenceItem, evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]]:
    """`` with lr = 0.0001 [c] and weight_decay = 0.0001 [c]``: the arguments an optimiser or a
    learning-rate schedule is built with whose values the scan resolved (up to 4), with their items."""
    params = [
        p
        for p in owned_params(owner, evidence.items)
        if p.value is not None and not isinstance(p.value, dict)
    ]
    if not params:
        return "", []
    said = join_words([f"{item_key(p)} = {setting_text(p.value)} {cite(p)}" for p in params[:4]])
    return f" with {said}", params[:4]


def schedule_words(evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]] | None:
    """``the learning rate follows ReduceLROnPlateau [c] with mode = min [c] and patience = 3 [c]``:
    the production code's learning-rate schedule and its settings."""
    found = production_facts(evidence, "scheduler")
    if not found:
        return None
    settings, params = owned_settings(found[0], evidence)
    return f"the learning rate follows {found[0].value} {cite(found[0])}{settings}", [found[0], *params]


def epoch_words(evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """The production code's loop over epochs in words (`epoch_loop_phrase`), with its item."""
    return next(
        ((said, i) for i in production_facts(evidence, "setting") if (said := epoch_loop_phrase(i))), None
    )


def epoch_loop_phrase(item: EvidenceItem) -> str | None:
    """``training runs for at most 30 epochs (for epoch in range(num_epochs), utils.py, line 12; the
    number is set at config.py, line 10) [c]``: a hand-written loop over epochs (`scan.code.rules.loops`),
    its bound resolved through its callers; ``at most`` when a ``break`` can end it early."""
    value = item.value
    if item_key(item) != EPOCH_LOOP or not isinstance(value, int) or isinstance(value, bool):
        return None
    origin = item.attrs.get("origin") or {}
    set_at = f"; the number is set at {origin['path']}, line {origin['line']}" if origin.get("line") else ""
    most = "at most " if item.attrs.get("breaks") else ""
    said = f"training runs for {most}{value} epochs ({item.attrs.get('loop')}, {where(item)}{set_at})"
    stops = f", stopping early when {item.attrs['stops_when']}" if item.attrs.get("stops_when") else ""
    return f"{said} {cite(item)}{stops}"


def loop_checkpoint_words(evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """The checkpoint a production loop over epochs keeps, in words (`kept_epoch_phrase`), with its item."""
    return next(
        ((said, s) for s in production_facts(evidence, "model_save") if (said := kept_epoch_phrase(s))), None
    )


def kept_epoch_phrase(save: EvidenceItem) -> str | None:
    """``each epoch (for epoch in range(n)) saves the weights to best.pth when val_acc > best_acc
    (utils.py, line 65) [c], so the validation rows choose the epoch kept``: a save under a condition
    in a loop over epochs (`scan.code.rules.loops`)."""
    when, loop = save.attrs.get("when"), save.attrs.get("in_loop")
    if not when or not loop:
        return None
    said = f"each epoch ({loop}) saves the weights to {save.value} when {when} ({where(save)}) {cite(save)}"
    rows = split_of([str(when)])
    return said + (f", so the {rows} rows choose the epoch kept" if rows else "")


def chosen_on_measured_rows(
    evidence: EvidenceStore, metrics: list[EvidenceItem]
) -> tuple[str, list[EvidenceItem]]:
    """`` The validation rows that measure the model also choose the epoch kept (utils.py, line 65) [c],
    so these scores are optimistic.``: a loop's best checkpoint chosen on the rows the production
    metrics are computed on (`kept_epoch_phrase`), else ""."""
    measured = {m.attrs.get("on") for m in metrics} - {None}
    for save in production_facts(evidence, "model_save"):
        rows = split_of([str(save.attrs.get("when") or "")]) if save.attrs.get("in_loop") else None
        if rows and rows in measured:
            said = f" The {rows} rows that measure the model also choose the epoch kept ({where(save)})"
            return f"{said} {cite(save)}, so these scores are optimistic.", [save]
    return "", []


def setup_phrases(evidence: EvidenceStore) -> list[tuple[str, EvidenceItem]]:
    """The training-setup phrases the Training fact says, in its order, each with its item."""
    found = (
        epoch_words(evidence),
        checkpoint_words(evidence) or loop_checkpoint_words(evidence),
        early_stopping_words(evidence),
        class_weight_words(evidence),
        row_weight_words(evidence),
    )
    return [said for said in found if said is not None]
