"""Section writers for the overview, conclusion, model, data, features, training and code topics."""

from __future__ import annotations

import re
from collections.abc import Callable

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem, run_evidence_id
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.networks import fine_tuning, layer_stacks
from autodoc.llm.offline.pipeline_words import pipeline_passage
from autodoc.llm.offline.prose import (
    code_list,
    code_span,
    code_where,
    config,
    estimators,
    exploratory,
    fact_phrase,
    facts_list,
    fmt,
    headline,
    logged_params,
    metric_phrase,
    model_summary,
    num,
    para,
    registry,
    sentences,
    split_reference,
)
from autodoc.plan.formula_words import formula_sentence, is_formula_inputs
from autodoc.plan.offers import item_key
from autodoc.plan.topics import is_data_metric, is_feature_importance
from autodoc.write.data_fact import each_file_once, is_unnamed_read, unnamed_reads
from autodoc.write.lineage_words import flow_words, is_search_dimension, search_part
from autodoc.write.prep_words import column_set_words, column_sets_first, step_words
from autodoc.write.training_words import epoch_loop_phrase, kept_checkpoint, kept_epoch_phrase

SectionWriter = Callable[[Facts, WriteTask], list[str]]


def write_model(f: Facts, task: WriteTask) -> list[str]:
    paras = [para(*estimators(f, with_settings=True), *fine_tuning(f), *layer_stacks(f))]
    prefix = (
        r"^(logreg|gbm|rf|xgb|lgbm|model|clf|estimator)\.|^(C|alpha|l1_ratio|max_depth|n_estimators|"
        r"learning_rate|subsample|max_iter|solver|penalty|class_weight)$"
    )
    paras.append(config(f, prefix, "The configuration sets", model=task.model))
    paras.append(facts_list(f, f.preparation_steps(), "The model's inputs are prepared by"))
    if task.model:
        paras.append(model_summary(f, task.model, limit=3))
        mv = f.primary_version(task.model)
        run8 = f.run_of_version(mv) if mv else None
        if run8:
            params = f.fresh(f.params(run8))[:12]
            if params:
                paras.append(
                    "That run logged the parameters "
                    + join_words([f"{item_key(p)} = {num(p.value)} {cite(p)}" for p in params])
                    + "."
                )
    else:
        paras.append(para(*registry(f, describe=True)))
    return paras


def write_data(f: Facts, task: WriteTask) -> list[str]:
    paras = [
        _data_loading(f),
        para(
            split_reference(f),
            config(f, _NOT_SPLIT + r"(seed|target)$", "The configuration sets"),  # random_state: the split's
            logged_params(f, r"^(n_features|n_rows|n_samples)$", "The training runs logged"),
        ),
        _data_metrics(f),
        _feature_passage(f) if _FEATURES.search(task.section_name) else "",
    ]
    return paras


# The split is stated once in the Summary and in depth by the validation writer; the data and
# training sections refer back to it instead of repeating its call and sizes.
_NOT_SPLIT = r"^(?!split\.)(?!.*(test_size|train_size|stratify|holdout|val_size))(.*\.)?"


def _data_loading(f: Facts) -> str:
    """The files the training code reads, then apart from them what a scoring script reads."""
    scoring = f.fresh([i for i in f.kind("data_source") if i.role == "serving"])[:4]
    scored = f"The scoring code reads {join_words([fact_phrase(i) for i in scoring])}: new data to score."
    reads = f.kind("data_source")
    unnamed = f.fresh([i for i in reads if is_unnamed_read(i)])
    named = each_file_once([i for i in reads if not is_unnamed_read(i)])
    f.used.update(i.id for i in reads if i not in named and not is_unnamed_read(i))  # one file, spelled twice
    return para(
        facts_list(f, named, "The training data are read from"),
        unnamed_reads([fact_phrase(i, named=False) for i in unnamed[:6]], len(unnamed[6:])),
        scored if scoring else "",
        code_list(f, ("target",), "The target is"),
        _written_upstream(f),
    )


