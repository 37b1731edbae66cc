"""What a section's evidence lacks and what it can serve: `missing_for` (said once in the
prompt and the document), `table_kinds` and `image_ids` (the planner's choices)."""

from __future__ import annotations

import re

from autodoc.document import Section
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import (
    estimator_families,
    image_artifacts,
    model_run_eids,
    run_by_eid,
)
from autodoc.plan.topics import section_topics

# ----------------------------------------------------------------- what is missing
NO_REGISTERED_MODELS = "No registered models were found in MLflow."  # listed once, among the gaps


def missing_for(section: Section, evidence: EvidenceStore) -> list[str]:
    """What the section's topics look for and the evidence does not hold, as sentences."""
    # the name says what the section is about; a long hint would make every section report
    # every gap, so only the name's topics are checked
    topics = set(section_topics(section.spec_name, None))
    out: list[str] = []
    wants_mlflow = topics & {"model", "evaluation", "mlflow", "deployment", "training", "monitoring"}
    if wants_mlflow and evidence.mlflow is None:
        out.append(_no_mlflow(evidence))
    elif wants_mlflow and not evidence.mlflow.registered_models and topics & {"model", "deployment"}:
        out.append(NO_REGISTERED_MODELS)
    if section.model:
        out += _missing_for_model(section.model, evidence, topics)
    elif "evaluation" in topics and evidence.mlflow is not None and not _any_metrics(evidence):
        out.append("No metrics were logged to MLflow.")
    for topic, what, sentence in _CHECKS:
        if topic in topics and not found(evidence, what) and (section.model is None or topic != "model"):
            out.append(sentence)
    if "monitoring" in topics and not any("monitoring" in i.topics for i in evidence.items):
        out.append("No monitoring code (drift or performance tracking) was found.")
    if (
        "deployment" in topics
        and evidence.mlflow
        and evidence.mlflow.registered_models
        and not any(m.aliases for m in evidence.mlflow.registered_models)
    ):
        out.append("No model aliases (such as champion or production) are set in MLflow.")
    return out


# What a section's topic looks for: the kinds of fact, or settings (config keys, estimator
# keyword arguments, MLflow params) whose names show the same thing was done.
_LOOK_FOR: dict[str, tuple[set[str], str | None]] = {
    "data_source": ({"data_source"}, None),
    "target": ({"target"}, r"^(target|label)(_col(umn)?)?$"),
    "features": ({"preprocessing", "feature"}, None),
    "split": ({"split"}, r"(^|[._])(test_size|train_size|holdout|validation_split)$"),
    "cv": ({"cv"}, r"(^|[._])(cv|cv_folds|n_splits|folds|n_folds)$"),
    "hyperparameter_search": ({"hyperparameter_search"}, None),
    "seed": ({"seed"}, r"(^|[._])(random_state|seed|random_seed)$"),
    "estimator": ({"estimator"}, None),
    "metric": ({"metric"}, None),
    "threshold": ({"threshold"}, r"(thresh|cutoff|cut_off)"),
}
_CHECKS: list[tuple[str, str, str]] = [
    ("data", "data_source", "No data source (file, table or query read) was found in the code."),
    ("data", "target", "No target column was identified in the code."),
    ("features", "features", "No feature transformation was found in the code."),
    ("validation", "split", "No train/test split was found in the code."),
    ("validation", "cv", "No cross-validation was found in the code."),
    ("training", "hyperparameter_search", "No hyperparameter search was found in the code."),
    ("training", "seed", "No random seed was found in the code or the logged parameters."),
    ("model", "estimator", "No estimator construction was found in live code."),
    ("evaluation", "metric", "No metric computation was found in the code."),
    ("risk", "threshold", "No decision threshold was found in the code or the logged parameters."),
]


def found(evidence: EvidenceStore, what: str) -> bool:
    """Does live evidence show `what` (a key of `_LOOK_FOR`)?"""
    cache = evidence.__dict__.setdefault("_found_cache", {})
    key = (id(evidence), len(evidence.items), what)
    if key not in cache:
        kinds, names = _LOOK_FOR[what]
        rx = re.compile(names, re.I) if names else None
        cache[key] = any(
            i.live is not False
            and (
                i.kind in kinds
                or (rx is not None and i.kind in ("config", "param", "run_param") and rx.search(item_key(i)))
            )
            for i in evidence.items
        )
    return cache[key]


def item_key(item: EvidenceItem) -> str:
    """The key of a param, metric or config item (its `key` attr, else the id's last part)."""
    key = item.attrs.get("key")
    return str(key) if key else item.id.rsplit(":", 1)[-1]


def _no_mlflow(evidence: EvidenceStore) -> str:
    note = (evidence.mlflow_note or "").strip()
    if evidence.mlflow_set_aside:
        return f"{evidence.no_mlflow_words()}."
    if note and "configur" not in note.lower():
        return f"No MLflow data is available ({note.rstrip('.')})."
    return "No MLflow tracking server was configured."


def _any_metrics(evidence: EvidenceStore) -> bool:
    return any(r.metrics for e in evidence.mlflow.experiments for r in e.runs) if evidence.mlflow else False


def _missing_for_model(model: str, evidence: EvidenceStore, topics: set[str]) -> list[str]:
    rm = evidence.model(model)
    if rm is None:
        return [f"No registered model named {model} was found in MLflow."] if evidence.mlflow else []
    out = []
    runs = [run_by_eid(evidence)[r] for r in model_run_eids(evidence, model)]
    if not runs:
        out.append(f"No MLflow run is linked to the versions of {model}.")
    elif "evaluation" in topics and not any(r.metrics for r in runs):
        out.append(f"No metrics were logged by the runs behind {model}.")
    if topics & {"model", "training"} and not estimator_families(evidence, model):
        out.append(f"The estimator class of {model} could not be linked to the code.")
    if "evaluation" in topics and runs and not any(r.image_artifacts for r in runs):
        out.append(f"No plots were logged as artifacts for {model}.")
    return out


# ------------------------------------------------------------ what the data serves
def table_kinds(section: Section, evidence: EvidenceStore) -> list[str]:
    """Table sources the evidence can fill for this section."""
    kinds: list[str] = []
    models = [section.model] if section.model else evidence.model_names()
    versioned = [m for m in models if evidence.model(m) and evidence.model(m).versions]
    with_runs = [m for m in versioned if model_run_eids(evidence, m)]
    metric_models = [
        m for m in with_runs if any(run_by_eid(evidence)[r].metrics for r in model_run_eids(evidence, m))
    ]
    if any(any(run_by_eid(evidence)[r].params for r in model_run_eids(evidence, m)) for m in with_runs):
        kinds.append("model_params")
    if versioned:
        kinds.append("model_versions")
    if metric_models:
        kinds.append("metric_across_versions")
    if not section.model and len(metric_models) >= 2:
        kinds.append("metric_across_models")
    if evidence.mlflow and any(e.runs for e in evidence.mlflow.experiments):
        kinds.append("experiment_runs")
    code = [i for i in evidence.items if i.source.kind == "code"]
    if code:
        kinds.append("code_facts")
    if any(i.kind == "estimator" and i.live is not False for i in code):
        kinds.append("estimators")
    if evidence.items:
        kinds.append("evidence")
    return kinds


def image_ids(section: Section, evidence: EvidenceStore) -> list[str]:
    """Image artifact ids this section may show (a per_model section: its model's runs only)."""
    images = image_artifacts(evidence)
    if not section.model:
        return sorted(images)
    runs = model_run_eids(evidence, section.model)
    return sorted(eid for eid, (run, _) in images.items() if run.evidence_id in runs)
