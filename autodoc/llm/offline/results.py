"""Section writers for evaluation, validation, deployment, monitoring, risk and MLflow topics."""

from __future__ import annotations

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem, user_tags
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.facts import Facts, version_number, version_of
from autodoc.llm.offline.prose import (
    code_list,
    code_span,
    code_where,
    config,
    fact_phrase,
    headline,
    model_summary,
    num,
    para,
    registry,
    selection_reference,
    threshold_reference,
    threshold_sentence,
)
from autodoc.llm.offline.sections import experiments, logged_metrics, run_sentence, search_sentence
from autodoc.llm.offline.serving_words import serving_passage
from autodoc.plan.evalscope import evaluation_words
from autodoc.plan.offers import item_key
from autodoc.plan.topics import is_single_split
from autodoc.write.metric_words import by_split, each_once, slice_sentence
from autodoc.write.split_files import mask_split_words, repeated_split


def write_evaluation(f: Facts, task: WriteTask) -> list[str]:
    paras = []
    models = f.model_names(task.model)
    f.fresh(f.models())
    paras.append(para(*[model_summary(f, m, limit=4) for m in models]))
    if task.model:
        others = [v for v in f.versions(task.model) if v.id not in f.used]
        paras.append(para(*[_version_sentence(f, v) for v in f.fresh(others)]))
    if not task.model:  # shared code, stated once: per-model subsections keep to their model
        paras.append(
            para(
                _metrics_sentence(f),
                code_list(f, ("threshold",), "The decision threshold is set by"),
                config(f, r"(thresh|cutoff)", "The configuration sets"),
            )
        )
    by_path: dict[str, EvidenceItem] = {}
    for img in (i for i in f.kind("artifact", live=None) if i.attrs.get("image")):
        by_path.setdefault(img.id.split(":art:", 1)[-1], img)  # one mention per plot, not per run
    images = f.fresh(list(by_path.values()))[:4]
    if images:
        paras.append(
            "Plots logged with the runs include "
            + join_words(
                [
                    f"{code_span(i.id.split(':art:', 1)[-1] if ':art:' in i.id else str(i.value))} {cite(i)}"
                    for i in images
                ]
            )
            + "."
        )
    return paras


def _version_sentence(f: Facts, mv: EvidenceItem) -> str:
    aliases = f.alias_of(mv)
    sentence = f"Version {version_of(mv)} {cite(mv)}" + (
        f" (alias {join_words([code_span(a) for a in aliases])})" if aliases else ""
    )
    run8 = f.run_of_version(mv)
    if run8:
        sentence += f" comes from the run {code_span(f.run_name(run8))}"
        if logged := logged_metrics(f, run8):
            sentence += f", which {logged}"
    return sentence + "."


def write_validation(f: Facts, task: WriteTask) -> list[str]:
    """How the model is validated (split, folds, measures, threshold); the scores themselves are
    stated with each model's performance, and the runs' statuses with the training, not again here."""
    paras = [para(*validation_steps(f))]
    f.fresh(f.models())
    versions = []
    for model in f.model_names(task.model):
        mv = f.primary_version(model)
        run8 = f.run_of_version(mv) if mv else None
        if mv is not None and run8 is not None and f.metrics(run8):
            f.used.add(mv.id)
            f.fresh(headline(f.metrics(run8)))
            versions.append(f"{code_span(model)} version {version_of(mv)} {cite(mv)}")
    if versions:
        paras.append(
            "The cross-validation and held-out scores of the documented versions, "
            + join_words(versions)
            + ", are given with each model's performance."
        )
    f.fresh(
        [r for r in f.kind("run", live=None) if (r.attrs.get("status") or r.value) in ("FAILED", "KILLED")]
    )
    return paras


def validation_steps(f: Facts) -> list[str]:
    steps = [
        _hold_out_sentence(f),
        config(f, r"(test_size|train_size|stratify|random_state)", "The configuration sets"),
        _cv_sentence(f),
        search_sentence(f),
        _metrics_sentence(f),
        _in_sample(f),
        threshold_sentence(f),
    ]
    return [s for s in steps if s]


def _metrics_sentence(f: Facts) -> str:
    """``The evaluation code computes a (model.py, line 9) [c] and b (...) [c] on the test split.``,
    then the same metrics per value of a column (`metric_words.slice_sentence`)."""
    metrics = f.fresh(f.kind("metric"))
    whole = each_once([m for m in metrics if not m.attrs.get("slice_column")], 8)
    sliced = each_once([m for m in metrics if m.attrs.get("slice_column")], 8)
    said = f"The evaluation code computes {by_split(whole, fact_phrase)}." if whole else ""
    return para(said, slice_sentence(sliced, fact_phrase))


def _in_sample(f: Facts) -> str:
    """Which rows the metrics are computed on, when the code shows it (`evaluation_words`)."""
    words, items = evaluation_words(f.items)
    if not words or not f.fresh(items):
        return ""
    return words


