"""End to end: bad input gives a clear message and exit 2 (never a traceback); a storm of
500/429 answers on one block costs that block only; a stopped run leaves the previous
document intact and no temp file behind."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.cli import main
from autodoc.errors import Cancelled
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import load_spec
from tests.support.fake_llm import FakeLLM, prompt_text
from tests.support.mlflow_fixtures import clone_store

REPO = Path(__file__).resolve().parent.parent
DOC_SPEC = str(REPO / "doc_spec.yaml")


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and no settings from the environment."""
    for name in list(os.environ):
        if name.startswith(("AUTODOC_", "LLM_")) or name in (
            "ANTHROPIC_API_KEY",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "MLFLOW_TRACKING_URI",
            "CODE_ROOT",
            "OUTPUT_DIR",
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _no_traceback(captured: Any) -> None:
    assert "Traceback" not in captured.out + captured.err


# ----------------------------------------------------------------------------- bad input
def test_nonexistent_code_root_is_exit_2_with_the_path(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["-s", DOC_SPEC, "-c", str(cwd / "no" / "such"), "-o", str(cwd / "out"), "-p", "offline"])
    captured = capsys.readouterr()
    assert code == 2
    assert f"error: code root {cwd / 'no' / 'such'} does not exist" in captured.err
    _no_traceback(captured)
    assert not (cwd / "out" / "model_documentation.docx").exists()


def test_spec_with_a_typo_key_names_file_line_and_the_fix(
    cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (cwd / "spec.yaml").write_text("title: Risk model\nsectons:\n  - Overview\n", encoding="utf-8")
    code = main(["-s", "spec.yaml", "-c", str(REPO / "examples"), "-o", "out", "-p", "offline"])
    captured = capsys.readouterr()
    assert code == 2
    assert (
        "spec.yaml:2" in captured.err
        and "'sectons'" in captured.err
        and "did you mean 'sections'" in captured.err
    )
    _no_traceback(captured)


def test_refused_mlflow_uri_is_exit_2_naming_the_uri(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    uri = f"http://127.0.0.1:{port}"
    code = main(
        ["-s", DOC_SPEC, "-c", str(REPO / "examples"), "-o", "out", "-p", "offline", "--mlflow-uri", uri]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert uri in captured.err and "hint:" in captured.err
    _no_traceback(captured)


@pytest.mark.slow
def test_silent_mlflow_server_is_reported_within_10_s(
    cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port that accepts connections and never answers; MLflow's own retry knobs unset
    (as for a user), so only autodoc's bounds keep it short."""
    monkeypatch.delenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", raising=False)
    monkeypatch.delenv("MLFLOW_HTTP_REQUEST_TIMEOUT", raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(50)
        uri = f"http://127.0.0.1:{sock.getsockname()[1]}"
        started = time.monotonic()
        code = main(
            ["-s", DOC_SPEC, "-c", str(REPO / "examples"), "-o", "out", "-p", "offline", "--mlflow-uri", uri]
        )
        took = time.monotonic() - started
    captured = capsys.readouterr()
    assert code == 2 and took < 10, (code, took)
    assert uri in captured.err
    _no_traceback(captured)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "afile"], "error: the output folder afile is a file"),
        (["-o", "out", "--docx-template", "nope.docx"], "error: docx template not found: nope.docx"),
        (["-o", "out", "--notebook-path", "nbdir"], "error: the notebook path nbdir is a folder"),
    ],
)
def test_unwritable_output_paths_are_exit_2_before_any_work(
    cwd: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    (cwd / "afile").write_text("not a folder", encoding="utf-8")
    (cwd / "nbdir").mkdir()
    code = main(["-s", DOC_SPEC, "-c", str(REPO / "examples"), "-p", "offline", *extra])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert message in captured.err
    assert "scanning" not in captured.err  # reported first, not after the (paid) LLM work
    _no_traceback(captured)


def test_notebook_path_that_becomes_a_folder_is_a_message_not_a_traceback(
    cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The output folder itself given as the notebook path: only known once it exists."""
    code = main(
        ["-s", DOC_SPEC, "-c", str(REPO / "examples"), "-p", "offline", "-o", "o", "--notebook-path", "o"]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert "error: could not write o:" in captured.err
    _no_traceback(captured)


def _broken_tree(root: Path) -> Path:
    root.mkdir()
    (root / "syntax.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (root / "binary.py").write_bytes(bytes(range(256)) * 8)
    (root / "latin.py").write_bytes(b"# caf\xe9\nx = 1\n")
    (root / "huge.py").write_text("x = 1\n" * 300_000, encoding="utf-8")
    (root / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (root / "params.yaml").write_text("a: [1, 2\n b: }", encoding="utf-8")
    (root / "config.json").write_text('{"a":', encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool\nx=", encoding="utf-8")
    (root / "loop").mkdir()
    (root / "loop" / "up").symlink_to("..")
    (root / "dangling.py").symlink_to("nowhere")
    (root / ".env").write_text("OPENAI_API_KEY=sk-proj-DOTENVsecret0123456789abcdef\n", encoding="utf-8")
    return root


def test_code_root_full_of_broken_files_is_scanned_with_reasons(
    cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _broken_tree(cwd / "broken")
    assert main(["scan", "-c", str(root), "--out", "ev.json"]) == 0
    captured = capsys.readouterr()
    _no_traceback(captured)
    for name, reason in (
        ("syntax.py", "syntax error"),
        ("binary.py", "binary"),
        ("latin.py", "not UTF-8"),
        ("huge.py", "over 1 MB"),
        ("broken.ipynb", "not a valid notebook"),
        (".env", "never read"),
    ):
        assert any(name in line and reason in line for line in captured.out.splitlines()), (
            name,
            captured.out,
        )
    assert "DOTENV" not in (cwd / "ev.json").read_text(encoding="utf-8")
    # and a document is still written (from what little there is), without a traceback
    code = main(["-s", DOC_SPEC, "-c", str(root), "-o", "out", "-p", "offline"])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    _no_traceback(captured)
    assert (cwd / "out" / "model_documentation.docx").is_file()
    assert "DOTENV" not in "".join(
        p.read_text(errors="replace") for p in (cwd / "out").iterdir() if p.is_file()
    )


# ----------------------------------------------------------------- faults cost one block
def _settings(fake: FakeLLM, uri: str, project: Path, out: Path) -> Settings:
    return Settings(
        provider="openai",
        model="fake-model",
        base_url=fake.openai_url,
        openai_api_key="sk-test-KEY-123",
        code_root=str(project),
        mlflow_uri=uri,
        output_dir=str(out),
        timeout=5.0,
        max_retries=2,
        initial_backoff=0.01,
        max_backoff=0.05,
        backoff_jitter=0.0,
    )


def _writes(section: str):
    def match(body: dict[str, Any]) -> bool:
        text = prompt_text(body)
        return f": {section}\n" in text and "Write narrative" in text

    return match


@pytest.mark.slow
def test_error_storm_on_one_block_costs_that_block_only(
    demo_store_uri: str, demo_project: Path, tmp_path: Path
) -> None:
    uri = clone_store(demo_store_uri, tmp_path / "store")
    out = tmp_path / "out"
    spec = load_spec(DOC_SPEC)
    with FakeLLM() as fake:
        fake.fault("500", count=100, match=_writes("Conclusion"))
        fake.fault("429", count=100, retry_after=0.01, match=_writes("Data Overview"))
        settings = _settings(fake, uri, demo_project, out)
        result = pipeline.generate(spec, settings, Progress())
        storm_calls = sum(1 for r in fake.requests if r.fault)
        failed = {(s.spec_name, b.id) for s, b in result.state.failed() if b is not None}
        assert {name for name, _ in failed} == {"Conclusion", "Data Overview"}, failed
        assert len(failed) == 2
        others = [b for s, b in result.state.blocks() if s.spec_name not in ("Conclusion", "Data Overview")]
        assert others and all(b.status in ("written", "flagged") for b in others)
        assert storm_calls <= 2 * 3 * 3  # two blocks x (1 + 2 retries) x (1 + 2 re-asks) at most
        assert result.exit_code == 1
        report = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
        assert len(report["failures"]) == 2, report["failures"]
        notices = [
            p.text
            for p in Document(str(out / "model_documentation.docx")).paragraphs
            if "Not generated" in p.text
        ]
        assert len(notices) == 2, notices
        # the failed block can be redone alone once the server recovers
        fake.reset()
        sec = next(s for s, _ in result.state.failed() if s.spec_name == "Conclusion")
        before = {b.id: b.content for s, b in result.state.blocks() if s.id != sec.id}
        pipeline.regenerate(result.state, result.evidence, settings, sec.id)
        assert all(b.status == "written" for b in sec.blocks)
        assert {b.id: b.content for s, b in result.state.blocks() if s.id != sec.id} == before
        assert all(": Conclusion\n" in r.text for r in fake.requests)


# ----------------------------------------------------------------------- atomic outputs
@pytest.mark.slow
def test_stopped_run_keeps_the_previous_document_and_leaves_no_temp_file(
    demo_store_uri: str, demo_project: Path, tmp_path: Path
) -> None:
    uri = clone_store(demo_store_uri, tmp_path / "store")
    out = tmp_path / "out"
    spec = load_spec(DOC_SPEC)
    with FakeLLM() as fake:
        settings = _settings(fake, uri, demo_project, out).model_copy(update={"notebook": True})
        first = pipeline.generate(spec, settings, Progress())
        assert first.exit_code == 0
        records = (".autodoc_cache.json", ".autodoc_egress.jsonl")  # they grow with every run
        previous = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name not in records}
        assert "model_documentation.docx" in previous and "model_docs_notebook.ipynb" in previous
        (out / ".autodoc_cache.json").unlink()  # the next run starts afresh

        progress = Progress()
        seen: list[int] = []
        stopped_at: list[float] = []
        count_at_stop: list[int] = []

        def stop_after_some(body: dict[str, Any]) -> Any:
            seen.append(1)
            # Stop mid-run, once some block is finished (which ones depends on thread timing)
            if not stopped_at and len(seen) >= 8 and progress.snapshot().phases["generating"].done >= 1:
                stopped_at.append(time.monotonic())
                count_at_stop.append(len(seen))
                progress.stop()
            from tests.support.fake_llm import default_answer

            return default_answer(body)

        fake.requests.clear()
        fake.responder = stop_after_some
        fake.latency = 0.5  # calls in flight when Stop arrives take a while to come back
        with pytest.raises(Cancelled):
            pipeline.generate(spec, settings, progress)
        took = time.monotonic() - stopped_at[0] if stopped_at else None
        assert took is not None and took < 2.0, took  # the promise: within 2 s
        requests_at_stop = len(fake.requests)
        # no new call after Stop: only those already in flight may still arrive
        assert requests_at_stop <= count_at_stop[0] + settings.generation_workers + settings.planning_workers
        fake.latency = 0.0
        for name, data in previous.items():  # every earlier output intact, byte for byte
            assert (out / name).read_bytes() == data, name
        assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
        kept = json.loads((out / ".autodoc_cache.json").read_text(encoding="utf-8"))
        done = [b for s in kept["sections"] for b in s["blocks"] if b["status"] in ("written", "flagged")]
        assert done, "no finished block was kept in the cache"
        # the same call again finishes from the cache
        fake.responder = None
        fake.requests.clear()
        final = pipeline.generate(spec, settings, Progress())
        assert final.exit_code == 0
        assert len(fake.requests) < len(seen) + 30
        assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
