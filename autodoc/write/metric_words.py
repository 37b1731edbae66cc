"""What the production evaluation code computes, said without logged values: each metric once, with
its settings and the split it is computed on, and the stability or discrimination checks the code
defines (PSI, KS, Gini)."""

from __future__ import annotations

import re
from collections.abc import Callable

from autodoc.document import SummaryFact, cite, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import estimator_name, production_model
from autodoc.plan.offers import item_key
from autodoc.plan.topics import metric_rank, production_facts
from autodoc.write.search_words import evaluator_words
from autodoc.write.training_words import chosen_on_measured_rows

_DIAGNOSTIC = {"psi": "population stability index", "ks": "Kolmogorov-Smirnov statistic", "gini": "Gini"}
_DIAGNOSTIC_NAME = re.compile(r"(^|_)(psi|ks|gini|population_stability)(_|$)", re.I)


def code_metrics_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """Without logged metrics: what the production evaluation code computes (no figures to report)."""
    found = production_facts(evidence, "metric")
    metrics = each_once([m for m in found if not m.attrs.get("slice_column")])
    if not metrics:
        return None
    names = by_split(metrics[:6], lambda m: _metric_with_settings(evidence, m))
    sliced = each_once([m for m in found if m.attrs.get("slice_column")])
    more, extra = diagnostics(evidence)
    more = (" " + slice_sentence(sliced, lambda m: f"{m.value} {cite(m)}") if sliced else "") + more
    caveat, kept = chosen_on_measured_rows(evidence, metrics)
    runs = [r for e in evidence.mlflow.experiments for r in e.runs] if evidence.mlflow else []
    why = (
        "runs logged values, but no registered version says which run is the model"
        if any(r.metrics for r in runs)
        else "no logged value was found to report"
    )
    kept_results, recorded = committed_results(evidence) if why.startswith("no logged") else ("", [])
    text = f"The evaluation code computes {names}; {why}.{caveat}{more}{kept_results}"
    return SummaryFact.citing("metrics", "Performance", text, metrics + kept + sliced + extra + recorded)


_RESULT_FILE = re.compile(r"(metric|result|report|score|eval)[^/]*\.(json|ya?ml)$", re.I)
_HEADLINE = re.compile(
    r"(^|[._])(accuracy|auc|auc_roc|roc_auc|f1|f1_score|weighted_f1|macro_f1|precision|recall|rmse|mae|mse|r2|"
    r"ks_statistic|gini|brier_score|log_loss|wape|mape)$",
    re.I,
)


def committed_results(evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]]:
    """`` models/final_metrics.json, kept in the repository, records accuracy = 0.8185 [c] and auc_roc =
    0.7813 [c]: figures of an earlier run, which this document does not recompute.``: headline measures
    of a committed results file (the production model's own, by its name, first), else ""."""
    found = [
        i
        for i in production_facts(evidence, "config")
        if _RESULT_FILE.search(str(i.source.path))
        and _HEADLINE.search(key := item_key(i))
        and not re.search(r"(^|\.)\d", key)  # a class's own row (0.0.precision): the overall ones say it
        and isinstance(i.value, int | float)
        and not isinstance(i.value, bool)
    ]
    if not found:
        return "", []
    model = production_model(evidence)
    name = estimator_name(model).lower() if model else ""
    files = sorted(
        {str(i.source.path) for i in found}, key=lambda f: (bool(name) and name not in f.lower(), f)
    )
    shown = sorted((i for i in found if i.source.path == files[0]), key=lambda i: metric_rank(item_key(i)))[
        :4
    ]
    said = join_words([f"{item_key(i)} = {setting_text(i.value)} {cite(i)}" for i in shown])
    return (
        f" {files[0]}, kept in the repository, records {said}: figures of an earlier run, which this "
        "document does not recompute.",
        shown,
    )