def _written_upstream(f: Facts) -> str:
    """A file the training code reads that a notebook or script writes: that writer is production."""
    for reader in f.kind("data_source"):
        link = reader.attrs.get("written_by")
        writer = f.by_id.get(str(link.get("id"))) if isinstance(link, dict) else None
        if writer is None or writer.id in f.used:
            continue
        f.used.add(writer.id)
        return (
            f"{code_span(str(writer.value))} is written upstream by {code_span(str(writer.source.path))} "
            f"{cite(writer)}, a data preparation step of the production pipeline: "
            f"{code_span(str(reader.source.path))} reads it {cite(reader)}."
        )
    return ""


def _data_metrics(f: Facts) -> str:
    chosen: dict[str, EvidenceItem] = {}
    for m in f.kind("run_metric", live=None):
        if is_data_metric(item_key(m)) and item_key(m) not in chosen:
            chosen[item_key(m)] = m
    items = f.fresh(list(chosen.values()))
    if not items:
        return ""
    run8 = run_evidence_id(items[0].id) or ""
    return (
        f"The run {code_span(f.run_name(run8))} recorded the data it was trained on: "
        + join_words([f"{item_key(m)} {fmt(m.value)} {cite(m)}" for m in items])
        + "."
    )


def write_features(f: Facts, task: WriteTask) -> list[str]:
    paras = [_feature_passage(f), _importance(f)]
    if _DATA.search(task.section_name):  # a "Data and Features" section also says where data come from
        paras.append(_data_loading(f))
    return paras


_FEATURES = re.compile(r"feature", re.I)
_DATA = re.compile(r"\bdata", re.I)


def _feature_passage(f: Facts) -> str:
    """What the code drops, derives and transforms (the target is the target, not a feature)."""
    targets = [t.value for t in f.kind("target", live=None)]
    features = [
        i for i in f.fresh(f.kind("feature", "derived_column", "dropped_column")) if i.value not in targets
    ]
    sentences = [formula_sentence(i) for i in features if is_formula_inputs(i)][:3]  # y ~ a + C(b)
    features = [i for i in features if not is_formula_inputs(i)]
    dropped = [i for i in features if isinstance(i.value, list) or i.kind == "dropped_column"]
    derived: list[EvidenceItem] = []
    for item in (i for i in features if i not in dropped):  # each derived column once
        if all(d.value != item.value for d in derived):
            derived.append(item)
    for same in _column_sets(dropped, targets)[:3]:
        item = same[0]
        names = item.value if isinstance(item.value, list) else [item.value]
        shown = (
            ", ".join(map(str, names[:8])) + " and others"
            if len(names) > 8
            else join_words([str(n) for n in names])
        )
        many = f"{len(names)} column{'s' if len(names) > 1 else ''}"
        if item.kind == "dropped_column" or "drop" in item.label.lower():
            sentences.append(f"The pipeline drops {many} ({shown}) {cite(*same)}.")
        else:  # a named list of columns the code selects or groups
            sentences.append(f"{code_span(item.label.split(' (')[0])} lists {many} ({shown}) {cite(*same)}.")
    if derived:
        made = join_words([f"{code_span(str(i.value))} {cite(i)}" for i in derived[:10]])
        sentences.append(f"It derives {len(derived)} new column{'s' if len(derived) > 1 else ''}: {made}.")
    loops = column_sets_first([i for i in dropped if i.attrs.get("how") == "loop"])[:4]
    if loops:  # lags and rolling windows are mostly made in loops
        sentences.append(f"In loops, the code {join_words(column_set_words(loops))}.")
    prep = f.fresh(f.preparation_steps())
    if prep:
        sentences.append(
            "Inputs are transformed with "
            + join_words(
                [
                    step_words(p) if "transforms" in p.attrs else f"{code_span(str(p.value))} {cite(p)}"
                    for p in prep[:4]
                ]
            )
            + "."
        )
    return para(*sentences)


def _column_sets(items: list[EvidenceItem], targets: list[object]) -> list[list[EvidenceItem]]:
    """The column sets dropped or listed, each once with every place that states it (the target left
    out of the inputs is no feature decision; a loop over keys is no column)."""
    sets: dict[tuple, list[EvidenceItem]] = {}
    for item in items:
        names = tuple(str(n) for n in (item.value if isinstance(item.value, list) else [item.value]))
        if item.attrs.get("how") != "loop" and not all(n in map(str, targets) for n in names):
            sets.setdefault(
                (names, item.kind == "dropped_column" or "drop" in item.label.lower()), []
            ).append(item)
    return list(sets.values())


