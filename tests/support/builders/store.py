"""A small evidence store shaped like the demo project (two registered models, a KILLED run,
a legacy estimator), and a large one for selection at scale."""

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

LOGREG_V1 = "a1b2c3d4" + "0" * 24
LOGREG_V2 = "b2c3d4e5" + "0" * 24
GBM_V1 = "c3d4e5f6" + "0" * 24
GBM_KILLED = "d4e5f6a7" + "0" * 24


def code_item(
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


def run_info(
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
        run_info(
            LOGREG_V1,
            "logreg-baseline",
            "FINISHED",
            {"roc_auc": 0.9934628, "accuracy": 0.9649123, "f1": 0.9523810},
            {"logreg.C": "1.0", "logreg.max_iter": "500", "test_size": "0.2"},
            images=["plots/roc_curve.png"],
            start="2026-11-20T10:00:00",
        ),
        run_info(
            LOGREG_V2,
            "logreg-strong-reg",
            "FINISHED",
            {"roc_auc": 0.9871, "accuracy": 0.9561404, "f1": 0.9397590},
            {"logreg.C": "0.1", "logreg.max_iter": "500", "test_size": "0.2"},
            start="2026-11-20T11:00:00",
        ),
        run_info(
            GBM_V1,
            "gbm-baseline",
            "FINISHED",
            {"roc_auc": 0.9905, "accuracy": 0.9473684, "f1": 0.9285714},
            {"gbm.n_estimators": "120", "gbm.learning_rate": "0.1", "test_size": "0.2"},
            images=["plots/confusion_matrix.png"],
            history={"train_loss": [(10, 0.9), (20, 0.6), (30, 0.41)]},
            start="2026-11-20T12:00:00",
        ),
        run_info(
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
            items += run_items(run, Source(kind="mlflow", run_id=run.run_id, experiment_id=exp.experiment_id))
    return items


def run_items(run: RunInfo, src: Source) -> list[EvidenceItem]:
    """A run and what it logged: metrics, params, metric histories, images."""
    r8 = run.evidence_id
    of_run = f"of run {r8[2:]}"
    items = [
        ml_item(r8, "run", f"run {run.run_name}", run.run_name, src, status=run.status, run_name=run.run_name)
    ]
    items += [
        ml_item(f"{r8}:metric:{k}", "run_metric", f"{k} {of_run}", v, src) for k, v in run.metrics.items()
    ]
    items += [ml_item(f"{r8}:param:{k}", "run_param", f"{k} {of_run}", v, src) for k, v in run.params.items()]
    items += [
        ml_item(f"{r8}:hist:{k}", "metric_history", f"{k} history {of_run}", [v for _, v in series], src)
        for k, series in run.metric_history.items()
    ]
    items += [
        ml_item(f"{r8}:art:{path}", "artifact", path, path, src, image=True) for path in run.image_artifacts
    ]
    return items


def ml_item(eid: str, kind: str, label: str, value: object, source: Source, **attrs: object) -> EvidenceItem:
    return EvidenceItem(id=eid, kind=kind, label=label, value=value, attrs=attrs, source=source)


def code_items() -> list[EvidenceItem]:
    return [
        code_item(
            "readme",
            "README.md",
            1,
            None,
            "README",
            live=None,
            text="Predicts the probability that a breast mass is malignant. 569 samples.",
        ),
        code_item("entry_point", "train.py", 199, "train.py", "entry point train.py"),
        code_item(
            "data_source", "data.py", 12, "load_breast_cancer", "load_breast_cancer (scikit-learn dataset)"
        ),
        code_item("target", "data.py", 8, "malignant", "target column malignant"),
        code_item(
            "split",
            "train.py",
            204,
            "train_test_split",
            "train_test_split (train.py)",
            attrs={"test_size": 0.2, "stratify": True, "random_state": 42},
        ),
        code_item(
            "cv", "train.py", 103, "StratifiedKFold", "StratifiedKFold (train.py)", attrs={"n_splits": 5}
        ),
        code_item("threshold", "config.yaml", 10, 0.35, "decision threshold 0.35", live=None),
        code_item(
            "estimator",
            "train.py",
            76,
            "LogisticRegression",
            "LogisticRegression (train.py)",
            attrs={"scope": "build_logreg"},
        ),
        code_item("param", "train.py", 76, 500, "max_iter", name="max_iter"),
        code_item(
            "estimator",
            "train.py",
            89,
            "GradientBoostingClassifier",
            "GradientBoostingClassifier (train.py)",
            attrs={"scope": "build_gbm"},
        ),
        code_item("param", "train.py", 89, 3, "max_depth", name="max_depth"),
        code_item(
            "estimator",
            "legacy_train.py",
            23,
            "RandomForestClassifier",
            "RandomForestClassifier (legacy_train.py)",
            live=False,
        ),
        code_item("param", "legacy_train.py", 23, 500, "n_estimators", name="n_estimators", live=False),
        code_item("preprocessing", "features.py", 30, "StandardScaler", "StandardScaler (features.py)"),
        code_item("metric", "evaluate.py", 24, "roc_auc_score", "roc_auc_score (evaluate.py)"),
        code_item("seed", "train.py", 204, 42, "random_state = 42"),
        code_item("function", "helpers.py", 3, "helper", "helper", topics=["code"]),
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
def big_store(n_runs: int = 1000) -> EvidenceStore:
    """A registry with one model whose latest version comes from the last of `n_runs` runs."""
    runs = [
        run_info(
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