def each_once(metrics: list[EvidenceItem], limit: int = 99) -> list[EvidenceItem]:
    """Each metric at the first place it is computed, once per split and per slice (``perf_eva`` on
    the train split and again on the test split: both), with the settings it is computed with there."""
    seen: set[tuple[str, object, object]] = set()
    out = []
    for metric in metrics:
        key = (str(metric.value), metric.attrs.get("on"), metric.attrs.get("slice_column"))
        if key not in seen:
            seen.add(key)
            out.append(metric)
    return out[:limit]


def by_split(metrics: list[EvidenceItem], phrase: Callable[[EvidenceItem], str]) -> str:
    """``precision_score [n] and recall_score [n] on the test split, and gini [n]``: each metric as
    `phrase` words it, those computed on one split said together (a Spark evaluator says its own)."""
    groups: dict[str, list[EvidenceItem]] = {}
    for metric in metrics:
        on = metric.attrs.get("on") if not metric.attrs.get("evaluator") else None
        groups.setdefault(str(on or ""), []).append(metric)
    said = [
        join_words([phrase(m) for m in group]) + (f" on the {on} split" if on else "")
        for on, group in sorted(groups.items(), key=lambda g: not g[0])  # metrics of no known split last
    ]
    placed = {str(m.source.path) for on, group in groups.items() if on for m in group}
    unplaced = list(dict.fromkeys(str(m.source.path) for m in groups.get("", [])))
    if placed and unplaced and not placed & set(unplaced):  # another script's: whose, and on which rows
        said[-1] = f"{join_words(unplaced)} computes {said[-1]} on rows the scan does not place in a split"
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + ", and " + said[-1]


def slice_sentence(metrics: list[EvidenceItem], phrase: Callable[[EvidenceItem], str]) -> str:
    """``It also computes precision_score [n] and recall_score [n] for each value of each column in
    slice_features, on the test split (slice metrics).``: the metrics the scan found computed per value
    of a column (`scan.code.metric_rows.slices`), "" when there are none."""
    sliced = [m for m in metrics if m.attrs.get("slice_column")]
    if not sliced:
        return ""
    first = sliced[0].attrs
    over = f"each column in {first['slice_columns']}" if first.get("slice_columns") else first["slice_column"]
    split = {m.attrs.get("on") for m in sliced}
    on = f", on the {split.pop()} split" if len(split) == 1 and None not in split else ""
    named = join_words([phrase(m) for m in sliced])
    return f"It also computes {named} for each value of {over}{on} (slice metrics)."


def _metric_with_settings(evidence: EvidenceStore, metric: EvidenceItem) -> str:
    """``fbeta_score (beta = 1) [n]``: a metric with its settings (a Spark evaluator's split too)."""
    params = [
        p for p in evidence.by_kind("param") if p.attrs.get("owner") == metric.id and p.value is not None
    ]
    shown = [f"{item_key(p)} = {setting_text(p.value)}" for p in params if item_key(p) != "zero_division"][:2]
    if metric.attrs.get("formula"):  # a metric derived from another: gini (2 * auc - 1)
        shown = [str(metric.attrs["formula"])]
    shown, on = evaluator_words(metric, shown)  # Spark: areaUnderPR (BinaryClassificationEvaluator)
    value = metric.value  # Keras' compile(metrics=["mape", "mae"]): each by its name, not a list
    name = join_words([str(v) for v in value]) if isinstance(value, list) else str(value)
    return name + (f" ({', '.join(shown)})" if shown else "") + f"{on} {cite(metric)}"


def diagnostics(evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]]:
    """Functions the production code defines for stability or discrimination checks (PSI, KS, Gini)."""
    found = [
        f for f in production_facts(evidence, "function") if _DIAGNOSTIC_NAME.search(str(f.value or ""))
    ][:3]
    if not found:
        return "", []
    shown = []
    for item in found:
        match = _DIAGNOSTIC_NAME.search(str(item.value))
        what = _DIAGNOSTIC.get(match.group(2).lower(), "check") if match else "check"
        shown.append(f"a {what}, {item.attrs.get('signature') or item.value} {cite(item)}")
    return " The code also computes " + join_words(shown) + ".", found
