"""Tables, charts and images are filled from evidence values; plans are checked before use."""

from __future__ import annotations

import base64

import pytest

from autodoc.document import (
    ChartPlan,
    ImagePlan,
    NarrativePlan,
    PlanReply,
    SeriesSource,
    TablePlan,
    TableSource,
)
from autodoc.write.fill import fill_chart, fill_image, fill_table, validate_plan
from tests.support.builders.store import GBM_V1, LOGREG_V1, sample_store, section


@pytest.fixture(scope="module")
def store():
    return sample_store()


def table(store, kind: str, sec=None, **args):
    plan = TablePlan(title="T", source=TableSource(kind=kind, **args))
    return fill_table(plan, store, sec or section("Model Performance"))


def cells_by_id(tab):
    return {c.evidence_id: c.value for row in tab.rows for c in row if c.evidence_id}


def test_metric_across_versions_cells_are_evidence_values_with_ids(store):
    tab = table(store, "metric_across_versions", model="breast_cancer_logreg", metric="roc_auc")
    assert tab.columns == ["Version", "roc_auc"]
    assert [[c.value for c in row] for row in tab.rows] == [["1", 0.9934628], ["2", 0.9871]]
    for row in tab.rows:
        metric = row[1]
        assert store.get(metric.evidence_id).value == metric.value
    assert "r:a1b2c3d4:metric:roc_auc" in tab.citations and "mv:breast_cancer_logreg:2" in tab.citations


def test_per_model_section_defaults_the_model(store):
    tab = table(store, "model_params", sec=section("Model Architecture", model="breast_cancer_gbm"))
    values = cells_by_id(tab)
    assert values["r:c3d4e5f6:param:gbm.n_estimators"] == "120"
    assert not any(i.startswith("r:a1b2c3d4") for i in values)


def test_model_params_uses_the_champion_version(store):
    tab = table(store, "model_params", model="breast_cancer_logreg")
    assert cells_by_id(tab)["r:b2c3d4e5:param:logreg.C"] == "0.1"  # v2 holds the champion alias
    assert "version 2" in tab.note


def test_model_versions_lists_aliases_status_and_runs(store):
    tab = table(store, "model_versions", model="breast_cancer_logreg")
    rows = [[c.value for c in row] for row in tab.rows]
    assert rows == [
        ["1", None, "READY", "logreg-baseline", "2026-11-20"],
        ["2", "champion", "READY", "logreg-strong-reg", "2026-11-20"],
    ]


def test_metric_across_models_uses_each_models_primary_version(store):
    tab = table(store, "metric_across_models", metric="roc_auc")
    rows = [[c.value for c in row] for row in tab.rows]
    assert rows == [["breast_cancer_logreg", "2", 0.9871], ["breast_cancer_gbm", "1", 0.9905]]


def test_experiment_runs_include_killed_runs_with_status(store):
    tab = table(store, "experiment_runs", experiment="breast-cancer-risk")
    statuses = {row[0].value: row[1].value for row in tab.rows}
    assert statuses["gbm-slow-lr"] == "KILLED"
    assert "KILLED" in tab.note
    killed = next(row for row in tab.rows if row[0].value == "gbm-slow-lr")
    assert all(c.value is None for c in killed[3:])  # no metric invented for a killed run


def test_estimators_lists_live_code_with_location_and_only_counts_legacy(store):
    tab = table(store, "estimators")
    rows = [[c.value for c in row] for row in tab.rows]
    assert rows == [
        [
            "LogisticRegression",
            "max_iter",
            "500",
            "train.py, line 76",
        ],  # one row per hyperparameter, as written
        ["GradientBoostingClassifier", "max_depth", "3", "train.py, line 89"],
    ]
    assert "legacy" in tab.note and "1 estimator in legacy_train.py" in tab.note  # where, not what
    assert "RandomForestClassifier" not in tab.note  # legacy code is never described


def test_code_facts_rows_cite_their_items(store):
    tab = table(store, "code_facts", evidence_ids=["c:train.py:204:split", "c:nope:1:cv"])
    assert tab.rows[0][0].evidence_id == "c:train.py:204:split"
    assert tab.rows[0][2].value == "train.py:204"
    assert "c:nope:1:cv" in tab.note


@pytest.mark.parametrize(
    "kind,args,expected",
    [
        ("metric_across_versions", {"model": "breast_cancer_logreg", "metric": "recall"}, "recall"),
        ("model_versions", {"model": "no_such_model"}, "no_such_model"),
        ("experiment_runs", {"experiment": "nope"}, "nope"),
        ("code_facts", {}, "No evidence items"),
    ],
)
def test_missing_data_gives_a_note_not_a_number(store, kind, args, expected):
    tab = table(store, kind, **args)
    assert tab.rows == [] and expected in tab.note


