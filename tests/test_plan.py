"""Section expansion and planning (per_model numbering, headings, stable ids, plan checks)."""

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
from autodoc.plan.planner import expand_sections, slug
from autodoc.spec import SectionSpec, Spec

RUN_A = "a1b2c3d4" + "0" * 24
RUN_B = "b1b2c3d4" + "0" * 24
RUN_C = "c1b2c3d4" + "0" * 24


def _code(eid: str, kind: str, label: str, value: object, line: int, topics: list[str]) -> EvidenceItem:
    return EvidenceItem(
        id=eid,
        kind=kind,
        label=label,
        value=value,
        topics=topics,
        live=True,
        source=Source(kind="code", path="train.py", line_start=line, line_end=line),
    )


def _ml(
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
        _code(
            "c:train.py:10:estimator",
            "estimator",
            "GradientBoostingClassifier (train.py)",
            "GradientBoostingClassifier",
            10,
            ["model", "training"],
        ),
        _code(
            "c:train.py:10:param:max_depth",
            "param",
            "max_depth of GradientBoostingClassifier",
            6,
            10,
            ["model", "training"],
        ),
        _code("c:train.py:5:split", "split", "train_test_split test_size", 0.25, 5, ["validation", "data"]),
        _code("c:train.py:3:data_source", "data_source", "training data", "data/churn.csv", 3, ["data"]),
        _ml("x:1", "experiment", "experiment churn", "churn", ["mlflow"]),
    ]
    for run in runs:
        r8 = run.evidence_id
        items.append(
            _ml(r8, "run", f"run {run.run_name}", run.run_name, ["training", "mlflow"], run=run.run_id)
        )
        for key, val in run.metrics.items():
            items.append(
                _ml(
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
                _ml(
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
                _ml(
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
                    _ml(
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


def test_per_model_section_expands_to_numbered_subsections_headed_by_model() -> None:
    sections = expand_sections(make_spec(), make_evidence())
    assert [(s.number, s.heading) for s in sections] == [
        ("1", "Executive Summary"),
        ("2", "Model Performance"),
        ("2.1", "churn_model"),
        ("2.2", "fraud_model"),
        ("3", "Validation"),
    ]
    parent = sections[1]
    assert parent.is_container and not parent.blocks
    assert [s.level for s in sections[2:4]] == [2, 2]
    assert [s.model for s in sections[2:4]] == ["churn_model", "fraud_model"]


def test_section_ids_are_stable_slugs_and_unique() -> None:
    first = [s.id for s in expand_sections(make_spec(), make_evidence())]
    second = [s.id for s in expand_sections(make_spec(), make_evidence())]
    assert first == second
    assert first == [
        "executive-summary",
        "model-performance",
        "model-performance--churn_model",
        "model-performance--fraud_model",
        "validation",
    ]
    assert slug("Data & Features (v2)") == "data-features-v2"


def test_no_two_identical_headings_even_when_a_model_is_named_like_a_section() -> None:
    spec = Spec(
        title="t",
        sections=[
            SectionSpec(name="churn_model"),
            SectionSpec(name="Perf", per_model=True),
            SectionSpec(name="Perf", per_model=True),
        ],
    )
    headings = [s.heading.casefold() for s in expand_sections(spec, make_evidence())]
    assert len(headings) == len(set(headings))


def test_per_model_section_without_models_says_none_were_found() -> None:
    sections = expand_sections(make_spec(), make_evidence(models=False))
    perf = sections[1]
    assert (perf.number, perf.heading, perf.is_container) == ("2", "Model Performance", False)
    assert perf.status == "written"
    assert "No registered models were found" in perf.blocks[0].content.text
    assert [s.number for s in sections] == ["1", "2", "3"]


def test_a_plan_naming_missing_evidence_is_reasked(fake_llm) -> None:  # type: ignore[no-untyped-def]
    from autodoc.llm.registry import get_provider
    from autodoc.pipeline.schedule import Session
    from autodoc.plan.planner import assign_evidence, plan_section
    from autodoc.progress import Progress
    from tests.support.llm_fixtures import llm_settings

    evidence = make_evidence()
    section = expand_sections(make_spec(), evidence)[2]  # 2.1 churn_model
    assign_evidence(section, evidence)
    invented = {"type": "narrative", "guidance": "x", "evidence_ids": ["c:nope.py:1:fact"]}
    table = {
        "type": "table",
        "title": "Versions",
        "source": {"kind": "model_versions", "model": "churn_model"},
    }
    fake_llm.reply({"blocks": [invented, table]}, {"blocks": [table]})
    session = Session(get_provider(llm_settings(fake_llm, "openai")), Progress(), evidence)
    result = plan_section(section, evidence, session, "Doc", feedback="add a versions table")
    assert len(fake_llm.requests) == 2
    assert "c:nope.py:1:fact" in fake_llm.requests[1].text.split("cannot be used")[-1]
    assert [b.plan.type for b in result.blocks] == ["table"]
    assert [b.id for b in result.blocks] == ["model-performance--churn_model.b1"]
    first = fake_llm.requests[0].text
    assert "Section 2.1: churn_model" in first and "Reviewer feedback: add a versions table" in first
    assert "mv:churn_model:2" in first and "fraud_model" not in first.split("Evidence")[-1]
    assert result.usage.reasks == 1


def test_blocks_still_naming_missing_evidence_after_reasks_are_dropped_and_said(fake_llm) -> None:  # type: ignore[no-untyped-def]
    from autodoc.llm.registry import get_provider
    from autodoc.pipeline.schedule import Session
    from autodoc.plan.planner import assign_evidence, plan_section
    from autodoc.progress import Progress
    from tests.support.llm_fixtures import llm_settings

    evidence = make_evidence()
    section = expand_sections(make_spec(), evidence)[2]
    assign_evidence(section, evidence)
    invented = {"type": "narrative", "guidance": "x", "evidence_ids": ["c:nope.py:1:fact"]}
    table = {
        "type": "table",
        "title": "Versions",
        "source": {"kind": "model_versions", "model": "churn_model"},
    }
    fake_llm.reply(*[{"blocks": [invented, table]}] * 3)  # never corrected
    session = Session(get_provider(llm_settings(fake_llm, "openai")), Progress(), evidence)
    result = plan_section(section, evidence, session, "Doc")
    assert [b.plan.type for b in result.blocks] == ["table"]
    assert result.error and "1 planned block(s) named evidence that does not exist" in result.error
