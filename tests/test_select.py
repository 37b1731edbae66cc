"""Evidence selection: topics, per_model scoping, legacy code, file rank, compact prompts.

`sample_store()` is a small, explicit evidence store shaped like the demo project's
(two registered models, a KILLED run, a legacy estimator); the other E1 test modules
import it.
"""

from __future__ import annotations

from autodoc.document import Section
from autodoc.evidence import (
    CodeReport,
    EvidenceItem,
    EvidenceStore,
    ExperimentInfo,
    FileRecord,
    MlflowSnapshot,
    ModelVersionInfo,
    RegisteredModelInfo,
    RunInfo,
    Source,
)
from autodoc.plan.select import compact, image_ids, missing_for, section_topics, select_evidence, table_kinds

LOGREG_V1 = "a1b2c3d4" + "0" * 24
LOGREG_V2 = "b2c3d4e5" + "0" * 24
GBM_V1 = "c3d4e5f6" + "0" * 24
GBM_KILLED = "d4e5f6a7" + "0" * 24


def _code(
    kind: str,
    path: str,
    line: int,
    value: object,
    label: str,
    *,
    name: str | None = None,
    live: bool | None = True,
    attrs: dict | None = None,
    topics: list[str] | None = None,
    text: str | None = None,
) -> EvidenceItem:
    eid = f"c:{path}:{line}:{kind}" + (f":{name}" if name else "")
    return EvidenceItem(
        id=eid,
        kind=kind,
        label=label,
        value=value,
        attrs=attrs or {},
        text=text,
        topics=topics or [],
        live=live,
        source=Source(kind="code", path=path, line_start=line, line_end=line),
    )


def _run(
    run_id: str,
    name: str,
    status: str,
    metrics: dict[str, float],
    params: dict[str, str],
    images: list[str] = (),
    history: dict | None = None,
    start: str = "2026-11-20T10:00:00",
) -> RunInfo:
    return RunInfo(
        run_id=run_id,
        run_name=name,
        experiment_id="1",
        status=status,
        metrics=metrics,
        params=params,
        tags={"model_family": name.split("-")[0]},
        start_time=start,
        image_artifacts=list(images),
        artifacts=list(images),
        metric_history=history or {},
        evidence_id=f"r:{run_id[:8]}",
    )


def sample_snapshot() -> MlflowSnapshot:
    runs = [
        _run(
            LOGREG_V1,
            "logreg-baseline",
            "FINISHED",
            {"roc_auc": 0.9934628, "accuracy": 0.9649123, "f1": 0.9523810},
            {"logreg.C": "1.0", "logreg.max_iter": "500", "test_size": "0.2"},
            images=["plots/roc_curve.png"],
            start="2026-11-20T10:00:00",
        ),
        _run(
            LOGREG_V2,
            "logreg-strong-reg",
            "FINISHED",
            {"roc_auc": 0.9871, "accuracy": 0.9561404, "f1": 0.9397590},
            {"logreg.C": "0.1", "logreg.max_iter": "500", "test_size": "0.2"},
            start="2026-11-20T11:00:00",
        ),
        _run(
            GBM_V1,
            "gbm-baseline",
            "FINISHED",
            {"roc_auc": 0.9905, "accuracy": 0.9473684, "f1": 0.9285714},
            {"gbm.n_estimators": "120", "gbm.learning_rate": "0.1", "test_size": "0.2"},
            images=["plots/confusion_matrix.png"],
            history={"train_loss": [(10, 0.9), (20, 0.6), (30, 0.41)]},
            start="2026-11-20T12:00:00",
        ),
        _run(
            GBM_KILLED,
            "gbm-slow-lr",
            "KILLED",
            {},
            {"gbm.learning_rate": "0.05"},
            start="2026-11-20T13:00:00",
        ),
    ]
    models = [
        RegisteredModelInfo(
            name="breast_cancer_logreg",
            aliases={"champion": "2"},
            evidence_id="m:breast_cancer_logreg",
            versions=[
                ModelVersionInfo(
                    version="1",
                    run_id=LOGREG_V1,
                    status="READY",
                    created_at="2026-11-20T10:05:00",
                    evidence_id="mv:breast_cancer_logreg:1",
                ),
                ModelVersionInfo(
                    version="2",
                    run_id=LOGREG_V2,
                    status="READY",
                    aliases=["champion"],
                    created_at="2026-11-20T11:05:00",
                    evidence_id="mv:breast_cancer_logreg:2",
                ),
            ],
        ),
        RegisteredModelInfo(
            name="breast_cancer_gbm",
            evidence_id="m:breast_cancer_gbm",
            versions=[
                ModelVersionInfo(
                    version="1",
                    run_id=GBM_V1,
                    status="READY",
                    created_at="2026-11-20T12:05:00",
                    evidence_id="mv:breast_cancer_gbm:1",
                ),
            ],
        ),
    ]
    exp = ExperimentInfo(experiment_id="1", name="breast-cancer-risk", runs=runs, evidence_id="x:1")
    return MlflowSnapshot(tracking_uri="sqlite:///demo.db", registered_models=models, experiments=[exp])


