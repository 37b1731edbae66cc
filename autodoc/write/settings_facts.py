"""Summary facts from production settings (configuration keys, script constants, compile/fit calls):
hyperparameters, training setup, split, tuning and model selection, each value once, cited. A debug,
experiment or sweep variant never stands for the model's value (a sweep feeds tuning only); a key set
in several files takes the value of the file that composes the other (Hydra ``defaults``) or that
holds most of the model's settings."""

from __future__ import annotations

import re

from autodoc.document import SummaryFact, cite, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts
from autodoc.plan.values import launched_value
from autodoc.write.criteria import criteria
from autodoc.write.disagree import choice_words, other_values
from autodoc.write.search_words import scheme_and_grid
from autodoc.write.split_files import file_split_fact
from autodoc.write.training_words import owned_settings, schedule_words, setup_phrases

_SWEEP = "hyperparameter sweep"
_MAX_SHOWN = 12
_GROUPS: dict[str, re.Pattern[str]] = {
    "split": re.compile(
        r"^(split_ratios|train_val_test_split|test_size|val_size|valid_size|validation_size|"
        r"train_size|test_split|val_split|validation_split|test_frac(tion)?|val_frac(tion)?)$"
    ),
    "selection": re.compile(
        r"^(primary_metric|optimized_metric|allow_non_validated_model|greater_is_better|slice_features)$"
    ),
    "data": re.compile(
        r"^(location|data_path|input_path|train_path|train_file|data_file|input_table|table_name|dataset)$"
    ),
    "hyperparameters": re.compile(
        r"^(n_layers?|n_heads?|n_embd|num_layers|num_heads|hidden_(size|dim|units)|d_model|lin\d+_size|"
        r"input_size|output_size|block_size|vocab_size|dropout|units|n_estimators|max_depth|num_leaves|"
        r"l1_ratio|alpha|gamma|kernel|lags?|window(_size)?|seq(uence)?_len(gth)?|lr|learning_rate|"
        r"weight_decay|momentum|beta1|beta2|min_lr|grad_clip|gradient_clip_val)$"
    ),
    "training": re.compile(
        r"^(epochs|n_epochs|num_epochs|num_train_epochs|max_epochs|min_epochs|batch_size|max_iters|max_steps|"
        r"per_device_train_batch_size|warmup_(iters|steps|epochs|ratio)|lr_decay_iters|decay_lr|gradient_accumulation_steps|patience|"
        r"factor|eval_iters|eval_interval)$"
    ),
}
_CLASS_PARENTS = ("optimizer", "scheduler", "early_stopping", "net", "loss")
# namespaces of tooling, logging and paths: their keys never describe the model
_NOT_MODEL = re.compile(
    r"(^|\.)(model_summary|rich_progress_bar|model_checkpoint|logger|paths|extras|wandb|mlflow|tensorboard|"
    r"comet|neptune|csv|aim|updates|categories|version-resolver|job_logging|hydra_logging)(\.|$)"
)
_NOT_A_VALUE = re.compile(r"^(\?\?\?|\$\{.*\}|)$")


def value_text(value: object) -> str:
    """A setting's value in prose: lists as ``a / b / c`` so that commas keep separating settings."""
    if isinstance(value, list | tuple):
        return " / ".join(setting_text(v) for v in value[:8]) + (" / …" if len(value) > 8 else "")
    return setting_text(value)


def _usable(item: EvidenceItem) -> bool:
    value = item.value
    if value is None or isinstance(value, dict):
        return False
    if isinstance(value, list | tuple):
        return 0 < len(value) <= 8 and all(isinstance(v, int | float | str) for v in value)
    return not (isinstance(value, str) and (_NOT_A_VALUE.match(value.strip()) or len(value) > 120))


def _group(key: str) -> str | None:
    if _NOT_MODEL.search(key.lower()):
        return None
    parts = key.lower().lstrip("-").replace("-", "_").split(".")
    last = parts[-1]
    if last == "_target_" and len(parts) > 1 and parts[-2] in _CLASS_PARENTS:
        return "hyperparameters" if parts[-2] in ("net", "optimizer") else "training"
    if len(parts) > 1 and parts[-2] in ("scheduler", "early_stopping", "callbacks") and last == "monitor":
        return "training"
    return next((name for name, pattern in _GROUPS.items() if pattern.match(last)), None)


