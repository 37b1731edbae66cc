"""A time-series column that reads the target at the row itself (a difference, a change against a year
ago) is said in the Features line; lags and windows over past rows are not."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import document_lines, write_tree

FEATURES = """\
def make_features(frame, target="units"):
    df = frame.copy()
    df["lag_1"] = df[target].shift(1)
    df["roll_4"] = df[target].shift(1).rolling(4).mean()
    df["diff_1"] = df[target].diff(1)
    df["yoy"] = (df[target] - df[target].shift(52)) / df[target].shift(52)
    df["ratio"] = df["price"] / df["cost"]
    return df
"""

TRAIN = """\
import joblib
import pandas as pd
from lightgbm import LGBMRegressor

from shop.features import make_features

frame = make_features(pd.read_csv("data/sales.csv")).dropna()
model = LGBMRegressor(n_estimators=200).fit(frame.drop(columns=["units"]), frame["units"])
joblib.dump(model, "models/model.pkl")
"""


def test_columns_reading_the_current_target_are_said(tmp_path: Path) -> None:
    files = {"shop/__init__.py": "", "shop/features.py": FEATURES, "shop/train.py": TRAIN}
    paragraphs, _ = document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")
    line = next(p for p in paragraphs if p.startswith("Features:"))
    assert "diff_1 and yoy (shop/features.py, lines 5 and 6) [" in line, line
    assert "read the target (units) at the row itself: as model inputs they hold the value to predict" in line
    flagged = line.split("diff_1 and yoy (", 1)[0]
    assert "lag_1 (" not in flagged and "roll_4 (" not in flagged, line
