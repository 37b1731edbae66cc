"""Topics: what a section is about and which evidence speaks to it (one home for these rules).

- `section_topics(name, hint)`: a section's topics, most important first (name first).
- `item_topics`: an item's topics for routing: its kind's (`kind_topics.KIND_TOPICS`, the
  one table) and what its key says (test_size: validation, n_rows: data).
- `TOPIC_KINDS`: per topic, the kinds a passage on it draws on, most important first; used by
  selection (sent first) and by the offline writer (written from, in this order).
- `is_data_metric`, `is_feature_importance`, `metric_rank`: one definition each.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.kind_topics import KIND_TOPICS
from autodoc.scan.code.rules.loops import EPOCH_LOOP

# ----------------------------------------------------------------------------- topics
# Ordered: the first matching keywords give the section's primary topics.
KEYWORD_TOPICS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("executive summary", "summary", "abstract"), ("overview", "model", "evaluation")),
    (
        ("purpose", "intended use", "scope", "introduction", "overview of the model", "business"),
        ("overview", "model"),
    ),
    (("conclusion", "recommendation"), ("overview", "evaluation", "model")),
    (("system architecture",), ("code", "model", "deployment")),
    (("data pipeline",), ("data", "features", "code")),
    (("data", "dataset", "source"), ("data", "features")),
    (("feature",), ("features", "data")),
    (
        (
            "methodology",
            "conceptual soundness",
            "architecture",
            "design",
            "algorithm",
            "model description",
            "model details",
            "estimator",
            "hyperparameter",
        ),
        ("model", "training"),
    ),
    (("training", "pipeline", "tuning", "experiment"), ("training", "model", "mlflow")),
    (
        ("performance", "result", "metric", "evaluation", "accuracy", "benchmark", "testing"),
        ("evaluation", "mlflow"),
    ),
    (("validation", "backtest", "cross-validation", "outcome analysis"), ("validation", "evaluation")),
    (
        ("deployment", "serving", "inference", "production", "api", "integration", "operational"),
        ("deployment", "mlflow"),
    ),
    (("monitoring", "drift", "ongoing"), ("monitoring", "evaluation")),
    (
        ("limitation", "risk", "assumption", "weakness", "bias", "fairness", "compliance"),
        ("risk", "validation"),
    ),
    (("troubleshoot", "faq", "known issue"), ("code", "deployment")),
    (
        (
            "development guide",
            "developer",
            "contributing",
            "setup",
            "installation",
            "usage",
            "how to",
            "reproduc",
        ),
        ("code", "training"),
    ),
    (
        ("change log", "changelog", "version history", "release", "versions", "lineage", "governance"),
        ("mlflow", "deployment"),
    ),
    (("appendix", "reference", "glossary", "code", "implementation"), ("code", "mlflow", "training")),
]
DEFAULT_TOPICS = ["overview", "model", "evaluation"]

# What each topic's passage draws on, most important kind first: the kinds the offline writer
# writes from and the kinds selection sends first (a section cannot do without them).
TOPIC_KINDS: dict[str, tuple[str, ...]] = {
    "overview": (
        "readme",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
        "estimator",
        "notebook_markdown",
        "entry_point",
        "target",  # the executive summary says in words what is predicted, held out and decided
        "split",
        "threshold",
        "metric",
        "data_source",
        "preprocessing",
    ),
    "model": (
        "estimator",
        "layer",  # a network's layers, in the order they are built
        "param",
        "config",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_param",
        "preprocessing",
    ),
    "data": (
        "data_source",
        "target",
        "split",
        "config",
        "feature",
        "dropped_column",
        "preprocessing",
        "run",
        "run_param",
        "run_metric",
    ),
    "features": ("feature", "dropped_column", "preprocessing", "artifact", "run", "target", "data_source"),
    "training": (
        "pipeline",
        "entry_point",
        "fit",
        "split",
        "cv",
        "seed",
        "hyperparameter_search",
        "optimizer",
        "loss",
        "scheduler",
        "early_stopping",
        "config",
        "experiment",
        "run",
    ),
    "evaluation": (
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
        "metric",
        "threshold",
        "config",
        "artifact",
    ),
    "validation": (
        "split",
        "cv",
        "config",
        "metric",
        "threshold",
        "hyperparameter_search",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
    ),
    "deployment": (
        "registered_model",
        "alias",
        "model_version",
        "threshold",
        "route",
        "schema",
        "model_load",
        "deployment",
        "config",
        "entry_point",
        "run",
    ),
    "monitoring": (
        "monitoring",
        "metric",
        "threshold",
        "config",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
        "metric_history",
    ),
    "mlflow": ("registered_model", "alias", "model_version", "experiment", "run"),
    "code": ("entry_point", "module", "config", "readme", "data_source", "estimator", "mlflow_call"),
    "risk": ("threshold", "split", "cv", "config", "estimator", "run", "dropped_column"),
}


# ---------------------------------------------------------------------------- metrics
# Headline metrics first: a document leads with discrimination, then accuracy-type scores.
_METRIC_ORDER = (
    "roc_auc",
    "auc",
    "accuracy",
    "f1",
    "precision",
    "recall",
    "log_loss",
    "r2",
    "rmse",
    "mae",
    "mse",
    "mape",
)
_PREFIX_ORDER = ("test_", "val_", "valid_", "eval_", "holdout_", "", "cv_", "train_")
# Metrics measured on data the model did not train on: the Summary states the champion's.
HELD_OUT_PREFIXES = ("test_", "holdout_", "val_", "valid_", "eval_")


def metric_rank(key: str) -> tuple[int, int, str]:
    """Sort key putting headline metrics first (test_roc_auc, then cv_roc_auc, ..., n_rows last)."""
    low = key.lower()
    prefix = next(
        (n for n, p in enumerate(_PREFIX_ORDER) if p and low.startswith(p)), _PREFIX_ORDER.index("")
    )
    base = low[len(_PREFIX_ORDER[prefix]) :]
    metric = next((n for n, m in enumerate(_METRIC_ORDER) if base == m), 50)
    return (metric, prefix, low)


def section_topics(name: str, hint: str | None) -> list[str]:
    """Evidence topics a section wants, most important first (name first, then hint)."""
    topics: list[str] = []
    for text in (name, hint or ""):
        low = " " + text.lower().replace("_", " ") + " "
        hits = []  # (position of the first keyword, table order, topics): earlier words lead
        for order, (keywords, wanted) in enumerate(KEYWORD_TOPICS):
            found = [p for p in (_word_at(low, k) for k in keywords) if p >= 0]
            if found:
                hits.append((min(found), order, wanted))
        for _, _, wanted in sorted(hits):
            topics.extend(t for t in wanted if t not in topics)
        if text is name and not topics:
            topics.extend(DEFAULT_TOPICS)
    return topics


def _word_at(text: str, keyword: str) -> int:
    match = re.search(r"(?<![a-z])" + re.escape(keyword), text)
    return match.start() if match else -1


SETTING_TOPICS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"(test_size|train_size|stratify|holdout|validation_split)$", re.I), ("validation", "data")),
    (re.compile(r"(cv|cv_folds|folds|n_splits)$", re.I), ("validation", "training")),
    (re.compile(r"(random_state|seed)$", re.I), ("training", "validation")),
    (re.compile(r"(thresh|cutoff)", re.I), ("evaluation", "risk", "deployment", "monitoring")),
    (re.compile(r"(target|label)$", re.I), ("data",)),
    (re.compile(r"(experiment|registered_model|model_name)", re.I), ("mlflow", "deployment")),
]
DATA_METRIC = re.compile(
    r"(^|[._:])(n_rows|n_columns|n_samples|n_features|positive_rate|class_balance|rows)$"
)


def is_data_metric(key: str) -> bool:
    """Row and column counts, class balance: they describe the data, not the model's quality."""
    return bool(DATA_METRIC.search(key))


