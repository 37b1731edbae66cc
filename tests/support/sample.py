"""A synthetic reviewed document (tests and the rerun benchmark seed the app with it)."""

from __future__ import annotations

import base64

from autodoc.document import (
    Block,
    Cell,
    ChartContent,
    ChartPlan,
    DocumentState,
    FigureFlag,
    ImageContent,
    ImagePlan,
    NarrativeContent,
    NarrativePlan,
    Section,
    Series,
    SeriesSource,
    TableContent,
    TablePlan,
    TableSource,
)
from autodoc.evidence import EvidenceItem, Source

# a 1x1 PNG: the smallest real image artifact
_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _item(i: int, metric: str) -> EvidenceItem:
    return EvidenceItem(
        id=f"r:run{i:04d}:metric:{metric}",
        kind="run_metric",
        label=f"{metric} of run {i}",
        value=0.8 + i / 1000,
        source=Source(kind="mlflow", run_id=f"run{i:04d}"),
    )


def sample_section(
    n: int, *, chart: bool, flagged: bool, image: bool = False
) -> tuple[Section, list[EvidenceItem]]:
    """One written section: a narrative with citations, a table and maybe a chart."""
    sid = f"section-{n}"
    items = [_item(n, m) for m in ("auc", "f1", "precision", "recall")]
    cites = " ".join(f"[[{it.id}]]" for it in items[:2])
    text = (
        f"Section {n} describes the model as the evidence shows it. The AUC on the holdout set is "
        f"{items[0].value:.3f} {cites}. "
        + "The code trains a gradient boosting classifier. " * 6
        + ("\n\nIt also claims an accuracy of 0.999." if flagged else "")
        + f"\n\n- recall {items[3].value:.3f} [[{items[3].id}]]\n- precision {items[2].value:.3f} "
        f"[[{items[2].id}]]"
    )
    blocks = [
        Block(
            id=f"{sid}.b1",
            plan=NarrativePlan(title="Overview", guidance="Summarise.", evidence_ids=[i.id for i in items]),
            content=NarrativeContent(text=text, citations=[i.id for i in items]),
            status="flagged" if flagged else "approved",
            flags=[FigureFlag(figure="0.999", context="accuracy of 0.999")] if flagged else [],
        ),
        Block(
            id=f"{sid}.b2",
            plan=TablePlan(title="Metrics", source=TableSource(kind="evidence")),
            content=TableContent(
                caption=f"Metrics of section {n}",
                columns=["metric", "value"],
                rows=[[Cell(value=it.label), Cell(value=it.value, evidence_id=it.id)] for it in items],
                citations=[i.id for i in items],
            ),
            status="approved",
        ),
    ]
    if chart:
        blocks.append(
            Block(
                id=f"{sid}.b3",
                plan=ChartPlan(title="AUC", series=SeriesSource(kind="evidence")),
                content=ChartContent(
                    caption=f"Metrics of section {n}",
                    chart_type="bar",
                    series=[
                        Series(
                            name="value",
                            x=[i.label for i in items],
                            y=[float(i.value) for i in items],
                            evidence_ids=[i.id for i in items],
                        )
                    ],
                ),
                status="approved",
            )
        )
    if image:
        art = f"r:run{n:04d}:art:roc.png"
        blocks.append(
            Block(
                id=f"{sid}.b4",
                plan=ImagePlan(title="ROC curve", artifact_id=art),
                content=ImageContent(
                    caption=f"ROC curve logged by run {n}",
                    artifact_id=art,
                    data_b64=base64.b64encode(_PNG).decode(),
                ),
                status="approved",
            )
        )
    sec = Section(
        id=sid,
        number=str(n),
        heading=f"Section {n}",
        spec_name=f"Section {n}",
        status="flagged" if flagged else "approved",
        blocks=blocks,
        plan_approved=True,
    )
    return sec, items


def sample_document(sections: int = 25) -> DocumentState:
    """A reviewed document: every third section with a chart, every fifth an image, two flagged."""
    secs, items = [], {}
    for n in range(1, sections + 1):
        sec, its = sample_section(n, chart=n % 3 == 0, flagged=n in (2, 7), image=n % 5 == 0)
        secs.append(sec)
        items.update({i.id: i for i in its})
    return DocumentState(
        title="Sample Model Documentation",
        authors="Model Risk",
        spec={"title": "Sample"},
        sections=secs,
        evidence_items=items,
    )
