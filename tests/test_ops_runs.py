"""Runs an operator can trust: bounded inputs, one writer per folder, clean stops (issue 13)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from autodoc.cli import main
from autodoc.pipeline.cache import cache_path, load_state
from autodoc.pipeline.lock import LOCK_NAME, lock_path, process_start
from autodoc.settings import Settings
from tests.support.fake_llm import FakeLLM
from tests.support.mlflow_fixtures import clone_store, sqlite_path
from tests.support.ops_fixtures import DEMO_PROJECT, REPO


def spec_file(folder: Path, title: str = "Model", sections: int = 2, hint: str = "") -> Path:
    lines = [f'title: "{title}"', "sections:"] + [f"  - Section {n}" for n in range(sections)]
    if hint:
        lines += ["hints:", f'  Section 0: "{hint}"']
    path = folder / "spec.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def offline_args(spec: Path, out: Path, *extra: str) -> list[str]:
    return ["-s", str(spec), "-c", str(DEMO_PROJECT), "-o", str(out), "-p", "offline", *extra]


def llm_args(fake: FakeLLM, out: Path, *extra: str) -> list[str]:
    return [
        *offline_args(REPO / "doc_spec.yaml", out, "-p", "openai", "-m", "fake-model"),
        *("--base-url", fake.openai_url, "--timeout", "10", "--max-retries", "1"),
        *("--initial-backoff", "0.05", "--max-backoff", "0.1", *extra),
    ]


# --------------------------------------------------------------------------- settings


def test_settings_ranges_hold_wherever_settings_are_built():
    with pytest.raises(ValidationError, match="generation_workers"):
        Settings(generation_workers=0)
    with pytest.raises(ValidationError, match="backoff_jitter"):
        Settings(backoff_jitter=7)


def test_a_bad_range_from_the_environment_names_the_variable(workdir, monkeypatch, capsys):
    monkeypatch.setenv("AUTODOC_STOP_GRACE", "-1")
    assert main(offline_args(spec_file(workdir), workdir / "out")) == 2
    err = capsys.readouterr().err
    assert "AUTODOC_STOP_GRACE" in err and ">= 0" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("variable", "limit", "spec_kwargs", "words"),
    [
        ("AUTODOC_MAX_SPEC_BYTES", "100", {"sections": 20}, "the spec file is"),
        ("AUTODOC_MAX_SECTIONS", "3", {"sections": 4}, "sections: the spec is 4 sections; the limit is 3"),
        ("AUTODOC_MAX_TITLE_CHARS", "10", {"title": "x" * 11}, "title: the title is 11 characters"),
        ("AUTODOC_MAX_HINT_CHARS", "50", {"hint": "h" * 51}, "hint: the hint is 51 characters"),
    ],
)
def test_each_bound_is_refused_before_any_work(
    workdir, monkeypatch, capsys, variable, limit, spec_kwargs, words
):
    monkeypatch.setenv(variable, limit)
    out = workdir / "out"
    assert main(offline_args(spec_file(workdir, **spec_kwargs), out)) == 2
    err = capsys.readouterr().err
    assert words in err and f"the limit is {int(limit):,}" in err and variable in err
    assert "Traceback" not in err
    assert not out.exists()  # nothing scanned, nothing written


def test_a_prompt_over_its_limit_is_not_sent(workdir, fake_llm, capsys):
    out = workdir / "out"
    assert main(llm_args(fake_llm, out, "--max-prompt-chars", "1000")) == 1
    captured = capsys.readouterr()
    assert fake_llm.requests == []
    assert "the limit is 1,000" in captured.out and "max-prompt-chars" in captured.out


# ------------------------------------------------------------------------------- lock


def test_a_second_run_into_the_same_folder_is_refused(workdir, capsys):
    out = workdir / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock_path(out).write_text(
            f'{{"pid": {holder.pid}, "pid_start": "{process_start(holder.pid)}", '
            f'"host": "{os.uname().nodename}", "started": "2026-12-02T18:00:00+00:00"}}'
        )
        assert main(offline_args(spec_file(workdir), out)) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert f"the output folder {out} is in use by another autodoc run (PID {holder.pid}" in err
    assert "another --output" in err
    assert not (out / "model_documentation.docx").exists()


def test_a_stale_lock_and_dead_temporaries_are_removed(workdir, capsys):
    out = workdir / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_path(out).write_text(f'{{"pid": {dead.pid}, "host": "{os.uname().nodename}", "started": "x"}}')
    stale = out / f".autodoc_cache.json.{dead.pid}.k3j4x.tmp"
    stale.write_text("{")
    live = out / f".model_documentation.docx.{os.getpid()}.a1b2.tmp"  # a writer that still runs
    live.write_text("")
    assert main(offline_args(spec_file(workdir), out)) == 0, capsys.readouterr()
    assert not stale.exists() and live.exists()
    assert not (out / LOCK_NAME).exists()  # released when the run ended


# ------------------------------------------------------------------------------- stop


def _cli(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kept_answers(out: Path) -> int:
    """LLM answers applied to the cached document (plans and written blocks)."""
    state = load_state(cache_path(out))
    return sum(s.usage.calls for s in state.sections) + sum(b.usage.calls for _, b in state.blocks())


@pytest.mark.slow
def test_sigterm_keeps_in_flight_answers_and_exits_143(workdir, fake_llm, capsys):
    out = workdir / "out"
    fake_llm.latency = 1.0
    proc = _cli(llm_args(fake_llm, out, "-w", "2", "--planning-workers", "2", "--stop-grace", "10"), workdir)
    try:
        deadline = time.monotonic() + 60
        while len(fake_llm.requests) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        # a second run into the same folder, while the first one runs, is refused
        assert main(llm_args(fake_llm, out)) == 2
        assert (
            f"the output folder {out} is in use by another autodoc run (PID {proc.pid}"
            in capsys.readouterr().err
        )
        time.sleep(0.3)  # calls are in flight now
        sent_at_stop = len(fake_llm.requests)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, stdout + stderr
    assert "stopping: no new LLM calls (SIGTERM)" in stderr and "Traceback" not in stderr
    assert "run the same command again to finish" in stderr
    # no call started after the signal, and every call that was running came back and was kept
    assert len(fake_llm.requests) == sent_at_stop
    assert _kept_answers(out) == sent_at_stop
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert not (out / LOCK_NAME).exists()


@pytest.mark.slow
def test_the_command_ends_at_once_with_every_line_its_code_and_its_clean_ups(
    workdir, demo_store_uri, demo_project
):
    """The process skips the interpreter's teardown, not what a normal exit guarantees: a
    reader of its piped output gets the last summary line, the exit code is the run's, and
    the read-only copy of a store committed in the code root is removed."""
    code = workdir / "project"
    shutil.copytree(demo_project, code, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(sqlite_path(clone_store(demo_store_uri, workdir / "clone")), code / "mlflow.db")
    scratch = workdir / "tmp"
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(scratch)}
    env.pop("PYTHONUNBUFFERED", None)  # a pipe: stdout is block-buffered, as in CI logs
    out = workdir / "out"
    args = ["-s", str(spec_file(workdir)), "-c", str(code), "-o", str(out), "-p", "offline"]
    done = subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args], cwd=workdir, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = "note: 1 secret(s) found in the scanned material were redacted before any use."
    assert done.stdout.rstrip().splitlines()[-1] == last, done.stdout
    assert (out / "model_documentation.docx").stat().st_size > 0
    assert not list(scratch.glob("autodoc-mlflow-*"))  # the exit handlers ran


def test_the_scan_cache_is_on_disk_after_the_command_ends_at_once(workdir):
    """The scan writes its cache from a thread after it returns; a process that ends through
    `leave` right after the scan still leaves the cache on disk for the next run."""
    cache_dir = workdir / "scan-cache"
    script = (
        "import sys\n"
        "from autodoc.scan.code.tree import scan_code\n"
        "from autodoc.cli.main import leave\n"
        "scan_code(sys.argv[1], commit_info=False, cache_dir=sys.argv[2])\n"
        "leave(0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(DEMO_PROJECT), str(cache_dir)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(list(cache_dir.glob("scan-*.pkl"))) == 2, sorted(p.name for p in cache_dir.iterdir())
