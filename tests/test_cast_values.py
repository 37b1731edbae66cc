"""A value the code casts is the cast's result: ``int(1e3)`` is 1000 and ``int(0.75 * 10)`` is 7, not
the float inside; ``float("0.35")`` is the number 0.35."""

from __future__ import annotations

import pytest

from tests.test_unseen_shapes import document

TRAIN = {
    "train.py": """\
        import joblib
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier

        df = pd.read_csv("data/churn.csv")
        model = RandomForestClassifier(
            n_estimators=int(1e3), max_depth=int(0.75 * 10), min_samples_leaf=int("5")
        )
        model.fit(df[["age"]], df["churned"])
        joblib.dump(model, "model.joblib")
    """
}


def test_an_int_cast_is_its_whole_number(tmp_path_factory: pytest.TempPathFactory) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        lines = document(tmp_path_factory.mktemp("cast"), monkeypatch, TRAIN, "default")
    line = next(line for line in lines if line.startswith("Hyperparameters: "))
    assert "n_estimators = 1000 [" in line
    assert "max_depth = 7 [" in line
    assert "min_samples_leaf = 5 [" in line
