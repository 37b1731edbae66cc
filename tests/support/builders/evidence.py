"""A compact evidence store and spec for planning, writing and pipeline tests."""

from __future__ import annotations

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
from autodoc.spec import SectionSpec, Spec

RUN_A = "a1b2c3d4" + "0" * 24
RUN_B = "b1b2c3d4" + "0" * 24
RUN_C = "c1b2c3d4" + "0" * 24


def code_item(eid: str, kind: str, label: str, value: object, line: int, topics: list[str]) -> EvidenceItem:
    return EvidenceItem(
        id=eid,
        kind=kind,
        label=label,
        value=value,
        topics=topics,
        live=True,
        source=Source(kind="code", path="train.py", line_start=line, line_end=line),
    )


def ml_item(
    eid: str,
    kind: str,
    label: str,
    value: object,
    topics: list[str],
    run: str | None = None,
    model: str | None = None,
    version: str | None = None,
) -> EvidenceItem:
    return EvidenceItem(
        id=eid,
        kind=kind,
        label=label,
        value=value,
        topics=topics,
        source=Source(
            kind="mlflow", uri="sqlite:///x.db", run_id=run, model_name=model, model_version=version
        ),
    )


def make_evidence(models: bool = True, auc_b: float = 0.8731) -> EvidenceStore:
    """A small hand-built store: two registered models, three runs, a few code facts."""
    runs = [
        RunInfo(
            run_id=RUN_A,
            run_name="churn-v1",
            experiment_id="1",
            status="FINISHED",
            params={"max_depth": "4", "sklearn_version": "1.9.0"},
            metrics={"auc": 0.8412, "accuracy": 0.7925},
            evidence_id="r:a1b2c3d4",
        ),
        RunInfo(
            run_id=RUN_B,
            run_name="churn-v2",
            experiment_id="1",
            status="FINISHED",
            params={"max_depth": "6"},
            metrics={"auc": auc_b, "accuracy": 0.8104},
            evidence_id="r:b1b2c3d4",
        ),
        RunInfo(
            run_id=RUN_C,
            run_name="fraud-v1",
            experiment_id="1",
            status="FINISHED",
            params={"n_estimators": "200"},
            metrics={"auc": 0.9312},
            evidence_id="r:c1b2c3d4",
        ),
    ]
    items = [
        code_item(
            "c:train.py:10:estimator",
            "estimator",
            "GradientBoostingClassifier (train.py)",
            "GradientBoostingClassifier",
            10,
            ["model", "training"],
        ),
        code_item(
            "c:train.py:10:param:max_depth",
            "param",
            "max_depth of GradientBoostingClassifier",
            6,
            10,
            ["model", "training"],
        ),
        code_item(
            "c:train.py:5:split", "split", "train_test_split test_size", 0.25, 5, ["validation", "data"]
        ),
        code_item("c:train.py:3:data_source", "data_source", "training data", "data/churn.csv", 3, ["data"]),
        ml_item("x:1", "experiment", "experiment churn", "churn", ["mlflow"]),
    ]
    for run in runs:
        r8 = run.evidence_id
        items.append(
            ml_item(r8, "run", f"run {run.run_name}", run.run_name, ["training", "mlflow"], run=run.run_id)
        )
        for key, val in run.metrics.items():
            items.append(
                ml_item(
                    f"{r8}:metric:{key}",
                    "run_metric",
                    f"{key} of run {run.run_name}",
                    val,
                    ["evaluation", "mlflow"],
                    run=run.run_id,
                )
            )
        for key, val in run.params.items():
            items.append(
                ml_item(
                    f"{r8}:param:{key}",
                    "run_param",
                    f"{key} of run {run.run_name}",
                    val,
                    ["model", "training"],
                    run=run.run_id,
                )
            )
    registered = []
    if models:
        registered = [
            RegisteredModelInfo(
                name="churn_model",
                aliases={"champion": "2"},
                evidence_id="m:churn_model",
                versions=[
                    ModelVersionInfo(version="1", run_id=RUN_A, evidence_id="mv:churn_model:1"),
                    ModelVersionInfo(
                        version="2", run_id=RUN_B, aliases=["champion"], evidence_id="mv:churn_model:2"
                    ),
                ],
            ),
            RegisteredModelInfo(
                name="fraud_model",
                evidence_id="m:fraud_model",
                versions=[ModelVersionInfo(version="1", run_id=RUN_C, evidence_id="mv:fraud_model:1")],
            ),
        ]
        for rm in registered:
            items.append(
                ml_item(
                    rm.evidence_id,
                    "registered_model",
                    f"registered model {rm.name}",
                    rm.name,
                    ["model", "mlflow", "deployment"],
                    model=rm.name,
                )
            )
            for mv in rm.versions:
                items.append(
                    ml_item(
                        mv.evidence_id,
                        "model_version",
                        f"{rm.name} version {mv.version}",
                        mv.version,
                        ["model", "mlflow"],
                        run=mv.run_id,
                        model=rm.name,
                        version=mv.version,
                    )
                )
    return EvidenceStore(
        created_at="2026-11-22T00:00:00Z",
        generator_version="test",
        code=CodeReport(
            root="/proj",
            commit="abc123",
            dirty=False,
            files=[FileRecord(path="train.py", sha256="0" * 64, size=100, kind="python", rank=0)],
        ),
        mlflow=MlflowSnapshot(
            tracking_uri="sqlite:///x.db",
            registered_models=registered,
            experiments=[ExperimentInfo(experiment_id="1", name="churn", runs=runs, evidence_id="x:1")],
        ),
        items=items,
    )


def make_spec(per_model_second: bool = True) -> Spec:
    return Spec(
        title="Churn model documentation",
        sections=[
            SectionSpec(name="Executive Summary"),
            SectionSpec(name="Model Performance", per_model=per_model_second, hint="metrics per version"),
            SectionSpec(name="Validation", hint="do not describe validation that was not implemented"),
        ],
    )
