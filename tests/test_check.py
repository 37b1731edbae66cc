"""`autodoc check` on the demo project: each change is named with the sections it affects.

One offline generation of the demo project (real seeded SQLite MLflow store) per module;
every test works on its own copy of the code and, where it changes MLflow, of the store.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from mlflow import MlflowClient

from autodoc import pipeline
from autodoc.cli.main import main
from autodoc.scan.code import cache
from autodoc.settings import Settings
from autodoc.spec import parse_spec
from tests.support.mlflow_fixtures import clone_store

SPEC_YAML = """
title: "Breast cancer risk: model documentation"
authors: Model team
review:
  owner: "Dr. Ana Ruiz, Oncology Analytics"
  last_reviewed: 2026-11-01
  next_review: 2099-01-01
  cadence: 12 months
sections:
  - name: Executive Summary
    required: true
  - Data Overview
  - Model Architecture
  - "Model Performance: per_model"
  - name: Deployment Considerations
    required: true
"""


@pytest.fixture(scope="module")
def built(
    demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("check_demo")
    code = base / "code"
    shutil.copytree(demo_project, code)
    uri = clone_store(demo_store_uri, base / "store")
    (base / "spec.yaml").write_text(SPEC_YAML)
    settings = Settings(code_root=str(code), mlflow_uri=uri, output_dir=str(base / "out"))
    pipeline.generate(parse_spec(SPEC_YAML, "spec.yaml"), settings)
    return {"base": base, "code": code, "uri": uri, "out": base / "out"}


def copy_of(built: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """A private copy of the document's code and output (same MLflow store)."""
    code, out = tmp_path / "code", tmp_path / "out"
    shutil.copytree(built["code"], code)
    shutil.copytree(built["out"], out)
    return {**built, "code": code, "out": out}


def check(run: dict[str, Any], capsys: pytest.CaptureFixture, *extra: str) -> tuple[int, str]:
    argv = ["check", "--cache", str(run["out"] / ".autodoc_cache.json"), "--code-root", str(run["code"])]
    code = main([*argv, "--mlflow-uri", run["uri"], *extra])
    return code, capsys.readouterr().out


def test_an_unchanged_project_is_current(built: dict[str, Any], tmp_path: Path, capsys) -> None:
    code, out = check(copy_of(built, tmp_path), capsys)
    assert code == 0, out
    assert "evidence: unchanged" in out and "HYGIENE" not in out
    assert "MLflow store file unchanged" in out  # mlflow not read again: the fast path


def test_a_changed_hyperparameter_names_the_value_and_its_sentence(built, tmp_path: Path, capsys) -> None:
    run = copy_of(built, tmp_path)
    config = run["code"] / "config.yaml"
    config.write_text(config.read_text().replace("n_estimators: 120", "n_estimators: 250"))
    code, out = check(run, capsys)
    assert code == 1
    assert "hyperparameter gbm.n_estimators: 120 -> 250 (config.yaml:18)" in out
    affects = next(line for line in out.splitlines() if line.strip().startswith("affects"))
    assert "3 Model Architecture" in affects