def item_topics(item: EvidenceItem) -> set[str]:
    topics = set(item.topics) | set(KIND_TOPICS.get(item.kind, ()))
    if item.kind in ("run_metric", "run_param") and is_data_metric(item.id):
        topics.add("data")  # row and column counts describe the data, not the model's quality
    if item.kind in ("config", "param", "run_param"):
        key = item.id.rsplit(":", 1)[-1]
        for rx, extra in SETTING_TOPICS:
            if rx.search(key):
                topics.update(extra)  # a setting belongs where its name says (test_size: validation)
    if item.source.kind == "code":
        topics.add("code")  # code-oriented sections (appendix, developer guide) want every code fact
    return topics


# ------------------------------------------------------------------ feature importance
_FI_ARTIFACT = "importance"


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_feature_importance(item: EvidenceItem) -> bool:
    """A feature-importance item: its own kind, a ``:fi:`` id, or a logged importance JSON artifact."""
    if item.kind == "feature_importance" or ":fi:" in item.id:
        return True
    return (
        item.kind == "artifact"
        and _FI_ARTIFACT in item.id.split(":art:", 1)[-1].lower()
        and isinstance(item.value, dict)
        and any(is_number(v) for v in item.value.values())
    )


# ------------------------------------------------------------------------------ roles
PRODUCTION_ROLES = ("production", "serving")