def _rank(items: list[EvidenceItem], evidence: EvidenceStore) -> list[EvidenceItem]:
    """Items ordered so that the first of each key is the model's value. Which file of a Hydra
    tree overrides which is decided by the scan (`scan.code.hydra`: an overridden value is
    legacy, so it is not among the production facts); among the rest, the file holding most
    of the model's settings comes first."""
    per_file: dict[str, int] = {}  # how many of the model's settings each file holds, all groups
    for item in production_facts(evidence, "config", "setting"):
        if item.attrs.get("variant") is None and _group(item_key(item)) is not None:
            per_file[item.source.path or ""] = per_file.get(item.source.path or "", 0) + 1
    return sorted(items, key=lambda i: (-per_file.get(i.source.path or "", 0), i.source.path or ""))


def production_settings(
    evidence: EvidenceStore, group: str, variant: str | None = None
) -> list[EvidenceItem]:
    """Production settings of one group, one per key (the model's value), in file order."""
    found = [
        i
        for i in production_facts(evidence, "config", "setting")
        if i.attrs.get("variant") == variant and _usable(i) and _group(item_key(i)) == group
    ]
    if variant is None:
        found += [
            p
            for p in production_facts(evidence, "param")
            if p.attrs.get("owner_kind") in ("argparse", "fit")  # command-line defaults, fit(epochs=...)
            and _usable(p)
            and _group(item_key(p)) == group
        ]
    chosen: dict[str, EvidenceItem] = {}
    for item in _rank(found, evidence):
        chosen.setdefault(item_key(item).lstrip("-"), launched_value(item, evidence.items) or item)
    return sorted(chosen.values(), key=lambda i: (i.source.path or "", i.source.line_start or 0))[:_MAX_SHOWN]


def settings_phrase(items: list[EvidenceItem]) -> str:
    """``file sets a = 1 [c] and b = 2 [c]; other.yaml sets ...``"""
    by_file: dict[str, list[EvidenceItem]] = {}
    for item in items:  # a value unpacked from another module's dict is set where that dict is written
        written = (item.attrs.get("origin") or {}).get("path") if item.kind == "param" else None
        by_file.setdefault(written or item.source.path or "the code", []).append(item)
    return "; ".join(
        f"{path} sets " + join_words([f"{_shown_key(i)} = {value_text(i.value)} {cite(i)}" for i in found])
        for path, found in by_file.items()
    )


def _shown_key(item: EvidenceItem) -> str:
    """A key as a reader names it: ``optimizer`` for Hydra's ``optimizer._target_`` (the class it builds)."""
    return item_key(item).lstrip("-").removesuffix("._target_")


# ----------------------------------------------------------------------------- facts
def settings_hyperparameters(evidence: EvidenceStore) -> SummaryFact | None:
    """Without estimator arguments: the model's settings from configuration or script constants."""
    if found := production_settings(evidence, "hyperparameters"):
        others, cited = other_values(found, evidence)
        text = settings_phrase(found) + others + "."
        return SummaryFact.citing("hyperparameters", "Hyperparameters", text, found + cited)
    return None


def training_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """Loss, optimiser, class weighting, validation during fit, epochs, batches and stopping rules."""
    parts: list[str] = []
    items: list[EvidenceItem] = []
    for kind, lead in (("loss", "the loss is"), ("optimizer", "the optimiser is")):
        every = production_facts(evidence, kind)
        found = unique_values(every)
        settings, params = (
            owned_settings(found[0], evidence) if kind == "optimizer" and len(found) == 1 else ("", [])
        )
        if found:
            parts.append(f"{lead} " + choice_words(found, every) + settings)
            items += found + params
    if schedule := schedule_words(evidence):
        parts.append(schedule[0])
        items += schedule[1]
    fits = [f for f in production_facts(evidence, "fit") if "validation_split" in f.attrs][:1]
    if fits:
        share = fits[0].attrs["validation_split"]
        parts.append(
            f"fit holds out validation_split = {value_text(share)} of the training rows {cite(fits[0])}"
        )
        items += fits
    for said, item in setup_phrases(evidence):
        parts.append(said)
        items.append(item)
    found = production_settings(evidence, "training")
    if found:
        parts.append(settings_phrase(found))
        items += found
    if not parts:
        return None
    text = "; ".join(parts)
    opening = text.split(" ", 1)[0]  # "tune.py sets ...": a file's name keeps its case
    text = text if "." in opening or "/" in opening else text[0].upper() + text[1:]
    return SummaryFact.citing("training", "Training", text + ".", items)


