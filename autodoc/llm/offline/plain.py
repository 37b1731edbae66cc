"""Plain-language passages for readers who do not read code: the executive summary and the conclusion.

No code identifiers: estimator classes become words ("gradient boosting classifier"), metric
keys become what they measure ("ROC AUC on the test split"), nothing is set in code type. The
conclusion restates which models the document covers and points back; it adds no new fact.
"""

from __future__ import annotations

import re

from autodoc.document import cite, join_words, setting_text
from autodoc.evidence import EvidenceItem
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.facts import Facts, version_of
from autodoc.llm.offline.prose import fmt, headline, purpose
from autodoc.plan.lineage import is_production_model, production_first
from autodoc.plan.offers import item_key
from autodoc.plan.topics import HELD_OUT_PREFIXES
from autodoc.scan.code.file_links import base_name
from autodoc.write.fit_rows_words import loop_choice_words
from autodoc.write.prep_words import image_chain_name
from autodoc.write.split_files import held_out_purpose, held_out_share, is_test_file

_METRIC_WORDS = {
    "roc_auc": "ROC AUC",
    "auc": "AUC",
    "pr_auc": "PR AUC",
    "accuracy": "accuracy",
    "f1": "F1 score",
    "fbeta": "F-beta score",
    "precision": "precision",
    "recall": "recall",
    "log_loss": "log loss",
    "rmse": "RMSE",
    "mae": "mean absolute error",
    "mse": "mean squared error",
    "r2": "R\u00b2",
    "areaunderroc": "ROC AUC",  # Spark's evaluator metric names (metricName), lowered
    "areaunderpr": "PR AUC",
    "weightedprecision": "weighted precision",
    "weightedrecall": "weighted recall",
    "brier": "Brier score",
    "brier_score_loss": "Brier score",
    "average_precision": "average precision",
    "matthews_corrcoef": "Matthews correlation",
    "balanced_accuracy": "balanced accuracy",
}
# a curve, a report or a matrix shows quality but is no single measure of it
_NOT_A_MEASURE = re.compile(r"curve|report|matrix|calibration_display", re.I)
_SPLIT_WORDS = {
    "test_": "on the test split",
    "holdout_": "on the hold-out split",
    "val_": "on the validation split",
    "valid_": "on the validation split",
    "cv_": "in cross-validation",
    "train_": "on the training data",
}


# an acronym with its number (GPT2), an acronym, a capitalised word, a number
_CLASS_WORD = re.compile(r"[A-Z]+\d+(?=[A-Z]|\b)|[A-Z]+(?=[A-Z][a-z]|\b)|[A-Z]?[a-z]+|\d+")


def class_words(name: str) -> str:
    """GradientBoostingClassifier -> "gradient boosting classifier"; XGBClassifier -> "XGB classifier";
    GPT2LMHeadModel -> "GPT2 LM head model"."""
    words = re.findall(_CLASS_WORD, name.rsplit(".", 1)[-1].replace("_", " "))
    text = " ".join(w if w.isupper() else w.lower() for w in words) or name
    return text.replace("one hot ", "one-hot ")


def metric_words(key: str) -> str:
    """test_roc_auc -> "ROC AUC on the test split"."""
    low = key.lower()
    where = next((w for p, w in _SPLIT_WORDS.items() if low.startswith(p)), "")
    base = low.removeprefix(next((p for p in _SPLIT_WORDS if low.startswith(p)), ""))
    return f"{_METRIC_WORDS.get(base, base.replace('_', ' '))} {where}".strip()


def write_plain_overview(f: Facts, task: WriteTask) -> list[str]:
    """Purpose, then each model in a sentence a non-technical reader can follow."""
    paras = [_purpose_pointer(f)]
    models = f.model_names()
    paras.append(" ".join(s for s in (_model_in_words(f, m) for m in models) if s))
    if not models:
        paras.append(_estimators_in_words(f))
    if re.search(r"summary|abstract", task.section_name, re.I):  # not again under purpose or scope
        paras.append(_plain_setup(f, measured=not models))
    return paras


_FILE = re.compile(r"[\w./-]+\.(csv|parquet|json|xlsx?|txt|feather|pkl)$", re.I)


def _trainer_loads(f: Facts) -> set[str]:
    """The reads the training pipeline loads: of the pipeline fed by an upstream script if there is
    one (the raw file that script reads is not what the model learns from), else of every pipeline."""
    pipes = [p for p in f.kind("pipeline") if isinstance(p.attrs.get("steps"), list)]
    fed = [
        p
        for p in pipes
        if any("upstream" in str(s.get("step")) for s in p.attrs["steps"] if isinstance(s, dict))
    ]
    steps = [s for p in fed or pipes for s in p.attrs["steps"] if isinstance(s, dict)]
    return {str(s.get("id")) for s in steps if s.get("step") == "load"}