def test_an_edited_cited_function_is_named_with_the_sections_citing_it(built, tmp_path: Path, capsys) -> None:
    run = copy_of(built, tmp_path)
    train = run["code"] / "train.py"
    text = train.read_text()
    assert 'max_iter=params["max_iter"],' in text
    train.write_text(text.replace('max_iter=params["max_iter"],', 'max_iter=params["max_iter"] * 2,'))
    code, out = check(run, capsys, "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["status"] == "stale"
    changed = [c for c in report["changes"] if c["category"] == "code"]
    assert [c["label"] for c in changed] == ["function build_logreg"]
    assert "3 Model Architecture" in changed[0]["sections"]
    assert any("LogisticRegression" in s for s in changed[0]["sentences"])


def test_a_new_version_and_champion_alias_are_named(built, tmp_path: Path, capsys, monkeypatch) -> None:
    run = copy_of(built, tmp_path)
    run["uri"] = clone_store(built["uri"], tmp_path / "store")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", run["uri"])  # the registry resolves models:/ through it
    client = MlflowClient(run["uri"])
    old = client.get_model_version("breast_cancer_gbm", "3")
    new = client.create_model_version("breast_cancer_gbm", source=old.source, run_id=old.run_id)
    client.set_registered_model_alias("breast_cancer_gbm", "champion", new.version)
    code, out = check(run, capsys)
    assert code == 1
    assert f"alias champion of breast_cancer_gbm: 3 -> {new.version}" in out
    assert f"breast_cancer_gbm version {new.version} added" in out
    assert "4.1 breast_cancer_gbm" in out


def test_spec_sections_removed_and_required_sections_missing(built, tmp_path: Path, capsys) -> None:
    run = copy_of(built, tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        SPEC_YAML.replace("  - name: Deployment Considerations\n    required: true\n", "")
        + "  - name: Model Risk\n    required: true\n"
    )
    code, out = check(run, capsys, "--spec", str(spec))
    assert code == 1
    assert "spec section removed: Deployment Considerations" in out
    assert "spec section added: Model Risk" in out
    assert "required section 'Model Risk' is not in the document" in out


def test_fail_on_chooses_what_fails(built, tmp_path: Path, capsys) -> None:
    run = copy_of(built, tmp_path)
    config = run["code"] / "config.yaml"
    config.write_text(config.read_text().replace("decision_threshold: 0.35", "decision_threshold: 0.5"))
    code, out = check(run, capsys, "--fail-on", "registry,hygiene")
    assert code == 0 and "threshold" in out and "decision_threshold: 0.35 -> 0.5" in out
    code, _ = check(run, capsys, "--fail-on", "threshold")
    assert code == 1


def test_review_past_due_and_bad_input(built, tmp_path: Path, capsys) -> None:
    run = copy_of(built, tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC_YAML.replace("next_review: 2099-01-01", "next_review: 2020-01-01"))
    code, out = check(run, capsys, "--spec", str(spec))
    assert code == 1 and "the next review was due on 2020-01-01" in out
    assert main(["check", "--cache", str(tmp_path / "missing.json")]) == 2
    assert "no cache at" in capsys.readouterr().err
    assert main(["check", "--cache", str(run["out"] / ".autodoc_cache.json"), "--fail-on", "stael"]) == 2
    assert "unknown finding" in capsys.readouterr().err


def test_the_scan_cache_is_kept_beside_the_document(built, tmp_path: Path, capsys) -> None:
    run = copy_of(built, tmp_path)
    check(run, capsys)
    cache.wait()  # the scan writes its cache in the background
    assert os.listdir(run["out"] / ".autodoc_scan_cache")


def test_a_missing_sqlite_store_is_said_and_not_created(built, tmp_path: Path, capsys) -> None:
    run = {**copy_of(built, tmp_path), "uri": f"sqlite:///{tmp_path / 'elsewhere' / 'mlflow.db'}"}
    code, out = check(run, capsys)
    assert code == 0 and "the registry was not compared" in out
    assert not (tmp_path / "elsewhere").exists()


def test_a_documented_runs_metric_and_the_entry_point_are_named(built, tmp_path: Path, capsys) -> None:
    run = copy_of(built, tmp_path)
    run["uri"] = clone_store(built["uri"], tmp_path / "store")
    client = MlflowClient(run["uri"])
    champion = client.get_model_version_by_alias("breast_cancer_gbm", "champion")
    client.log_metric(champion.run_id, "test_roc_auc", 0.5)  # a documented run's metric changes
    promote = run["code"] / "promote.py"
    promote.write_text(promote.read_text().split('if __name__ == "__main__":')[0])  # no longer an entry point
    code, out = check(run, capsys, "--format", "json")
    report = json.loads(out)
    assert code == 1
    metric = [c for c in report["changes"] if c["category"] == "metric"]
    assert [(c["key"], c["after"]) for c in metric] == [(f"r:{champion.run_id[:8]}:metric:test_roc_auc", 0.5)]
    assert metric[0]["sections"]  # the sections reporting that run's metrics
    entry = [c for c in report["changes"] if c["category"] == "entry_point"]
    assert [(c["change"], c["where"]) for c in entry] == [("removed", "promote.py:1")]


def test_a_document_built_before_snapshots_is_checked_against_its_evidence_file(
    built, tmp_path: Path, capsys
) -> None:
    run = copy_of(built, tmp_path)
    (run["out"] / ".autodoc_snapshot.json").unlink()
    config = run["code"] / "config.yaml"
    config.write_text(config.read_text().replace("n_estimators: 120", "n_estimators: 250"))
    code, out = check(run, capsys)
    assert code == 1 and "gbm.n_estimators: 120 -> 250" in out
    assert "compared with evidence.json" in out


def test_a_required_section_emptied_in_review_fails_hygiene(built, tmp_path: Path, capsys) -> None:
    from autodoc.pipeline.cache import load_state, save_state

    run = copy_of(built, tmp_path)
    cache = run["out"] / ".autodoc_cache.json"
    state = load_state(cache)
    state.section("executive-summary").blocks = []  # a reviewer removed every block
    save_state(state, cache)
    code, out = check(run, capsys, "--fail-on", "required")
    assert code == 1 and "required section 'Executive Summary' is empty (section 1)" in out


def test_a_store_committed_in_the_code_root_is_checked_where_it_lives(
    demo_store_uri: str, demo_project: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./mlflow.db in the working directory
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    code = tmp_path / "code"
    shutil.copytree(demo_project, code, ignore=shutil.ignore_patterns("__pycache__"))
    clone_store(demo_store_uri, code)  # code/mlflow.db, read by autodoc through a copy
    out = tmp_path / "out"
    pipeline.generate(parse_spec(SPEC_YAML, "spec.yaml"), Settings(code_root=str(code), output_dir=str(out)))
    cache = str(out / ".autodoc_cache.json")
    assert main(["check", "--cache", cache]) == 0
    assert "mlflow.db in the code root unchanged" in capsys.readouterr().out
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{code / 'mlflow.db'}")  # the registry resolves it
    client = MlflowClient(f"sqlite:///{code / 'mlflow.db'}")
    client.set_registered_model_alias("breast_cancer_logreg", "champion", "2")
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert main(["check", "--cache", cache, "--format", "json"]) == 1
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert [c["label"] for c in changes] == ["alias champion of breast_cancer_logreg"]
