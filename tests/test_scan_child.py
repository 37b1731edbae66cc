"""The scan in a child interpreter (a process's first LLM run scans there while it loads the
SDK): the same evidence and progress lines as a scan here, the same errors, and a child that
fails leaves the scan to this process."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from autodoc.errors import MlflowUnavailableError, ScanError
from autodoc.progress import Progress
from autodoc.scan import run_scan
from autodoc.scan.child import ScanChild, spare_core
from autodoc.settings import Settings


def _settings(tmp_path: Path, uri: str, project: Path) -> Settings:
    return Settings(code_root=str(project), mlflow_uri=uri, output_dir=str(tmp_path / "out"))


def _lines(progress: Progress) -> list[str]:
    return [event.message for event in progress.snapshot().events]


@pytest.mark.slow
def test_the_child_finds_what_a_scan_here_finds_and_its_progress_lines_show(
    tmp_path, demo_store_uri, demo_project
):
    settings = _settings(tmp_path, demo_store_uri, demo_project)
    progress = Progress()
    child = ScanChild(settings)
    assert child.proc is not None  # a second interpreter really scans
    evidence = child.result(progress)
    progress_here = Progress()
    here = run_scan(settings, progress_here)
    assert evidence.content_hash() == here.content_hash()
    assert evidence.model_names() == here.model_names() == ["breast_cancer_gbm", "breast_cancer_logreg"]
    lines = _lines(progress)
    assert sorted(lines) == sorted(_lines(progress_here))  # code and MLflow report in either order
    assert any(line.startswith("code: ") and " files read" in line for line in lines), lines
    assert any(line.startswith("scan done: ") and "2 registered models" in line for line in lines), lines
    assert progress.snapshot().phases["scanning"].done == 2


def test_a_scan_error_in_the_child_is_the_error_a_scan_here_raises(tmp_path, demo_project):
    db = tmp_path / "typo" / "mlflow.db"
    settings = _settings(tmp_path, f"sqlite:///{db}", demo_project)
    with pytest.raises(MlflowUnavailableError) as here:
        run_scan(settings)
    with pytest.raises(MlflowUnavailableError) as there:
        ScanChild(settings).result(Progress())
    assert str(db) in str(there.value)
    assert (there.value.message, there.value.hint) == (here.value.message, here.value.hint)
    assert there.value.hint  # what to check travels with the message


def test_a_bad_code_root_is_said_before_a_child_starts(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(ScanError, match=f"code root {missing} does not exist"):
        ScanChild(_settings(tmp_path, "", missing))


def test_a_child_that_dies_leaves_the_scan_to_this_process(tmp_path, demo_project, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(demo_project, project, ignore=shutil.ignore_patterns("__pycache__", "*.db", "mlruns"))
    monkeypatch.chdir(tmp_path)  # no store here: the code alone
    settings = _settings(tmp_path, "", project)
    monkeypatch.setattr(sys, "executable", shutil.which("false") or "/bin/false")  # exits at once
    progress = Progress()
    evidence = ScanChild(settings).result(progress)
    progress_here = Progress()
    assert evidence.content_hash() == run_scan(settings, progress_here).content_hash()
    assert sorted(_lines(progress)) == sorted(_lines(progress_here))
    assert any(line.startswith("code: ") and " files read" in line for line in _lines(progress))


@pytest.mark.parametrize(
    ("load", "cores", "spare"),
    [(0.3, 2, True), (1.7, 2, False), (6.0, 2, False), (0.0, 1, False), (5.0, 8, True)],
)
def test_a_child_is_started_only_with_a_core_to_spare(monkeypatch, load, cores, spare):
    """On a busy machine the child would compete for the CPU this process needs: scan here."""
    monkeypatch.setattr("os.getloadavg", lambda: (load, load, load))
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)))
    assert spare_core() is spare
