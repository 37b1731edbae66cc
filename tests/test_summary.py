"""The one-minute summary: each fact once, cited, production first; the gaps listed once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from autodoc import pipeline
from autodoc.evidence import EvidenceItem, EvidenceStore, Source
from autodoc.progress import Progress
from autodoc.render.docx import render_docx
from autodoc.settings import Settings
from autodoc.write.gaps import summary_gaps
from autodoc.write.summary import summary_facts
from tests.support.builders.state import make_state


@pytest.fixture(scope="module")
def demo_evidence(demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("summary")
    settings = Settings(code_root=str(demo_project), mlflow_uri=demo_store_uri, output_dir=str(out))
    return pipeline.scan(settings, Progress())


def test_the_demo_summary_names_the_champions_their_split_metrics_and_threshold(demo_evidence) -> None:
    facts = {f.topic: f for f in summary_facts(demo_evidence)}
    assert list(facts)[:2] == ["purpose", "model"]
    assert "breast_cancer_gbm version 3 (alias champion)" in facts["model"].text
    assert "[[mv:breast_cancer_gbm:3]]" in facts["model"].text
    assert "test_size = 0.2" in facts["split"].text
    assert "0.35" in facts["threshold"].text  # the production config's threshold
    assert "test_roc_auc" in facts["metrics"].text and "held-out" in facts["metrics"].text
    for fact in facts.values():  # every fact is cited, and only with evidence that exists
        assert fact.evidence_ids and all(demo_evidence.get(eid) for eid in fact.evidence_ids)
    assert "No hyperparameter search was found in the code." in summary_gaps(demo_evidence)


def _code_item(eid: str, kind: str, value: object, path: str, live: bool | None = True) -> EvidenceItem:
    return EvidenceItem(
        id=eid,
        kind=kind,
        label=f"{kind} {value}",
        value=value,
        source=Source(kind="code", path=path, line_start=3),
        live=live,
    )


def test_exploratory_and_legacy_values_never_stand_for_the_model() -> None:
    store = EvidenceStore(
        created_at="2026-01-01T00:00:00Z",
        generator_version="test",
        items=[
            _code_item("c:eda.ipynb:3:threshold:t", "threshold", 0.3, "eda.ipynb"),
            _code_item("c:old.py:3:threshold:t", "threshold", 0.9, "old.py", live=False),
            _code_item("c:score.py:3:threshold:t", "threshold", 0.35, "score.py"),
        ],
    )
    (threshold,) = [f for f in summary_facts(store) if f.topic == "threshold"]
    assert "0.35" in threshold.text and "0.3 " not in threshold.text and "0.9" not in threshold.text


def test_the_summary_comes_right_after_the_title_page_with_its_citations_numbered_first() -> None:
    state = make_state()
    store = EvidenceStore(
        created_at="2026-01-01T00:00:00Z",
        generator_version="test",
        items=[_code_item("c:score.py:3:threshold:t", "threshold", 0.35, "score.py")],
    )
    state.summary = summary_facts(store)
    state.gaps = ["No serving code (an API or batch scoring entry point) was identified."]
    state.evidence_items.update({i.id: i for i in store.items})
    doc = Document(io.BytesIO(render_docx(state)))
    texts = [p.text for p in doc.paragraphs]
    first = texts.index("Summary")
    assert first < texts.index("Contents")
    assert "Decision threshold: The decision threshold is 0.35 (score.py, line 3) [1]." in texts
    assert texts.index("What the evidence does not show") > first


def test_without_mlflow_the_summary_reads_the_production_code() -> None:
    est = _code_item("c:run.py:10:estimator:XGBClassifier", "estimator", "XGBClassifier", "run.py")
    depth = _code_item("c:run.py:11:param:max_depth", "param", 4, "run.py")
    depth.attrs.update(owner=est.id, owner_kind="estimator", owner_name="XGBClassifier")
    target = _code_item("c:run.py:40:param:--target", "param", "Churn", "run.py")
    threshold = _code_item("c:run.py:41:param:--threshold", "param", 0.35, "run.py")
    notebook = _code_item("c:eda.ipynb:3:param:--threshold", "param", 0.3, "eda.ipynb")
    store = EvidenceStore(
        created_at="2026-01-01T00:00:00Z",
        generator_version="test",
        items=[est, depth, target, notebook, threshold],
    )
    facts = {f.topic: f.text for f in summary_facts(store)}
    assert "trains XGBClassifier" in facts["model"] and "No registered model version" in facts["model"]
    assert "max_depth = 4" in facts["hyperparameters"] and "as set in the code" in facts["hyperparameters"]
    assert facts["target"].startswith("The model predicts Churn")
    assert "0.35" in facts["threshold"] and "0.3 " not in facts["threshold"]


def test_a_code_only_summary_states_hyperparameters_from_code_and_gaps_without_run_wording() -> None:
    from tests.support.builders.store import sample_store

    store = sample_store(with_mlflow=False)
    facts = {f.topic: f for f in summary_facts(store)}
    assert "max_iter = 500 [[c:train.py:76:param:max_iter]]" in facts["hyperparameters"].text
    gaps = summary_gaps(store)
    assert "No MLflow tracking server was configured." in gaps
    assert not any(
        "logged by the production model's training run" in g or "MLflow experiment" in g for g in gaps
    )

    # no value in the code: the estimator is built with its library's defaults, said as such
    bare = store.model_copy(update={"items": [i for i in store.items if ":param:" not in i.id]})
    text = {f.topic: f for f in summary_facts(bare)}["hyperparameters"].text
    assert (
        "LogisticRegression (train.py, line 76) [[c:train.py:76:estimator]] is built with its library's"
        in text
    )
    late = store.model_copy(
        update={
            "items": [
                i.model_copy(update={"value": None}) if i.id == "c:train.py:76:param:max_iter" else i
                for i in [*bare.items, store.get("c:train.py:76:param:max_iter")]
            ]
        }
    )
    text = {f.topic: f for f in summary_facts(late)}["hyperparameters"].text
    assert "defaults except max_iter, set at run time" in text


def test_runs_with_metrics_but_no_registered_version_are_not_called_no_logged_value() -> None:
    from tests.support.builders.store import sample_store

    store = sample_store()
    store = store.model_copy(
        update={
            "mlflow": store.mlflow.model_copy(update={"registered_models": []}),
            "items": [i for i in store.items if not i.id.startswith(("m:", "mv:"))],
        }
    )
    text = {f.topic: f for f in summary_facts(store)}["metrics"].text
    assert "runs logged values, but no registered version says which run is the model" in text
    assert "no logged value" not in text
