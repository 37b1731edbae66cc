"""Which version serves, and by what rule: the ranking or gate the code applies before it
registers, promotes or loads a model, as the Summary's Production model line states it."""

from __future__ import annotations

from pathlib import Path

from autodoc.evidence import EvidenceStore
from autodoc.scan.code.tree import scan_code
from autodoc.write.summary import summary_facts

PROMOTE = """\
from mlflow import MlflowClient


def promote(client, name):
    scored = []
    for mv in client.search_model_versions(f"name = '{name}'"):
        metrics = client.get_run(mv.run_id).data.metrics
        scored.append((metrics.get("cv_roc_auc", 0.0), int(mv.version), mv))
    champion = max(scored)[2]
    others = sorted((s for s in scored if s[2] is not champion), key=lambda s: s[1])
    client.set_registered_model_alias(name, "champion", champion.version)
    if others:
        client.set_registered_model_alias(name, "challenger", others[-1][2].version)


if __name__ == "__main__":
    promote(MlflowClient(), "risk")
"""

SEARCH = """\
import mlflow
from mlflow import MlflowClient


def register_best(client, experiment_id):
    runs = client.search_runs([experiment_id], order_by=["metrics.rmse ASC"], max_results=1)
    mlflow.register_model(f"runs:/{runs[0].info.run_id}/model", "wine")


def latest(experiment_id):
    runs = mlflow.search_runs([experiment_id], order_by=["attributes.start_time DESC"])
    return mlflow.pyfunc.load_model(f"runs:/{runs.iloc[0].run_id}/model")


if __name__ == "__main__":
    register_best(MlflowClient(), "1")
    latest("1")
"""

FRAME = """\
import mlflow


def main():
    runs = mlflow.search_runs(experiment_names=["churn"])
    best = runs.sort_values("metrics.auc", ascending=False).iloc[0]
    mlflow.register_model(f"runs:/{best.run_id}/model", "churn")


if __name__ == "__main__":
    main()
"""

GATE = """\
import mlflow
from mlflow import MlflowClient

MIN_SCORE = 0.8


def promote(client, run_id, version):
    metrics = client.get_run(run_id).data.metrics
    if metrics["val_score"] > MIN_SCORE:
        client.transition_model_version_stage("fraud", version, "Production")


if __name__ == "__main__":
    promote(MlflowClient(), "abc", 1)
"""

EARLY_EXIT = """\
import mlflow
from sklearn.metrics import roc_auc_score


def train(model, x, y, run):
    auc = roc_auc_score(y, model.predict_proba(x)[:, 1])
    mlflow.log_metric("auc", auc)
    if auc < 0.75:
        return
    mlflow.register_model(f"runs:/{run.info.run_id}/model", "fraud")


if __name__ == "__main__":
    train(None, None, None, None)
"""

PLAIN = """\
import mlflow


def train(run):
    mlflow.log_metric("auc", 0.9)
    mlflow.register_model(f"runs:/{run.info.run_id}/model", "staging.trail")


if __name__ == "__main__":
    train(None)
"""


def _production_line(tmp_path: Path, files: dict[str, str]) -> tuple[str, EvidenceStore]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    scan = scan_code(str(tmp_path), commit_info=False)
    store = EvidenceStore(created_at="2026-12-03T00:00:00Z", generator_version="t", items=scan.items)
    return next((f.text for f in summary_facts(store) if f.topic == "model"), ""), store


def test_the_alias_goes_to_the_version_whose_run_scores_highest(tmp_path: Path) -> None:
    line, store = _production_line(tmp_path, {"promote.py": PROMOTE})
    assert (
        "The alias champion is set to the version whose run has the highest cv_roc_auc (promote.py, line 9)"
    ) in line
    # the challenger is the most recent other version (ranked by version number): no metric rule
    assert "challenger" not in line and "the lowest" not in line
    assert [i.attrs["target"] for i in store.by_kind("model_selection")] == ["champion"]


def test_the_first_run_of_a_search_ordered_by_a_metric_is_the_one_registered(tmp_path: Path) -> None:
    line, store = _production_line(tmp_path, {"register.py": SEARCH, "pick.py": FRAME})
    assert "The run with the lowest rmse is registered as wine (register.py, line 6)" in line
    assert "The run with the highest auc is registered as churn (pick.py, line 6)" in line
    assert "loaded" not in line  # the latest run by start time: no metric chooses it
    assert len(store.by_kind("model_selection")) == 2


def test_a_metric_bound_around_the_promotion_is_a_gate_not_a_decision_threshold(tmp_path: Path) -> None:
    line, store = _production_line(tmp_path, {"promote.py": GATE})
    assert (
        "A version is moved to stage Production only when its val_score is above 0.8 (promote.py, line 9)"
        in line
    )
    facts = {f.topic: f.text for f in summary_facts(store)}
    assert "threshold" not in facts and not store.by_kind("threshold")


def test_an_early_return_below_a_bound_gates_the_registration_after_it(tmp_path: Path) -> None:
    line, _ = _production_line(tmp_path, {"train.py": EARLY_EXIT})
    assert "The model is registered as fraud only when its auc is at least 0.75 (train.py, line 8)" in line


def test_a_run_registered_without_a_rule_gets_no_rule_in_the_document(tmp_path: Path) -> None:
    _, store = _production_line(tmp_path, {"train.py": PLAIN})
    said = " ".join(f.text for f in summary_facts(store))
    assert store.by_kind("mlflow_call") and not store.by_kind("model_selection")
    assert "only when" not in said and "highest" not in said and "is registered" not in said
