"""Evidence selection: topics, per_model scoping, legacy code, file rank, compact prompts.

`sample_store()` is a small, explicit evidence store shaped like the demo project's
(two registered models, a KILLED run, a legacy estimator); the other E1 test modules
import it.
"""

from __future__ import annotations

from autodoc.plan.compact import compact
from autodoc.plan.offers import image_ids, missing_for, table_kinds
from autodoc.plan.select import section_topics, select_evidence
from tests.support.builders.store import (
    big_store,
    sample_store,
    section,
)


def test_section_topics_map_reference_and_template_names():
    assert section_topics("Model Performance", None)[0] == "evaluation"
    assert section_topics("Data Overview", None)[0] == "data"
    assert section_topics("Validation Results", None)[:2] == ["validation", "evaluation"]
    assert "features" in section_topics("Feature Engineering", None)
    assert section_topics("Deployment Considerations", None)[0] == "deployment"
    assert section_topics("Limitations", None)[0] == "risk"
    assert section_topics("Ongoing Monitoring", None)[0] == "monitoring"
    assert "mlflow" in section_topics("Change Log", None)
    assert section_topics("Methodology and Conceptual Soundness", None)[0] == "model"
    # an unknown name falls back to an overview; its hint can add topics
    assert section_topics("Zebra", None) == ["overview", "model", "evaluation"]
    assert "data" in section_topics("Zebra", "Describe the data sources")


def test_per_model_section_gets_only_its_model():
    store = sample_store()
    items = select_evidence(section("Model Performance", model="breast_cancer_gbm"), store)
    ids = [i.id for i in items]
    assert "m:breast_cancer_gbm" in ids and "mv:breast_cancer_gbm:1" in ids
    assert "r:c3d4e5f6:metric:roc_auc" in ids
    assert not any("logreg" in i for i in ids)
    assert not any(i.startswith(("r:a1b2c3d4", "r:b2c3d4e5", "r:d4e5f6a7")) for i in ids)


def test_per_model_architecture_gets_its_estimator_family_only():
    store = sample_store()
    ids = [i.id for i in select_evidence(section("Model Architecture", model="breast_cancer_logreg"), store)]
    assert "c:train.py:76:estimator" in ids and "c:train.py:76:param:max_iter" in ids
    assert "c:train.py:89:estimator" not in ids  # the GBM's estimator belongs to the other model
    assert "c:legacy_train.py:23:estimator" not in ids


def test_dead_code_is_not_presented_as_live():
    store = sample_store()
    perf = select_evidence(section("Model Performance"), store, max_items=200)
    assert not [i.id for i in perf if i.live is False]
    # a model section may name a legacy estimator, marked as such, but never its settings
    arch = select_evidence(section("Model Architecture"), store, max_items=200)
    legacy_lines = [line for line in compact(arch).splitlines() if "legacy_train.py" in line]
    assert legacy_lines == [
        "c:legacy_train.py:23:estimator | | RandomForestClassifier | legacy (not reached from an entry point)"
    ]
    appendix = select_evidence(section("Appendix"), store, max_items=200)
    legacy = [i for i in appendix if i.id == "c:legacy_train.py:23:estimator"]
    assert legacy, "the appendix may show legacy code"
    assert "legacy" in compact(legacy)


def test_files_beyond_max_files_rank_are_excluded():
    store = sample_store()
    ids = [i.id for i in select_evidence(section("Feature Engineering"), store, max_files=3)]
    assert "c:features.py:30:preprocessing" not in ids  # features.py has rank 3
    ids = [i.id for i in select_evidence(section("Feature Engineering"), store)]
    assert "c:features.py:30:preprocessing" in ids


def test_cap_keeps_the_most_relevant_items():
    store = sample_store()
    items = select_evidence(section("Model Performance"), store, max_items=5)
    assert len(items) == 5
    kinds = {i.kind for i in items}
    assert kinds & {"run_metric", "registered_model"}, kinds
    assert "run_tag" not in kinds and "function" not in kinds


def test_compact_is_one_short_line_per_item():
    store = sample_store()
    items = select_evidence(section("Model Performance"), store)
    text = compact(items)
    lines = text.splitlines()
    assert len(lines) < len(items)  # a run's metrics share one line
    assert lines[0].startswith("(an id ending in :<key> stands for one id per key=value listed")
    assert "r:a1b2c3d4:metric:<key> | | roc_auc=0.993463; accuracy=0.964912; f1=0.952381" in lines
    assert all(len(line) <= 150 for line in lines), max(lines, key=len)
    assert len(text) < 50 * len(items)
    # code ids carry file:line already, so no location column repeats them
    line = compact([store.get("c:train.py:204:split")])
    assert line == "c:train.py:204:split | | train_test_split {test_size=0.2, stratify=True, random_state=42}"


def test_missing_for_says_what_was_not_found():
    store = sample_store()
    assert "No hyperparameter search was found in the code." in missing_for(
        section("Training Pipeline"), store
    )
    assert "No cross-validation was found in the code." not in missing_for(
        section("Validation Results"), store
    )
    no_cv = store.model_copy(update={"items": [i for i in store.items if i.kind != "cv"]})
    assert "No cross-validation was found in the code." in missing_for(section("Validation Results"), no_cv)
    code_only = sample_store(with_mlflow=False)
    missing = missing_for(section("Model Performance"), code_only)
    assert any("MLflow" in m for m in missing)
    empty = store.model_copy(update={"mlflow": store.mlflow.model_copy(update={"registered_models": []})})
    assert "No registered models were found in MLflow." in missing_for(section("Model Architecture"), empty)


def test_table_kinds_and_images_follow_the_data():
    store = sample_store()
    kinds = table_kinds(section("Model Performance"), store)
    assert {"metric_across_models", "model_versions", "experiment_runs", "estimators"} <= set(kinds)
    per_model = table_kinds(section("Model Performance", model="breast_cancer_gbm"), store)
    assert "metric_across_models" not in per_model and "metric_across_versions" in per_model
    assert image_ids(section("Model Performance", model="breast_cancer_gbm"), store) == [
        "r:c3d4e5f6:art:plots/confusion_matrix.png"
    ]
    assert len(image_ids(section("Model Performance"), store)) == 2
    assert table_kinds(section("Model Performance"), sample_store(with_mlflow=False)) == [
        "code_facts",
        "estimators",
        "evidence",
    ]


def test_large_store_selection_is_small_and_keeps_the_registered_run():
    store = big_store()  # its speed is measured by benchmarks/selection.py
    assert len(store.items) > 8_000
    items = select_evidence(section("Model Performance", model="sweep_model"), store)
    summary = select_evidence(section("Executive Summary"), store)
    ids = {i.id for i in items}
    last = f"r:{999:08x}"
    assert f"{last}:metric:auc" in ids and "mv:sweep_model:1" in ids
    assert not any(i.startswith("r:00000000") for i in ids)  # runs behind no version stay out
    assert f"{last}:metric:auc" in {i.id for i in summary[:40]}
    assert len(compact(items)) < 4000