def is_production_code(item: EvidenceItem) -> bool:
    """A production code fact: its role says so, or (no role yet) live code outside notebooks."""
    if item.source.kind != "code":
        return True
    if item.role is not None:
        return item.role in PRODUCTION_ROLES
    return item.live is not False and not (item.source.path or "").endswith(".ipynb")


def production_facts(evidence: EvidenceStore, *kinds: str) -> list[EvidenceItem]:
    """The store's items of `kinds` that are production code facts (or not code at all)."""
    return [i for i in evidence.by_kind(*kinds) if is_production_code(i)]


def in_epoch_loop(item: EvidenceItem) -> bool:
    """A hand-written training loop's facts (`scan.code.rules.loops`): its epochs (a setting) and the
    checkpoint it keeps (a save inside it); a passage on training says them."""
    if item.kind == "setting":
        return item.id.rsplit(":", 1)[-1] == EPOCH_LOOP
    return item.kind == "model_save" and bool(item.attrs.get("in_loop"))


def is_single_split(item: EvidenceItem) -> bool:
    """A shuffle splitter asked for one split (``GroupShuffleSplit(n_splits=1)``): a hold-out split,
    not cross-validation (one rule for the Summary and the offline writer)."""
    return item.kind == "cv" and item.attrs.get("scheme") == "single split"


def hold_out_splits(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """The production hold-out splits among `items`: split calls (train_test_split and the like),
    then shuffle splitters asked for one split (``GroupShuffleSplit(n_splits=1, ...)``), which are
    no cross-validation (one rule for the Summary and the offline writer)."""
    live = [i for i in items if i.kind in ("split", "cv") and is_production_code(i)]
    return [i for i in live if i.kind == "split"] + [i for i in live if is_single_split(i)]


def is_exploratory_code(item: EvidenceItem) -> bool:
    """Notebooks, EDA and scratch work: shown only in a labelled passage, never as the model's values."""
    if item.source.kind != "code" or item.live is False:
        return False
    if item.role is not None:
        return item.role == "exploratory"
    return (item.source.path or "").endswith(".ipynb")


# A setting named like a threshold that is no decision threshold: a validation criterion's bound
# (it gates registration: ``validation_criteria[0].threshold``), a training control, a drift
# monitor's alert level, a Grafana panel's colour steps (``fieldConfig.defaults.thresholds``), a
# feature-selection cut (``IMPORTANCE_THRESHOLD``, a variance, correlation, missing-share or VIF
# bound, a population stability index's alert level).
_NOT_DECISION = re.compile(
    r"criteri|stop|diverg|early|patience|clip|grad|prun|drift|fieldconfig|importan|varian|corr|missing|"
    r"null|vif|psi",
    re.I,
)


def is_decision_key(key: str) -> bool:
    """Whether a threshold-named setting can be the model's decision threshold (one rule for the
    Summary and the offline writer)."""
    return not _NOT_DECISION.search(key)


def applied_thresholds(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """The named thresholds serving code compares scores with (``proba >= OPTIMAL_THRESHOLD``): the
    value decisions are made at, rather than a training script's evaluation cut-offs (one rule for
    the Summary and the offline writer). A value read back from the model file (``saved_with``) is
    the trainer's: its home is where the trainer sets it."""
    serving = [i for i in items if i.role == "serving" and not i.attrs.get("saved_with")]
    exprs = " ".join(str(i.attrs.get("expr") or "") for i in serving)
    keys = {i.id: str(i.attrs.get("key") or i.id.rsplit(":", 1)[-1]) for i in serving}
    return [i for i in serving if re.search(rf"(?<!\w){re.escape(keys[i.id])}(?!\w)", exprs)]


def serving_thresholds_first(
    items: list[EvidenceItem], aside: Callable[[EvidenceItem], bool] = lambda _: False
) -> list[EvidenceItem]:
    """`items` with the thresholds serving code decides at first (`applied_thresholds`), then the
    others in their order, less those `aside` sets apart (one rule for the Summary and the offline
    writer)."""
    applied = applied_thresholds(items)
    return applied + [i for i in items if i not in applied and not aside(i)]
