"""The MLflow-centred MLOps shape (an Optuna or Hyperopt search whose trials are MLflow runs, the
best run's parameters read back or its model registered, a Flask app loading the registered
version), found by documenting public mlops-zoomcamp final projects nobody here wrote. Each test
writes a small project of our own and reads the Word document the offline default produces."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.documents import document_lines, write_tree

# The tuned values are read back from the best run of the search's experiment, then registered.
REREAD_PROJECT = {
    "scripts/hpo.py": """
        import os
        import pickle

        import boto3
        import mlflow
        import optuna
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.metrics import accuracy_score
        from sklearn.model_selection import train_test_split

        BUCKET = os.getenv("S3_BUCKET_NAME")


        def read_from_s3(bucket_name, filename):
            s3 = boto3.resource("s3", endpoint_url=os.getenv("S3_ENDPOINT"))
            return pickle.loads(s3.Object(bucket_name=bucket_name, key=filename).get()["Body"].read())


        def run_optimization(n_trials):
            def objective(trial):
                grid = {
                    "n_estimators": trial.suggest_int("n_estimators", 50, 500),
                    "max_depth": trial.suggest_int("max_depth", 2, 20),
                }
                with mlflow.start_run():
                    mlflow.log_params(trial.params)
                    model = RandomForestClassifier(**grid)
                    model.fit(x_train, y_train)
                    accuracy = accuracy_score(y_test, model.predict(x_test))
                    mlflow.log_metric("accuracy", accuracy)
                return accuracy

            study = optuna.create_study(direction="maximize")
            study.optimize(objective, n_trials=n_trials)


        if __name__ == "__main__":
            df = read_from_s3(bucket_name=BUCKET, filename="wine-red")
            x_train, x_test, y_train, y_test = train_test_split(df[["alcohol"]], df["quality"])
            run_optimization(20)
    """,
    "scripts/register_best.py": """
        import mlflow
        from hpo import BUCKET, read_from_s3
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.model_selection import train_test_split


        def best_params(experiment_id):
            run = mlflow.MlflowClient().search_runs(
                experiment_ids=experiment_id,
                max_results=1,
                order_by=["metrics.accuracy DESC"],
            )[0]
            params = run.to_dictionary()["data"]["params"]
            return {k: int(v) for k, v in params.items()}


        def register(params, x_train, y_train):
            with mlflow.start_run():
                model = RandomForestClassifier(**params)
                model.fit(x_train, y_train)
                mlflow.sklearn.log_model(model, artifact_path="model", registered_model_name="wine-rf")


        if __name__ == "__main__":
            df = read_from_s3(BUCKET, "wine-red")
            x_train, x_test, y_train, y_test = train_test_split(df[["alcohol"]], df["quality"])
            register(best_params("1"), x_train, y_train)
    """,
    "service/predict.py": """
        import mlflow
        from flask import Flask, jsonify, request

        model = mlflow.pyfunc.load_model(model_uri="models:/wine-rf/latest")
        app = Flask("wine")


        @app.route("/predict", methods=["POST"])
        def predict_endpoint():
            return jsonify({"quality": int(model.predict(request.get_json())[0])})


        if __name__ == "__main__":
            app.run(host="0.0.0.0", port=9696)
    """,
}

# Each Hyperopt trial trains and logs its own booster; one run is then registered and promoted.
TRIALS_PROJECT = {
    "dags/train_dag.py": """
        import mlflow
        import pandas as pd
        import xgboost as xgb
        from hyperopt import STATUS_OK, Trials, fmin, hp, tpe
        from hyperopt.pyll import scope
        from sklearn.metrics import mean_squared_error

        mlflow.autolog(disable=True)


        def train(train_df, val_df):
            dtrain = xgb.DMatrix(train_df.drop("price", axis=1), label=train_df["price"])
            dval = xgb.DMatrix(val_df.drop("price", axis=1), label=val_df["price"])

            def objective(params):
                with mlflow.start_run():
                    mlflow.log_params(params)
                    booster = xgb.train(params=params, dtrain=dtrain, num_boost_round=25)
                    rmse = mean_squared_error(val_df["price"], booster.predict(dval), squared=False)
                    mlflow.log_metric("rmse", rmse)
                    mlflow.xgboost.log_model(booster, artifact_path="models")
                return {"loss": rmse, "status": STATUS_OK}

            space = {
                "max_depth": scope.int(hp.quniform("max_depth", 4, 40, 1)),
                "learning_rate": hp.loguniform("learning_rate", -3, 0),
                "objective": "reg:squarederror",
                "seed": 7,
            }
            fmin(fn=objective, space=space, algo=tpe.suggest, max_evals=12, trials=Trials())


        def register(experiment_id):
            runs = mlflow.search_runs([experiment_id], order_by=["metrics.rmse ASC"])
            best_run_id = runs.loc[0, "run_id"]
            mlflow.register_model(model_uri=f"runs:/{best_run_id}/models", name="price-model")


        if __name__ == "__main__":
            train(pd.read_parquet("data/train.pq"), pd.read_parquet("data/val.pq"))
            register("1")
    """,
    "dags/datasets_dag.py": """
        import os

        import pandas as pd
        from airflow.decorators import dag, task
        from sklearn.model_selection import train_test_split

        HOME = os.getenv("AIRFLOW_HOME")


        @dag(schedule_interval=None, catchup=False)
        def create_datasets():
            @task()
            def split():
                df = pd.read_parquet("data/vehicles.pq")
                train, test = train_test_split(df, test_size=0.15, shuffle=False)
                train.to_parquet(f"{HOME}/datasets/train.pq")
                test.to_parquet(f"{HOME}/datasets/val.pq")

            split()


        datasets = create_datasets()
    """,
    "service/app.py": """
        import mlflow
        import pandas as pd
        import xgboost as xgb
        from flask import Flask, jsonify, request

        mlflow.pyfunc.load_model("models:/price-model/production")
        dtypes = pd.read_pickle("artifacts/features_dtypes.pkl")
        booster = xgb.Booster()
        booster.load_model("artifacts/model.xgb")
        app = Flask("price")


        @app.route("/predict", methods=["POST"])
        def predict():
            frame = pd.json_normalize(request.get_json()).astype(dtypes)
            return jsonify({"price": float(booster.predict(xgb.DMatrix(frame))[0])})
    """,
    "integration_tests/service_copy.py": """
        from flask import Flask

        app = Flask("copy")


        @app.route("/score", methods=["POST"])
        def score():
            return {"price": 1.0}
    """,
    "monitor/app.py": """
        from flask import Flask

        DRIFT_RATIO_THRESHOLD = 0.5
        app = Flask("monitor")


        @app.route("/iterate", methods=["POST"])
        def iterate():
            return {"alert": share_drifting() > DRIFT_RATIO_THRESHOLD}


        if __name__ == "__main__":
            app.run()
    """,
}


def _document(root: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    code = write_tree(root / "project", {k: textwrap.dedent(v) for k, v in files.items()})
    return document_lines(code, root / "out")


@pytest.fixture(scope="module")
def reread(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    return _document(tmp_path_factory.mktemp("reread"), REREAD_PROJECT)


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    return _document(tmp_path_factory.mktemp("trials"), TRIALS_PROJECT)


def _summary(lines: list[str], topic: str) -> str:
    return next(p for p in lines if p.startswith(f"{topic}: "))


def test_settings_read_back_from_the_best_run_are_set_at_run_time_never_defaults(reread) -> None:
    paragraphs, _rows = reread
    line = _summary(paragraphs, "Hyperparameters")
    assert "RandomForestClassifier (scripts/register_best.py, line 20)" in line
    assert "takes its settings from params (parameter of register) at run time" in line
    assert "the MLflow run with the highest accuracy (scripts/register_best.py, line 9)" in line
    assert "defaults" not in line.replace("(not its library's defaults)", "")


def test_the_serving_line_names_the_registered_version_the_app_loads(reread) -> None:
    paragraphs, _rows = reread
    line = _summary(paragraphs, "Serving")
    assert "the route POST /predict (service/predict.py, line 9, handled by predict_endpoint)" in line
    assert (
        "loads models:/wine-rf/latest, the latest version of the registered model wine-rf "
        "(service/predict.py, line 5)"
    ) in line


def test_a_model_built_in_each_trial_names_the_searched_settings_not_the_fixed_ones(trials) -> None:
    paragraphs, rows = trials
    line = _summary(paragraphs, "Hyperparameters")
    assert "xgboost.train (dags/train_dag.py, line 19)" in line and "num_boost_round = 25" in line
    assert "max_depth and learning_rate are chosen by fmin (dags/train_dag.py, line 31)" in line
    assert "max_evals = 12" in line
    tuned = [r for r in rows if "chosen by fmin" in r]
    assert tuned and "max_depth, learning_rate | chosen by fmin" in tuned[0]
    assert not any("objective, seed" in r for r in rows)


def test_autologging_turned_off_and_a_drift_alert_level_are_not_said_to_shape_the_model(trials) -> None:
    paragraphs, _rows = trials
    assert not any("logs its parameters and metrics automatically" in p for p in paragraphs)
    assert not any(p.startswith("Decision threshold:") for p in paragraphs)
    assert not any("decision threshold is 0.5" in p or "threshold of 0.5" in p for p in paragraphs)


def test_the_split_an_airflow_dag_makes_is_the_production_split(trials) -> None:
    paragraphs, _rows = trials
    line = _summary(paragraphs, "Split")
    assert "train_test_split (dags/datasets_dag.py, line 16) [" in line
    assert "test_size = 0.15" in line and "shuffle = False" in line


def test_the_tuning_line_names_the_search_that_runs_and_what_it_searches_over(reread) -> None:
    paragraphs, _rows = reread
    line = _summary(paragraphs, "Tuning")
    assert line.startswith(
        "Tuning: Hyperparameters are searched with Optuna's optimize (scripts/hpo.py): "
        "maximize accuracy_score returned by objective() ["
    )
    assert "] over the search space of n_estimators and max_depth [" in line
    assert line.count("search space of") == 1 and "create_study" not in line


def test_data_read_from_an_s3_object_by_a_helper_of_the_search_script_are_the_models_data(reread) -> None:
    paragraphs, _rows = reread
    line = _summary(paragraphs, "Data")
    assert line.startswith("Data: Data are read from wine-red in an S3 bucket (scripts/hpo.py, line 17) [")


def test_the_overview_names_a_booster_trained_by_a_function_and_no_scorer_s_loaded_model(trials) -> None:
    paragraphs, _rows = trials
    assert "The production model is an XGBoost booster [1]." in paragraphs
    assert not any("to compare with it" in p or "learns from" in p for p in paragraphs)
    serving = _summary(paragraphs, "Serving")
    assert (
        "loads models:/price-model/production, the version of the registered model price-model "
        "in stage production (service/app.py, line 7)"
    ) in serving


def test_the_split_is_the_registering_script_s_not_the_search_script_s(reread) -> None:
    paragraphs, _rows = reread
    line = _summary(paragraphs, "Split")
    assert "train_test_split (scripts/register_best.py, line 27)" in line and "scripts/hpo.py" not in line


def test_an_integration_tests_folder_is_test_code_not_serving(trials) -> None:
    paragraphs, _rows = trials
    line = _summary(paragraphs, "Serving")
    assert "the route POST /predict (service/app.py, line 14, handled by predict)" in line
    assert "/score" not in line and "integration_tests" not in " ".join(paragraphs)
