"""First prototype of the risk model (2023). Superseded by train.py; kept for the record.

Not used by any pipeline: it predates the feature engineering in features.py and tracked
nothing in MLflow.
"""

from __future__ import annotations

import pickle

from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

OLD_PARAMS = {"n_estimators": 500, "max_depth": 8, "min_samples_leaf": 2}


def train_random_forest(output: str = "rf_model.pkl") -> float:
    """Fit a random forest on the raw columns and pickle it; returns hold-out accuracy."""
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=7)
    model = RandomForestClassifier(**OLD_PARAMS, random_state=7)
    model.fit(X_train, y_train)
    accuracy = accuracy_score(y_test, model.predict(X_test))
    with open(output, "wb") as fh:
        pickle.dump(model, fh)
    return accuracy


# if __name__ == "__main__":
#     print(train_random_forest())
