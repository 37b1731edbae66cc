"""Train the malignancy risk models and record them in MLflow.

Usage: python train.py [--model logreg|gbm|all] [--tracking-uri URI] [overrides...]
Each model family gets its own MLflow run; a finished run registers a new model version.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import mlflow
import mlflow.sklearn
import numpy as np
import sklearn
import yaml
from data import TARGET, describe, load_frame
from evaluate import confusion_png, evaluate, feature_importance, roc_png
from features import make_scaler, select_features
from mlflow.models import infer_signature
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split
from sklearn.pipeline import Pipeline

HERE = Path(__file__).resolve().parent
PIP_REQUIREMENTS = [f"scikit-learn=={sklearn.__version__}", f"mlflow=={mlflow.__version__}"]
# skops refuses unknown types when the model is loaded; the tree ensemble needs these.
GBM_TRUSTED_TYPES = [
    "sklearn.tree._tree.Tree",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.Interval",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn.ensemble._gb.BinomialDeviance",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=str(HERE / "config.yaml"))
    parser.add_argument("--model", choices=["logreg", "gbm", "all"], default="all")
    parser.add_argument("--tracking-uri", default=None, help="MLflow URI (default: MLFLOW_TRACKING_URI)")
    parser.add_argument("--run-label", default="baseline", help="suffix of the MLflow run names")
    parser.add_argument("--C", type=float, default=None, help="inverse regularisation of the logreg")
    parser.add_argument("--l1-ratio", type=float, default=None)
    parser.add_argument("--solver", default=None)
    parser.add_argument("--n-estimators", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--max-depth", type=int, default=None)
    parser.add_argument("--threshold", type=float, default=None, help="decision threshold")
    parser.add_argument(
        "--max-train-seconds",
        type=float,
        default=600.0,
        help="stop boosting (run KILLED) when training takes longer",
    )
    parser.add_argument("--no-register", action="store_true", help="log the model without registering")
    return parser.parse_args(argv)


def load_config(args: argparse.Namespace) -> dict:
    """config.yaml with the command-line overrides applied."""
    config = yaml.safe_load(Path(args.config).read_text())
    overrides = {
        ("logreg", "C"): args.C,
        ("logreg", "l1_ratio"): args.l1_ratio,
        ("logreg", "solver"): args.solver,
        ("gbm", "n_estimators"): args.n_estimators,
        ("gbm", "learning_rate"): args.learning_rate,
        ("gbm", "max_depth"): args.max_depth,
    }
    for (family, key), value in overrides.items():
        if value is not None:
            config[family][key] = value
    if args.threshold is not None:
        config["decision_threshold"] = args.threshold
    return config


def build_logreg(params: dict, seed: int) -> Pipeline:
    model = LogisticRegression(
        C=params["C"],
        l1_ratio=params["l1_ratio"],
        solver=params["solver"],
        max_iter=params["max_iter"],
        class_weight=params["class_weight"],
        random_state=seed,
    )
    return Pipeline([("scale", make_scaler()), ("clf", model)])


def build_gbm(params: dict, seed: int) -> GradientBoostingClassifier:
    # warm_start lets us grow the ensemble in stages and log the training loss as we go
    return GradientBoostingClassifier(
        n_estimators=params["stage_size"],
        learning_rate=params["learning_rate"],
        max_depth=params["max_depth"],
        subsample=params["subsample"],
        random_state=seed,
        warm_start=True,
    )


def cross_validate_model(model, X, y, folds: int, seed: int) -> dict[str, float]:
    """5-fold stratified CV on the training part; per-fold AUC is logged as a history."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_validate(model, X, y, cv=cv, scoring=["roc_auc", "accuracy", "f1"])
    for fold, auc in enumerate(scores["test_roc_auc"]):
        mlflow.log_metric("cv_fold_roc_auc", float(auc), step=fold)
    return {
        "cv_roc_auc": float(np.mean(scores["test_roc_auc"])),
        "cv_roc_auc_std": float(np.std(scores["test_roc_auc"])),
        "cv_accuracy": float(np.mean(scores["test_accuracy"])),
        "cv_f1": float(np.mean(scores["test_f1"])),
    }


