"""Which version serves, and by what rule: the ranking or gate the code applies before it
registers, promotes or loads a model, as the Summary's Production model line states it."""

from __future__ import annotations

from pathlib import Path

from autodoc.evidence import EvidenceStore
from autodoc.scan.code.tree import scan_code
from autodoc.write.context import DocumentContext
from autodoc.write.summary import summary_facts
from tests.support.documents import document_lines, write_tree

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


BEST_SO_FAR = """\
import mlflow
from mlflow import MlflowClient


def pick(client, experiment_id):
    best_run, best_rmse = None, float("inf")
    for run in client.search_runs([experiment_id]):
        rmse = run.data.metrics["val_rmse"]
        if best_run is None or rmse < best_rmse:
            best_rmse = rmse
            best_run = run
    mlflow.register_model(f"runs:/{best_run.info.run_id}/model", "price")


def pick_auc(runs):
    best, best_auc = None, 0.0
    for run in runs:
        if best_auc < run.data.metrics["auc"]:
            best_auc = run.data.metrics["auc"]
            best = run
    mlflow.register_model(f"runs:/{best.info.run_id}/model", "price_auc")


def challenge(client, new_auc, prod_auc, version):
    if new_auc > prod_auc:
        client.transition_model_version_stage("price", version, "Production")


if __name__ == "__main__":
    pick(MlflowClient(), "1")
    pick_auc([])
    challenge(MlflowClient(), 0.9, 0.8, 2)
"""

OPTIONS = """\
import argparse

from mlflow import MlflowClient


def promote(client, args, version, run_id):
    metrics = client.get_run(run_id).data.metrics
    if metrics["roc_auc"] >= args.roc_auc_min and metrics["recall"] >= args.recall_min:
        client.set_registered_model_alias(args.model_name, "prod", version)


def guard(client, metrics, version):
    if metrics["auc"] < 0.7 or metrics["recall"] < 0.5:
        raise ValueError("below the bar")
    client.set_registered_model_alias("risk", "champion", version)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-name", required=True)
    parser.add_argument("--roc-auc-min", type=float, default=0.88)
    parser.add_argument("--recall-min", type=float, default=0.65)
    args = parser.parse_args()
    promote(MlflowClient(), args, 1, "r")
    guard(MlflowClient(), {}, 1)
"""


def test_a_loop_that_keeps_the_best_run_so_far_chooses_by_that_metric(tmp_path: Path) -> None:
    line, _ = _production_line(tmp_path, {"pick.py": BEST_SO_FAR})
    assert "The run with the lowest val_rmse is registered as price (pick.py, line 9)" in line
    assert "The run with the highest auc is registered as price_auc (pick.py, line 18)" in line
    # a new model's metric against the one in production gates the stage change
    assert "A version is moved to stage Production only when its new_auc is above prod_auc" in line


def test_every_bound_of_a_gate_is_said_with_the_option_that_sets_it(tmp_path: Path) -> None:
    line, _ = _production_line(tmp_path, {"promote.py": OPTIONS})
    assert (
        "The alias prod is set only when its roc_auc is at least 0.88 (the roc_auc_min option's default, "
        "line 21) and recall is at least 0.65 (the recall_min option's default, line 22)"
    ) in line
    # an early exit when either metric falls short: both bounds are needed
    assert "The alias champion is set only when its auc is at least 0.7 and recall is at least 0.5" in line


RECIPE = """\
recipe: "classification/v1"
target_col: "churned"
primary_metric: "f1_score"
steps:
  train:
    using: custom
    estimator_method: estimator_fn
  evaluate:
    validation_criteria:
      - metric: f1_score
        threshold: 0.6
  register:
    allow_non_validated_model: false
"""

ESTIMATOR = """\
from sklearn.ensemble import RandomForestClassifier


def estimator_fn(estimator_params=None):
    return RandomForestClassifier(n_estimators=50)
"""


def test_a_validation_criterion_gates_registration_and_is_no_decision_threshold(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "code", {"recipe.yaml": RECIPE, "steps/train.py": ESTIMATOR})
    paragraphs, _ = document_lines(root, tmp_path / "out")
    text = "\n".join(paragraphs)
    assert "The validation criteria ask for f1_score of at least 0.6" in text
    assert "decision threshold is 0.6" not in text and "No decision threshold was found" in text


def test_an_llm_writer_is_sent_the_rule_with_the_document_facts(tmp_path: Path) -> None:
    _, store = _production_line(tmp_path, {"promote.py": PROMOTE})
    prefix = DocumentContext.build("Risk model", store).text
    assert "model_selection: alias champion: the highest cv_roc_auc | highest cv_roc_auc" in prefix


SCRIPT = """\
# Databricks notebook source
import mlflow

# COMMAND ----------

runs = mlflow.search_runs(experiment_names=["/Shared/churn"], order_by=["metrics.val_auc DESC"])
best_run_id = runs.iloc[0]["run_id"]

# COMMAND ----------

mlflow.register_model(f"runs:/{best_run_id}/model", "churn_model")
"""


def test_a_script_that_ranks_at_its_top_level_is_read_across_its_statements(tmp_path: Path) -> None:
    line, _ = _production_line(tmp_path, {"register.py": SCRIPT})
    assert "The run with the highest val_auc is registered as churn_model (register.py, line 6)" in line


FIRST_TIME = """\
from mlflow import MlflowClient


def challenge(client, new_auc, prod_auc, version):
    if prod_auc is None or new_auc > prod_auc:
        client.transition_model_version_stage("risk", version, "Production")


if __name__ == "__main__":
    challenge(MlflowClient(), 0.9, None, 2)
"""


def test_a_challenger_that_must_beat_production_unless_there_is_none_is_gated(tmp_path: Path) -> None:
    line, _ = _production_line(tmp_path, {"challenge.py": FIRST_TIME})
    assert (
        "A version is moved to stage Production only when its new_auc is above prod_auc "
        "(or when there is no prod_auc yet) (challenge.py, line 5)"
    ) in line
