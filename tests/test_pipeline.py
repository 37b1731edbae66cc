"""The pipeline API against the fake LLM server, driving the real openai/anthropic SDKs.

The store is hand-built (tests.support.builders.evidence.make_evidence) so these tests need no MLflow;
the demo-store end to end runs live in test_pipeline_demo.py.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from autodoc import pipeline
from autodoc.document import CITATION_RE, DocumentState
from autodoc.errors import AutodocError
from autodoc.pipeline.cache import cache_path, load_state
from autodoc.pipeline.report import run_report
from autodoc.progress import Progress
from autodoc.settings import Settings
from tests.support.builders.evidence import make_evidence, make_spec
from tests.support.fake_llm import FakeLLM, prompt_text
from tests.support.llm_fixtures import llm_settings
from tests.support.prompts import realistic_responder, writes_narrative


def _settings(fake: FakeLLM, tmp: Path, provider: str = "openai", **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "output_dir": str(tmp / "out"),
        "planning_workers": 2,
        "generation_workers": 3,
        "plan": "llm",
    }
    return llm_settings(fake, provider, **{**values, **kw})


def _run(
    fake: FakeLLM,
    tmp: Path,
    provider: str = "openai",
    evidence: Any = None,
    progress: Progress | None = None,
    **kw: Any,
) -> DocumentState:
    fake.responder = realistic_responder
    settings = _settings(fake, tmp, provider, **kw)
    return pipeline.plan_and_write(make_spec(), evidence or make_evidence(), settings, progress)


def _write_prompts(fake: FakeLLM) -> list[str]:
    return [r.text for r in fake.requests if "Write " in r.text and '"blocks"' not in r.text]


@pytest.mark.parametrize("provider", ["openai", pytest.param("anthropic", marks=pytest.mark.slow)])
def test_every_block_written_and_every_citation_resolves(
    fake_llm: FakeLLM, tmp_path: Path, provider: str
) -> None:
    progress = Progress()
    state = _run(fake_llm, tmp_path, provider, progress=progress)
    assert [s.number for s in state.sections] == ["1", "2", "2.1", "2.2", "3"]
    snap = progress.snapshot()
    assert snap.calls == len(fake_llm.requests) and snap.input_tokens > 0 and snap.output_tokens > 0
    assert snap.phases["planning"].done == snap.phases["planning"].total == 4
    assert snap.phases["generating"].done == snap.phases["generating"].total == len(state.blocks())
    assert any(e.block for e in snap.events)
    blocks = state.blocks()
    assert blocks and all(b.status == "written" for _, b in blocks), [
        (b.id, b.status, b.error) for _, b in blocks
    ]
    cited = [
        eid
        for _, b in blocks
        if b.content.type == "narrative"
        for eid in re.findall(CITATION_RE, b.content.text)
    ]
    assert cited, "the narratives cite evidence"
    assert all(eid in state.evidence_items for eid in cited)
    versions = state.section("model-performance--churn_model").blocks[-1].content
    assert versions.type == "table" and len(versions.rows) == 2  # filled by our code, 2 versions
    assert pipeline.exit_code(state) == 0
    assert load_state(cache_path(tmp_path / "out")).model_dump() == state.model_dump()


def test_fabricated_figure_is_flagged_and_reported(fake_llm: FakeLLM, tmp_path: Path) -> None:
    # first answer + 2 re-asks
    fake_llm.fault("fabricated", match=writes_narrative("Section 3: Validation"), count=3)
    state = _run(fake_llm, tmp_path)
    block = state.section("validation").blocks[0]
    assert block.status == "flagged"
    assert {f.figure for f in block.flags} >= {"0.9731"}
    assert "0.9731" in block.content.text  # kept, but visible
    report = run_report(state)
    assert any(f["figure"] == "0.9731" and f["block"] == block.id for f in report["flagged"])
    assert pipeline.exit_code(state) == 1
    others = [b for s, b in state.blocks() if s.id != "validation"]
    assert all(b.status == "written" for b in others)


def test_a_sentence_the_model_writes_is_not_taken_for_a_secret(fake_llm: FakeLLM, tmp_path: Path) -> None:
    prose = "Each token: the last position is the label. The secret: trust the held-out data."
    leak = " The warehouse password: hunter2 was in the notebook."
    fake_llm.fault("fabricated", text=prose + leak, match=writes_narrative("Section 3: Validation"), count=3)
    state = _run(fake_llm, tmp_path)
    text = state.section("validation").blocks[0].content.text
    assert prose in text  # the writer's sentences, word for word
    assert "hunter2" not in text and "password: [REDACTED:assigned_secret] was" in text


def test_reask_fixes_a_fabricated_figure(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.fault(
        "fabricated",
        match=writes_narrative("Section 1: Executive"),
        count=1,
    )
    state = _run(fake_llm, tmp_path)
    block = state.section("executive-summary").blocks[0]
    assert block.status == "written" and not block.flags
    assert "0.9731" not in block.content.text
    assert block.usage.reasks == 1


def test_a_failed_block_costs_that_block_and_can_be_retried_alone(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.fault(
        "invalid_json",
        match=writes_narrative("Section 2.2: fraud_model"),
        count=2,  # the first answer and the re-ask (which fixed nothing, so it is the last)
    )
    state = _run(fake_llm, tmp_path)
    failed = [(s.id, b.id) for s, b in state.failed()]
    assert failed == [("model-performance--fraud_model", "model-performance--fraud_model.b1")]
    block = state.section("model-performance--fraud_model").blocks[0]
    assert block.status == "failed" and block.error
    assert sum(1 for _, b in state.blocks() if b.status == "written") == len(state.blocks()) - 1
    assert run_report(state)["failures"][0]["block"] == block.id
    assert pipeline.exit_code(state) == 1

    before = {b.id: b.model_dump() for _, b in state.blocks() if b.id != block.id}
    fake_llm.requests.clear()
    pipeline.regenerate(
        state,
        make_evidence(),
        _settings(fake_llm, tmp_path),
        "model-performance--fraud_model",
        block_id=block.id,
    )
    assert state.section("model-performance--fraud_model").blocks[0].status == "written"
    assert len(fake_llm.requests) == 1
    assert {b.id: b.model_dump() for _, b in state.blocks() if b.id != block.id} == before
    assert pipeline.exit_code(state) == 0


def test_regeneration_with_feedback_touches_only_its_section(fake_llm: FakeLLM, tmp_path: Path) -> None:
    state = _run(fake_llm, tmp_path)
    before = {s.id: s.model_dump() for s in state.sections}
    fake_llm.requests.clear()
    pipeline.regenerate(
        state,
        make_evidence(),
        _settings(fake_llm, tmp_path),
        "validation",
        feedback="shorter, explain the threshold choice",
    )
    assert fake_llm.requests, "the section was rewritten"
    assert all("Section 3: Validation" in r.text for r in fake_llm.requests)
    assert all("explain the threshold choice" in r.text for r in fake_llm.requests)
    for sec in state.sections:
        if sec.id != "validation":
            assert sec.model_dump() == before[sec.id]
    assert all(
        b.feedback == "shorter, explain the threshold choice"
        for b in state.section("validation").blocks
        if b.plan.type in ("narrative", "list")
    )
    assert load_state(cache_path(tmp_path / "out")).section("validation").blocks[0].feedback


def test_approved_and_edited_blocks_survive_regeneration_unless_forced(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    state = _run(fake_llm, tmp_path)
    sec = state.section("executive-summary")
    approved, edited = sec.blocks[0], sec.blocks[1]
    approved.status = "approved"
    edited.status, edited.content.items[0].text = "edited", "Reviewer wording."
    kept = (approved.model_dump(), edited.model_dump())
    settings = _settings(fake_llm, tmp_path)
    pipeline.regenerate(state, make_evidence(), settings, sec.id, feedback="more detail")
    pipeline.regenerate(state, make_evidence(), settings, sec.id, replan=True)
    assert (sec.blocks[0].model_dump(), sec.blocks[1].model_dump()) == kept
    assert len({b.id for b in sec.blocks}) == len(sec.blocks)
    with pytest.raises(AutodocError, match="approved"):
        pipeline.regenerate(state, make_evidence(), settings, sec.id, block_id=approved.id)
    pipeline.regenerate(state, make_evidence(), settings, sec.id, block_id=approved.id, force=True)
    assert sec.blocks[0].status == "written"


def test_changed_evidence_invalidates_only_the_sections_that_use_it(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    state = _run(fake_llm, tmp_path)
    changed = make_evidence()
    item = changed.get("r:c1b2c3d4:param:n_estimators")
    item.value = "400"
    changed.mlflow.experiments[0].runs[2].params["n_estimators"] = "400"
    using = {s.id for s in state.sections if "r:c1b2c3d4:param:n_estimators" in s.evidence_ids}
    assert using and using != {s.id for s in state.sections if not s.is_container}
    fake_llm.requests.clear()
    resumed = pipeline.plan_and_write(make_spec(), changed, _settings(fake_llm, tmp_path), state=state)
    redone = {m for r in fake_llm.requests for m in re.findall(r"Section ([\d.]+): ", r.text)}
    numbers = {s.number for s in resumed.sections if s.id in using}
    assert redone == numbers
    for sec in resumed.sections:
        if sec.id not in using:
            assert sec.model_dump(exclude={"status"}) == state.section(sec.id).model_dump(exclude={"status"})


def test_cancellation_returns_within_2s_and_keeps_finished_blocks(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.responder = realistic_responder
    fake_llm.latency = 0.3
    settings = _settings(fake_llm, tmp_path, timeout=30.0)
    progress = Progress()
    result: dict[str, Any] = {}

    def work() -> None:
        result["state"] = pipeline.plan_and_write(make_spec(), make_evidence(), settings, progress)

    thread = threading.Thread(target=work)
    thread.start()
    deadline = time.monotonic() + 10
    while progress.snapshot().phases["generating"].done < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    fake_llm.latency = 20.0  # what is in flight now hangs
    time.sleep(0.2)
    stopped = time.monotonic()
    progress.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - stopped < 2.0
    state = result["state"]
    finished = [b.id for _, b in state.blocks() if b.status in ("written", "flagged")]
    assert len(finished) >= 2
    cached = load_state(cache_path(tmp_path / "out"))
    assert {b.id for _, b in cached.blocks() if b.status == "written"} >= set(finished)
    fake_llm.latency = 0.0


def test_egress_records_what_left_without_content_or_keys(fake_llm: FakeLLM, tmp_path: Path) -> None:
    state = _run(fake_llm, tmp_path)
    assert len(state.egress) == len(fake_llm.requests)
    rec = state.egress[0]
    assert rec.provider == "openai" and rec.model == "fake-model" and rec.chars > 0 and rec.request_hash
    assert all(r.evidence_ids for r in state.egress if r.purpose.startswith("write"))
    dumped = json.dumps(run_report(state)) + pipeline.report.report_markdown(state)
    assert "sk-test-not-a-real-key" not in dumped
    assert "sk-test-not-a-real-key" not in cache_path(tmp_path / "out").read_text()


def test_no_request_is_sent_twice_in_a_run(fake_llm: FakeLLM, tmp_path: Path) -> None:
    _run(fake_llm, tmp_path)
    bodies = [json.dumps(r.body, sort_keys=True) for r in fake_llm.requests]
    assert len(bodies) == len(set(bodies))


def test_writing_starts_before_planning_ends(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.latency = 0.15
    _run(fake_llm, tmp_path, planning_workers=1, generation_workers=2)
    plans = [r for r in fake_llm.requests if '"blocks"' in json.dumps(r.body)]
    writes = [r for r in fake_llm.requests if r not in plans]
    # the first write goes out while the last plan is still being answered (arrival times at the
    # server: the order of requests sent at the same instant is the network's, not the scheduler's)
    assert min(w.at for w in writes) < max(p.at for p in plans) + fake_llm.latency


def test_plan_only_then_write_planned(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.responder = realistic_responder
    settings = _settings(fake_llm, tmp_path)
    state = pipeline.plan_and_write(make_spec(), make_evidence(), settings, plan_only=True)
    assert state.blocks() and all(b.status == "planned" and b.content is None for _, b in state.blocks())
    state.section("validation").blocks.pop()  # the reviewer removes a block
    pipeline.write_planned(state, make_evidence(), settings)
    assert all(b.status == "written" for _, b in state.blocks())


def test_a_plan_that_stays_unusable_gets_the_deterministic_plan_and_says_so(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    def plans_validation(body: dict[str, Any]) -> bool:
        text = prompt_text(body)
        return "Section 3: Validation" in text and "Plan one section" in text

    fake_llm.fault("invalid_json", match=plans_validation, count=3)
    state = _run(fake_llm, tmp_path)
    sec = state.section("validation")
    assert sec.status == "written" and sec.blocks and not state.failed()
    assert sec.blocks[0].plan.type == "narrative" and sec.blocks[0].content.text
    assert sec.plan_note and "deterministic plan was used" in sec.plan_note
    report = run_report(state)
    assert sec.plan_note in report["notes"] and report["totals"]["plan_fallbacks"] == 1


def test_feedback_the_offline_writer_cannot_follow_is_named_in_the_run_report(tmp_path: Path) -> None:
    settings = Settings(output_dir=str(tmp_path / "out"), provider="offline")
    state = pipeline.plan_and_write(make_spec(), make_evidence(), settings, Progress())
    sec = next(s for s in state.sections if not s.is_container and s.blocks)
    pipeline.regenerate(state, make_evidence(), settings, sec.id, feedback="sound more confident about it")
    notes = run_report(state)["feedback_notes"]
    assert notes and all(n.startswith(f"{sec.number} {sec.heading}") and "needs an LLM" in n for n in notes)
    assert "sound more confident about it" in notes[0]
    pipeline.regenerate(state, make_evidence(), settings, sec.id, feedback="shorter")
    assert run_report(state)["feedback_notes"] == []  # a request it follows needs no note