def mlflow_items(snap: MlflowSnapshot) -> list[EvidenceItem]:
    """Items the way the MLflow scanner cites them (ids from the evidence conventions)."""
    items = []
    for rm in snap.registered_models:
        items.append(
            EvidenceItem(
                id=rm.evidence_id,
                kind="registered_model",
                label=f"registered model {rm.name}",
                value=rm.name,
                attrs={"aliases": dict(rm.aliases)},
                source=Source(kind="mlflow", model_name=rm.name),
            )
        )
        for mv in rm.versions:
            items.append(
                EvidenceItem(
                    id=mv.evidence_id,
                    kind="model_version",
                    label=f"{rm.name} version {mv.version}",
                    value=mv.version,
                    attrs={
                        "status": mv.status,
                        "run_id": mv.run_id,
                        "aliases": mv.aliases,
                        "created_at": mv.created_at,
                    },
                    source=Source(
                        kind="mlflow", model_name=rm.name, model_version=mv.version, run_id=mv.run_id
                    ),
                )
            )
    for exp in snap.experiments:
        items.append(
            EvidenceItem(
                id=exp.evidence_id,
                kind="experiment",
                label=f"experiment {exp.name}",
                value=exp.name,
                source=Source(kind="mlflow", experiment_id=exp.experiment_id),
            )
        )
        for run in exp.runs:
            items += _run_items(
                run, Source(kind="mlflow", run_id=run.run_id, experiment_id=exp.experiment_id)
            )
    return items


def _run_items(run: RunInfo, src: Source) -> list[EvidenceItem]:
    """A run and what it logged: metrics, params, metric histories, images."""
    r8 = run.evidence_id
    of_run = f"of run {r8[2:]}"
    items = [
        _ml(r8, "run", f"run {run.run_name}", run.run_name, src, status=run.status, run_name=run.run_name)
    ]
    items += [_ml(f"{r8}:metric:{k}", "run_metric", f"{k} {of_run}", v, src) for k, v in run.metrics.items()]
    items += [_ml(f"{r8}:param:{k}", "run_param", f"{k} {of_run}", v, src) for k, v in run.params.items()]
    items += [
        _ml(f"{r8}:hist:{k}", "metric_history", f"{k} history {of_run}", [v for _, v in series], src)
        for k, series in run.metric_history.items()
    ]
    items += [
        _ml(f"{r8}:art:{path}", "artifact", path, path, src, image=True) for path in run.image_artifacts
    ]
    return items


def _ml(eid: str, kind: str, label: str, value: object, source: Source, **attrs: object) -> EvidenceItem:
    return EvidenceItem(id=eid, kind=kind, label=label, value=value, attrs=attrs, source=source)


