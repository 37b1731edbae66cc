"""A dead LLM endpoint is reported before the first section, and one that dies during a
run stops the scheduling of new calls (the circuit breaker).

Dead endpoints: connection refused (a closed port), always 500, and silent (accepts the
connection, never answers). Each stops `autodoc` with exit 2 and a message that names the
URL, the provider and the model, and writes no document.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from autodoc import pipeline
from autodoc.cli.main import main
from autodoc.errors import LLMError
from autodoc.pipeline.report import run_report
from autodoc.progress import Progress
from tests.support.builders.evidence import make_evidence, make_spec
from tests.support.fake_llm import FakeLLM
from tests.support.llm_fixtures import llm_settings

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "examples" / "spec.yaml"


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _generate(url: str, provider: str, out: Path, code_root: Path) -> tuple[int, float]:
    argv = [
        "-s", str(REPO / "doc_spec.yaml"), "-c", str(code_root), "-o", str(out), "-p", provider,
        "-m", "fake-model", "--base-url", url, "--api-key", "sk-test-not-a-real-key",
        "--max-retries", "3", "--initial-backoff", "3", "--timeout", "60",
    ]  # fmt: skip
    started = time.monotonic()
    code = main(argv)
    return code, time.monotonic() - started


@pytest.mark.parametrize("dead", ["refused", "always 500", "silent"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_dead_endpoint_stops_the_run_at_once_with_exit_2_and_says_where(
    dead: str,
    provider: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    code_root = tmp_path / "code"
    code_root.mkdir()
    (code_root / "train.py").write_text("from sklearn.linear_model import LogisticRegression\n")
    with FakeLLM() as fake:
        if dead == "refused":
            url = _closed_port_url()
        else:
            url = fake.openai_url if provider == "openai" else fake.anthropic_url
            fake.dead_status, fake.silent = (500, False) if dead == "always 500" else (None, True)
        code, seconds = _generate(url, provider, tmp_path / "out", code_root)
        assert fake.requests == []  # no section was attempted
    err = capsys.readouterr().err
    assert code == 2, err
    assert seconds < 15, seconds
    host = url.removesuffix("/v1")
    assert "LLM check failed" in err and host in err and "fake-model" in err and provider in err
    assert "hint:" in err
    assert not (tmp_path / "out" / "model_documentation.docx").exists()


def test_an_endpoint_that_dies_during_the_run_stops_new_calls_and_says_so(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.fault("500", count=1000, path="completions")  # the models endpoint still answers
    progress = Progress()
    settings = llm_settings(
        fake_llm, "openai", output_dir=str(tmp_path / "out"), max_retries=1, planning_workers=1,
        generation_workers=1, plan="offline",
    )  # fmt: skip
    state = pipeline.plan_and_write(make_spec(), make_evidence(), settings, progress)
    assert len(fake_llm.requests) <= 3 * 2 + 2  # 3 calls (2 attempts each), then nothing new
    assert any("in a row failed" in e.message for e in progress.snapshot().events)
    failures = run_report(state)["failures"]
    halted = [f for f in failures if f["error"].startswith("not attempted: 3 LLM calls in a row failed")]
    assert halted and "run the same command again to resume" in halted[0]["error"]
    assert len(failures) == len(state.failed())  # everything left undone is listed, with why


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_the_servers_x_should_retry_header_is_honoured(fake_llm: FakeLLM, provider: str) -> None:
    from autodoc.document import NarrativeReply
    from autodoc.llm.base import LLMRequest, Message
    from autodoc.llm.registry import get_provider

    request = LLMRequest(
        purpose="write x",
        system="s",
        messages=[Message(role="user", content="u")],
        response_model=NarrativeReply,
    )
    llm = get_provider(llm_settings(fake_llm, provider))
    fake_llm.fault("503", headers={"x-should-retry": "false"})
    with pytest.raises(LLMError, match="HTTP 503"):
        llm.complete(request)
    assert len(fake_llm.requests) == 1  # not retried although 503 usually is
    fake_llm.fault("400", headers={"x-should-retry": "true"})
    assert llm.complete(request).retries == 1  # retried although 400 usually is not
