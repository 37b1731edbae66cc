"""The one-minute summary: the facts a validator reads first, each once, each cited.

`summary_facts(evidence)` returns, in reading order, what the evidence shows about the model's purpose,
the production model(s), the target, the data, the split, the features, the hyperparameters (values with
their origin), training, tuning, the held-out metrics of the champion, the decision threshold, tracking
and serving. Every text carries ``[[id]]`` citations. Production first: code facts from exploratory,
test or legacy code never enter (`is_production_code`). The LLM path puts the same facts in every
request; `write.gaps` lists what the evidence does not show, once for the whole document.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from autodoc.document import SummaryFact, cite, figure_text, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore, run_label
from autodoc.plan.evalscope import evaluation_words
from autodoc.plan.lineage import champions, estimator_families, own_first, production_model
from autodoc.plan.offers import item_key
from autodoc.plan.topics import (
    HELD_OUT_PREFIXES,
    applied_thresholds,
    is_data_metric,
    is_decision_key,
    metric_rank,
    production_facts,
    serving_thresholds_first,
)
from autodoc.plan.values import owned_params, stratify_target
from autodoc.write import lineage_words, registration, selection_words, split_files, target_words
from autodoc.write import settings_facts as sf
from autodoc.write.built_rows import built_on
from autodoc.write.data_fact import data_fact
from autodoc.write.features_fact import features_fact
from autodoc.write.fit_rows_words import chosen_threshold, threshold_opening, with_fit_rows
from autodoc.write.hyper_words import code_hyperparameters
from autodoc.write.metric_words import code_metrics_fact
from autodoc.write.places import read_back, where
from autodoc.write.quote import first_sentences
from autodoc.write.scorecard_words import binning_fact, scaling_fact
from autodoc.write.serving import serving_fact
from autodoc.write.split_files import position_split_fact, stratified_by_columns, time_split_fact

_MAX_LISTED = 6
# logged params that describe the run, the split or the decision rule rather than the estimator
_NOT_HYPER = re.compile(
    r"(thresh|cutoff|cv|fold|seed|random_state|test_size|train_size|stratify|experiment|registered|"
    r"model_name|run_|label|target|uri|path|dir)",
    re.I,
)


def summary_facts(evidence: EvidenceStore) -> list[SummaryFact]:
    """The summary's facts in reading order; a topic the evidence says nothing about is left out."""
    out = []
    for build in _BUILDERS:
        fact = build(evidence)
        if fact is not None:
            out.append(fact)
    return out


# ----------------------------------------------------------------------------- facts
def _purpose(evidence: EvidenceStore) -> SummaryFact | None:
    readmes = sorted(
        (i for i in evidence.by_kind("readme") if i.text),
        key=lambda i: ((i.source.path or "").count("/"), i.source.line_start or 0),
    )
    for item in readmes[:2]:
        quote = first_sentences(item.text or "")
        if len(quote) >= 20:
            text = f"The project README states: \u201c{quote}\u201d {cite(item)}"
            return SummaryFact.citing("purpose", "Purpose", text, [item])
    for name in evidence.model_names():
        model = evidence.model(name)
        if model and model.description and (item := evidence.get(model.evidence_id)):
            quote = first_sentences(model.description)
            text = f"The registry describes {name}: \u201c{quote}\u201d {cite(item)}"
            return SummaryFact.citing("purpose", "Purpose", text, [item])
    return None


def _production(evidence: EvidenceStore) -> SummaryFact | None:
    parts, items = [], []
    for name, mv, run in champions(evidence):
        mv_item = evidence.get(mv.evidence_id)
        if mv_item is None:
            continue
        aliases = f" (alias {join_words(sorted(mv.aliases))})" if mv.aliases else " (latest version)"
        phrase = f"{name} version {mv.version}{aliases} {cite(mv_item)}"
        run_item = evidence.get(run.evidence_id) if run else None
        if run and run_item:
            phrase += f", trained in run {run_label(run)} {cite(run_item)}"
            items.append(run_item)
        family = sorted(estimator_families(evidence, name))
        est = [i for i in production_facts(evidence, "estimator") if str(i.value or "").lower() in family]
        if est:
            phrase += f", a {est[0].value} {cite(est[0])}"
            items.append(est[0])
        parts.append(phrase)
        items.append(mv_item)
    if not parts:
        return _code_production(evidence)
    lead = "The documented model is " if len(parts) == 1 else "The documented models are "
    return SummaryFact.citing("model", "Production model", lead + join_words(parts) + ".", items)


