"""Forecasting shapes found by documenting public repositories nobody here wrote (Prophet fitted in
a workflow's steps, tuned by a grid the code builds by hand): each test writes a small project of
our own and reads the Word document the offline default produces."""

from __future__ import annotations

import pytest

from tests.test_unseen_shapes import document

PROPHET_PROJECT = {
    "flow.py": """
        import pandas as pd
        from prophet import Prophet
        from prophet.diagnostics import cross_validation, performance_metrics


        def tune(history, candidates):
            scores = []
            for settings in candidates:
                fitted = Prophet(**settings).fit(history)
                folds = cross_validation(fitted, initial="1095 days", period="90 days", horizon="30 days")
                scores.append(performance_metrics(folds)["mape"].mean())
            return candidates[scores.index(min(scores))]


        if __name__ == "__main__":
            history = pd.read_csv("data/sales.csv")
            best = tune(history, [{"seasonality_mode": "additive"}, {"seasonality_mode": "multiplicative"}])
            final = Prophet(**best)
            final.fit(history)
    """,
}


def test_a_prophet_model_built_from_unpacked_settings_is_not_said_to_use_defaults(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, PROPHET_PROJECT)
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "library's defaults" not in hyper
    assert "is built with its settings unpacked from an expression the scan does not resolve" in hyper


def test_prophets_rolling_origin_cross_validation_is_the_validation_scheme(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, PROPHET_PROJECT)
    assert "No cross-validation was found in the code." not in lines
    folds = {line for line in lines if line.startswith("cross_validation (flow.py)")}
    shown = "initial=1095 days, period=90 days, horizon=30 days"
    assert folds == {f"cross_validation (flow.py) | {shown} | flow.py:11"}


GRID_LOOPS = {
    "product": ("import itertools", "itertools.product(*grid.values())", "dict(zip(grid, combo))"),
    "ParameterGrid": ("from sklearn.model_selection import ParameterGrid", "ParameterGrid(grid)", "combo"),
}


@pytest.mark.parametrize("loop", sorted(GRID_LOOPS))
def test_a_grid_the_code_builds_by_hand_is_the_hyperparameter_search(
    tmp_path, monkeypatch: pytest.MonkeyPatch, loop: str
) -> None:
    imported, combos, settings = GRID_LOOPS[loop]
    train = f"""
        {imported}

        import pandas as pd
        from prophet import Prophet
        from prophet.diagnostics import cross_validation, performance_metrics

        history = pd.read_csv("data/sales.csv")
        grid = {{"changepoint_prior_scale": [0.01, 0.1], "seasonality_mode": ["additive", "multiplicative"]}}
        scores = []
        for combo in {combos}:
            fitted = Prophet(**{settings}).fit(history)
            scores.append(performance_metrics(cross_validation(fitted, horizon="30 days"))["rmse"].mean())
    """
    lines = document(tmp_path, monkeypatch, {"train.py": train})
    tuning = next(line for line in lines if line.startswith("Tuning:"))
    assert tuning.startswith(
        "Tuning: Hyperparameters are searched with a hand-built grid of 4 combinations over "
        "changepoint_prior_scale (0.01, 0.1), seasonality_mode (additive, multiplicative) ["
    )


def test_the_same_grid_in_two_launchers_of_one_flow_is_said_once(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train = """
        import itertools

        from prophet import Prophet

        grid = {"changepoint_prior_scale": [0.01, 0.1, 0.5]}
        for combo in itertools.product(*grid.values()):
            Prophet(**dict(zip(grid, combo)))
    """
    lines = document(tmp_path, monkeypatch, {"flow_local.py": train, "flow_cloud.py": train})
    tuning = next(line for line in lines if line.startswith("Tuning:"))
    assert tuning.count("hand-built grid") == 1


METAFLOW_FLOW = """
    from io import StringIO

    import pandas as pd
    from metaflow import FlowSpec, IncludeFile, step
    from prophet import Prophet


    class Forecast(FlowSpec):
        history = IncludeFile("history", is_text=True, default="data/daily-load.csv")

        @step
        def start(self):
            self.frame = pd.read_csv(StringIO(self.history))
            self.model = Prophet(weekly_seasonality=True).fit(self.frame)
            self.next(self.end)

        @step
        def end(self):
            pass


    if __name__ == "__main__":
        Forecast()
"""


def test_a_file_a_metaflow_flow_includes_is_its_data(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    flows = {"flows/local.py": METAFLOW_FLOW, "flows/batch.py": METAFLOW_FLOW}
    lines = document(tmp_path, monkeypatch, flows)
    data = next(line for line in lines if line.startswith("Data:"))
    assert data.startswith("Data: Data are read from data/daily-load.csv (flows/")


def test_the_column_renamed_to_y_for_prophet_is_the_target(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    train = """
        import pandas as pd
        from prophet import Prophet

        load = pd.read_csv("data/load.csv").rename(columns={"timestamp": "ds", "megawatts": "y"})
        Prophet(yearly_seasonality=True).fit(load)
    """
    lines = document(tmp_path, monkeypatch, {"train.py": train})
    target = next(line for line in lines if line.startswith("Target:"))
    assert target.startswith("Target: The model predicts megawatts (train.py, line 5) [")
