"""The Feature Engineering section states the production model's features, wherever in the production
code they are made (a helper module the training script imports), before the columns exploratory
notebooks re-derive: a notebook that derives many columns never takes the model's places."""

from __future__ import annotations

import json

import pytest

from tests.test_unseen_shapes import document

_HELPER = """
    import pandas as pd


    def make_features(d: pd.DataFrame) -> pd.DataFrame:
        x = d.copy()
        x["lag_1"] = x["sales"].shift(1)
        x["lag_52"] = x["sales"].shift(52)
        x["roll_mean_4"] = x["sales"].shift(1).rolling(4).mean()
        x["week"] = x.index.isocalendar().week
        x["month"] = x.index.month
        x["year"] = x.index.year
        return x
"""

_TRAIN = """
    import joblib
    import pandas as pd
    from sklearn.linear_model import Ridge

    from forecast.features import make_features

    if __name__ == "__main__":
        raw = pd.read_csv("data/sales.csv")
        raw["store"] = raw["store_id"].astype(str)
        frame = make_features(raw).dropna()
        model = Ridge(alpha=1.0)
        model.fit(frame.drop(columns=["sales"]), frame["sales"])
        joblib.dump(model, "model.joblib")
"""


def _notebook(lines: list[str]) -> str:
    """An exploratory notebook of one code cell."""
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": lines}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _exploration(name: str, n: int) -> str:
    """A notebook that tries many columns (and re-derives the store column) without training a model."""
    lines = ["import pandas as pd\n", "df = pd.read_csv('data/sales.csv')\n"]
    lines += [f"df['{name}_{k}'] = df['sales'].abs()\n" for k in range(n)]
    lines += [f"df['store'] = df['store_id'].astype(str)  # pass {k}\n" for k in range(n)]
    return _notebook(lines)


def _report(n: int) -> str:
    """A production report script that re-derives the training script's store column, region by region."""
    lines = [
        "import pandas as pd",
        "",
        'if __name__ == "__main__":',
        '    raw = pd.read_csv("data/sales.csv")',
    ]
    for k in range(n):
        lines += [
            f"    part = raw[raw.region == {k}].copy()",
            '    part["store"] = part["store_id"].astype(str)',
        ]
        lines += [f'    part.to_csv("report_{k}.csv")']
    return "\n".join(lines) + "\n"


PROJECT = {
    "forecast/features.py": _HELPER,
    "forecast/train.py": _TRAIN,
    "forecast/report.py": _report(60),
    "notebooks/explore_a.ipynb": _exploration("try_a", 60),
    "notebooks/explore_b.ipynb": _exploration("try_b", 60),
}


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return document(tmp_path_factory.mktemp("features"), monkeypatch, PROJECT, template="default")


def _section(lines: list[str]) -> list[str]:
    start = max(n for n, line in enumerate(lines) if line == "3 Feature Engineering")  # not the contents
    end = next(n for n, line in enumerate(lines) if n > start and line == "4 Model Architecture")
    return lines[start + 1 : end]


def test_the_section_names_the_columns_the_training_scripts_helper_derives(lines: list[str]) -> None:
    section = _section(lines)
    text = section[0]
    assert "It derives 7 new columns: store [" in text
    for column in ("lag_1 [", "lag_52 [", "roll_mean_4 [", "week [", "month [", "year ["):
        assert column in text
    assert "try_" not in text  # exploratory columns are never the model's
    assert not [line for line in section if "Check before use" in line]  # the count is the evidence's


def test_the_sections_table_cites_the_helper_module(lines: list[str]) -> None:
    rows = [line for line in lines if line.startswith("derived column ")]
    assert "derived column lag_52 (shift(52)) | lag_52 | forecast/features.py:8" in rows
    assert "derived column store | store_id.astype(str) | forecast/train.py:10" in rows  # not the report's
    assert not [row for row in rows if "explore_" in row]