def _code_production(evidence: EvidenceStore) -> SummaryFact | None:
    """Without a registry: the production pipeline and the estimator it trains (the one it saves)."""
    pipelines = own_first(evidence, production_facts(evidence, "pipeline"))[:1]
    saved = production_model(evidence)
    if saved is not None:
        return lineage_words.model_fact(evidence, saved, pipelines[0] if pipelines else None)
    estimators = production_facts(evidence, "estimator")[:2]
    if not estimators:
        return None
    built = {e.id: f" built by {e.attrs['built_by']}" if e.attrs.get("built_by") else "" for e in estimators}
    trained = join_words([f"{e.value}{built[e.id]} ({where(e)}) {cite(e)}" for e in estimators])
    if into := built_on(estimators, evidence.items):  # trained, estimators = a LightningModule, its net
        trained, estimators = into[0], [*estimators, into[1]]
    text = f"The production code trains {trained}"
    if pipelines:
        text += f"; its pipeline runs {pipelines[0].value} {cite(pipelines[0])}"
    words, registered = registration.registry_words(evidence)
    text += "." + words
    return SummaryFact.citing("model", "Production model", text, estimators + pipelines + registered)


def _target(evidence: EvidenceStore) -> SummaryFact | None:
    every = production_facts(evidence, "target", "label")
    found = own_first(evidence, every) or every  # another training script's label is not the model's
    targets = [t for t in found if t.value is not None] or sf.settings_named(evidence, sf.TARGET_KEY)
    if not targets:
        return None
    targets = sf.unique_values(target_words.built_first(targets), 2)  # each column once, its rule first
    text = "The model predicts " + join_words([f"{t.value} ({where(t)}) {cite(t)}" for t in targets])
    rule = target_words.condition_words(targets[0])
    if not rule and targets[0].kind == "label":  # df["y"] = df["status"].isin([...]).astype(int)
        rule = sf.derivation_words(targets[0])
    text += rule + "."
    text += target_words.default_label(found)
    indexed, indexer = target_words.indexed_label(evidence, targets[0])
    horizon, ahead = target_words.horizon(found, targets[0])  # a forecast's label: how far ahead
    text, targets = text + horizon, targets + ahead
    upstream, built = lineage_words.upstream_label(evidence, targets[0])
    derived = [i for i in production_facts(evidence, "feature") if i.value == targets[0].value][:1]
    if upstream:
        text, derived = text + upstream, built
    elif derived:
        how = sf.derivation_words(derived[0])
        text += f" The column is derived in {where(derived[0])}{how} {cite(derived[0])}."
    clause, defining = target_words.defining_parameters(evidence, targets[0])
    rules = [i for i in [targets[0], *derived] if i.kind in ("label", "feature")]
    leak, inputs = target_words.leakage(evidence, rules)
    text += clause + indexed + leak
    return SummaryFact.citing("target", "Target", text, targets + derived + defining + indexer + inputs)


_THRESHOLD_KEY = re.compile(r"(thresh|cutoff|cut_off)", re.I)


