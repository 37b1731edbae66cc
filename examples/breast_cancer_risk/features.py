"""Feature engineering: derived shape ratios, column selection and scaling."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

# Near-duplicates of radius: perimeter and area are functions of it, so they add collinearity.
DROPPED_COLUMNS = [
    "mean perimeter",
    "mean area",
    "worst perimeter",
    "worst area",
    "perimeter error",
    "area error",
]


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Add scale-free ratios a pathologist would read off the nuclei images."""
    out = frame.copy()
    out["concavity_ratio"] = out["worst concavity"] / (out["mean concavity"] + 1e-6)
    out["radius_growth"] = out["worst radius"] / out["mean radius"]
    out["texture_spread"] = out["worst texture"] - out["mean texture"]
    out["log_area"] = np.log1p(frame["mean area"])
    return out


def select_features(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Split the frame into model inputs and label, dropping collinear columns."""
    enriched = add_ratios(frame)
    X = enriched.drop(columns=[*DROPPED_COLUMNS, target])
    y = enriched[target]
    return X, y


def make_scaler() -> StandardScaler:
    """Scaler used in front of the linear model (trees do not need it)."""
    return StandardScaler()
