"""Splits made without a library call: by the files themselves (training and test data read from
separate files, ``data/train.csv`` and ``data/test.csv``, when neither the code nor its configuration
splits), or by date boundaries written by hand (``train = df[df.date < cutoff]``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from autodoc.document import SummaryFact, cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan import topics
from autodoc.plan.lineage import own_first
from autodoc.plan.topics import production_facts
from autodoc.plan.values import owned_params, stratify_columns
from autodoc.write.places import where

_TRAIN = re.compile(r"(^|[/_.-])train(ing)?([/_.-]|$)", re.I)
_TEST = re.compile(r"(^|[/_.-])(test(ing)?|holdout|eval)([/_.-]|$)", re.I)


def is_test_file(path: str) -> bool:
    """A file named for testing or hold-out (``X_test.csv``, ``holdout.parquet``), not for training."""
    return bool(_TEST.search(path)) and not _TRAIN.search(path)


def repeated_split(splits: list[EvidenceItem]) -> tuple[EvidenceItem, EvidenceItem] | None:
    """(the first, a repeat): two splits in different files by the same call with the same settings,
    a seed among them: given the same rows, the second holds out the same ones (an evaluation
    script that rebuilds the training script's hold-out)."""
    for i, first in enumerate(splits):
        for later in splits[i + 1 :]:
            same = (
                later.value == first.value
                and str(later.label).split(" ")[0] == str(first.label).split(" ")[0]
            )
            seeded = isinstance(first.value, dict) and first.value.get("random_state") is not None
            if same and seeded and later.source.path != first.source.path:
                return first, later
    return None


def run_condition(split: EvidenceItem) -> str:
    """``when val_split`` (``, which main() at line 65 sets to False``) / ``unless val_split``: the ``if``
    a split runs under (the scan's ``when`` / ``otherwise``), "" for a split that always runs."""
    if when := split.attrs.get("when"):  # and what its one caller sets the flag to: the split may never run
        return f"when {when}" + (f", which {split.attrs['set_by']}" if split.attrs.get("set_by") else "")
    return f"unless {otherwise}" if (otherwise := split.attrs.get("otherwise")) else ""


def hold_out_splits(evidence: EvidenceStore) -> list[EvidenceItem]:
    """The production hold-out splits (`plan.topics.hold_out_splits`), the production model's
    script's first and another training script's left out (`plan.lineage.own_first`)."""
    return own_first(evidence, topics.hold_out_splits(evidence.items))


def file_split_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """``Training and test data are separate files: data/train.csv [c] and data/test.csv [c].``"""
    sources = [s for s in production_facts(evidence, "data_source") if isinstance(s.value, str)]
    train = next((s for s in sources if _TRAIN.search(s.value) and not _TEST.search(s.value)), None)
    test = next((s for s in sources if is_test_file(s.value)), None)
    if train is None or test is None:
        return None
    text = (
        f"Training and test data are separate files: {train.value} {cite(train)} is read for training "
        f"and {test.value} {cite(test)} for testing."
    )
    return SummaryFact.citing("split", "Split", text, [train, test])


def time_split_fact(splits: list[EvidenceItem]) -> SummaryFact | None:
    """``The rows are split in time by date: training rows have date < cutoff (train.py, line 9) [c]
    and test rows have date >= cutoff (train.py, line 10) [c].`` when the first split is a date mask
    (or a mask on a column that names each row's part: ``The rows are split by the column fold: ...``)."""
    said = mask_split_words(splits, where)
    return SummaryFact.citing("split", "Split", said[0], said[1]) if said else None


def mask_split_words(
    splits: list[EvidenceItem], place: Callable[[EvidenceItem], str]
) -> tuple[str, list[EvidenceItem]] | None:
    """The sentence `time_split_fact` states, with each place written by `place`, and its items."""
    first = splits[0].value if splits else None
    if not isinstance(first, dict) or first.get("how") not in ("time", "column") or "column" not in first:
        return None
    col = first["column"]
    same = [s for s in splits if isinstance(s.value, dict) and s.value.get("column") == col]
    parts = [
        f"{s.attrs['part']} rows have {s.value['rule']}" if s.attrs.get("part") else s.value["rule"]
        for s in same
    ]
    clauses = [f"{p} ({place(s)}) {cite(s)}" for p, s in zip(parts, same, strict=True)]
    how = "in time by" if first["how"] == "time" else "by the column"
    return f"The rows are split {how} {col}: {join_words(clauses)}.", same


def position_split_fact(splits: list[EvidenceItem]) -> SummaryFact | None:
    """``The rows are ordered by issue_d and split by position: the first 0.8 of them train the model
    and the rest are held out (train.py, line 9) [c].`` when the first split cuts at a share of rows."""
    first = splits[0] if splits else None
    value = first.value if first is not None else None
    if first is None or not isinstance(value, dict):
        return None
    order = f"ordered by {value['order_by']} and " if value.get("order_by") else ""
    if isinstance(value.get("last"), int):
        groups = value.get("groups") or []
        of = f" of each {join_words([str(g) for g in groups])} group" if groups else ""
        text = (
            f"The rows are {order}split by position: the last {value['last']} rows{of} are held out and the "
            f"earlier rows train the model ({where(first)}) {cite(first)}."
        )
        return SummaryFact.citing("split", "Split", text, [first])
    if not isinstance(value.get("fraction"), float):
        return None
    if value.get("how") == "random":
        return _sampled(first, value)
    text = (
        f"The rows are {order}split by position: the first {value['fraction']:g} of them train the model "
        f"and the rest are held out ({where(first)}) {cite(first)}."
    )
    return SummaryFact.citing("split", "Split", text, [first])


def _sampled(split: EvidenceItem, value: dict[str, object]) -> SummaryFact:
    """``A random hold-out split is made by sample (train.py, line 5) [c]: 80% of the rows are drawn at
    random for training and the rest held out, with random_state 1.`` (``df.sample(frac=0.8)``: rows
    drawn at random, not the first ones)."""
    share, part = f"{float(value['fraction']) * 100:g}%", split.attrs.get("part") or "training"  # type: ignore[arg-type]
    text = (
        f"A random hold-out split is made by sample ({where(split)}) {cite(split)}: {share} of the rows are "
        f"drawn at random for {part} and the rest held out"
    )
    seed = value.get("random_state")
    text += f", with random_state {seed}" if isinstance(seed, int) and not isinstance(seed, bool) else ""
    return SummaryFact.citing("split", "Split", text + ".", [split])


def stratified_by_columns(split: EvidenceItem, evidence: EvidenceStore) -> tuple[str, EvidenceItem] | None:
    """``, stratified by the column month [cite]`` and its stratify item, when the split keeps data
    columns that are not the target in proportion (``stratify=df[["month"]]``)."""
    for param in owned_params(split, evidence.items):
        if columns := stratify_columns(param):
            named = f"column{'s' if len(columns) > 1 else ''} {join_words(columns)}"
            return f", stratified by the {named} {cite(param)}", param
    return None


def weighted_split_fact(splits: list[EvidenceItem], evidence: EvidenceStore) -> SummaryFact | None:
    """``A random hold-out split is made by randomSplit (train.py, line 20) [c]: 70% of the rows for
    training and 30% for testing, with seed 17 [c].`` when the first split draws rows at random by
    weights (Spark's ``df.randomSplit([0.7, 0.3], seed=17)``; weights not summing to 1 are shares)."""
    first = splits[0] if splits else None
    parts = weighted_parts(first.attrs) if first is not None else []
    if first is None or not parts:
        return None
    if all(named for _, named in parts):
        shares = [f"{100 * w:.3g}% for {named}" for w, named in parts]
        shares[0] = shares[0].replace(" for ", " of the rows for ", 1)
    else:
        shares = [f"{join_words([f'{100 * w:.3g}%' for w, _ in parts])} of the rows, in that order"]
    text = (
        f"A random hold-out split is made by randomSplit ({where(first)}) {cite(first)}: {join_words(shares)}"
    )
    seeds = [
        p for p in owned_params(first, evidence.items) if p.attrs.get("key") == "seed" and p.value is not None
    ]
    if seeds:
        text += f", with seed {seeds[0].value} {cite(seeds[0])}"
    return SummaryFact.citing("split", "Split", text + ".", [first, *seeds[:1]])


def weighted_parts(attrs: dict[str, object]) -> list[tuple[float, str | None]]:
    """Spark's ``train, test = df.randomSplit([0.7, 0.3])``: each part's share of the rows (weights
    not summing to 1 are shares) and what it is for (training, validation, testing; None when its
    name does not say or the parts are not named one by one); empty when there are no weights."""
    weights, names = attrs.get("weights"), attrs.get("parts")
    if not isinstance(weights, list) or not weights or not sum(weights):
        return []
    names = [str(p) for p in names] if isinstance(names, list) and len(names) == len(weights) else []
    words = [_part_words(n) for n in names] or [None] * len(weights)
    return [(w / sum(weights), said) for w, said in zip(weights, words, strict=True)]


def held_out_share(attrs: dict[str, object]) -> float | None:
    """The share of the rows a weighted split (``randomSplit``) holds out for testing: the weight of
    its one part named for testing (``test``, ``holdout``, ``eval``), else None."""
    tests = [w for w, said in weighted_parts(attrs) if said == "testing"]
    return tests[0] if len(tests) == 1 else None


def held_out_purpose(attrs: dict[str, object]) -> str:
    """What a ``train_test_split``'s held-out part is for, by the names it is bound to: ``validation``
    when every held-out output says so (``train_df, val_df = train_test_split(...)``), else ``testing``
    (a weighted split's held-out share is its part for testing: `held_out_share`)."""
    outputs = attrs.get("outputs") if str(attrs.get("call", "")).endswith("train_test_split") else None
    held = [str(n) for n in outputs[1::2]] if isinstance(outputs, list) else []
    return "validation" if held and all(_part_words(n) == "validation" for n in held) else "testing"


def _part_words(name: str) -> str | None:
    """``train_df`` -> training, ``test`` -> testing, ``val_df`` -> validation (None for another name)."""
    if _TRAIN.search(name) or name.lower().startswith("train"):
        return "training"
    if re.search(r"(^|_)val(id(ation)?)?(_|$)", name, re.I):
        return "validation"
    return "testing" if _TEST.search(name) or name.lower().startswith("test") else None