def code_items() -> list[EvidenceItem]:
    return [
        _code(
            "readme",
            "README.md",
            1,
            None,
            "README",
            live=None,
            text="Predicts the probability that a breast mass is malignant. 569 samples.",
        ),
        _code("entry_point", "train.py", 199, "train.py", "entry point train.py"),
        _code(
            "data_source", "data.py", 12, "load_breast_cancer", "load_breast_cancer (scikit-learn dataset)"
        ),
        _code("target", "data.py", 8, "malignant", "target column malignant"),
        _code(
            "split",
            "train.py",
            204,
            "train_test_split",
            "train_test_split (train.py)",
            attrs={"test_size": 0.2, "stratify": True, "random_state": 42},
        ),
        _code("cv", "train.py", 103, "StratifiedKFold", "StratifiedKFold (train.py)", attrs={"n_splits": 5}),
        _code("threshold", "config.yaml", 10, 0.35, "decision threshold 0.35", live=None),
        _code(
            "estimator",
            "train.py",
            76,
            "LogisticRegression",
            "LogisticRegression (train.py)",
            attrs={"scope": "build_logreg"},
        ),
        _code("param", "train.py", 76, 500, "max_iter", name="max_iter"),
        _code(
            "estimator",
            "train.py",
            89,
            "GradientBoostingClassifier",
            "GradientBoostingClassifier (train.py)",
            attrs={"scope": "build_gbm"},
        ),
        _code("param", "train.py", 89, 3, "max_depth", name="max_depth"),
        _code(
            "estimator",
            "legacy_train.py",
            23,
            "RandomForestClassifier",
            "RandomForestClassifier (legacy_train.py)",
            live=False,
        ),
        _code("param", "legacy_train.py", 23, 500, "n_estimators", name="n_estimators", live=False),
        _code("preprocessing", "features.py", 30, "StandardScaler", "StandardScaler (features.py)"),
        _code("metric", "evaluate.py", 24, "roc_auc_score", "roc_auc_score (evaluate.py)"),
        _code("seed", "train.py", 204, 42, "random_state = 42"),
        _code("function", "helpers.py", 3, "helper", "helper", topics=["code"]),
    ]


def sample_store(with_mlflow: bool = True) -> EvidenceStore:
    snap = sample_snapshot() if with_mlflow else None
    files = [
        FileRecord(path=p, sha256="0" * 64, size=10, kind="python" if p.endswith(".py") else "readme", rank=r)
        for r, p in enumerate(
            [
                "train.py",
                "data.py",
                "evaluate.py",
                "features.py",
                "config.yaml",
                "README.md",
                "legacy_train.py",
                "helpers.py",
            ]
        )
    ]
    return EvidenceStore(
        created_at="2026-11-22T05:00:00",
        generator_version="test",
        code=CodeReport(root="/demo", files=files, entry_points=["train.py"]),
        mlflow=snap,
        mlflow_note=None if with_mlflow else "no MLflow configured: written from code alone",
        items=code_items() + (mlflow_items(snap) if snap else []),
    )


def section(name: str, model: str | None = None, hint: str | None = None) -> Section:
    slug = name.lower().replace(" ", "-") + (f"--{model}" if model else "")
    return Section(
        id=slug,
        number="1",
        heading=model or name,
        spec_name=name,
        model=model,
        hint=hint,
        level=2 if model else 1,
    )


# ------------------------------------------------------------------------------ tests
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


def big_store(n_runs: int = 1000) -> EvidenceStore:
    """A registry with one model whose latest version comes from the last of `n_runs` runs."""
    runs = [
        _run(
            f"{i:08x}" + "f" * 24,
            f"sweep-{i}",
            "FINISHED",
            {"auc": 0.5 + i / 4000, "f1": 0.4, "loss": 0.3, "acc": 0.6, "n_rows": 1000.0},
            {"lr": str(i / 1000), "depth": "3"},
        )
        for i in range(n_runs)
    ]
    last = runs[-1]
    model = RegisteredModelInfo(
        name="sweep_model",
        evidence_id="m:sweep_model",
        versions=[ModelVersionInfo(version="1", run_id=last.run_id, evidence_id="mv:sweep_model:1")],
    )
    snap = MlflowSnapshot(
        tracking_uri="sqlite:///x.db",
        registered_models=[model],
        experiments=[ExperimentInfo(experiment_id="1", name="sweep", runs=runs, evidence_id="x:1")],
    )
    return EvidenceStore(
        created_at="2026-11-22T05:00:00",
        generator_version="test",
        mlflow=snap,
        items=code_items() + mlflow_items(snap),
    )


def test_large_store_selection_is_fast_small_and_keeps_the_registered_run():
    import time

    store = big_store()
    assert len(store.items) > 8_000
    start = time.perf_counter()
    items = select_evidence(section("Model Performance", model="sweep_model"), store)
    summary = select_evidence(section("Executive Summary"), store)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0, elapsed
    ids = {i.id for i in items}
    last = f"r:{999:08x}"
    assert f"{last}:metric:auc" in ids and "mv:sweep_model:1" in ids
    assert not any(i.startswith("r:00000000") for i in ids)  # runs behind no version stay out
    assert f"{last}:metric:auc" in {i.id for i in summary[:40]}
    assert len(compact(items)) < 4000