def _inputs_in_words(f: Facts) -> str:
    """The data files read and how the inputs are prepared (transformer classes as words)."""
    reads = [d for d in f.kind("data_source") if d.role != "serving"]  # a scorer's input is not learnt from
    named = [d for d in reads if isinstance(d.value, str) and _FILE.search(d.value)]
    trainers = {e.source.path for e in f.kind("estimator") if e.attrs.get("saved_by")}
    named = [d for d in named if d.source.path in trainers] or named  # the saved model's script's reads
    loads = _trainer_loads(f)
    named = [d for d in named if d.id in loads] or named  # not an upstream script's raw input
    named = [d for d in named if not is_test_file(d.value)] or named  # X_test.csv is not learnt from
    first: dict[str, EvidenceItem] = {}  # each file name once (two launchers of one flow read the same)
    for d in named:
        first.setdefault(base_name(str(d.value)), d)
    files = list(first.values())[:2]
    preps = [p for p in f.preparation_steps() if re.fullmatch(r"[A-Z]\w+", str(p.value or ""))][:3]
    f.used.update(i.id for i in files + preps)
    out = []
    if files:
        out.append("It learns from " + join_words([f"{base_name(d.value)} {cite(d)}" for d in files]) + ".")
    if preps:
        made = join_words(
            [
                f"{image_chain_name(p)} {cite(p)}"
                if "transforms" in p.attrs
                else f"{article(w)} {w} {cite(p)}"
                for p in preps
                if (w := class_words(str(p.value)))
            ]
        )
        out.append(f"Its inputs are prepared with {made}.")
    return " ".join(s for s in out if s)


def _plain_setup(f: Facts, measured: bool) -> str:
    """What the model predicts, how much data is held out, how it is measured and where scores
    become decisions: from production code, in words (no code identifiers), each cited."""
    out = []
    if targets := f.fresh(f.kind("target"))[:1]:
        out.append(f"The model predicts {targets[0].value} {cite(targets[0])}.")
    out.append(_inputs_in_words(f))
    split = next((s for s in f.kind("split") if isinstance(s.value, dict)), None)
    share = split.value.get("test_size") if split and isinstance(split.value, dict) else None
    share = share if share is not None or split is None else held_out_share(split.attrs)
    if split and isinstance(share, float) and 0 < share < 1:
        f.used.add(split.id)
        out.append(
            f"{share * 100:g}% of the rows are held out for {held_out_purpose(split.attrs)} {cite(split)}."
        )
    named: dict[str, EvidenceItem] = {}  # each measure once, however many places compute it
    measures = f.fresh(f.kind("metric")) if measured else []
    for m in sorted(measures, key=lambda m: m.attrs.get("on") != "test"):  # held-out measures first
        if isinstance(m.value, str) and len(named) < 4 and not _NOT_A_MEASURE.search(m.value):
            named.setdefault(metric_words(m.value.removesuffix("_score")), m)
    splits = {m.attrs.get("on") for m in named.values()}
    on = f" on the {next(iter(splits))} split" if len(splits) == 1 and None not in splits else ""
    if named:
        said = join_words([f"{w} {cite(m)}" for w, m in named.items()])
        out.append(f"Its quality is measured{on} by {said}.")
    rule = next((t for t in f.thresholds() if isinstance(t.value, int | float)), None)
    if rule is not None and not isinstance(rule.value, bool):
        f.used.add(rule.id)
        chosen = loop_choice_words(rule)  # a loop's starting value is not the threshold
        at = "chosen when the code runs" if chosen else f"of {setting_text(rule.value)}"
        out.append(f"Scores become decisions at a threshold {at} {cite(rule)}.")
    return " ".join(s for s in out if s)


def write_plain_conclusion(f: Facts, task: WriteTask) -> list[str]:
    """Which models the document covers and where its evidence and gaps are; nothing new."""
    covered = []
    for model in f.model_names():
        mv = f.primary_version(model)
        if mv is not None:
            f.used.add(mv.id)
            aliases = f.alias_of(mv)
            label = (
                f"{model} (version {version_of(mv)}" + (f", {join_words(aliases)}" if aliases else "") + ")"
            )
            covered.append(f"{label} {cite(mv)}")
    if not covered:
        return [_estimators_in_words(f, lead="Taken together, the code builds ")]
    return [
        f"Taken together, this document covers {join_words(covered)}. Each figure above cites the run, "
        "registry entry or line of code it comes from; the points the evidence does not settle are "
        "listed once, under What the evidence does not show, for the reviewer to weigh."
    ]


def _purpose_pointer(f: Facts) -> str:
    """The purpose is quoted once, in the Summary; the executive summary points to it."""
    quoted = purpose(f)
    cites = re.findall(r"\[\[[^\]]+\]\]", quoted)
    if not quoted or not cites:
        return quoted
    who = "the project README" if "README" in quoted else "the project's notebook"
    return f"The model's purpose is stated in {who} and quoted in the Summary {cites[-1]}."


