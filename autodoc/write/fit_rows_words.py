"""Which rows a resampler, a preprocessing step or a decision threshold is fitted on, in words: the
Training line says how the classes are resampled (SMOTE on the training split only, or on all rows
before the split), the Split line says which steps are fitted on the rows before they are split, the
Decision threshold line says on which split's curve the threshold is chosen. Each is what a validator
checks first on an imbalanced model: held-out rows that take part in a fit or a choice are no longer
held out (`scan.code.rules.evalscope` records it)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from autodoc.document import SummaryFact, cite, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts
from autodoc.write.places import where

Build = Callable[[EvidenceStore], SummaryFact | None]


def resampling_words(evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]] | None:
    """``SMOTE (random_state = 42) [r] resamples the training split only: smote.fit_resample(X_train,
    y_train) (src/train.py, line 11) [f]`` (a phrase and its items), or how it is applied otherwise."""
    resamplers = production_facts(evidence, "resampling")
    fits = [f for f in production_facts(evidence, "fit") if f.value == "fit_resample"]
    if not resamplers and not fits:
        return None
    fit = fits[0] if fits else None
    resampler = _made(resamplers, fit) if fit is not None else resamplers[0] if resamplers else None
    items = [i for i in (resampler, fit) if i is not None]
    name = _named(evidence, resampler) if resampler is not None else "the data"
    if fit is None:
        return f"{name} resamples the classes", items
    call = f"{fit.attrs.get('call')}({', '.join(str(a) for a in fit.attrs.get('args') or [])})"
    rows = fit.attrs.get("rows")
    how = "the training split only" if rows == "training split" else "the rows"
    text = f"{name} resamples {how}: {call} ({where(fit)}) {cite(fit)}"
    if rows == "before the split":
        text += (
            f", before the train/test split at line {fit.attrs.get('split_line')}, so the held-out "
            "rows are resampled too and synthetic rows built from them reach training"
        )
    return text, items


def fitted_before_split(evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]] | None:
    """`` RobustScaler is fitted on the rows before they are split: scaler.fit_transform (…) [f]; the
    held-out rows take part in its fit.`` (resampling is said on the Training line)."""
    fits = [
        f
        for f in production_facts(evidence, "fit")
        if f.attrs.get("rows") == "before the split" and f.value != "fit_resample"
    ][:2]
    if not fits:
        return None
    named = join_words([f"{f.attrs.get('fitted') or f.attrs.get('on')} ({where(f)}) {cite(f)}" for f in fits])
    verb = "is" if len(fits) == 1 else "are"
    return (
        f" {named} {verb} fitted on the rows before they are split, so the held-out rows take part in it.",
        fits,
    )


def threshold_opening(item: EvidenceItem) -> str:
    """``The decision threshold is 0.35 (...) [t].``; when a loop then picks it among a curve's
    thresholds (`scan.code.rules.evalscope`), the rule it is picked by and the split, never the
    starting value as the threshold: ``The decision threshold is chosen when the code runs: a loop
    over the thresholds of precision_recall_curve on the test split keeps the last one where r >= 0.85
    and p > best_precision (model/train.py, line 47) [t]; it starts at 0.5.``"""
    value = item.value if not isinstance(item.value, dict) else item.attrs.get("value")
    loop = item.attrs.get("chosen_in_loop")
    if not isinstance(loop, dict):
        return f"The decision threshold is {setting_text(value)} ({where(item)}) {cite(item)}."
    on = f" on the {loop['on']} split" if loop.get("on") else ""
    rule = f" where {loop['rule']}" if loop.get("rule") else ""
    place = f"{item.source.path}, line {loop.get('line')}"
    return (
        "The decision threshold is chosen when the code runs: a loop over the thresholds of "
        f"{loop.get('curve')}{on} keeps the last one{rule} ({place}) {cite(item)}; it starts at "
        f"{setting_text(value)}."
    )


def loop_choice_words(item: EvidenceItem) -> str | None:
    """``starts at 0.5; a loop over the thresholds of precision_recall_curve picks it (line 47)``: a
    threshold's value cell when a loop chooses it when the code runs (its value is only where it
    starts), else None."""
    loop = item.attrs.get("chosen_in_loop")
    if not isinstance(loop, dict):
        return None
    value = item.value if not isinstance(item.value, dict) else item.attrs.get("value")
    return (
        f"starts at {setting_text(value)}; a loop over the thresholds of {loop.get('curve')} picks it "
        f"(line {loop.get('line')})"
    )


def chosen_threshold(evidence: EvidenceStore, item: EvidenceItem) -> tuple[str, list[EvidenceItem]]:
    """`` It is chosen by src/evaluate_model.py (line 68) [m] as the precision_recall_curve threshold with
    the highest f1_scores on the test split, and written to models/threshold.json.`` when the code that
    writes the threshold's file chooses it on a curve (a phrase and its items; empty otherwise)."""
    name = posixpath.basename(str(item.source.path or ""))
    for metric in production_facts(evidence, "metric"):
        how = metric.attrs.get("chooses_threshold")
        written = how.get("written_to") if isinstance(how, dict) else None
        if not isinstance(how, dict) or not isinstance(written, dict):
            continue
        if posixpath.basename(str(written.get("file"))) != name or written.get("key") != item_key(item):
            continue
        best = f" with the highest {how['maximised']}" if how.get("maximised") else ""
        on = f" on the {metric.attrs['on']} split" if metric.attrs.get("on") else ""
        text = f" It is chosen by {metric.source.path} (line {how.get('line')}) {cite(metric)} as the"
        return f"{text} {metric.value} threshold{best}{on}, and written to {written['file']}.", [metric]
    return "", []


def with_fit_rows(build: Build, topic: str) -> Build:
    """`build` (the Split or the Training line) followed by which rows its steps are fitted on."""
    words = fitted_before_split if topic == "split" else resampling_words

    def line(evidence: EvidenceStore) -> SummaryFact | None:
        fact, found = build(evidence), words(evidence)
        if found is None:
            return fact
        text, items = found
        if fact is None:  # nothing else to say on the topic: the phrase is the line
            text = text.strip()
            return SummaryFact.citing(topic, topic.capitalize(), f"{text[:1].upper()}{text[1:]}.", items)
        joined = f"{fact.text.rstrip('.')}; {text}." if topic == "training" else f"{fact.text}{text}"
        ids = fact.evidence_ids + [i.id for i in items]
        return fact.model_copy(update={"text": joined, "evidence_ids": ids})

    return line


def _made(resamplers: list[EvidenceItem], fit: EvidenceItem) -> EvidenceItem | None:
    """The resampler a fit_resample call uses: the one built in its file, nearest before it."""
    here = [r for r in resamplers if r.source.path == fit.source.path]
    before = [r for r in here if (r.source.line_start or 0) <= (fit.source.line_start or 0)]
    return (before or here or [None])[-1]


def _named(evidence: EvidenceStore, item: EvidenceItem) -> str:
    """``SMOTE (random_state = 42) [r]``: the class with its literal settings."""
    params = [p for p in evidence.by_kind("param") if p.attrs.get("owner") == item.id and p.value is not None]
    settings = join_words([f"{p.attrs.get('key')} = {setting_text(p.value)}" for p in params[:4]])
    return f"{item.value}" + (f" ({settings})" if settings else "") + f" {cite(item)}"
