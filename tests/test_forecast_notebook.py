"""A weekly-sales forecast trained in a notebook, its features made by a helper module: what a validator
reads first in the Summary (the hold-out weeks, the lag and rolling features, the saved model) is
stated, and the frame of predictions the notebook compares with the actuals is no feature."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.documents import document_lines, write_tree

FEATURES = """\
import numpy as np
import pandas as pd


def make_features(frame: pd.DataFrame, target: str = "units") -> pd.DataFrame:
    out = frame.copy()
    out["week"] = out.index.isocalendar().week.astype(int)
    for lag in [1, 2, 52]:
        out[f"lag_{lag}"] = out[target].shift(lag)
    for win in [4, 12]:
        past = out[target].shift(1)
        out[f"mean_{win}"] = past.rolling(win).mean()
        out[f"std_{win}"] = past.rolling(win).std()
    return out
"""

CELLS = [
    "import joblib\nimport pandas as pd\nfrom lightgbm import LGBMRegressor\n"
    "from sklearn.metrics import mean_absolute_error\nfrom shop.features import make_features\n",
    "sales = pd.read_csv('data/sales.csv', parse_dates=['week_start'])\n"
    "sales = sales.merge(pd.read_csv('data/shops.csv'), on='shop', how='left')\n",
    "parts = []\nfor shop, rows in sales.groupby('shop'):\n"
    "    series = rows.sort_values('week_start').set_index('week_start')[['units']]\n"
    "    parts.append(make_features(series, target='units'))\nframe = pd.concat(parts)\n",
    "HOLD_OUT = 8\ntrain_list, test_list = [], []\nfor shop, rows in frame.groupby('shop'):\n"
    "    ordered = rows.sort_index()\n    train_list.append(ordered.iloc[:-HOLD_OUT])\n"
    "    test_list.append(ordered.iloc[-HOLD_OUT:])\n"
    "train_df = pd.concat(train_list).dropna()\ntest_df = pd.concat(test_list).dropna()\n",
    "X_train = train_df.drop(columns=['units'])\ny_train = train_df['units']\n"
    "X_test = test_df.drop(columns=['units'])\ny_test = test_df['units']\n"
    "model = LGBMRegressor(n_estimators=300, learning_rate=0.05)\nmodel.fit(X_train, y_train)\n",
    "y_pred = model.predict(X_test)\nprint(mean_absolute_error(y_test, y_pred))\n",
    "compared = X_test.copy()\ncompared['Actual'] = y_test.values\ncompared['Predicted'] = y_pred\n"
    "compared['Error'] = compared['Actual'] - compared['Predicted']\n",
    "small = LGBMRegressor(n_estimators=50)\nsmall.fit(X_train.head(100), y_train.head(100))\n",
    "joblib.dump(model, 'artifacts/model.pkl')\n",
    "print('saved')\n",
]


BASELINE = [
    "import joblib\nimport pandas as pd\nfrom sklearn.linear_model import Ridge\n",
    "sales = pd.read_csv('data/sales.csv', parse_dates=['week_start'])\n"
    "sales = sales.merge(pd.read_csv('data/shops.csv'), on='shop', how='left')\n",
    "y = sales['demand']\nridge = Ridge(alpha=1.0)\nridge.fit(sales[['price']], y)\n"
    "joblib.dump(ridge, 'artifacts/ridge.pkl')\n",
]


def _notebook(sources: list[str] = CELLS) -> str:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
        for source in sources
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _paragraphs(tmp_path: Path) -> list[str]:
    files = {"shop/__init__.py": "", "shop/features.py": FEATURES, "notebooks/train.ipynb": _notebook()}
    files["notebooks/baseline.ipynb"] = _notebook(BASELINE)
    return document_lines(write_tree(tmp_path / "code", files), tmp_path / "out")[0]


def _summary(tmp_path: Path) -> dict[str, str]:
    return {p.split(":", 1)[0]: p for p in _paragraphs(tmp_path) if ":" in p[:24]}


def test_the_weeks_held_out_at_the_end_of_each_series_are_the_split(tmp_path: Path) -> None:
    split = _summary(tmp_path)["Split"]
    assert "the last 8 rows of each shop group" in split, split
    assert "ordered by" in split and "train.ipynb, cell 3" in split, split


def test_helper_features_made_in_loops_are_named_and_prediction_columns_are_not(tmp_path: Path) -> None:
    features = _summary(tmp_path)["Features"]
    assert "lag_1, lag_2, lag_52" in features, features
    assert "mean_4, std_4, mean_12, std_12" in features, features  # both columns of each window
    for output in ("Actual", "Predicted", "Error"):
        assert output not in features, features


def test_a_save_in_an_earlier_cell_names_the_object_it_saves(tmp_path: Path) -> None:
    paragraphs = _paragraphs(tmp_path)
    model = next(p for p in paragraphs if p.startswith("Production model:"))
    assert "saves it to artifacts/model.pkl" in model, model
    (reference,) = [p for p in paragraphs if "with dump to artifacts/model.pkl." in p]
    assert "saves model with dump" in reference and "joblib.dump(model" not in reference, reference


def test_a_join_another_training_notebook_repeats_is_said_once(tmp_path: Path) -> None:
    data = _summary(tmp_path)["Data"]
    assert data.count("merged with") == 1 and "on shop (left join) [" in data, data


def test_the_target_is_the_production_models_and_the_validation_text_says_the_held_out_rows(
    tmp_path: Path,
) -> None:
    paragraphs = _paragraphs(tmp_path)
    target = next(p for p in paragraphs if p.startswith("Target:"))
    assert "The model predicts units (notebooks/train.ipynb" in target and "demand" not in target, target
    held = "A hold-out split is made by holding out the last 8 rows of each shop group ordered by index"
    assert any(held in p for p in paragraphs), [p for p in paragraphs if "hold-out" in p]


def test_the_training_section_walks_the_notebook_by_cell(tmp_path: Path) -> None:
    walk = next(p for p in _paragraphs(tmp_path) if "runs these steps in order" in p)
    assert "load: read_csv sales.csv and shops.csv (cell 1, lines 1 and 2);" in walk, walk
    assert "fit: fit on model and small (cell 4, line 6; cell 7, line 2)" in walk, walk