def _split(evidence: EvidenceStore) -> SummaryFact | None:
    splits = split_files.hold_out_splits(evidence)
    if not splits:
        return sf.split_fact(evidence)
    if (by_hand := time_split_fact(splits) or position_split_fact(splits)) is not None:
        return by_hand
    if (weighted := split_files.weighted_split_fact(splits, evidence)) is not None:
        return weighted
    split = splits[0]
    settings = _settings(evidence, split, ("test_size", "train_size", "stratify", "random_state", "shuffle"))
    call = str(split.attrs["call"]).rsplit(".", 1)[-1] if split.attrs.get("call") else split.label
    text = f"A hold-out split is made by {call} ({where(split)}) {cite(split)}"
    text += f" (only {cond})" if (cond := split_files.run_condition(split)) else ""
    if settings:
        text += " with " + join_words([f"{k} = {setting_text(v.value)} {cite(v)}" for k, v in settings])
    if not {"test_size", "train_size"} & {k for k, _ in settings}:  # the library's default share
        text += sf.default_split_note(split, after_settings=bool(settings))
    if call.startswith("Group"):  # GroupShuffleSplit: a patient's or a customer's rows on one side
        text += ", the rows of each group kept on one side"
    target = next(
        filter(None, (stratify_target(p, evidence.items) for p in owned_params(split, evidence.items))), None
    )
    if target is not None:
        text += f", stratified by the target ({target.value}) {cite(target)}"
        settings.append(("stratify", target))
    elif strata := stratified_by_columns(split, evidence):
        text += strata[0]
        settings.append(("stratify", strata[1]))
    again, again_items = _resplit(evidence, split, splits)
    text += again
    shown = {v.id for _, v in settings} | {k for k, _ in settings}  # each size once, by item or by name
    configured = sf.settings_split(evidence, exclude=shown)
    if configured:
        text += f"; {configured[0]}"
    extra = (configured[1] if configured else []) + again_items
    return SummaryFact.citing("split", "Split", text + ".", [split, *(v for _, v in settings), *extra])


def _resplit(
    evidence: EvidenceStore, first: EvidenceItem, splits: list[EvidenceItem]
) -> tuple[str, list[EvidenceItem]]:
    """A second split of the first one's rows (``X_train, X_val, ... = train_test_split(X_temp, ...)``,
    a validation split), said with the names it splits and binds (`scan.code.rules.splits.named_parts`)."""
    made = set(first.attrs.get("outputs") or [])
    again = next(
        (
            s
            for s in splits[1:]
            if s.source.path == first.source.path and made & set(s.attrs.get("inputs") or [])
        ),
        None,
    )
    if again is None:
        return "", []
    settings = _settings(evidence, again, ("test_size", "train_size"))
    sizes = join_words([f"{k} = {setting_text(v.value)} {cite(v)}" for k, v in settings])
    names = f"{', '.join(again.attrs['inputs'])} again into {', '.join(again.attrs.get('outputs') or [])}"
    call = str(again.attrs.get("call") or again.label).rsplit(".", 1)[-1]
    cond = split_files.run_condition(again)  # a validation split a flag turns on: never said as always made
    text = f"; {cond + ', ' if cond else ''}{call} ({where(again)}) {cite(again)} then splits {names}"
    return text + (f" ({sizes})" if settings else ""), [again, *(v for _, v in settings)]


def _settings(
    evidence: EvidenceStore, owner: EvidenceItem, keys: tuple[str, ...]
) -> list[tuple[str, EvidenceItem]]:
    """A call's settings with resolved values: its own literal params, else the config key of that name."""
    out: list[tuple[str, EvidenceItem]] = []
    params = [p for p in evidence.by_kind("param") if p.attrs.get("owner") == owner.id]
    configs = production_facts(evidence, "config")
    for key in keys:
        own = next((p for p in params if item_key(p) == key), None)  # set in code: a config key only if read
        param = own if own is not None and own.value is not None else None
        if param is None and (own is None or key in str(own.attrs.get("expr", ""))):
            param = next(
                (c for c in configs if item_key(c).rsplit(".", 1)[-1] == key and c.value is not None), None
            )
        if param is not None:
            out.append((key, param))
    return out


def _hyperparameters(evidence: EvidenceStore) -> SummaryFact | None:
    parts, items = [], []
    for name, mv, run in champions(evidence):
        if run is None or not run.params:
            continue
        logged = [i for i in evidence.by_kind("run_param") if i.id.startswith(run.evidence_id + ":param:")]
        logged = [
            p for p in logged if not _NOT_HYPER.search(item_key(p)) and not is_data_metric(item_key(p))
        ][:8]
        if logged:
            values = join_words([f"{item_key(p)} = {p.value} {cite(p)}" for p in logged])
            parts.append(f"{name} version {mv.version}: {values}, as logged by its training run")
            items += logged
    if not parts:
        return code_hyperparameters(evidence)
    return SummaryFact.citing("hyperparameters", "Hyperparameters", "; ".join(parts) + ".", items)


