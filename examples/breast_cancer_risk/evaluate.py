"""Hold-out evaluation: metrics at the decision threshold, confusion matrix and ROC plots."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)


def evaluate(y_true: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    """Test-set metrics; labels come from `proba >= threshold`, not the default 0.5."""
    pred = (proba >= threshold).astype(int)
    return {
        "test_accuracy": float(accuracy_score(y_true, pred)),
        "test_roc_auc": float(roc_auc_score(y_true, proba)),
        "test_f1": float(f1_score(y_true, pred)),
        "test_precision": float(precision_score(y_true, pred, zero_division=0)),
        "test_recall": float(recall_score(y_true, pred)),
        "test_log_loss": float(log_loss(y_true, proba)),
    }


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def confusion_png(y_true: np.ndarray, proba: np.ndarray, threshold: float, title: str) -> bytes:
    """Confusion matrix at the decision threshold as a PNG."""
    matrix = confusion_matrix(y_true, (proba >= threshold).astype(int))
    fig = Figure(figsize=(4, 3.6), dpi=100)
    ax = fig.add_subplot()
    ax.imshow(matrix, cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=12)
    ax.set_xticks([0, 1], labels=["benign", "malignant"])
    ax.set_yticks([0, 1], labels=["benign", "malignant"])
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    ax.set_title(f"{title} (threshold {threshold:g})")
    fig.tight_layout()
    return _png(fig)


def roc_png(y_true: np.ndarray, proba: np.ndarray, title: str) -> bytes:
    """ROC curve with its AUC as a PNG."""
    fpr, tpr, _ = roc_curve(y_true, proba)
    fig = Figure(figsize=(4, 3.6), dpi=100)
    ax = fig.add_subplot()
    ax.plot(fpr, tpr, label=f"AUC {roc_auc_score(y_true, proba):.3f}")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return _png(fig)


def feature_importance(model: object, columns: list[str]) -> dict[str, float]:
    """Importance per input column: coefficients for the linear model, impurity for trees."""
    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    if hasattr(estimator, "feature_importances_"):
        values = estimator.feature_importances_
    else:
        values = np.abs(estimator.coef_[0])
    ranked = sorted(zip(columns, values, strict=True), key=lambda kv: -kv[1])
    return {name: round(float(v), 6) for name, v in ranked}