def _importance(f: Facts) -> str:
    items = [i for i in f.items if is_feature_importance(i) and i.id not in f.used]
    if not items:
        return ""
    item = items[0]
    f.used.add(item.id)
    val = item.value
    if not isinstance(val, dict):
        return ""
    top = sorted(((k, v) for k, v in val.items() if isinstance(v, int | float)), key=lambda kv: -abs(kv[1]))[
        :5
    ]
    run8 = run_evidence_id(item.id) or ""
    return (
        f"The feature importances logged by the run {code_span(f.run_name(run8))} rank highest "
        + join_words([f"{k} ({fmt(v)})" for k, v in top])
        + f" {cite(item)}."
    )


def write_training(f: Facts, task: WriteTask) -> list[str]:
    paras = [_entry_points(f), pipeline_passage(f)]
    paras.append(
        para(
            facts_list(f, f.cross_validations(), "Cross-validation uses"),
            search_sentence(f),
            code_list(f, ("seed",), "Random seeds are set by"),
            code_list(f, ("optimizer", "loss", "scheduler", "early_stopping"), "Training uses"),
            _fit_sentence(f),
            _loop_sentence(f),
            config(
                f,
                _NOT_SPLIT + r"(seed|cv_folds|folds|n_splits|epochs|batch_size)$",
                "The configuration sets",
            ),
        )
    )
    f.fresh(f.hold_outs())  # stated in the Summary, in depth under validation: not a third time
    counted = experiments(f)
    paras.append(counted)
    paras.append(_runs_passage(f, finished="FINISHED" not in counted))  # counted: named in the runs table
    return paras


def search_sentence(f: Facts) -> str:
    """``Hyperparameters are searched with optimize (tune.py, line 278) [c] over model, penalty and C
    (tune.py, line 138 to line 147) [c] [c] [c].``: the calls that run a search, then the hyperparameters its
    space chooses, in one phrase (a study's set-up and each dimension are no search of their own)."""
    found = f.kind("hyperparameter_search")
    dims = [i for i in found if is_search_dimension(i)]
    text = facts_list(f, [i for i in found if not search_part(i)], "Hyperparameters are searched with", 3)
    text, dims = text.removesuffix("."), f.fresh(dims)
    f.fresh(found)  # a study's set-up is part of the search said here
    if dims:
        lines = sorted(d.source.line_start or 0 for d in dims)
        paths = sorted({str(d.source.path) for d in dims})
        span = f"line {lines[0]}" + (f" to line {lines[-1]}" if lines[-1] != lines[0] else "")  # each a place
        place = (
            f"{code_span(paths[0])}, {span}" if len(paths) == 1 else join_words([code_span(p) for p in paths])
        )
        keys = join_words(list(dict.fromkeys(item_key(d) for d in dims)))
        text = (
            text + " over " if text else "Hyperparameters are searched over "
        ) + f"{keys} ({place}) {cite(*dims)}"
    return text + "." if text else ""


def _fit_sentence(f: Facts) -> str:
    """Where the model is fitted, in words: a transformer's fit_transform is data preparation, not
    model fitting, and a call expression (model.fit(X, y)) is not shown as if it were a value."""
    fits = f.kind("fit")
    f.fresh(fits)
    models = [i for i in fits if i.value == "fit" or str(i.attrs.get("call", "")).endswith(".fit")][:3]
    trainer = next((i for i in fits if str(i.value).endswith("TrainingArguments")), None)
    said = _trainer_sentence(trainer) if trainer is not None else ""
    if not models:
        return said
    places = join_words([f"{code_where(i)} {cite(i)}" for i in models])
    return f"The model is fitted at {places}." + (" " + said if said else "")


def _loop_sentence(f: Facts) -> str:
    """A hand-written loop over epochs: how many it runs, and the checkpoint it keeps (each once)."""
    new = [i for i in f.kind("setting", "model_save") if i.id not in f.used]
    loops = [(i, said) for i in new if (said := epoch_loop_phrase(i))][:1]
    kept = [(s, said) for s in new if (said := kept_epoch_phrase(s))][:1]
    if not loops and not kept:
        return ""
    f.used.update(i.id for i, _ in loops + kept)
    text = "; ".join(said for _, said in loops + kept)
    return text[0].upper() + text[1:] + "."