def test_no_mlflow_means_notes_everywhere():
    store = sample_store(with_mlflow=False)
    for kind in (
        "model_params",
        "model_versions",
        "metric_across_versions",
        "metric_across_models",
        "experiment_runs",
    ):
        tab = table(store, kind, model="breast_cancer_logreg")
        assert tab.rows == [] and "MLflow" in tab.note, kind


def test_charts_copy_evidence_values(store):
    chart = fill_chart(
        ChartPlan(title="AUC", series=SeriesSource(kind="metric_across_versions", metric="roc_auc")),
        store,
        section("Model Performance", model="breast_cancer_logreg"),
    )
    assert chart.series[0].x == ["v1", "v2"] and chart.series[0].y == [0.9934628, 0.9871]
    assert chart.series[0].evidence_ids == ["r:a1b2c3d4:metric:roc_auc", "r:b2c3d4e5:metric:roc_auc"]
    hist = fill_chart(
        ChartPlan(
            title="loss",
            chart_type="line",
            series=SeriesSource(kind="metric_history", run_id="r:c3d4e5f6", metric="train_loss"),
        ),
        store,
        section("Training"),
    )
    assert hist.series[0].x == [10, 20, 30] and hist.series[0].y == [0.9, 0.6, 0.41]
    models = fill_chart(
        ChartPlan(title="AUC", series=SeriesSource(kind="metric_across_models", metric="f1")),
        store,
        section("Model Performance"),
    )
    assert models.series[0].y == [0.939759, 0.9285714]


def test_chart_without_data_has_a_note(store):
    chart = fill_chart(
        ChartPlan(title="fi", series=SeriesSource(kind="feature_importance", run_id="r:a1b2c3d4")),
        store,
        section("Feature Engineering"),
    )
    assert chart.series == [] and "No feature importances" in chart.note


def test_feature_importance_from_scanner_items(store):
    from autodoc.evidence import EvidenceItem, Source

    src = Source(kind="mlflow", run_id=GBM_V1)
    extra = [
        EvidenceItem(
            id=f"r:c3d4e5f6:fi:{f}",
            kind="feature_importance",
            label=f,
            value=v,
            attrs={"feature": f},
            source=src,
        )
        for f, v in [("radius", 0.4), ("texture", 0.1)]
    ]
    rich = store.model_copy(update={"items": store.items + extra})
    chart = fill_chart(
        ChartPlan(title="fi", series=SeriesSource(kind="feature_importance")),
        rich,
        section("Model Performance", model="breast_cancer_gbm"),
    )
    assert chart.series[0].x == ["radius", "texture"] and chart.series[0].y == [0.4, 0.1]


def test_fill_image_fetches_bytes_and_notes_failures(store):
    plan = ImagePlan(title="ROC", artifact_id="r:a1b2c3d4:art:plots/roc_curve.png")
    calls = []

    def fetch(run_id: str, path: str) -> bytes:
        calls.append((run_id, path))
        return b"\x89PNG fake"

    img = fill_image(plan, store, fetch)
    assert calls == [(LOGREG_V1, "plots/roc_curve.png")]
    assert base64.b64decode(img.data_b64) == b"\x89PNG fake" and img.media_type == "image/png"
    failed = fill_image(plan, store, lambda r, p: None)
    assert failed.data_b64 is None and "could not be downloaded" in failed.note
    unknown = fill_image(ImagePlan(title="x", artifact_id="r:a1b2c3d4:art:model.pkl"), store, fetch)
    assert "No image artifact" in unknown.note


def test_validate_plan_names_bad_values_and_choices(store):
    sec = section("Model Performance", model="breast_cancer_gbm")
    reply = PlanReply(
        blocks=[
            NarrativePlan(guidance="x", evidence_ids=["r:c3d4e5f6:metric:roc_auc", "r:zzz:metric:auc"]),
            TablePlan(
                title="t", source=TableSource(kind="metric_across_versions", model="breast_cancer_logreg")
            ),
            TablePlan(title="t", source=TableSource(kind="metric_across_versions", metric="auc")),
            ChartPlan(
                title="c", series=SeriesSource(kind="metric_history", run_id="r:c3d4e5f6", metric="loss")
            ),
            ImagePlan(title="i", artifact_id="r:a1b2c3d4:art:plots/roc_curve.png"),
        ]
    )
    errors = validate_plan(reply, store, sec)
    assert len(errors) == 5, errors
    assert "r:zzz:metric:auc" in errors[0]
    assert "documents model breast_cancer_gbm" in errors[1]
    assert "metric auc was not logged" in errors[2] and "roc_auc" in errors[2]
    assert "train_loss" in errors[3]
    assert "not an image artifact" in errors[4] and "confusion_matrix.png" in errors[4]
    good = PlanReply(
        blocks=[
            TablePlan(title="t", source=TableSource(kind="metric_across_versions", metric="roc_auc")),
            ImagePlan(title="i", artifact_id="r:c3d4e5f6:art:plots/confusion_matrix.png"),
        ]
    )
    assert validate_plan(good, store, sec) == []
    foreign = PlanReply(blocks=[NarrativePlan(guidance="x", evidence_ids=["mv:breast_cancer_logreg:1"])])
    assert "belong to another model" in validate_plan(foreign, store, sec)[0]
    unknown = validate_plan(
        PlanReply(blocks=[TablePlan(title="t", source=TableSource(kind="model_versions", model="churn"))]),
        store,
        section("Deployment"),
    )
    assert "unknown model churn" in unknown[0] and "breast_cancer_gbm" in unknown[0]


