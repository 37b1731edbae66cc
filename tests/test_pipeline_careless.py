"""A model we did not tune: schema-valid, careless, seeded (tests.support.careless).

The bench-sized document (14 sections, 3 per_model, 2 registered models: 17 sections)
goes through both real SDKs against the fake server answering as that model: every
section carries the LLM's prose, every planted figure that reaches the document is
flagged, and the run report counts the blocks it dropped and the plans it fell back on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autodoc import pipeline
from autodoc.document import CITATION_RE, DocumentState
from autodoc.pipeline.report import run_report
from tests.support.builders.store import sample_store
from tests.support.careless import CarelessModel, bench_spec
from tests.support.fake_llm import FakeLLM
from tests.support.llm_fixtures import llm_settings


def _run(
    fake: FakeLLM, tmp: Path, provider: str, plan: str, seed: int
) -> tuple[DocumentState, CarelessModel]:
    model = CarelessModel(seed=seed)
    fake.responder = model
    settings = llm_settings(
        fake, provider, output_dir=str(tmp / "out"), plan=plan, planning_workers=4, generation_workers=4
    )
    return pipeline.plan_and_write(bench_spec(), sample_store(), settings), model


def _llm_prose(state: DocumentState) -> dict[str, bool]:
    return {
        sec.number: any(
            b.plan.type in ("narrative", "list") and b.content is not None and b.usage.calls > 0
            for b in sec.blocks
        )
        for sec in state.sections
        if not sec.is_container
    }


@pytest.mark.parametrize(("provider", "seed"), [("openai", 3), ("anthropic", 5)])
def test_a_careless_model_writes_every_section_and_every_planted_figure_is_flagged(
    fake_llm: FakeLLM, tmp_path: Path, provider: str, seed: int
) -> None:
    state, model = _run(fake_llm, tmp_path, provider, "llm", seed)
    prose = _llm_prose(state)
    assert len(prose) == 17 and all(prose.values()), prose
    assert model.fenced and model.wrong and model.planted  # the model really was careless
    texts = [(b, b.content.text) for _, b in state.blocks() if b.content and b.content.type == "narrative"]
    for block, text in texts:
        for figure in model.planted:
            if figure in text:
                assert figure in {f.figure for f in block.flags}, (block.id, figure, text)
    known = set(state.evidence_items)
    for _, text in texts:  # a mangled or unknown handle lost its citation
        assert "[[E" not in text and all(c in known for c in cited(text))
    report = run_report(state)
    totals = report["totals"]
    said = [n for n in report["notes"] if "left out" in n or "deterministic plan was used" in n]
    assert totals["dropped_blocks"] + totals["plan_fallbacks"] > 0
    assert len(said) == sum(1 for s in state.sections if s.plan_note)
    dropped = [int(m) for n in said for m in re.findall(r"(\d+) planned block", n)]
    assert sum(dropped) == totals["dropped_blocks"]


def test_with_the_deterministic_plan_the_llm_only_writes(fake_llm: FakeLLM, tmp_path: Path) -> None:
    state, _ = _run(fake_llm, tmp_path, "openai", "offline", 9)
    prose = _llm_prose(state)
    assert all(prose.values()), prose
    purposes = [r.body["messages"][-1]["content"] for r in fake_llm.requests]
    assert purposes and not any("Default plan:" in p for p in purposes)
    assert run_report(state)["totals"]["plan_fallbacks"] == 0


def cited(text: str) -> list[str]:
    return re.findall(CITATION_RE, text)
