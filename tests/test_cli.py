"""The CLI as a user meets it: flags, messages, exit codes, progress, Ctrl-C."""

from __future__ import annotations

import _thread
import io
import os
import re
import threading
import time
from pathlib import Path

import pytest

from autodoc.cli import main
from autodoc.cli.display import ProgressDisplay
from autodoc.cli.parser import generate_parser, overrides_from
from autodoc.cli.running import Interrupted, run_with_progress
from autodoc.cli.summary import print_summary
from autodoc.document import Block, DocumentState, FigureFlag, NarrativeContent, NarrativePlan, Section, Usage
from autodoc.progress import Progress
from autodoc.settings import load_settings
from tests.support.prompts import writes_narrative

REPO = Path(__file__).resolve().parent.parent
DOC_SPEC = str(REPO / "doc_spec.yaml")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """Run in an empty directory with no autodoc, LLM or MLflow variables set."""
    for name in list(os.environ):
        if name.startswith(("AUTODOC_", "LLM_", "DOMINO_")) or name in (
            "ANTHROPIC_API_KEY",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "ANTHROPIC_BASE_URL",
            "MLFLOW_TRACKING_URI",
            "MLFLOW_EXPERIMENT_NAME",
            "CODE_ROOT",
            "OUTPUT_DIR",
            "MAX_FILES",
            "PARALLEL_WORKERS",
            "PLANNING_WORKERS",
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings_for(argv: list[str], env: dict[str, str] | None = None):
    ns = generate_parser().parse_args(argv)
    return load_settings(overrides_from(ns), env=env or {}, dotenv_path=None)


# ------------------------------------------------------------------------------ parsing


def test_every_generate_flag_reaches_settings():
    s = settings_for(
        [
            "-s",
            "spec.yaml",
            "-o",
            "out",
            "-c",
            "code",
            "-p",
            "openai",
            "-m",
            "gpt-x",
            "-v",
            "--notebook-path",
            "nb.ipynb",
            "--experiments",
            "prod_*,exp?",
            "--models",
            "churn*",
            "--latest-only",
            "--disable-project-filtering",
            "-w",
            "8",
            "--planning-workers",
            "3",
            "--max-files",
            "100",
            "--timeout",
            "30",
            "--max-retries",
            "5",
            "--initial-backoff",
            "0.5",
            "--max-backoff",
            "9",
            "--backoff-jitter",
            "0.1",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--mlflow-uri",
            "sqlite:///m.db",
            "--docx-template",
            "corp.docx",
            "--exclude",
            "legacy/*",
            "--exclude",
            "*.ipynb",
            "--api-key",
            "sk-flag",
        ]
    )
    assert (s.spec_path, s.output_dir, s.code_root) == ("spec.yaml", "out", "code")
    assert (s.provider, s.model, s.verbose) == ("openai", "gpt-x", True)
    assert (s.notebook, s.notebook_path) == (True, "nb.ipynb")  # a notebook path implies --notebook
    assert (s.experiments, s.models) == (["prod_*", "exp?"], ["churn*"])
    assert s.latest_only and not s.project_filtering
    assert (s.generation_workers, s.planning_workers, s.max_files) == (8, 3, 100)
    assert (s.timeout, s.max_retries, s.initial_backoff, s.max_backoff, s.backoff_jitter) == (
        30.0,
        5,
        0.5,
        9.0,
        0.1,
    )
    assert (s.base_url, s.mlflow_uri, s.docx_template) == (
        "http://127.0.0.1:9/v1",
        "sqlite:///m.db",
        "corp.docx",
    )
    assert s.api_key() == "sk-flag"
    assert s.exclude == ["legacy/*", "*.ipynb"]


def test_long_forms_and_notebook_flag():
    s = settings_for(
        [
            "--spec",
            "x.yaml",
            "--output",
            "o",
            "--code-root",
            "c",
            "--provider",
            "offline",
            "--model",
            "m",
            "--verbose",
            "--generation-workers",
            "2",
            "--notebook",
        ]
    )
    assert (s.spec_path, s.output_dir, s.code_root, s.provider, s.model) == (
        "x.yaml",
        "o",
        "c",
        "offline",
        "m",
    )
    assert s.verbose and s.notebook and s.generation_workers == 2


def test_flags_not_passed_do_not_override_environment():
    ns = generate_parser().parse_args(["-s", "spec.yaml"])
    assert overrides_from(ns) == {"spec_path": "spec.yaml"}
    env = {"MAX_FILES": "77", "PARALLEL_WORKERS": "6", "LLM_MODEL": "from-env", "CODE_ROOT": "/src"}
    s = settings_for(["-s", "spec.yaml"], env)
    assert (s.max_files, s.generation_workers, s.model, s.code_root) == (77, 6, "from-env", "/src")
    assert settings_for(["-s", "spec.yaml", "--max-files", "5"], env).max_files == 5


def test_manual_defaults_without_flags_or_environment():
    s = settings_for(["-s", "spec.yaml"])
    assert (s.generation_workers, s.planning_workers, s.max_files, s.timeout) == (4, 4, 50, 120.0)
    assert (s.max_retries, s.initial_backoff, s.max_backoff, s.backoff_jitter) == (3, 3.0, 30.0, 0.2)
    assert (s.output_dir, s.code_root, s.provider) == ("./output", ".", "offline")


def test_help_lists_every_manual_option(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for short, long in (
        ("-s", "--spec"),
        ("-o", "--output"),
        ("-c", "--code-root"),
        ("-p", "--provider"),
        ("-m", "--model"),
        ("-v", "--verbose"),
        ("-w", "--generation-workers"),
    ):
        assert re.search(rf"{short}( \S+)?, {long}\b", out), long
    for flag in (
        "--notebook",
        "--notebook-path",
        "--notebook-from-cache",
        "--experiments",
        "--models",
        "--latest-only",
        "--disable-project-filtering",
        "--planning-workers",
        "--max-files",
        "--timeout",
        "--max-retries",
        "--initial-backoff",
        "--max-backoff",
        "--backoff-jitter",
        "--base-url",
        "--mlflow-uri",
        "--docx-template",
        "--docx",
        "--api-key",
        "--exclude",
    ):
        assert re.search(rf"^\s+{flag}\b", out, re.M), flag
    assert "autodoc scan" in out and "autodoc templates" in out


def test_subcommand_help(capsys):
    assert main(["scan", "--help"]) == 0
    assert "--out" in capsys.readouterr().out
    assert main(["templates", "--help"]) == 0


# -------------------------------------------------------------------------- exit code 2


def test_missing_spec_is_a_usage_error(clean_env, capsys):
    assert main([]) == 2
    assert "-s/--spec" in capsys.readouterr().err


def test_spec_file_not_found(clean_env, capsys):
    assert main(["-s", "nothere.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: nothere.yaml: spec file not found")
    assert "Traceback" not in err


def test_bad_spec_names_file_line_field(clean_env, capsys):
    Path("bad.yaml").write_text("title: T\nsections:\n  - A\n  - 7\n", encoding="utf-8")
    assert main(["-s", "bad.yaml"]) == 2
    assert capsys.readouterr().err.startswith("error: bad.yaml:4: sections[2]: a section must be a name")


def test_bad_flag_value(clean_env, capsys):
    assert main(["-s", DOC_SPEC, "--max-files", "abc"]) == 2
    assert "error: --max-files = 'abc' is not valid: expected a whole number >= 1" in capsys.readouterr().err


def test_bad_environment_value(clean_env, capsys, monkeypatch):
    monkeypatch.setenv("LLM_BACKOFF_JITTER", "1.5")
    assert main(["-s", DOC_SPEC]) == 2
    assert "environment variable LLM_BACKOFF_JITTER = '1.5'" in capsys.readouterr().err


def test_bad_dotenv_value_in_working_directory(clean_env, capsys):
    Path(".env").write_text("PARALLEL_WORKERS=0\n", encoding="utf-8")
    assert main(["-s", DOC_SPEC]) == 2
    assert "PARALLEL_WORKERS in .env:1" in capsys.readouterr().err


def test_provider_without_key(clean_env, capsys):
    assert main(["-s", DOC_SPEC, "-p", "anthropic"]) == 2
    err = capsys.readouterr().err
    assert "ANTHROPIC_API_KEY" in err and "--provider offline" in err


def test_unknown_provider_choice(clean_env, capsys):
    assert main(["-s", DOC_SPEC, "-p", "gemini"]) == 2
    assert "invalid choice: 'gemini'" in capsys.readouterr().err


def test_api_key_flag_warns_and_is_never_printed(clean_env, capsys):
    assert main(["-s", "missing.yaml", "-p", "openai", "--api-key", "sk-secret-123"]) == 2
    captured = capsys.readouterr()
    assert "shell history" in captured.err
    assert "sk-secret-123" not in captured.out + captured.err


# ---------------------------------------------------------------------------- templates


def test_templates_list(clean_env, capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    assert "technical" in out and "model_risk" in out and "default" in out


def test_templates_write_and_refuse_overwrite(clean_env, capsys):
    assert main(["templates", "write", "model_risk", "risk.yaml"]) == 0
    text = Path("risk.yaml").read_text(encoding="utf-8")
    assert "Outcomes Analysis" in text
    assert main(["templates", "write", "technical", "risk.yaml"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert Path("risk.yaml").read_text(encoding="utf-8") == text
    assert main(["templates", "write", "technical", "risk.yaml", "--force"]) == 0
    assert "API Specification" in Path("risk.yaml").read_text(encoding="utf-8")


def test_templates_write_into_directory_and_show(clean_env, capsys):
    Path("specs").mkdir()
    assert main(["templates", "write", "technical", "specs"]) == 0
    assert Path("specs/technical.yaml").is_file()
    assert main(["templates", "show", "default"]) == 0
    assert "Executive Summary" in capsys.readouterr().out


def test_templates_unknown_name(clean_env, capsys):
    assert main(["templates", "write", "nope", "x.yaml"]) == 2
    assert "unknown template 'nope'" in capsys.readouterr().err
    assert not Path("x.yaml").exists()


# ---------------------------------------------------------------------- progress display


def _feed(progress: Progress) -> None:
    progress.start_phase("scanning", 2)
    progress.advance("scanning", "code")
    progress.event("scanning", "code scanned: 9 files", level="detail")
    progress.finish_phase("scanning")
    progress.start_phase("planning", 3)
    progress.advance("planning", "Data Overview")
    progress.usage(input_tokens=1200, output_tokens=34, calls=1)
    progress.event("planning", "plan refused twice", section="data-overview", level="warning")


def test_progress_lines_without_terminal():
    progress, stream = Progress(), io.StringIO()
    display = ProgressDisplay(progress, stream=stream, tty=False)
    display.poll()
    _feed(progress)
    display.poll()
    display.close()
    out = stream.getvalue()
    assert "[1/4] scanning 1/2" in out
    assert "[2/4] planning 1/3 · Data Overview · 1,234 tokens" in out
    assert "planning: plan refused twice [data-overview]" in out  # warnings always shown
    assert "code scanned" not in out  # details only with --verbose
    assert "\r" not in out


def test_progress_verbose_and_terminal_bars():
    progress, stream = Progress(), io.StringIO()
    display = ProgressDisplay(progress, stream=stream, tty=True, verbose=True)
    _feed(progress)
    display.poll()
    display.close()
    out = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", stream.getvalue())  # without the terminal codes
    assert "scanning: code scanned: 9 files" in out
    assert re.search(r"\[2/4\] planning .*1/3 .*eta", out)  # a live bar with count and ETA
    assert "1,234 tokens" in out


def test_ctrl_c_stops_the_pipeline_and_waits_for_it():
    progress = Progress()
    display = ProgressDisplay(progress, stream=io.StringIO(), tty=False)
    finished = threading.Event()

    def work():  # behaves like the pipeline: notices the stop flag, then returns
        progress.stop_event.wait(10)
        time.sleep(0.2)
        finished.set()
        return "partial"

    threading.Timer(0.3, _thread.interrupt_main).start()
    with pytest.raises(Interrupted):
        run_with_progress(work, progress, display)
    assert progress.cancelled and finished.is_set()  # waited for the worker to wind down
    assert "stopping: no new LLM calls" in display.stream.getvalue()


def test_worker_errors_reach_the_main_thread():
    from autodoc.errors import ScanError

    def work():
        raise ScanError("code root /nope does not exist")

    progress = Progress()
    with pytest.raises(ScanError):
        run_with_progress(work, progress, ProgressDisplay(progress, stream=io.StringIO()))


# ------------------------------------------------------------------------------- summary


def _state(flags: bool, failed: bool) -> DocumentState:
    plan = NarrativePlan(guidance="g")
    good = Block(
        id="s1.b1",
        plan=plan,
        content=NarrativeContent(text="AUC is 0.91."),
        status="written",
        flags=[FigureFlag(figure="0.91", context="AUC is 0.91.")] if flags else [],
    )
    bad = Block(id="s1.b2", plan=plan, status="failed", error="LLM timed out after 3 retries")
    sec = Section(
        id="s1",
        number="1",
        heading="Model Performance",
        spec_name="Model Performance",
        status="written",
        blocks=[good, bad] if failed else [good],
    )
    return DocumentState(
        title="T", spec={}, sections=[sec], usage=Usage(calls=4, input_tokens=1000, output_tokens=200)
    )


class _Result:
    def __init__(self, state, exit_code):
        from autodoc.pipeline.outputs import Outputs

        self.state, self.exit_code = state, exit_code
        self.outputs = Outputs(
            docx=Path("out/model_documentation.docx"), cache=Path("out/.autodoc_cache.json")
        )


def test_summary_clean_run(capsys):
    assert print_summary(_Result(_state(False, False), 0), 1.0) == 0
    out = capsys.readouterr().out
    assert "Word document: out/model_documentation.docx" in out
    assert "sections written: 1 of 1" in out
    assert "LLM calls: 4, tokens: 1,000 in / 200 out" in out


def test_summary_lists_flags_and_failures_and_exits_1(capsys):
    assert print_summary(_Result(_state(True, True), 1), 1.0) == 1
    out = capsys.readouterr().out
    assert "flagged figures: 1" in out and "'0.91'" in out
    assert "failed blocks: 1" in out and "LLM timed out after 3 retries" in out


# ------------------------------------------------------------------- end to end (pipeline)
# These drive the real pipeline: the demo project's code, the offline writer or the real
# openai SDK against the fake LLM server. Without --mlflow-uri and with no mlflow.db in the
# working directory the scan is code-only, so most need no seeded MLflow store.


def _fake_args(fake, out: Path, *extra: str) -> list[str]:
    return [
        "-s",
        DOC_SPEC,
        "-c",
        str(_demo_project()),
        "-o",
        str(out),
        "-p",
        "openai",
        "-m",
        "fake-model",
        "--base-url",
        fake.openai_url,
        "--timeout",
        "10",
        "--max-retries",
        "1",
        "--initial-backoff",
        "0.05",
        "--max-backoff",
        "0.1",
        *extra,
    ]


def _demo_project() -> Path:
    from autodoc.demo import DEMO_PROJECT

    return DEMO_PROJECT


def _finished_blocks(out: Path) -> tuple[int, int]:
    from autodoc.pipeline.cache import cache_path, load_state

    state = load_state(cache_path(out))
    blocks = [b for _, b in state.blocks()]
    return sum(1 for b in blocks if b.content is not None and b.status != "failed"), len(blocks)


@pytest.mark.slow
def test_demo_offline_run_writes_the_document_and_exits_0(clean_env, capsys, demo_store_uri):
    import docx

    out = clean_env / "out"
    code = main(
        [
            "-s",
            DOC_SPEC,
            "-c",
            str(_demo_project()),
            "--mlflow-uri",
            demo_store_uri,
            "-o",
            str(out),
            "--notebook",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert "No API key configured" in captured.out and "offline writer" in captured.out
    assert f"Word document: {out / 'model_documentation.docx'}" in captured.out
    assert "sections written:" in captured.out and "Traceback" not in captured.err
    assert "[1/4] scanning" in captured.err and "[4/4] building" in captured.err
    headings = [
        p.text
        for p in docx.Document(str(out / "model_documentation.docx")).paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert any("Executive Summary" in h for h in headings)
    assert any("breast_cancer" in h for h in headings)  # per_model subsections from the store
    assert (out / "model_docs_notebook.ipynb").is_file()


@pytest.mark.slow
def test_notebook_and_docx_from_cache_without_scan_or_llm(clean_env, capsys, no_network):
    import nbformat

    out = clean_env / "out"
    assert main(["-s", DOC_SPEC, "-c", str(_demo_project()), "-o", str(out), "-p", "offline"]) == 0
    docx_file = out / "model_documentation.docx"
    docx_before = docx_file.stat().st_mtime_ns
    notebook = clean_env / "updated_notebook.ipynb"
    capsys.readouterr()
    # a code root that does not exist proves nothing is scanned
    assert (
        main(
            [
                "-s",
                DOC_SPEC,
                "-o",
                str(out),
                "-c",
                "/nonexistent",
                "--notebook-from-cache",
                "--notebook-path",
                str(notebook),
            ]
        )
        == 0
    )
    assert "rebuilt from the cache" in capsys.readouterr().out
    nbformat.validate(nbformat.read(str(notebook), as_version=4))
    assert docx_file.stat().st_mtime_ns == docx_before  # Word document untouched without --docx
    docx_file.unlink()
    assert main(["-o", str(out), "--notebook-from-cache", "--docx"]) == 0  # no --spec needed
    assert docx_file.is_file()


def test_notebook_from_cache_without_cache_is_exit_2(clean_env, capsys):
    assert main(["-o", str(clean_env / "empty"), "--notebook-from-cache"]) == 2
    assert capsys.readouterr().err.startswith("error: no cache at")


@pytest.mark.slow
def test_flagged_figure_exits_1_and_is_listed(clean_env, capsys, monkeypatch, fake_llm):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    fake_llm.fault(
        "fabricated",
        count=10,
        match=writes_narrative("Validation Results"),
    )
    out = clean_env / "out"
    code = main(_fake_args(fake_llm, out))
    captured = capsys.readouterr()
    assert code == 1, captured.out + captured.err
    assert "flagged figures: 2" in captured.out and "0.9731" in captured.out and "0.8842" in captured.out
    assert "Validation Results" in captured.out
    assert "provider openai, model fake-model" in captured.out
    assert (out / "model_documentation.docx").is_file()  # still written
    assert "sk-test-not-a-real-key" not in (out / ".autodoc_cache.json").read_text(encoding="utf-8")


@pytest.mark.slow
def test_failed_block_exits_1_and_is_listed(clean_env, capsys, monkeypatch, fake_llm):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    fake_llm.fault(
        "500",
        count=20,
        match=writes_narrative("Conclusion"),
    )
    code = main(_fake_args(fake_llm, clean_env / "out"))
    captured = capsys.readouterr()
    assert code == 1, captured.out + captured.err
    assert "failed blocks: 1" in captured.out and "Conclusion" in captured.out


@pytest.mark.slow
def test_ctrl_c_keeps_previous_document_and_a_resumable_cache(clean_env, fake_llm, monkeypatch, capsys):
    import signal
    import subprocess
    import sys

    from autodoc.pipeline.cache import cache_path

    out = clean_env / "out"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    # 1. a complete run leaves a document behind (in-process: only the interrupted run needs
    # its own process, to receive a real SIGINT)
    assert main(_fake_args(fake_llm, out)) == 0
    previous = (out / "model_documentation.docx").read_bytes()
    full_run_requests = len(fake_llm.requests)
    full_total = _finished_blocks(out)[1]
    cache_path(out).unlink()  # the next run starts afresh

    # 2. a slow run interrupted after a few blocks
    fake_llm.requests.clear()
    fake_llm.latency = 0.4
    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "main.py"),
            *_fake_args(fake_llm, out, "-w", "1", "--planning-workers", "1"),
        ],
        cwd=clean_env,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if cache_path(out).exists() and _finished_blocks(out)[0] >= 2:
                    break
            except Exception:  # the cache may be mid-replace; try again
                pass
            time.sleep(0.1)
        else:
            pytest.fail("no block was finished within 60 s")
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stdout + stderr
    assert "stopping: no new LLM calls" in stderr
    assert "Traceback" not in stderr
    done, total = _finished_blocks(out)
    assert 2 <= done < full_total
    assert f"stopped: {done} of {total} planned blocks are kept" in stderr
    assert (out / "model_documentation.docx").read_bytes() == previous
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # no half-written file

    # 3. the same command again finishes, without redoing the kept blocks
    fake_llm.latency = 0.0
    fake_llm.requests.clear()
    capsys.readouterr()
    assert main(_fake_args(fake_llm, out)) == 0, capsys.readouterr()
    assert len(fake_llm.requests) <= full_run_requests - done
    assert _finished_blocks(out) == (full_total, full_total)
    assert (out / "model_documentation.docx").read_bytes() != previous


# ---------------------------------------------------------------------------------- scan


def test_scan_code_only_writes_evidence_and_summary(clean_env, capsys):
    from autodoc.evidence import EvidenceStore

    assert main(["scan", "--code-root", str(_demo_project()), "--out", "ev.json"]) == 0
    out = capsys.readouterr().out
    store = EvidenceStore.from_json(Path("ev.json").read_text(encoding="utf-8"))
    assert f"evidence written to ev.json ({len(store.items)} items)" in out
    assert f"code: {len(store.code.files)} files scanned" in out
    assert "entry points: " in out and "train.py" in out
    assert "facts: " in out and "estimator" in out
    assert "MLflow: " in out  # says plainly that no MLflow was scanned
    assert store.redactions and "redactions: " in out and "url_password" in out


def test_scan_missing_code_root_is_exit_2(clean_env, capsys):
    assert main(["scan", "-c", str(clean_env / "nope"), "--out", "ev.json"]) == 2
    assert "error: " in capsys.readouterr().err
    assert not Path("ev.json").exists()


def test_scan_out_that_is_a_folder_is_exit_2_not_a_traceback(clean_env, capsys):
    (clean_env / "ev").mkdir()
    assert main(["scan", "--code-root", str(_demo_project()), "--out", "ev"]) == 2
    err = capsys.readouterr().err
    assert "could not write ev" in err and "Traceback" not in err


def test_scan_reports_skipped_files_with_reasons(clean_env, capsys):
    code = clean_env / "proj"
    code.mkdir()
    (code / "train.py").write_text(
        "from sklearn.linear_model import LogisticRegression\nm = LogisticRegression(C=0.5)\n",
        encoding="utf-8",
    )
    (code / "broken.py").write_text("def f(:\n", encoding="utf-8")
    assert main(["scan", "-c", str(code), "--out", "ev.json"]) == 0
    out = capsys.readouterr().out
    assert "skipped 1:" in out and "broken.py: " in out
    assert main(["scan", "-c", str(code), "--out", "ev.json", "--exclude", "broken.py"]) == 0
    assert "  skipped " not in capsys.readouterr().out


@pytest.mark.slow
def test_scan_with_mlflow_store_counts_models_versions_runs(clean_env, capsys, demo_store_uri):
    from autodoc.evidence import EvidenceStore

    assert main(["scan", "-c", str(_demo_project()), "--mlflow-uri", demo_store_uri, "--out", "ev.json"]) == 0
    out = capsys.readouterr().out
    store = EvidenceStore.from_json(Path("ev.json").read_text(encoding="utf-8"))
    models = store.mlflow.registered_models
    versions = sum(len(m.versions) for m in models)
    runs = sum(len(e.runs) for e in store.mlflow.experiments)
    assert f"{len(models)} models, {versions} versions" in out and f"{runs} runs" in out
    assert "breast_cancer_gbm: versions" in out and "@champion" in out


@pytest.mark.slow
def test_demo_command_documents_the_example_offline(clean_env, capsys, monkeypatch, demo_store_uri):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")  # the demo stays offline anyway
    out = clean_env / "demo_out"
    assert main(["demo", "--mlflow-uri", demo_store_uri, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "provider offline" in printed
    assert (out / "model_documentation.docx").is_file()
    assert (out / "model_docs_notebook.ipynb").is_file()  # the demo shows every output


def test_python_dash_m_autodoc_is_the_same_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "autodoc", "--version"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("autodoc "), done.stdout + done.stderr