def _trainer_sentence(args: EvidenceItem) -> str:
    """A Hugging Face Trainer: where its TrainingArguments are set, and which checkpoint it keeps."""
    text = f"Training runs through a Hugging Face Trainer configured by {args.value} at {code_where(args)}"
    best = args.attrs.get("keeps_best")
    if isinstance(best, str):
        text += f", which keeps the checkpoint with {kept_checkpoint(best)}"
    return f"{text} {cite(args)}."


def _entry_points(f: Facts) -> str:
    """The entry points, and the orchestrator flow each training pipeline runs, step by step."""
    entries = f.fresh(f.kind("entry_point"))
    flows = [
        f"The training pipeline runs {ran} {cite(p)}." for p in f.kind("pipeline") if (ran := flow_words(p))
    ]
    if not entries:
        return " ".join(flows[:2])
    return (
        "The code's entry "
        + ("point is " if len(entries) == 1 else "points are ")
        + join_words([f"{code_span(str(e.value or e.source.path))} {cite(e)}" for e in entries])
        + "."
        + "".join(f" {s}" for s in flows[:2])
    )


def _runs_passage(f: Facts, limit: int = 12, finished: bool = True) -> str:
    """Finished runs in one sentence (unless `finished` is False: the experiment's counts said so);
    failed and killed runs one by one, with their reason."""
    runs = f.fresh(f.kind("run", live=None))[:limit]
    done = [r for r in runs if (r.attrs.get("status") or r.value) == "FINISHED"]
    rest = [r for r in runs if r not in done]
    out = []
    if done and finished:
        names = join_words(
            [f"{code_span(f.run_name(run_evidence_id(r.id) or r.id))} {cite(r)}" for r in done]
        )
        out.append(f"The run{'s' if len(done) > 1 else ''} {names} ended with status FINISHED.")
    out += [run_sentence(f, r) for r in rest]
    return para(*out)


def experiments(f: Facts) -> str:
    out = []
    for exp in f.fresh(f.kind("experiment", live=None))[:3]:
        sentence = f"Runs are tracked in the MLflow experiment {code_span(str(exp.value))} {cite(exp)}"
        runs, counts = exp.attrs.get("runs"), exp.attrs.get("status_counts")
        if isinstance(runs, int):
            sentence += f", which holds {runs} runs"
            if isinstance(counts, dict) and counts:
                sentence += " (" + join_words([f"{n} {s}" for s, n in sorted(counts.items())]) + ")"
        out.append(sentence + ".")
    return para(*out)


def run_sentence(f: Facts, run: EvidenceItem) -> str:
    run8 = run_evidence_id(run.id) or run.id
    status = run.attrs.get("status") or run.value
    sentence = f"The run {code_span(f.run_name(run8))} {cite(run)} ended with status {status}"
    if status in ("FAILED", "KILLED") and run.text:
        sentence += f" (\u201c{' '.join(run.text.split())[:200]}\u201d)"
    if logged := logged_metrics(f, run8):
        sentence += f" and {logged}"
    return sentence + "."


def logged_metrics(f: Facts, run8: str) -> str:
    """'logged <the run's headline metrics not yet stated>', or ''."""
    metrics = f.fresh(headline(f.metrics(run8)))
    return f"logged {metric_phrase(metrics, 3)}" if metrics else ""


def write_code(f: Facts, task: WriteTask) -> list[str]:
    entries = {str(e.source.path): e for e in f.kind("entry_point")}
    modules = []
    for mod in f.fresh(f.kind("module"))[:10]:  # production code only: legacy code is never described
        doc = sentences(mod.text, 1)
        path = str(mod.source.path or mod.value)
        entry = entries.get(path)
        name = code_span(path) + (f" (an entry point {cite(entry)})" if entry else "")
        modules.append(f"{name}: {doc.rstrip('.')} {cite(mod)}." if doc else f"{name} {cite(mod)}.")
    paras = [para(*modules)]  # entry points are marked on their modules (the training section lists them)
    # the split, target and threshold keys are stated where they belong, not listed again here
    paras.append(config(f, r"^(?!.*(thresh|cutoff|test_size|train_size|stratify|split|target))", "It sets"))
    paras.append(exploratory(f))  # labelled, in the code appendix only
    return paras
