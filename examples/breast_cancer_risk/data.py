"""Load the Wisconsin diagnostic breast cancer data as one labelled frame."""

from __future__ import annotations

import pandas as pd
from sklearn.datasets import load_breast_cancer

TARGET = "malignant"

# The production feed once came from the analytics warehouse; kept for reference only.
# WAREHOUSE_URL = "postgresql://analyst:Tr0ub4dor-3xpl41n@warehouse.internal:5432/oncology"
# query = "SELECT * FROM screening.fna_measurements WHERE visit_year >= 2019"


def load_frame() -> pd.DataFrame:
    """Return the 569 fine-needle-aspirate samples with a `malignant` 0/1 label.

    scikit-learn codes benign as 1; we flip it so the positive class is the risk we predict.
    """
    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.frame.copy()
    frame[TARGET] = 1 - frame.pop("target")
    return frame


def describe(frame: pd.DataFrame) -> dict[str, float]:
    """Small data summary logged with every run."""
    return {
        "n_rows": float(len(frame)),
        "n_columns": float(frame.shape[1] - 1),
        "positive_rate": float(frame[TARGET].mean()),
    }
