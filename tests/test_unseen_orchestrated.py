"""Training run as the steps of an orchestrator (a Metaflow flow whose ``@step`` methods chain with
``self.next`` and hand data on as ``self`` attributes, launched from another script): each test writes a
small project of our own and reads the Word document the offline default produces."""

from __future__ import annotations

import re

import pytest

from tests.test_unseen_shapes import document

CHURN_FLOW = {
    "flows/data.py": """
        import pandas as pd
        from sklearn.model_selection import train_test_split


        def load_and_split(path="data/customers.csv"):
            frame = pd.read_csv(path)
            X, y = frame.drop(columns=["churned"]), frame["churned"]
            X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.3, random_state=7)
            X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=0.5, random_state=7)
            return X_train, X_val, X_test, y_train, y_val, y_test
    """,
    "flows/churn_flow.py": """
        import joblib
        import optuna
        from metaflow import FlowSpec, Parameter, step
        from mlflow.models.signature import infer_signature
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.metrics import accuracy_score, f1_score

        from flows.data import load_and_split


        class ChurnFlow(FlowSpec):
            budget = Parameter("trials", default=25)

            @step
            def start(self):
                parts = load_and_split()
                self.X_train, self.X_val, self.X_test, self.y_train, self.y_val, self.y_test = parts
                self.next(self.tune)

            @step
            def tune(self):
                def objective(trial):
                    model = RandomForestClassifier(max_depth=trial.suggest_int("max_depth", 2, 12))
                    model.fit(self.X_train, self.y_train)
                    return f1_score(self.y_val, model.predict(self.X_val))

                study = optuna.create_study(direction="maximize")
                study.optimize(lambda trial: objective(trial), n_trials=int(self.budget))
                best = RandomForestClassifier(**study.best_params)
                best.fit(self.X_train, self.y_train)
                self.signature = infer_signature(self.X_train, best.predict(self.X_train))
                self.models = {}
                self.models["forest"] = {"model": best, "settings": study.best_params}
                self.next(self.evaluate)

            @step
            def evaluate(self):
                for name, info in self.models.items():
                    predicted = info["model"].predict(self.X_test)
                    self.scores = {"accuracy": accuracy_score(self.y_test, predicted)}
                    self.scores["f1"] = f1_score(self.y_test, predicted)
                self.next(self.save)

            @step
            def save(self):
                for name, info in self.models.items():
                    path = f"models/{name}_model.pkl"
                    joblib.dump(info["model"], path)
                self.next(self.end)

            @step
            def end(self):
                print("done")
    """,
    "run.py": """
        from flows.churn_flow import ChurnFlow

        if __name__ == "__main__":
            ChurnFlow()
    """,
}


