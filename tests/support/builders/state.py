"""Hand-built DocumentState fixtures for the renderer tests and benchmarks/build.py.

Holds no tests: it covers per_model sections, every block type, a flagged block, a failed
block, a failed section and an image, with evidence values chosen to exercise formatting.
"""

from __future__ import annotations

import base64
import struct
import zlib

from autodoc.document import (
    Block,
    Cell,
    ChartContent,
    ChartPlan,
    DocumentState,
    FigureFlag,
    ImageContent,
    ImagePlan,
    ListContent,
    ListItem,
    ListPlan,
    NarrativeContent,
    NarrativePlan,
    Provenance,
    Section,
    Series,
    SeriesSource,
    TableContent,
    TablePlan,
    TableSource,
    Usage,
)
from autodoc.evidence import EvidenceItem, Source

RUN = "3f2a1b9c0d4e5f60718293a4b5c6d7e8"
RUN2 = "9a8b7c6d5e4f30211203948576a5b4c3"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
UI = "http://mlflow.example.test:5000"


def tiny_png(width: int = 40, height: int = 30) -> bytes:
    """A valid RGB PNG (a colour gradient) built without any imaging library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 6 % 256, y * 8 % 256, 128)) for x in range(width))
        for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def code_item(eid: str, label: str, value: object, line: int, end: int | None = None) -> EvidenceItem:
    src = Source(kind="code", path="train.py", line_start=line, line_end=end, commit=COMMIT)
    return EvidenceItem(id=eid, kind="param", label=label, value=value, source=src)


def ml_item(eid: str, label: str, value: object, **src: object) -> EvidenceItem:
    return EvidenceItem(
        id=eid, kind="run_metric", label=label, value=value, source=Source(kind="mlflow", **src)
    )


def evidence() -> dict[str, EvidenceItem]:
    items = [
        code_item(
            "c:train.py:42:estimator",
            "GradientBoostingClassifier (train.py)",
            "GradientBoostingClassifier",
            42,
            48,
        ),
        code_item("c:train.py:42:param:max_depth", "max_depth of GradientBoostingClassifier", 3, 44),
        code_item("c:train.py:12:split", "train/test split", 0.2, 12),
        ml_item(
            "r:3f2a1b9c:metric:auc",
            "auc of run 3f2a1b9c",
            0.8374628173,
            run_id=RUN,
            experiment_id="1",
            uri=f"{UI}/#/experiments/1/runs/{RUN}",
        ),
        ml_item(
            "r:3f2a1b9c:metric:logloss", "logloss of run 3f2a1b9c", 0.31234, run_id=RUN, experiment_id="1"
        ),
        ml_item("r:3f2a1b9c:param:n_estimators", "n_estimators of run 3f2a1b9c", "200", run_id=RUN),
        ml_item("r:3f2a1b9c:metric:rows", "training rows of run 3f2a1b9c", 1234567, run_id=RUN),
        ml_item("r:9a8b7c6d:metric:auc", "auc of run 9a8b7c6d", 0.912, run_id=RUN2),
        ml_item(
            "mv:breast_cancer_gbm:3",
            "breast_cancer_gbm version 3",
            "3",
            model_name="breast_cancer_gbm",
            model_version="3",
            run_id=RUN,
        ),
        ml_item(
            "r:3f2a1b9c:art:plots/roc.png", "ROC curve artifact plots/roc.png", "plots/roc.png", run_id=RUN
        ),
    ]
    return {item.id: item for item in items}


def block(section_id: str, n: int, plan: object, content: object | None, **kw: object) -> Block:
    status = kw.pop("status", "written")
    return Block(id=f"{section_id}.b{n}", plan=plan, content=content, status=status, **kw)


def _intro() -> Section:
    sid = "introduction"
    text = (
        "This document describes the **breast cancer** classifier trained in `train.py` "
        "[[c:train.py:42:estimator]]. Its test AUC is 0.837 [[r:3f2a1b9c:metric:auc]].\n\n"
        "Key settings:\n"
        "- maximum depth 3 [[c:train.py:42:param:max_depth]]\n"
        "- 200 estimators [[r:3f2a1b9c:param:n_estimators]][[c:train.py:42:estimator]]"
    )
    plan = NarrativePlan(guidance="overview")
    content = NarrativeContent(text=text, citations=["c:train.py:42:estimator", "r:3f2a1b9c:metric:auc"])
    return Section(
        id=sid,
        number="1",
        heading="Introduction",
        spec_name="Introduction",
        status="written",
        blocks=[block(sid, 1, plan, content)],
    )


def _data() -> Section:
    sid = "data"
    plan = ListPlan(title="Data facts", guidance="list")
    content = ListContent(
        items=[
            ListItem(text="20% of rows held out for testing", evidence_ids=["c:train.py:12:split"]),
            ListItem(text="1,234,567 training rows [[r:3f2a1b9c:metric:rows]]", evidence_ids=[]),
        ]
    )
    return Section(
        id=sid,
        number="2",
        heading="Data",
        spec_name="Data",
        status="written",
        blocks=[block(sid, 1, plan, content)],
    )


def _gbm() -> Section:
    sid = "model-performance--breast_cancer_gbm"
    table_plan = TablePlan(title="Metrics", source=TableSource(kind="evidence"))
    table = TableContent(
        caption="Test metrics of breast_cancer_gbm version 3",
        columns=["Metric", "Value", "Run"],
        rows=[
            [
                Cell(value="auc"),
                Cell(value=0.8374628173, evidence_id="r:3f2a1b9c:metric:auc"),
                Cell(value=RUN[:8]),
            ],
            [
                Cell(value="logloss"),
                Cell(value=0.31234, evidence_id="r:3f2a1b9c:metric:logloss"),
                Cell(value=RUN[:8]),
            ],
            [Cell(value="rows"), Cell(value=1234567, evidence_id="r:3f2a1b9c:metric:rows"), Cell(value=None)],
        ],
        note="Metrics logged on the held-out test split.",
    )
    chart_plan = ChartPlan(title="AUC by version", series=SeriesSource(kind="metric_across_versions"))
    chart = ChartContent(
        caption="AUC by model version",
        chart_type="bar",
        x_label="version",
        y_label="AUC",
        series=[
            Series(
                name="auc",
                x=["2", "3"],
                y=[0.912, 0.8374628173],
                evidence_ids=["r:9a8b7c6d:metric:auc", "r:3f2a1b9c:metric:auc"],
            )
        ],
    )
    return Section(
        id=sid,
        number="3.1",
        heading="breast_cancer_gbm",
        spec_name="Model Performance",
        model="breast_cancer_gbm",
        level=2,
        status="written",
        blocks=[block(sid, 1, table_plan, table), block(sid, 2, chart_plan, chart)],
    )


def _churn() -> Section:
    sid = "model-performance--churn_model"
    narrative = NarrativeContent(
        text="The churn model reaches an AUC of 0.95 on validation [[r:9a8b7c6d:metric:auc]].",
        citations=["r:9a8b7c6d:metric:auc"],
    )
    flags = [FigureFlag(figure="0.95", context="reaches an AUC of 0.95 on validation")]
    chart = ChartContent(
        caption="Training loss by step",
        chart_type="line",
        x_label="step",
        y_label="loss",
        series=[
            Series(name="train", x=[0, 1, 2, 3], y=[0.9, 0.5, 0.35, 0.3]),
            Series(name="valid", x=[0, 1, 2, 3], y=[0.95, 0.6, 0.45, 0.41]),
        ],
        citations=["r:3f2a1b9c:metric:logloss"],
    )
    image = ImageContent(
        caption="ROC curve logged by the training run",
        artifact_id="r:3f2a1b9c:art:plots/roc.png",
        data_b64=base64.b64encode(tiny_png()).decode(),
    )
    blocks = [
        block(sid, 1, NarrativePlan(guidance="perf"), narrative, status="flagged", flags=flags),
        block(
            sid,
            2,
            ChartPlan(title="Loss", chart_type="line", series=SeriesSource(kind="metric_history")),
            chart,
        ),
        block(sid, 3, ImagePlan(title="ROC", artifact_id="r:3f2a1b9c:art:plots/roc.png"), image),
    ]
    return Section(
        id=sid,
        number="3.2",
        heading="churn_model",
        spec_name="Model Performance",
        model="churn_model",
        level=2,
        status="flagged",
        blocks=blocks,
    )


def _limitations() -> Section:
    sid = "limitations"
    failed = block(
        sid,
        1,
        NarrativePlan(title="Known weaknesses", guidance="x"),
        None,
        status="failed",
        error="LLM call timed out after 3 attempts",
    )
    ok = block(
        sid,
        2,
        NarrativePlan(guidance="y"),
        NarrativeContent(text="Depth is limited to 3 [[c:train.py:42:param:max_depth]]."),
    )
    return Section(
        id=sid,
        number="4",
        heading="Limitations",
        spec_name="Limitations",
        status="written",
        blocks=[failed, ok],
    )


def make_state() -> DocumentState:
    """A small document covering every renderer path."""
    container = Section(
        id="model-performance",
        number="3",
        heading="Model Performance",
        spec_name="Model Performance",
        is_container=True,
        status="written",
    )
    monitoring = Section(
        id="monitoring",
        number="5",
        heading="Monitoring",
        spec_name="Monitoring",
        status="failed",
        error="planning failed: provider returned invalid JSON twice",
    )
    return DocumentState(
        title="Breast Cancer Classifier Documentation",
        authors="Model Risk Team",
        version="2.1",
        spec={"title": "Breast Cancer Classifier Documentation", "sections": []},
        sections=[_intro(), _data(), container, _gbm(), _churn(), _limitations(), monitoring],
        provenance=_provenance(),
        usage=Usage(calls=12, input_tokens=34567, output_tokens=4567),
        evidence_items=evidence(),
        models_covered=[
            {"name": "breast_cancer_gbm", "versions": ["2", "3"], "aliases": {"champion": "3"}},
            {"name": "churn_model", "versions": ["1"], "aliases": {}},
        ],
        notes=["Text written by the offline writer (no LLM)."],
    )


def _provenance() -> Provenance:
    return Provenance(
        generator_version="0.1.0",
        generated_at="2026-11-22T05:00:00+00:00",
        spec_hash="abc123def456",
        spec_path="doc_spec.yaml",
        code_root="examples/project",
        code_commit=COMMIT,
        code_dirty=True,
        files_scanned=14,
        mlflow_uri="https://user:s3cret@mlflow.example.test/",
        runs_used=[RUN, RUN2],
        model_versions_used=["breast_cancer_gbm v3"],
        library_versions={"scikit-learn": "1.9.0", "mlflow": "3.17.2"},
        provider="offline",
        model=None,
    )


def make_big_state(sections: int = 25, charts: int = 20) -> DocumentState:
    """A benchmark-sized document: `sections` sections, `charts` charts spread over them."""
    state = make_state()
    base = state.sections
    out: list[Section] = []
    chart_left = charts
    for i in range(sections):
        template = base[i % len(base)]
        sec = template.model_copy(deep=True)
        sec.id, sec.number, sec.level, sec.is_container = f"s{i}", str(i + 1), 1, False
        blocks = [b for b in sec.blocks if b.content is None or b.content.type != "chart"]
        if not blocks:
            blocks = [b.model_copy(deep=True) for b in base[0].blocks]
        if chart_left:
            chart_block = (base[3].blocks[1] if i % 2 else base[4].blocks[1]).model_copy(deep=True)
            for series in chart_block.content.series:  # distinct data: no image de-duplication
                series.y = [round(y * (1 - i / 100), 4) for y in series.y]
            blocks.append(chart_block)
            chart_left -= 1
        for n, blk in enumerate(blocks, start=1):
            blk.id = f"s{i}.b{n}"
        sec.blocks, sec.error, sec.status = blocks, None, "written"
        out.append(sec)
    state.sections = out
    return state