def _metrics(evidence: EvidenceStore) -> SummaryFact | None:
    parts, items = [], []
    for name, mv, run in champions(evidence):
        if run is None:
            continue
        held_out = (k for k in run.metrics if k.lower().startswith(HELD_OUT_PREFIXES))
        keys = sorted(held_out, key=metric_rank)[:3]
        chosen = [evidence.get(f"{run.evidence_id}:metric:{k}") for k in keys]
        chosen = [c for c in chosen if c is not None]
        if chosen:
            values = join_words([f"{item_key(m)} {figure_text(m.value)} {cite(m)}" for m in chosen])
            parts.append(f"{name} version {mv.version} scored {values} on the held-out split")
            items += chosen
    if not parts:
        return _in_sample(code_metrics_fact(evidence), evidence)
    return SummaryFact.citing("metrics", "Held-out performance", "; ".join(parts) + ".", items)


def _in_sample(fact: SummaryFact | None, evidence: EvidenceStore) -> SummaryFact | None:
    """The code's metrics, and that they are computed on the fit's own rows when the code shows it."""
    words, items = evaluation_words(evidence.items)
    if fact is None or not words:
        return fact
    ids = fact.evidence_ids + [i.id for i in items]
    return fact.model_copy(update={"text": f"{fact.text} {words}", "evidence_ids": ids})


def _threshold(evidence: EvidenceStore) -> SummaryFact | None:
    found = production_facts(evidence, "threshold") + sf.settings_named(evidence, _THRESHOLD_KEY)
    found = [i for i in found if is_decision_key(item_key(i))]
    applied = applied_thresholds(found)
    watched = {i.source.path for i in evidence.by_kind("monitoring") if i.attrs.get("tests")}  # drift bounds
    # what serving code decides at comes first, even beside its drift checks
    found = serving_thresholds_first(found, aside=lambda i: i.source.path in watched)
    found = [i for i in found if isinstance(i.value, int | float) and not isinstance(i.value, bool)] or found
    if not found:
        return None
    item = found[0]
    text = threshold_opening(item)
    trained = [i for i in found if applied and i.role == "production" and i.value != item.value][:1]
    for other in trained:  # the trainer's metrics cut scores at another value (often 0.5)
        cut = setting_text(other.value)
        text += f" The training code's metrics cut scores at {cut} ({where(other)}) {cite(other)}."
    back = read_back(item, found)
    if back:  # the scorer's value is the trainer's: saved with the model, read back from its file
        saved = back[0].attrs["saved_with"]
        readers = join_words([f"{where(b)} {cite(b)}" for b in back[:3]])
        text += f" It is saved with the model in {saved['file']} and read back by {readers}."
    chosen, by = chosen_threshold(evidence, item)  # on which split's curve, when the code chooses it
    cited = [item, *back[:3], *by, *trained]
    return SummaryFact.citing("threshold", "Decision threshold", text + chosen, cited)


def _tracking(evidence: EvidenceStore) -> SummaryFact | None:
    experiments = evidence.by_kind("experiment")[:2]
    models = evidence.by_kind("registered_model")
    if not experiments and not models:
        return None
    parts = [f"Runs are tracked in the MLflow experiment {e.value} {cite(e)}." for e in experiments]
    if models:
        parts.append(f"The registry holds {join_words([f'{m.value} {cite(m)}' for m in models[:4]])}.")
    return SummaryFact.citing("tracking", "Tracking and registry", " ".join(parts), experiments + models[:4])


_BUILDERS: list[Callable[[EvidenceStore], SummaryFact | None]] = [
    _purpose,
    selection_words.with_selection(_production),
    _target,
    data_fact,
    with_fit_rows(_split, "split"),
    features_fact,
    binning_fact,
    _hyperparameters,
    scaling_fact,
    with_fit_rows(sf.training_fact, "training"),
    lineage_words.tuning_fact,
    _metrics,
    sf.selection_fact,
    _threshold,
    _tracking,
    serving_fact,
]