def unique_values(items: list[EvidenceItem], limit: int = 3) -> list[EvidenceItem]:
    """The first item of each value, at most `limit`."""
    seen: dict[str, EvidenceItem] = {}
    for item in items:
        seen.setdefault(str(item.value), item)
    return list(seen.values())[:limit]


def settings_split(
    evidence: EvidenceStore, exclude: set[str] | None = None
) -> tuple[str, list[EvidenceItem]] | None:
    """Split sizes set in configuration (train/validation/test shares or counts) not already shown."""
    split = production_settings(evidence, "split")  # not shown yet: neither the item nor its key
    found = [i for i in split if not {i.id, item_key(i).lstrip("-").rsplit(".", 1)[-1]} & (exclude or set())]
    if not found:
        return None
    return settings_phrase(found), found


def default_split_note(split: EvidenceItem, after_settings: bool = False) -> str:
    """What the library does when the call sets no size (the scan records it as a note), said alone
    or after the settings the call does give (``with random_state = 0; no test_size is given, ...``)."""
    note = str(split.attrs.get("note") or "")
    if "25%" not in note:
        return ""
    lead = "; no test_size is given" if after_settings else " with no test_size given"
    return f"{lead}, so scikit-learn's default holds out 25% (test_size 0.25)"


def split_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """Without a split call: the split configured in settings."""
    found = settings_split(evidence)
    if found is None:
        return file_split_fact(evidence)  # data/train.csv and data/test.csv
    text, items = found
    return SummaryFact.citing("split", "Split", f"The data split is configured: {text}.", items)


def tuning_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """Without a production search call: a configured sweep, or a search outside the pipeline (labelled)."""
    sweep = [i for i in evidence.by_kind("config") if i.attrs.get("variant") == _SWEEP and _usable(i)]
    budget = [
        i for i in sweep if re.search(r"(n_trials|max_evals|direction|sampler\._target_)$", item_key(i))
    ]
    if budget:
        where = budget[0].source.path
        text = (
            f"A hyperparameter sweep is configured in {where} (run on request, not by the default "
            f"configuration): "
            + join_words([f"{item_key(i)} = {value_text(i.value)} {cite(i)}" for i in budget[:4]])
        )
        return SummaryFact.citing("tuning", "Tuning", text + ".", budget[:4])
    return _offline_search(evidence)


def _offline_search(evidence: EvidenceStore) -> SummaryFact | None:
    searches = [
        i
        for i in evidence.by_kind("hyperparameter_search")
        if i.role in ("legacy", "exploratory") and isinstance(i.attrs.get("params"), dict)
    ]
    budgets = [s for s in searches if any(k in s.attrs["params"] for k in ("n_trials", "max_evals"))]
    if not budgets or not production_facts(evidence, "estimator"):
        return None
    found = sorted(budgets, key=lambda s: s.role != "legacy")[0]
    trials = {k: v for k, v in found.attrs["params"].items() if k in ("n_trials", "max_evals")}
    shown = join_words([f"{k} = {value_text(v)}" for k, v in trials.items()])
    library = found.attrs.get("library") or str(found.attrs.get("call") or found.value)
    text = (
        "The production pipeline runs no hyperparameter search; its values are written in the code. "
        f"A search with {library} ({shown}) exists outside the pipeline, in "
        f"{found.source.path} ({found.role} code) {cite(found)}."
    )
    return SummaryFact.citing("tuning", "Tuning", text, [found])


_SELECTION_WORDS = {
    "allow_non_validated_model": "a model that fails the validation criteria is still registered",
}


