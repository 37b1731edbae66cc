"""Egress counts every request that left, whatever came back, across runs and kills (issue 13)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from autodoc.cli import main
from autodoc.pipeline.cache import cache_path, load_state
from autodoc.pipeline.ledger import LEDGER_NAME
from tests.support.fake_llm import FakeLLM, Fault, prompt_text
from tests.support.ops_fixtures import DEMO_PROJECT, REPO


def args(fake: FakeLLM, out: Path, *extra: str) -> list[str]:
    return [
        *("-s", str(REPO / "doc_spec.yaml"), "-c", str(DEMO_PROJECT), "-o", str(out)),
        *("-p", "openai", "-m", "fake-model", "--base-url", fake.openai_url),
        *("--max-retries", "3", "--initial-backoff", "0.01", "--max-backoff", "0.05", *extra),
    ]


def chance(rng: random.Random, p: float) -> Any:
    return lambda body: rng.random() < p


def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "run_report.json").read_text())


@pytest.fixture(autouse=True)
def _key(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")


def test_egress_equals_the_servers_log_under_500s_429s_and_hangs(workdir, fake_llm, capsys):
    rng = random.Random(13)
    fake_llm.script(
        Fault("500", count=10**6, match=chance(rng, 0.2)),
        Fault("429", count=10**6, match=chance(rng, 0.3), retry_after=0.01),
        Fault("hang", count=3, seconds=1.5),
    )
    out = workdir / "out"
    main(args(fake_llm, out, "--timeout", "0.5", "--max-retries", "6"))
    capsys.readouterr()
    eg = report(out)["egress"]
    seen = [r.fault for r in fake_llm.requests]
    assert eg["calls"] == len(fake_llm.requests) > 0
    assert eg["by_outcome"].get("HTTP 500", 0) == seen.count("500") > 0
    assert eg["by_outcome"].get("HTTP 429", 0) == seen.count("429") > 0
    assert eg["by_outcome"].get("timeout", 0) == seen.count("hang") == 3
    assert eg["answered"] == seen.count(None)
    assert "sk-test" not in (out / LEDGER_NAME).read_text()


def test_a_server_that_always_fails_is_still_egress(workdir, fake_llm, capsys):
    fake_llm.fault("500", count=10**6)
    out = workdir / "out"
    assert main(args(fake_llm, out, "--max-retries", "1")) == 1
    capsys.readouterr()
    md = (out / "run_report.md").read_text()
    assert report(out)["egress"]["calls"] == len(fake_llm.requests) > 0
    assert "Nothing: no LLM call was made" not in md
    assert f"{len(fake_llm.requests)} requests (0 answered)" in md


def plans(section: str) -> Any:
    return lambda body: "Plan one section" in prompt_text(body) and section in prompt_text(body)


def test_a_section_whose_planning_failed_shows_its_calls(workdir, fake_llm, capsys):
    fake_llm.fault("500", count=10**6, match=plans("Conclusion"))
    out = workdir / "out"
    main(args(fake_llm, out, "--plan", "llm"))
    capsys.readouterr()
    (row,) = [r for r in report(out)["sections"] if r["heading"] == "Conclusion"]
    failed = [r for r in fake_llm.requests if r.fault == "500"]
    assert len(failed) == 4  # the first attempt and 3 retries
    assert row["calls"] >= len(failed)  # the failed plan's requests count (the fallback plan may write)


def _cli(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, str(REPO / "main.py"), *argv], cwd=cwd, env=env, text=True)


@pytest.mark.slow
def test_a_killed_run_and_its_resume_count_every_request(workdir, fake_llm, capsys):
    out = workdir / "out"
    fake_llm.latency = 0.5
    proc = _cli(args(fake_llm, out, "-w", "2", "--planning-workers", "2"), workdir)
    try:
        deadline = time.monotonic() + 60
        while len(fake_llm.requests) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    killed_sent = len(fake_llm.requests)
    fake_llm.latency = 0.0
    assert main(args(fake_llm, out)) == 0
    capsys.readouterr()
    state = load_state(cache_path(out))
    summary = state.egress_summary
    # the ledger records a request before it leaves, so a kill may land between the two:
    # it never counts fewer requests than the server saw, and at most the calls in flight
    # (2 planning + 2 writing workers) more
    in_flight = 4
    server_total = len(fake_llm.requests)
    assert server_total > killed_sent
    assert server_total <= summary.requests <= server_total + in_flight
    assert [r["outcome"] for r in summary.runs] == ["killed", "finished"]
    assert killed_sent <= summary.runs[0]["requests"] <= killed_sent + in_flight
    assert summary.requests - summary.runs[0]["requests"] == server_total - killed_sent
    # a run that sends nothing keeps the history of the calls that wrote the text
    before = len(fake_llm.requests)
    assert main(args(fake_llm, out)) == 0
    capsys.readouterr()
    again = load_state(cache_path(out)).egress_summary
    assert len(fake_llm.requests) == before
    assert again.requests == summary.requests and len(again.runs) == 3
    assert report(out)["egress"]["calls"] == summary.requests
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_key_echoed_by_the_server_appears_nowhere(workdir, fake_llm, capsys, monkeypatch):
    key = "sk-proj-Echo1234567890abcdefXYZ"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    fake_llm.fault("400", count=10**6, text="Invalid request from key {key}: model not allowed")
    out = workdir / "out"
    assert main(args(fake_llm, out)) == 2
    captured = capsys.readouterr()
    assert fake_llm.requests and "Invalid request from key" in captured.err  # the server's words...
    assert "[REDACTED:api_key]" in captured.err  # ...without the key
    written = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    assert written and not any(key.encode() in data for data in written)
    assert key not in captured.out + captured.err


def test_failed_attempts_are_shown_as_they_happen(workdir, fake_llm, capsys):
    fake_llm.fault("500")  # the first request fails once, then its retry is answered
    assert main(args(fake_llm, workdir / "out")) == 0
    err = capsys.readouterr().err  # not a terminal: one plain line per event
    (purpose,) = [line.split(": ")[1] for line in err.splitlines() if line.endswith(": HTTP 500")]
    assert purpose.startswith(("plan ", "write "))
    assert "1 failed attempts" in err