def _model_in_words(f: Facts, model: str) -> str:
    mv = f.primary_version(model)
    if mv is None:
        return ""
    f.used.add(mv.id)
    aliases = f.alias_of(mv)
    text = f"The model {model} is in use as version {version_of(mv)}"
    text += f" (alias {join_words(aliases)}) {cite(mv)}" if aliases else f" {cite(mv)}"
    run8 = f.run_of_version(mv)
    best = f.fresh(headline(f.metrics(run8)))[:1] if run8 else []
    if best and item_key(best[0]).lower().startswith(HELD_OUT_PREFIXES):  # stated once, in the Summary
        text += f"; its scores on the held-out split are stated in the Summary {cite(best[0])}"
    elif best:
        text += f"; it scored {fmt(best[0].value)} for {metric_words(item_key(best[0]))} {cite(best[0])}"
    return text + "."


def _estimators_in_words(f: Facts, lead: str = "The code trains ") -> str:
    found: list[EvidenceItem] = []
    for est in production_first(f.fresh(f.kind("estimator"))):
        if est.attrs.get("upstream") or est.role == "serving":
            continue  # one that prepares the training data (a clustering that labels it), or a scorer's
            # container for the model it loads (``xgb.Booster()`` before ``load_model``): not trained
        if est.attrs.get("trial_of") and not is_production_model(est):
            continue  # built anew in each trial of a search: the search (said under tuning), no rival
        same = next((n for n, e in enumerate(found) if estimator_words(e) == estimator_words(est)), None)
        if same is None:
            found.append(est)
        elif not is_production_model(found[same]) and is_production_model(est):
            found[same] = est  # of two of one class, the production model's is the one cited
    if not found:
        return ""
    compared = [e for e in found if e.attrs.get("compared_with")][:3]
    if lead.startswith("The code") and compared and found[0] is compared[0]:  # the model itself is said
        named = join_words([f"{article(w)} {w} {cite(e)}" for e in compared if (w := estimator_words(e))])
        lead = "Besides the production model, stated in the Summary, the code trains "
        return f"{lead}{named} to compare with it."
    production = is_production_model(found[0])
    if production and lead.startswith("The code"):
        return _production_in_words(found[:3])
    return (
        lead
        + join_words(
            [f"{article(words)} {words} {cite(e)}" for e in found[:3] if (words := estimator_words(e))]
        )
        + "."
    )


def _production_in_words(found: list[EvidenceItem]) -> str:
    """The production model first, then what else the code trains to compare, saves besides it or
    saves instead of it when a setting selects another."""
    named = [(e, f"{article(w)} {w} {cite(e)}") for e in found if (w := estimator_words(e))]
    groups: dict[str, list[str]] = {"compared": [], "saved_besides": [], "option_of": [], "part_of": []}
    for est, words in named[1:]:
        kind = next((k for k in ("saved_besides", "option_of", "part_of") if est.attrs.get(k)), "compared")
        groups[kind].append(words)
    built_on = f" built on {join_words(groups['part_of'])}" if groups["part_of"] else ""
    clauses = [f"The production model is {named[0][1]}{built_on}"]
    if groups["compared"]:
        clauses.append(f"the code also trains {join_words(groups['compared'])} to compare with it")
    if groups["saved_besides"]:
        clauses.append(f"the code also saves {join_words(groups['saved_besides'])}")
    if groups["option_of"]:
        clauses.append(f"the code saves {join_words(groups['option_of'])} instead when a setting selects it")
    return "; ".join(clauses) + "."


def estimator_words(est: EvidenceItem) -> str:
    """A library class in words (``an XGB classifier``); a network class of the project by its name
    (``a neural network CNN_Text``: its name is the project's, not a description)."""
    if est.attrs.get("base"):
        return f"neural network {est.value}"
    if est.attrs.get("architecture"):  # torchvision's resnet50: the architecture's own name, as written
        return f"{est.attrs['architecture']} network"
    library, _, call = str(est.value or est.label).rpartition(".")
    if call == "train" and library in _BOOSTERS:  # xgboost.train: a function, not a class
        return f"{_BOOSTERS[library]} booster"
    return class_words(str(est.value or est.label))


_BOOSTERS = {"xgboost": "XGBoost", "xgb": "XGBoost", "lightgbm": "LightGBM", "lgb": "LightGBM"}


def article(words: str) -> str:
    """``an`` before a vowel sound (an XGB classifier, an MLP), else ``a``."""
    first = words.split(" ", 1)[0]
    if first[:2].isupper():  # an acronym (XGB, XGBoost) is read letter by letter
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    if re.match(r"(one|uni|use|eu)", first, re.I):  # a one-hot encoder, a unit: a consonant sound
        return "a"
    return "an" if first[:1].lower() in "aeio" else "a"