def fit_gbm_in_stages(model: GradientBoostingClassifier, X, y, total: int, budget_s: float) -> bool:
    """Grow the ensemble one stage at a time; False if the time budget ran out."""
    stage_size = model.n_estimators
    started = time.monotonic()
    while True:
        model.fit(X, y)
        mlflow.log_metric("train_loss", float(model.train_score_[-1]), step=model.n_estimators)
        if model.n_estimators >= total:
            return True
        if time.monotonic() - started > budget_s:
            return False
        model.n_estimators = min(total, model.n_estimators + stage_size)


def log_plots(y_test, proba, threshold: float, title: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "confusion_matrix.png").write_bytes(confusion_png(y_test, proba, threshold, title))
        (Path(tmp) / "roc_curve.png").write_bytes(roc_png(y_test, proba, title))
        mlflow.log_artifacts(tmp, artifact_path="plots")


def train_family(family: str, config: dict, args: argparse.Namespace, data: tuple) -> None:
    """One MLflow run: CV, final fit, hold-out evaluation, artifacts, registration."""
    X_train, X_test, y_train, y_test, summary = data
    split = config["split"]
    seed = split["random_state"]
    params = dict(config[family])
    threshold = float(config["decision_threshold"])
    with mlflow.start_run(run_name=f"{family}-{args.run_label}") as run:
        mlflow.set_tags({"model_family": family, "dataset": "sklearn.load_breast_cancer", "target": TARGET})
        # library versions make the run reproducible (and land in the document's provenance)
        mlflow.set_tags(
            {
                "python_version": platform.python_version(),
                "sklearn_version": sklearn.__version__,
                "numpy_version": np.__version__,
                "mlflow_version": mlflow.__version__,
            }
        )
        mlflow.log_params({f"{family}.{k}": v for k, v in params.items()})
        mlflow.log_params(
            {
                "test_size": split["test_size"],
                "stratify": split["stratify"],
                "random_state": seed,
                "cv_folds": config["cv_folds"],
                "decision_threshold": threshold,
                "n_features": X_train.shape[1],
            }
        )
        mlflow.log_metrics(summary)
        if family == "logreg":
            model = build_logreg(params, seed)
            mlflow.log_metrics(cross_validate_model(model, X_train, y_train, config["cv_folds"], seed))
            model.fit(X_train, y_train)
        else:
            model = build_gbm(params, seed)
            if not fit_gbm_in_stages(model, X_train, y_train, params["n_estimators"], args.max_train_seconds):
                mlflow.set_tag("stop_reason", f"time budget of {args.max_train_seconds:g}s exceeded")
                mlflow.end_run(status="KILLED")
                print(f"{family}: training stopped after {model.n_estimators} trees (time budget)")
                return
            cv_model = GradientBoostingClassifier(**{**model.get_params(), "warm_start": False})
            mlflow.log_metrics(cross_validate_model(cv_model, X_train, y_train, config["cv_folds"], seed))
        proba = model.predict_proba(X_test)[:, 1]
        mlflow.log_metrics(evaluate(y_test.to_numpy(), proba, threshold))
        log_plots(y_test.to_numpy(), proba, threshold, family)
        mlflow.log_dict(feature_importance(model, list(X_train.columns)), "feature_importance.json")
        mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=None if args.no_register else config["registered_models"][family],
            signature=infer_signature(X_test, proba),
            pip_requirements=PIP_REQUIREMENTS,
            skops_trusted_types=GBM_TRUSTED_TYPES if family == "gbm" else None,
        )
        print(f"{family}: run {run.info.run_id} finished")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = load_config(args)
    if args.tracking_uri:
        mlflow.set_tracking_uri(args.tracking_uri)
    mlflow.set_experiment(config["experiment_name"])
    mlflow.set_experiment_tags(
        {
            "mlflow.note.content": "Malignancy risk scores for fine-needle aspirates (biopsy triage).",
            "team": "oncology-analytics",
        }
    )
    frame = load_frame()
    X, y = select_features(frame, TARGET)
    split = config["split"]
    X_train, X_test, y_train, y_test = train_test_split(
        X,
        y,
        test_size=split["test_size"],
        stratify=y if split["stratify"] else None,
        random_state=split["random_state"],
    )
    data = (X_train, X_test, y_train, y_test, describe(frame))
    families = ["logreg", "gbm"] if args.model == "all" else [args.model]
    for family in families:
        train_family(family, config, args, data)


if __name__ == "__main__":
    main()
