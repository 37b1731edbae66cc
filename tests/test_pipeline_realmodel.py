"""Opt-in: the whole plan -> write path against a real tiny model (OpenAI-compatible server).

Set `AUTODOC_REAL_MODEL_URL` (llama-server with SmolLM2-135M, see ../shared/ENVIRONMENT.md).
The model writes fluent nonsense: assert structure only (the run completes, citations
resolve, every figure it invents is flagged and reported), never content.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from autodoc import pipeline
from autodoc.document import CITATION_RE
from autodoc.pipeline.report import run_report
from autodoc.settings import Settings
from autodoc.spec import SectionSpec, Spec
from tests.support.builders.evidence import make_evidence

URL = os.environ.get("AUTODOC_REAL_MODEL_URL")
pytestmark = [
    pytest.mark.realmodel,
    pytest.mark.slow,
    pytest.mark.skipif(not URL, reason="set AUTODOC_REAL_MODEL_URL to an OpenAI-compatible server"),
]


def test_a_real_model_run_completes_and_its_inventions_are_flagged(tmp_path: Path) -> None:
    settings = Settings(
        provider="openai",
        base_url=URL,
        model=os.environ.get("AUTODOC_REAL_MODEL_NAME", "smollm2"),
        openai_api_key="local-server-ignores-keys",
        timeout=180.0,
        max_retries=1,
        initial_backoff=0.5,
        max_backoff=2.0,
        planning_workers=1,
        generation_workers=1,
        output_dir=str(tmp_path),
    )
    spec = Spec(title="Churn model", sections=[SectionSpec(name="Model Performance", per_model=True)])
    evidence = make_evidence()
    state = pipeline.plan_and_write(spec, evidence, settings)
    assert [s.number for s in state.sections] == ["1", "1.1", "1.2"]
    for sec in state.sections[1:]:
        assert sec.status in ("written", "flagged", "failed")
    for _, blk in state.blocks():
        if blk.content is not None and blk.content.type == "narrative":
            assert all(evidence.has(eid) for eid in re.findall(CITATION_RE, blk.content.text))
    report = run_report(state)
    assert len(report["flagged"]) == sum(len(b.flags) for _, b in state.flagged())
    assert report["egress"]["calls"] == state.usage.calls > 0