def test_estimators_table_in_a_per_model_section_shows_that_family(store):
    tab = table(store, "estimators", sec=section("Model Architecture", model="breast_cancer_gbm"))
    assert [row[0].value for row in tab.rows] == ["GradientBoostingClassifier"]


def test_a_fallback_chart_on_odd_values_still_draws_in_word_and_the_notebook():
    """A deterministic (fallback) plan may chart whatever the section cites: a dict-valued
    importance item, a NaN or infinite value. The chart keeps the finite points, says what it
    left out, and both renderers draw it (the Word renderer once failed on NaN)."""
    import matplotlib

    from autodoc.evidence import EvidenceItem, EvidenceStore, Source
    from autodoc.render.charts import chart_png
    from autodoc.render.notebook_code import SETUP_CODE, chart_code

    matplotlib.use("Agg")
    src = Source(kind="code", path="train.py", line_start=3)
    params = {"alpha": 0.5, "beta": float("nan"), "gamma": float("inf")}
    items = [
        *(
            EvidenceItem(id=f"c:train.py:3:param:{k}", kind="param", label=k, value=v, source=src)
            for k, v in params.items()
        ),
        EvidenceItem(
            id="c:train.py:6:feature_importance:fi",
            kind="feature_importance",
            label="importances",
            value={"age": 0.4, "size": float("nan"), "shape": {"mean": 0.1}},
            source=src,
        ),
    ]
    odd = EvidenceStore(items=items, created_at="2026-01-01", generator_version="0")
    sec = section("Validation")
    for kind in ("evidence", "feature_importance"):
        plan = ChartPlan(title="Odd", series=SeriesSource(kind=kind, evidence_ids=[i.id for i in items]))
        chart = fill_chart(plan, odd, sec)
        assert [y for s in chart.series for y in s.y] == ([0.5] if kind == "evidence" else [0.4])
        assert "not finite" in (chart.note or "")
        assert chart_png(chart, dpi=40).startswith(b"\x89PNG")
        cell: dict = {}
        exec(SETUP_CODE + "\n" + chart_code(chart), cell)  # the notebook's code cell runs


def test_a_derived_column_row_shows_how_it_is_computed_by_column_name(store):
    from autodoc.evidence import EvidenceItem, Source

    text = 'out["radius_growth"] = out["worst radius"] / out["mean radius"]'
    feature = EvidenceItem(
        id="c:features.py:24:feature:radius_growth",
        kind="feature",
        label="derived column radius_growth",
        value="radius_growth",
        attrs={"how": "assignment"},
        text=text,
        source=Source(kind="code", path="features.py", line_start=24),
        live=True,
    )
    bigger = store.model_copy(update={"items": [*store.items, feature]})
    tab = table(bigger, "code_facts", evidence_ids=[feature.id])
    assert [c.value for c in tab.rows[0]] == [
        "derived column radius_growth",
        "worst radius / mean radius",
        "features.py:24",
    ]


def test_a_value_left_to_run_time_is_never_shown_as_none(store):
    from autodoc.evidence import EvidenceItem, Source

    lr = EvidenceItem(
        id="c:train.py:15:param:lr",
        kind="param",
        label="Adam lr = None",
        value=None,
        attrs={
            "owner_kind": "optimizer",
            "key": "lr",
            "expr": "args.lr (parameter of train)",
            "unresolved": True,
        },
        source=Source(kind="code", path="train.py", line_start=15),
        live=True,
    )
    explicit = EvidenceItem(
        id="c:train.py:20:param:max_depth",
        kind="param",
        label="DecisionTreeClassifier max_depth = None",
        value=None,
        attrs={"owner_kind": "estimator", "key": "max_depth"},
        source=Source(kind="code", path="train.py", line_start=20),
        live=True,
    )
    bigger = store.model_copy(update={"items": [*store.items, lr, explicit]})
    tab = table(bigger, "code_facts", evidence_ids=[lr.id, explicit.id])
    rows = [[c.value for c in row] for row in tab.rows]
    assert rows[0][0] == "Adam lr" and "set at run time" in str(rows[0][1]), rows[0]
    assert rows[1][0] == "DecisionTreeClassifier max_depth = None"  # the code sets None: as written
