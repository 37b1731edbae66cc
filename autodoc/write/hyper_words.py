"""The summary's Hyperparameters fact without MLflow: the production estimators' keyword arguments
as values with their origin, a fine-tuned model's training settings, or the library's defaults."""

from __future__ import annotations

from autodoc.document import SummaryFact, cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import model_parts, production_model
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts
from autodoc.plan.value_origin import origin_tail
from autodoc.plan.values import (
    launched_value,
    options_read,
    owned_params,
    resolve_param,
    unpacked_settings,
    unpacked_words,
)
from autodoc.write import lineage_words, selection_words
from autodoc.write import settings_facts as sf
from autodoc.write.disagree import other_values
from autodoc.write.places import where


def code_hyperparameters(evidence: EvidenceStore) -> SummaryFact | None:
    """Without MLflow: the production estimators' keyword arguments, as values with their origin
    (only the saved model's when the code saves one; a tuned model's values are the search's)."""
    saved = production_model(evidence)
    tuned = lineage_words.tuned_fact(evidence, saved) if saved is not None else None
    if tuned is not None:
        return tuned
    parts, items, found = [], [], []
    estimators = (
        [*model_parts(evidence, saved), saved]
        if saved is not None
        else production_facts(evidence, "estimator")[:2]
    )
    for est in estimators:
        params = owned_params(est, evidence.items)
        resolved = [(p, r) for p in params if (r := resolve_param(p, evidence.items)) is not None][:8]
        if not params and (options := options_read(est, evidence.items)[:8]):
            options = [launched_value(o, evidence.items) or o for o in options]  # make train passes --lr
            parts.append(lineage_words.options_words(est, options))
            items += [est, *options]
        elif resolved:
            values = join_words([lineage_words.value_words(p, est, r) for p, r in resolved])
            if unpacked_settings(est):  # **params beside them: the values shown are not all of its settings
                values += f" and {unpacked_words(est, evidence.items)}"
            parts.append(f"{est.value} ({where(est)}) {cite(est)}: {values}")
            items += [est, *(r.item for _, r in resolved)]
            found += [r for _, r in resolved]
    if not parts:
        return sf.settings_hyperparameters(evidence) or _default(evidence, saved)
    text = "; ".join(parts) + (f", {origin_tail(found)}" if found else "")
    if any(str(e.attrs.get("call", "")).endswith(".from_pretrained") for e in estimators):
        text += _fine_tuning(evidence, items)
    return SummaryFact.citing("hyperparameters", "Hyperparameters", text + ".", items)


def _default(evidence: EvidenceStore, saved: EvidenceItem | None) -> SummaryFact | None:
    """No value in code or config: the estimator is built with its library's defaults, and the
    arguments set only at run time are named (what the code shows, nothing guessed); settings
    unpacked from ``**params`` are never defaults, and the MLflow run they are read from is named."""
    if saved is not None and unpacked_settings(saved) and not owned_params(saved, evidence.items):
        read_back = selection_words.unpacked_fact(evidence, saved)
        if read_back is not None:
            return read_back
    parts, items = [], []
    for est in production_facts(evidence, "estimator")[:2]:
        if str(est.value) in ("Sequential", "Model") or est.attrs.get("base"):
            continue  # a network: its layers are its settings (the architecture section lists them)
        params = owned_params(est, evidence.items)
        late = [item_key(p) for p in params if p.value is None]
        if not params and unpacked_settings(est):  # Prophet(**best): not the defaults
            parts.append(
                f"{est.value} ({where(est)}) {cite(est)} is built with {unpacked_words(est, evidence.items)}"
            )
            items.append(est)
        elif len(late) == len(params):  # a literal nobody resolved is no default: then nothing is said
            but = f" except {join_words(late[:4])}, set at run time" if late else ""
            parts.append(f"{est.value} ({where(est)}) {cite(est)} is built with its library's defaults{but}")
            items.append(est)
    if not parts:
        return None
    return SummaryFact.citing("hyperparameters", "Hyperparameters", "; ".join(parts) + ".", items)


def _fine_tuning(evidence: EvidenceStore, items: list[EvidenceItem]) -> str:
    """Pretrained weights: the fine-tuning's settings (a Trainer's learning rate...) are the ones to
    review; other settings (a saved model's config.json) are said apart. Adds what it cites to `items`."""
    found = sf.production_settings(evidence, "hyperparameters")
    tuning = [i for i in found if i.kind == "param" and i.attrs.get("owner_kind") == "fit"]
    rest = [i for i in found if i not in tuning]
    others, cited = other_values(found, evidence)  # a key other files set to other values
    items += tuning + rest + cited
    said = ("; for fine-tuning, " + sf.settings_phrase(tuning)) if tuning else ""
    return said + ("; " + sf.settings_phrase(rest) if rest else "") + (others if found else "")
