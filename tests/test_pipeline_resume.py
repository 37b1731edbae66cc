"""Resume after `kill -9`: a subprocess runs the pipeline against the fake LLM server and is
killed mid-run; the rerun reuses every finished block (the server sees no repeated calls
for them) and redoes only what was missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autodoc import pipeline
from autodoc.errors import CacheError
from autodoc.pipeline.cache import cache_path, load_state
from autodoc.write.narrative import build_write_request
from tests.support.builders.evidence import make_evidence, make_spec
from tests.support.fake_llm import FakeLLM
from tests.support.llm_fixtures import llm_settings
from tests.support.prompts import realistic_responder

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent("""
    import sys
    from autodoc import pipeline
    from tests.support.llm_fixtures import llm_settings
    from tests.support.builders.evidence import make_evidence, make_spec

    class Server:  # what llm_settings needs from the fake server
        openai_url = sys.argv[1]
        anthropic_url = sys.argv[1]

    settings = llm_settings(Server, "openai", output_dir=sys.argv[2], planning_workers=1,
                            generation_workers=1, timeout=30.0, plan="llm")
    pipeline.plan_and_write(make_spec(), make_evidence(), settings)
""")


def _finished(out: Path) -> set[str]:
    try:
        state = load_state(cache_path(out))
    except CacheError:
        return set()
    return {b.id for _, b in state.blocks() if b.status == "written"}


@pytest.mark.slow
def test_resume_after_kill_9_reuses_finished_blocks(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.responder = realistic_responder
    fake_llm.latency = 0.15
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, fake_llm.openai_url, str(out)], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while len(_finished(out)) < 4 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert child.poll() is None, "the run finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    first_run = len(fake_llm.requests)
    killed = load_state(cache_path(out))  # the cache is complete JSON: written atomically
    done_before = [(s, b) for s, b in killed.blocks() if b.status == "written"]
    assert len(done_before) >= 4
    assert any(b.status != "written" for _, b in killed.blocks()) or any(
        not s.blocks and not s.is_container for s in killed.sections
    )

    fake_llm.requests.clear()
    fake_llm.latency = 0.0
    settings = llm_settings(fake_llm, "openai", output_dir=str(out), plan="llm")
    state = pipeline.plan_and_write(make_spec(), make_evidence(), settings, state=killed)

    assert all(b.status == "written" for _, b in state.blocks())
    sent = {r.text for r in fake_llm.requests}
    evidence = make_evidence()
    for sec, blk in done_before:
        if blk.plan.type in ("narrative", "list"):
            prompt = build_write_request(sec, blk, evidence, state.title, blk.feedback).messages[0].content
            assert not any(prompt in text for text in sent), f"{blk.id} was written twice"
        assert state.section(sec.id).blocks[[b.id for b in sec.blocks].index(blk.id)].content == blk.content
    assert 0 < len(fake_llm.requests) < first_run + len(fake_llm.requests)


def test_a_different_spec_starts_afresh(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.responder = realistic_responder
    settings = llm_settings(fake_llm, "openai", output_dir=str(tmp_path / "out"))
    first = pipeline.plan_and_write(make_spec(), make_evidence(), settings)
    fake_llm.requests.clear()
    again = pipeline.plan_and_write(make_spec(), make_evidence(), settings, state=first)
    assert fake_llm.requests == []  # same inputs: everything reused
    assert [b.content for _, b in again.blocks()] == [b.content for _, b in first.blocks()]
    other = make_spec(per_model_second=False)
    pipeline.plan_and_write(other, make_evidence(), settings, state=first)
    assert any("Section 1:" in r.text for r in fake_llm.requests)


def test_blocks_an_older_autodoc_filled_are_refilled_on_resume(tmp_path: Path) -> None:
    """Same evidence, new autodoc: a table (or chart) block, and any block of the offline writer, cached
    by a version whose code that fills them differs is filled again by today's code; a block cached
    by this version is kept. (An LLM's narrative is kept across versions:
    `test_a_different_spec_starts_afresh` sends no request the second time.)"""
    from autodoc.document import NarrativeContent, TableContent
    from autodoc.settings import Settings

    settings = Settings(provider="offline", output_dir=str(tmp_path / "out"))
    first = pipeline.plan_and_write(make_spec(), make_evidence(), settings)
    older = first.model_copy(deep=True)
    tables = [b for _, b in older.blocks() if isinstance(b.content, TableContent)]
    texts = [
        b for _, b in older.blocks() if isinstance(b.content, NarrativeContent) and b.status == "written"
    ]
    assert tables and len(texts) > 1
    for blk in (tables[0], texts[0]):  # a cache an autodoc without the fillers' fingerprint wrote
        blk.evidence_hash = "|".join(str(blk.evidence_hash).split("|")[:3])
    tables[0].content.rows[0][0].value = "filled by older code"  # type: ignore[union-attr]
    texts[0].content.text = "worded by the older offline writer"  # type: ignore[union-attr]
    texts[1].content.text = "kept from the first run"  # type: ignore[union-attr]
    again = pipeline.plan_and_write(make_spec(), make_evidence(), settings, state=older)
    blocks, before = {b.id: b for _, b in again.blocks()}, {b.id: b for _, b in first.blocks()}
    assert blocks[tables[0].id].content == before[tables[0].id].content
    assert blocks[texts[0].id].content == before[texts[0].id].content
    assert blocks[texts[1].id].content.text == "kept from the first run"  # type: ignore[union-attr]