def selection_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """How the model is chosen and gated: the primary metric and registration rules in configuration."""
    found = production_settings(evidence, "selection")
    gate, gates = criteria(evidence)  # validation_criteria: the levels a registered model reaches
    if not found and not gates:
        return None
    parts = []
    for item in found:
        key = item_key(item)
        phrase = f"{key} = {value_text(item.value)} {cite(item)}"
        words = _SELECTION_WORDS.get(key.rsplit(".", 1)[-1])
        if words and item.value is True:
            phrase += f" ({words})"
        parts.append(phrase)
    return SummaryFact.citing(
        "selection",
        "Evaluation and selection",
        ((f"The configuration sets {join_words(parts)}." if parts else "") + gate).strip(),
        gates + found,
    )


def data_settings_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """Without a data read in the code: where the configuration says the data live."""
    found = production_settings(evidence, "data")
    if not found:
        return None
    return SummaryFact.citing(
        "data", "Data", f"The data location is configured: {settings_phrase(found)}.", found
    )


_ISIN = re.compile(r"\[['\"](\w+)['\"]\]\s*=\s*\w+\[['\"](\w+)['\"]\]\.isin\(\[([^\]]*)\]\)")


def derivation_words(item: EvidenceItem) -> str:
    """A target built by a membership test, in words: ``default is 1 when loan_status is A or B``; by
    a mapping of a column's values: ``built from the column label, with ham as 0 and spam as 1``."""
    match = _ISIN.search(item.text or "")
    mapping, source = item.attrs.get("mapping"), item.attrs.get("from_columns")
    if not match and isinstance(mapping, dict) and mapping and isinstance(source, list) and len(source) == 1:
        pairs = join_words([f"{key} as {value}" for key, value in list(mapping.items())[:_MAX_SHOWN]])
        return f", built from the column {source[0]}, with {pairs}"
    if not match:
        return ""
    values = [v.strip().strip("'\"") for v in match.group(3).split(",") if v.strip()]
    return f": {match.group(1)} is 1 when {match.group(2)} is " + " or ".join(values) + ", else 0"


def search_details(evidence: EvidenceStore, searches: list[EvidenceItem]) -> str:
    """The budget of a search call and a search space written as fixed values, as a clause."""
    parts = []
    for search in searches:
        params = search.attrs.get("params")
        if not isinstance(params, dict):
            continue
        budget = {
            k: v for k, v in params.items() if k in ("n_trials", "max_evals", "timeout") and v is not None
        }
        parts += [f"{k} = {value_text(v)}" for k, v in budget.items()]
        space = params.get("space")
        if isinstance(space, dict) and space and all(isinstance(v, int | float) for v in space.values()):
            fixed = join_words([f"{k} = {setting_text(v)}" for k, v in list(space.items())[:_MAX_SHOWN]])
            parts.append(f"a search space of fixed values ({fixed})")
        parts += scheme_and_grid(search)
    return f" ({join_words(parts)})" if parts else ""


_DATA_FILE = re.compile(r"\S+\.(xml|csv|tsv|parquet|json|jsonl|txt|feather|xlsx?)$", re.I)


def stage_inputs(evidence: EvidenceStore) -> str:
    """Pipeline stages (DVC) whose command reads a data file, as a sentence."""
    parts, items = [], []
    for item in production_facts(evidence, "deployment"):
        stages = item.attrs.get("stages")
        if not isinstance(stages, dict):
            continue
        for stage, command in stages.items():
            words = str(command).split()
            files = [w for w in words if _DATA_FILE.match(w)]
            script = next((w for w in words if w.endswith(".py")), None)
            if files and script:
                parts.append(f"the {stage} stage runs {script} on {join_words(files)}")
                items.append(item)
    if not parts:
        return ""
    return f" In the {items[0].label.split(':')[0]}, {join_words(parts[:2])} {cite(items[0])}."


def settings_named(evidence: EvidenceStore, pattern: re.Pattern[str]) -> list[EvidenceItem]:
    """Production settings (config keys, command-line defaults) with a value, by key name."""
    found = [
        i
        for i in production_facts(evidence, "config", "param")
        if i.attrs.get("owner_kind") in (None, "argparse")
    ]
    return [i for i in found if i.value is not None and pattern.search(item_key(i).lstrip("-"))]


TARGET_KEY = re.compile(r"^(target|label|target_col(umn)?|label_col(umn)?|y_col)$", re.I)
