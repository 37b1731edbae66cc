"""End to end on the demo project (offline writer): the evidence and the Word document name
the trainer that really runs, its hyperparameters, split, target and metrics, and never the
legacy RandomForest trainer as if it were used; Validation Results claims nothing the
evidence does not hold."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.document import NarrativeContent
from autodoc.settings import Settings
from autodoc.spec import load_spec
from autodoc.write import grounding

REPO = Path(__file__).resolve().parent.parent
# Validation methods the demo does NOT implement: naming one as done would be invented.
ABSENT_METHODS = (
    "bootstrap",
    "out-of-time",
    "backtest",
    "calibration",
    "grid search",
    "randomized search",
    "external validation",
    "leave-one-out",
    "time series split",
    "stress test",
    "benchmark model",
)


@pytest.fixture(scope="module")
def run(demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("e2e_code")
    settings = Settings(
        code_root=str(demo_project), mlflow_uri=demo_store_uri, output_dir=str(out), provider="offline"
    )
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    doc = Document(str(result.outputs.docx))
    sections: dict[str, list[str]] = {}
    current = None
    headings = {f"{s.number} {s.heading}": s.spec_name for s in result.state.sections}
    for para in doc.paragraphs:
        if para.style.name.startswith("Heading") and para.text in headings:
            current = headings[para.text]
            continue
        if para.style.name.startswith("Heading") and para.text == "References":
            current = None
        if current:
            sections.setdefault(current, []).append(para.text)
    tables = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    return {"result": result, "evidence": result.evidence, "sections": sections, "tables": tables, "doc": doc}


def _text(run: dict[str, Any], section: str) -> str:
    return "\n".join(run["sections"].get(section, []))


def _live_estimators(evidence: Any) -> dict[str, Any]:
    return {i.id: i for i in evidence.items if i.kind == "estimator" and i.live}


def test_evidence_names_the_live_trainer_not_the_legacy_one(run: dict[str, Any]) -> None:
    evidence = run["evidence"]
    live = _live_estimators(evidence)
    assert {i.value for i in live.values()} == {"LogisticRegression", "GradientBoostingClassifier"}
    assert all(i.source.path == "train.py" for i in live.values())
    legacy = [i for i in evidence.items if i.kind == "estimator" and i.value == "RandomForestClassifier"]
    assert legacy and all(i.live is False and i.source.path == "legacy_train.py" for i in legacy)
    legacy_split = [i for i in evidence.items if i.kind == "split" and i.source.path == "legacy_train.py"]
    assert legacy_split and all(i.live is False for i in legacy_split)


def test_evidence_holds_the_split_target_and_hyperparameters(run: dict[str, Any]) -> None:
    evidence = run["evidence"]
    config = {i.label.split(" = ")[0]: i.value for i in evidence.items if i.kind == "config"}
    assert config["split.test_size"] == 0.2
    assert config["split.stratify"] is True
    assert config["split.random_state"] == 42
    assert config["target"] == "malignant"
    assert (config["logreg.C"], config["logreg.max_iter"]) == (1.0, 500)
    assert (config["gbm.n_estimators"], config["gbm.learning_rate"], config["gbm.max_depth"]) == (120, 0.1, 3)
    targets = [i for i in evidence.items if i.kind == "target" and i.live]
    assert [t.value for t in targets] == ["malignant"]
    # the registered champions' runs logged the same split
    for model in evidence.mlflow.registered_models:
        champion = next(v for v in model.versions if v.version == model.aliases["champion"])
        params = evidence.run(champion.run_id).params
        assert (params["test_size"], params["stratify"], params["random_state"]) == ("0.2", "True", "42")


def test_document_describes_the_live_models_and_marks_legacy_code(run: dict[str, Any]) -> None:
    arch = _text(run, "Model Architecture")
    assert "LogisticRegression" in arch and "GradientBoostingClassifier" in arch
    assert "Not listed (legacy" in arch  # the estimators table says why RandomForest is absent
    assert "RandomForest" not in run["tables"]  # no table lists it among the estimators
    for para in run["doc"].paragraphs:  # wherever RandomForest is named, it is called legacy
        if "RandomForest" in para.text:
            assert "legacy" in para.text.lower(), para.text
    body = "\n".join(p for sec in run["sections"].values() for p in sec)
    for legacy_fact in ("test_size = 0.3", "random_state = 7", "n_estimators = 500", "rf_model.pkl"):
        assert legacy_fact not in body, legacy_fact


def test_document_states_split_target_hyperparameters_and_metrics(run: dict[str, Any]) -> None:
    training, validation = _text(run, "Training Pipeline"), _text(run, "Validation Results")
    assert "StratifiedKFold" in training
    for fact in ("split.test_size = 0.2", "split.stratify = True", "split.random_state = 42"):
        assert fact in validation and fact not in training, fact  # the split once, where it belongs
    assert "target is malignant" in _text(run, "Data Overview")
    arch = _text(run, "Model Architecture")
    for fact in ("logreg.C = 1", "logreg.max_iter = 500", "gbm.n_estimators = 120", "gbm.max_depth = 3"):
        assert fact in arch, fact
    perf = _text(run, "Model Performance")
    assert "test_roc_auc 0.998" in perf and "test_roc_auc 0.9967" in perf  # champions' logged values


def test_an_estimator_built_from_unpacked_settings_is_never_said_to_use_defaults(run: dict[str, Any]) -> None:
    """train.py builds its cross-validation copy as GradientBoostingClassifier(**{**model.get_params(), ...}):
    its settings are the production model's with one override, never the library's defaults."""
    rows = [
        [c.text for c in row.cells]
        for t in run["doc"].tables
        for row in t.rows
        if row.cells[-1].text == "train.py:183"
    ]
    assert rows == [
        [
            "GradientBoostingClassifier",
            "(unpacked from an expression)",
            "the settings of model (copied with get_params()) except warm_start = False",
            "train.py:183",
        ]
    ]
    arch = _text(run, "Model Architecture")
    said = re.search(r"GradientBoostingClassifier at train\.py, line 183 \[\d+\], (.*?)\.(\s|$)", arch)
    copied = "with the settings of model (copied with get_params()) except warm_start = False"
    assert said and said.group(1) == copied, arch
    assert "(defaults)" not in run["tables"]


def test_the_champions_scores_are_stated_in_the_summary_and_pointed_to_elsewhere(run: dict[str, Any]) -> None:
    paragraphs = [p.text for p in run["doc"].paragraphs]
    summary = next(t for t in paragraphs if t.startswith("Held-out performance:"))
    assert "test_roc_auc 0.998" in summary and "test_roc_auc 0.9967" in summary
    executive = _text(run, "Executive Summary")
    assert "0.998" not in executive and "0.9967" not in executive  # not a second time
    assert executive.count("scores on the held-out split are stated in the Summary") == 2  # one per model


def test_validation_results_claims_only_what_the_evidence_holds(run: dict[str, Any]) -> None:
    result, evidence = run["result"], run["evidence"]
    text = _text(run, "Validation Results")
    assert "train_test_split" in text and "StratifiedKFold" in text and "test_size = 0.2" in text
    lowered = text.lower()
    for method in ABSENT_METHODS:
        for sentence in re.split(r"(?<=[.!?])\s+", lowered):
            if method in sentence:
                assert "not found" in sentence or "no " in sentence or "missing" in sentence, sentence
    blocks = [b for s, b in result.state.blocks() if s.spec_name == "Validation Results"]
    assert blocks and not any(b.flags for b in blocks)
    for blk in blocks:
        if isinstance(blk.content, NarrativeContent):
            check = grounding.check(blk.content.text, evidence)
            assert not check.flags and not check.unknown_citations, (check.flags, check.unknown_citations)


def test_every_figure_in_the_document_body_is_grounded(run: dict[str, Any]) -> None:
    result, evidence = run["result"], run["evidence"]
    assert result.exit_code == 0 and not result.state.flagged()
    for sec, blk in result.state.blocks():
        if isinstance(blk.content, NarrativeContent):
            check = grounding.check(blk.content.text, evidence)
            assert not check.flags, (sec.heading, [f.figure for f in check.flags])


def test_deployment_lists_every_registered_version_it_claims_to_list(run: dict[str, Any]) -> None:
    text = _text(run, "Deployment Considerations")
    for model in run["evidence"].mlflow.registered_models:
        line = next(p for p in text.splitlines() if p.startswith(f"Registered versions of {model.name}"))
        for version in model.versions:
            assert f"version {version.version}" in line, (model.name, version.version, line)


def test_the_registry_tags_a_validator_checks_first_are_stated(run: dict[str, Any]) -> None:
    """promote.py tags each registered model with its owner, risk tier and use, and each version with
    its validation status: Deployment Considerations says the model's tags and the versions table
    gives each version's; MLflow's own mlflow.* tags are never listed."""
    deploy = _text(run, "Deployment Considerations")
    said = "The registry tags breast_cancer_gbm with owner = oncology-analytics, risk_tier = high"
    assert said in deploy, deploy
    rows = {
        tuple(c.text for c in row.cells)
        for t in run["doc"].tables
        if [c.text for c in t.rows[0].cells] == ["Version", "Aliases", "Status", "Run", "Created", "Tags"]
        for row in t.rows[1:]
    }
    assert ("3", "champion", "validation_status = approved") in {(r[0], r[1], r[5]) for r in rows}
    assert ("1", "—", "validation_status = pending") in {(r[0], r[1], r[5]) for r in rows}
    assert "mlflow." not in deploy + "".join("".join(r) for r in rows)