def _hold_out_sentence(f: Facts) -> str:
    """The split calls, and a shuffle splitter asked for one split (``GroupShuffleSplit(n_splits=1)``)
    with its settings: a hold-out split, never called cross-validation."""
    by_column = [s for s in f.kind("split") if isinstance(s.value, dict) and s.value.get("how") == "column"]
    masks = mask_split_words(by_column, code_where)  # "column split: fold == 'train'" said in words
    calls = (
        para(masks[0])
        if masks and f.fresh(masks[1])
        else code_list(f, ("split",), "A hold-out split is made by")
    )
    if repeat := repeated_split(f.kind("split")):
        first, later = repeat
        calls += (
            f" {code_span(str(later.source.path))} repeats the split of {code_span(str(first.source.path))} "
            f"with the same settings and seed {cite(later)}: given the same data, it holds out the same rows."
        )
    single = [_splitter_phrase(f, s) for s in f.fresh(f.hold_outs())[:2]]
    if not single:
        return calls
    return para(
        calls, ("It is also made by " if calls else "A hold-out split is made by ") + join_words(single) + "."
    )


def _splitter_phrase(f: Facts, cv: EvidenceItem) -> str:
    """``GroupKFold (train.py, line 9) [c] with n_splits = 5 [c]``; one split's n_splits = 1 goes unsaid."""
    params = [p for p in f.fresh(f.owned_params(cv)) if p.value is not None]
    if is_single_split(cv):
        params = [p for p in params if item_key(p) != "n_splits"]
    extra = join_words([f"{item_key(p)} = {num(p.value)} {cite(p)}" for p in params[:4]])
    return f"{code_span(str(cv.value or cv.label))} ({code_where(cv)}) {cite(cv)}" + (
        f" with {extra}" if extra else ""
    )


def _cv_sentence(f: Facts) -> str:
    cvs = f.fresh(f.cross_validations())
    if not cvs:
        return ""
    return (
        "Cross-validation uses "
        + join_words([_splitter_phrase(f, cv) for cv in cvs[:3]])
        + "."
        + (" " + config(f, r"(cv_folds|folds|n_splits)", "The configuration sets")).rstrip()
    )


def write_deployment(f: Facts, task: WriteTask) -> list[str]:
    paras = [para(*registry(f, describe=False))]
    models = f.model_names(task.model)
    for model in models:
        versions = f.fresh(f.versions(model))
        labels = {version_of(v): _version_label(f, v) for v in versions}
        # the registry entry names every version, also those not selected for this section
        reg = f.by_id.get(f"m:{model}")
        listed = reg.attrs.get("versions") if reg else None
        for number in listed if isinstance(listed, list) else []:
            labels.setdefault(str(number), f"version {number} {cite(reg)}")
        if labels:
            ordered = [labels[k] for k in sorted(labels, key=version_number)]
            paras.append(f"Registered versions of {code_span(model)}: " + join_words(ordered) + ".")
        tags = user_tags(reg.attrs.get("tags")) if reg else {}
        if reg and tags:
            said = join_words([f"{key} = {value}" for key, value in tags.items()])
            paras.append(f"The registry tags {code_span(model)} with {said} {cite(reg)}.")
    paras.append(
        para(
            selection_reference(f),
            threshold_reference(f),
            _serving_entries(f),
        )
    )
    paras.append(serving_passage(f))
    return paras


def _serving_entries(f: Facts) -> str:
    """Entry points that serve or score (the training section lists the ones that train)."""
    entries = f.kind("entry_point")
    f.used.update(e.id for e in entries)  # training entry points are not repeated here as leftovers
    serving = [e for e in entries if e.role == "serving"]
    if not serving:
        return ""
    return "The model is served from " + join_words([fact_phrase(e) for e in serving[:4]]) + "."


def _version_label(f: Facts, mv: EvidenceItem) -> str:
    aliases = f.alias_of(mv)
    status = mv.attrs.get("status")
    extra = []
    if aliases:
        extra.append("alias " + join_words([code_span(a) for a in aliases]))
    if isinstance(status, str) and status and status != "READY":
        extra.append(f"status {status}")
    return f"version {version_of(mv)}" + (f" ({'; '.join(extra)})" if extra else "") + f" {cite(mv)}"


def write_risk(f: Facts, task: WriteTask) -> list[str]:
    """Limits the evidence shows (cross-validation, failed runs), else that none are documented;
    the model's estimators and columns belong to their sections, never restated as limitations."""
    f.fresh(f.thresholds() + f.kind("split"))  # set out under validation, not repeated as a limitation
    failed = [
        r for r in f.kind("run", live=None) if (r.attrs.get("status") or r.value) in ("FAILED", "KILLED")
    ]
    paras = [para(_cv_sentence(f)), para(*[run_sentence(f, r) for r in f.fresh(failed)[:4]])]
    return paras if any(paras) else [NO_LIMITS]


NO_LIMITS = "No limitation or assumption of the model is documented in the code or its configuration."


def write_mlflow(f: Facts, task: WriteTask) -> list[str]:
    return [*write_deployment(f, task), experiments(f)]