def test_a_flow_parameters_default_is_the_number_of_trials(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = document(tmp_path, monkeypatch, CHURN_FLOW)
    tuning = next(line for line in lines if line.startswith("Tuning:"))
    assert tuning.startswith(
        "Tuning: Hyperparameters are searched with Optuna's optimize (flows/churn_flow.py): "
    )
    assert tuning.endswith("(n_trials = 25).")
    search = "optimize (flows/churn_flow.py): maximize f1_score returned by objective() | n_trials=25 | "
    assert f"{search}flows/churn_flow.py:29" in lines


def test_predictions_mlflow_reads_for_a_signature_are_not_in_sample_metrics(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, CHURN_FLOW)
    performance = next(line for line in lines if line.startswith("Performance:"))
    assert performance.startswith("Performance: The evaluation code computes f1_score [")
    assert performance.endswith("] on the test split; no logged value was found to report.")
    assert "in-sample" not in performance


def test_a_model_one_step_keeps_on_the_flow_is_the_one_another_step_saves(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, CHURN_FLOW)
    production = next(line for line in lines if line.startswith("Production model:"))
    saved = "the code saves it to models/{name}_model.pkl with joblib.dump (flows/churn_flow.py, line 49) ["
    assert production.startswith("Production model: The production model is RandomForestClassifier (flows/")
    assert (
        f"churn_flow.py, line 30) [1], tuned by optimize (flows/churn_flow.py, line 29) [2]; {saved}"
        in production
    )


def test_the_executive_summary_names_the_split_its_measures_are_computed_on(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, CHURN_FLOW, template="default")
    setup = next(line for line in lines if line.startswith("It learns from customers.csv ["))
    assert re.search(
        r"Its quality is measured on the test split by accuracy \[\d+\] and F1 score \[\d+\]\.$", setup
    )


def test_the_pipeline_is_said_as_the_steps_of_the_flow_its_entry_point_launches(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, CHURN_FLOW, template="default")
    production = next(line for line in lines if line.startswith("Production model:"))
    steps = "start -> tune -> evaluate -> save -> end"
    flow = f"as the steps {steps} of the Metaflow flow ChurnFlow (flows/churn_flow.py, line 12)"
    assert f"Its pipeline runs load -> split -> fit -> evaluate {flow}, launched by run.py [" in production
    training = next(line for line in lines if line.startswith("The code's entry point is run.py ["))
    assert f"The training pipeline runs the steps {steps} of the Metaflow flow ChurnFlow (" in training


BRANCHING_FLOW = {
    "train_flow.py": """
        import joblib
        import pandas as pd
        from metaflow import FlowSpec, step
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import cross_val_score


        class PickFlow(FlowSpec):
            @step
            def start(self):
                frame = pd.read_csv("data/loans.csv")
                self.X, self.y = frame.drop(columns=["default"]), frame["default"]
                self.next(self.linear, self.forest)

            @step
            def linear(self):
                self.model = LogisticRegression(C=0.5)
                self.score = cross_val_score(self.model, self.X, self.y, cv=5).mean()
                self.next(self.pick)

            @step
            def forest(self):
                self.model = RandomForestClassifier(n_estimators=200)
                self.score = cross_val_score(self.model, self.X, self.y, cv=5).mean()
                self.next(self.pick)

            @step
            def pick(self, inputs):
                self.best = max(inputs, key=lambda run: run.score).model
                self.best.fit(inputs.linear.X, inputs.linear.y)
                joblib.dump(self.best, "model.pkl")
                self.next(self.end)

            @step
            def end(self):
                pass


        if __name__ == "__main__":
            PickFlow()
    """,
}


def test_a_flows_parallel_branches_are_said_together(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = document(tmp_path, monkeypatch, BRANCHING_FLOW, template="default")
    training = next(line for line in lines if line.startswith("The code's entry point is train_flow.py ["))
    steps = "start -> (linear | forest) -> pick -> end"
    assert (
        f"The training pipeline runs the steps {steps} of the Metaflow flow PickFlow (train_flow.py, line 10)"
        in training
    )


def test_a_model_built_with_the_studys_best_parameters_is_tuned_by_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, CHURN_FLOW)
    production = next(line for line in lines if line.startswith("Production model:"))
    assert "compared with" not in production  # the forests of the study's trials are its search, not rivals
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    built = "RandomForestClassifier at flows/churn_flow.py, line 30 (production model) [1], with its settings"
    best = "unpacked from the best trial of optimize (flows/churn_flow.py, line 29)."
    assert any(line.startswith(f"The code constructs {built} {best}") for line in lines)
    chosen = "max_depth is chosen by optimize (flows/churn_flow.py, line 29) ["
    assert hyper.startswith(
        f"Hyperparameters: RandomForestClassifier (flows/churn_flow.py, line 30) [1]: {chosen}"
    )


FAMILY_SEARCH = {
    "tune.py": """
        import joblib
        import optuna
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.model_selection import train_test_split

        frame = pd.read_csv("data/claims.csv")
        X_train, X_val, y_train, y_val = train_test_split(frame.drop(columns=["fraud"]), frame["fraud"])


        def objective(trial):
            if trial.suggest_categorical("family", ["linear", "forest"]) == "linear":
                model = LogisticRegression(C=trial.suggest_float("C", 0.01, 10.0, log=True))
            else:
                model = RandomForestClassifier(max_depth=trial.suggest_int("max_depth", 2, 12))
            model.fit(X_train, y_train)
            return f1_score(y_val, model.predict(X_val))


        study = optuna.create_study(direction="maximize")
        study.optimize(objective, n_trials=40)
        best = study.best_params
        best.pop("family")
        final = RandomForestClassifier(**best)
        final.fit(X_train, y_train)
        joblib.dump(final, "model.pkl")
    """,
}


def test_the_models_a_searchs_trials_build_are_not_said_to_be_compared(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, FAMILY_SEARCH, template="default")
    assert "The production model is a random forest classifier [1]." in lines


SERVICE = """
    import joblib
    from fastapi import FastAPI

    app = FastAPI()
    model = joblib.load("models/forest_model.pkl")


    @app.post("/predict")
    def predict(rows: list[list[float]]):
        return model.predict(rows).tolist()
"""


def test_a_service_loading_one_of_the_files_a_loop_saves_serves_the_model(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, {**CHURN_FLOW, "serve.py": SERVICE})
    production = next(line for line in lines if line.startswith("Production model:"))
    saved = "saves it to models/{name}_model.pkl with joblib.dump (flows/churn_flow.py, line 49) ["
    served = "and serve.py (line 6) [4] loads models/forest_model.pkl, one of those files, to serve it."
    assert re.search(re.escape(saved) + r"\d+\], " + re.escape(served), production)


def test_a_split_stratified_by_the_resampled_labels_is_stratified_by_the_target(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train = """
        import pandas as pd
        from imblearn.over_sampling import SMOTE
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import train_test_split

        frame = pd.read_csv("data/visits.csv")
        X = frame.drop(columns=["readmitted"])
        y = frame["readmitted"]
        X_res, y_res = SMOTE(random_state=1).fit_resample(X, y)
        X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, test_size=0.25, stratify=y_res)
        LogisticRegression(max_iter=500).fit(X_train, y_train)
    """
    lines = document(tmp_path, monkeypatch, {"train.py": train})
    split = next(line for line in lines if line.startswith("Split:"))
    assert split.endswith("with test_size = 0.25 [6], stratified by the target (readmitted) [3].")
    assert (
        "train_test_split (train.py) | test_size=0.25, stratified by the target (readmitted) | train.py:11"
        in lines
    )
