"""Training run as the steps of an orchestrator (a Metaflow flow whose ``@step`` methods chain with
``self.next`` and hand data on as ``self`` attributes, launched from another script): each test writes a
small project of our own and reads the Word document the offline default produces."""

from __future__ import annotations

import pytest

from tests.test_unseen_shapes import document

CHURN_FLOW = {
    "flows/data.py": """
        import pandas as pd
        from sklearn.model_selection import train_test_split


        def load_and_split(path="data/customers.csv"):
            frame = pd.read_csv(path)
            return train_test_split(frame.drop(columns=["churned"]), frame["churned"], test_size=0.25)
    """,
    "flows/churn_flow.py": """
        import joblib
        import optuna
        from metaflow import FlowSpec, Parameter, step
        from mlflow.models.signature import infer_signature
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.metrics import roc_auc_score

        from flows.data import load_and_split


        class ChurnFlow(FlowSpec):
            budget = Parameter("trials", default=25)

            @step
            def start(self):
                self.X_train, self.X_test, self.y_train, self.y_test = load_and_split()
                self.next(self.tune)

            @step
            def tune(self):
                def objective(trial):
                    model = RandomForestClassifier(max_depth=trial.suggest_int("max_depth", 2, 12))
                    model.fit(self.X_train, self.y_train)
                    return roc_auc_score(self.y_test, model.predict_proba(self.X_test)[:, 1])

                study = optuna.create_study(direction="maximize")
                study.optimize(objective, n_trials=int(self.budget))
                best = RandomForestClassifier(**study.best_params)
                best.fit(self.X_train, self.y_train)
                self.signature = infer_signature(self.X_train, best.predict(self.X_train))
                self.models = {"forest": {"model": best}}
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
    assert tuning.endswith("(n_trials = 25).")
    search = "optimize (flows/churn_flow.py): maximize roc_auc_score returned by objective() | n_trials=25 | "
    assert f"{search}flows/churn_flow.py:28" in lines


def test_predictions_mlflow_reads_for_a_signature_are_not_in_sample_metrics(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, CHURN_FLOW)
    performance = next(line for line in lines if line.startswith("Performance:"))
    assert performance.startswith("Performance: The evaluation code computes roc_auc_score [")
    assert performance.endswith("on the test split; no logged value was found to report.")
    assert "in-sample" not in performance
