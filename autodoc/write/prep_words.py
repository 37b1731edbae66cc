"""The transformations the production model's training code applies, in words.

Containers (``Pipeline``, ``ColumnTransformer``) say only that steps are chained; the steps inside
them say what happens to the columns (``SimpleImputer (strategy = median)``). The production
model's own training script's steps come first (`plan.lineage.own_first`). Column lists the code
loops over or selects are said by what the code does with them.
"""

from __future__ import annotations

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import own_first
from autodoc.plan.topics import production_facts
from autodoc.scan.code.rules.training import split_of

_CONTAINERS = frozenset(
    {"Pipeline", "ColumnTransformer", "FeatureUnion", "make_pipeline", "make_column_transformer"}
)


def transform_steps(evidence: EvidenceStore, limit: int = 4) -> list[EvidenceItem]:
    """The preprocessing steps, each class with the same settings once, containers only if alone."""
    prep = own_first(evidence, production_facts(evidence, "preprocessing"))
    steps = [p for p in prep if str(p.value).rsplit(".", 1)[-1] not in _CONTAINERS] or prep
    seen: dict[str, EvidenceItem] = {}
    for step in steps:
        seen.setdefault(f"{step.value}{_settings(step)}{step.attrs.get('transforms') or ''}", step)
    return list(seen.values())[:limit]


def step_words(step: EvidenceItem) -> str:
    """``SimpleImputer (strategy = median) [n]``: the class, the settings the code writes, cited."""
    if isinstance(step.attrs.get("transforms"), list):
        return image_steps_words(step)
    return f"{step.value}{_settings(step)} {cite(step)}"


_FOR = {"train": "training", "validation": "validation", "test": "test"}


def image_steps_words(step: EvidenceItem) -> str:
    """``the image transforms for training images, RandomResizedCrop(224), RandomHorizontalFlip() and
    ToTensor() [n] (random augmentation: RandomResizedCrop and RandomHorizontalFlip)``: an image
    transform chain (`scan.code.rules.vision`), its steps as written, what is random in it."""
    steps = join_words([str(s) for s in step.attrs["transforms"]])
    random = [str(a) for a in step.attrs.get("augmentation") or []]
    augment = f"random augmentation: {join_words(random)}" if random else "no random augmentation"
    return f"{image_chain_name(step)}, {steps} {cite(step)} ({augment})"


def image_chain_name(step: EvidenceItem) -> str:
    """``the image transforms for training images`` (``for val_tf`` when the name says no split)."""
    named = str(step.attrs.get("for") or "")
    split = split_of([named]) if named else None
    used = f" for {_FOR[split]} images" if split in _FOR else f" {named}" if named else ""
    return f"the image transforms{used}"


def _settings(step: EvidenceItem) -> str:
    params = step.attrs.get("params")
    written = (
        {k: v for k, v in params.items() if isinstance(v, str | int | float)}
        if isinstance(params, dict)
        else {}
    )
    return " (" + ", ".join(f"{k} = {v}" for k, v in list(written.items())[:2]) + ")" if written else ""


def column_sets_first(sets: list[EvidenceItem]) -> list[EvidenceItem]:
    """Column lists, each once, the most telling first: loops that make new columns (lags, windows),
    then named lists, then loops that rewrite their own columns (a cast to category)."""
    first: dict[tuple[str, ...], EvidenceItem] = {}
    for item in sets:
        first.setdefault(tuple(map(str, item.value if isinstance(item.value, list) else [item.value])), item)
    once = list(first.values())  # the first place of each list, in order

    def rank(item: EvidenceItem) -> int:
        if item.attrs.get("how") != "loop":
            return 1
        return 0 if item.attrs.get("from_columns") else 2

    return sorted(once, key=rank)


def column_set_words(sets: list[EvidenceItem]) -> list[str]:
    """Clauses for column lists: a loop that makes new names ``derives`` them (``for col in cols:
    df[col + "_log"] = ...``), one that rewrites its own columns ``sets`` them, a list otherwise is
    selected."""
    loops = [d for d in sets if d.attrs.get("how") == "loop"]
    parts = []
    for verb, made_here in (("derives", True), ("sets", False)):
        said = [
            f"{d.label.replace(' derived in a loop', ' in a loop')} {cite(d)}"
            for d in loops
            if bool(d.attrs.get("from_columns")) is made_here
        ]
        parts += [f"{verb} {join_words(said)}"] if said else []
    if chosen := [d for d in sets if d not in loops]:
        parts.append(f"selects the column sets {join_words([f'{d.label} {cite(d)}' for d in chosen])}")
    return parts
