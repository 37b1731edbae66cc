"""A pricing GLM written with statsmodels' formula API, read as a validator reads it: the inputs
its formula names, and the per-row arguments (offset, weights) said as the columns they are."""

from __future__ import annotations

import pytest

from autodoc.scan.code.tree import scan_code
from tests.test_unseen_shapes import document

PRICING_GLM_PROJECT = {
    "pricing/frequency.py": """
        import joblib
        import numpy as np
        import pandas as pd
        import statsmodels.api as sm
        import statsmodels.formula.api as smf
        import yaml

        cfg = yaml.safe_load(open("weights.yaml"))
        policies = pd.read_csv("data/policies.csv")
        model = smf.glm(
            formula="n_claims ~ driver_age + C(region) + np.log(density) - 1",
            data=policies,
            offset=np.log(policies["years_insured"]),
            freq_weights=policies.n_policies,
            var_weights=cfg["weights"],
            family=sm.families.Poisson(),
        ).fit()
        joblib.dump(model, "frequency.joblib")
    """,
}


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return document(tmp_path_factory.mktemp("glm"), monkeypatch, PRICING_GLM_PROJECT)


def test_an_offset_read_from_a_column_is_said_as_that_column(lines: list[str]) -> None:
    hyper = next(line for line in lines if line.startswith("Hyperparameters:"))
    assert "offset = the log of the column years_insured [" in hyper
    assert "freq_weights = the column n_policies [" in hyper
    row = "glm (production model) | offset | the log of the column years_insured | "
    row += "pricing/frequency.py, line 14"
    assert row in lines
    assert not [line for line in lines if "offset set at run time" in line or "offset and" in line]


def test_a_reference_to_a_per_row_argument_says_the_column(lines: list[str]) -> None:
    assert [line for line in lines if "\tglm offset = the log of the column years_insured. Code:" in line]


def test_a_settings_read_is_no_column(lines: list[str]) -> None:
    assert not [line for line in lines if "the column weights" in line]
    row = next(line for line in lines if line.startswith("glm (production model) | var_weights |"))
    assert "the column" not in row


def test_the_features_of_a_formula_model_are_the_terms_right_of_its_tilde(lines: list[str]) -> None:
    features = next(line for line in lines if line.startswith("Features:"))
    assert features.startswith(
        "Features: The glm formula (pricing/frequency.py, line 12) ["
    ) and features.endswith("] takes 3 inputs: driver_age, region (categorical) and the log of density.")
    target = next(line for line in lines if line.startswith("Target:"))
    assert target.startswith("Target: The model predicts n_claims (pricing/frequency.py, line 11)")


def test_the_feature_section_names_the_formulas_inputs(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = document(tmp_path, monkeypatch, PRICING_GLM_PROJECT, template="default")
    heading = max(n for n, line in enumerate(lines) if line == "3 Feature Engineering")  # not the contents
    section = lines[heading + 1]
    assert section.startswith("The glm formula (pricing/frequency.py, line 12) [")
    assert section.endswith("] takes 3 inputs: driver_age, region (categorical) and the log of density.")


def test_interactions_and_settings_reads_in_the_scanned_evidence(tmp_path) -> None:
    (tmp_path / "settings.py").write_text("WEIGHTS = {'w': 2.0}\n")
    code = tmp_path / "fit.py"
    code.write_text(
        "import statsmodels.formula.api as smf\n"
        "from settings import WEIGHTS\n"
        "def fit(df, args):\n"
        "    return smf.glm('y ~ age*C(zone) + I(age ** 2)', data=df, offset=args.offset,"
        " var_weights=df.values, freq_weights=WEIGHTS['w'], exposure=df['years']).fit()\n"
    )
    items = scan_code(str(tmp_path), commit_info=False).items
    (inputs,) = [i for i in items if i.kind == "feature" and i.attrs.get("how") == "formula"]
    assert inputs.value == [
        "age",
        "zone (categorical)",
        "the interaction of age and zone (categorical)",
        "age ** 2",
    ]
    labels = {i.attrs.get("key"): i.label for i in items if i.kind == "param"}
    assert labels["exposure"] == "glm exposure = the column years"
    # a command-line option, not a column: said as written, never "None"
    assert labels["offset"] == "glm offset = args.offset (parameter of fit)"
    assert labels["var_weights"] == "glm var_weights = df.values (parameter of fit)"  # no column named
    assert labels["freq_weights"] == "glm freq_weights = 2.0"  # a value the scan resolves


def test_a_model_class_built_from_a_formula_is_the_model_with_its_target_and_inputs(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sm.Logit.from_formula(...)`` builds a Logit (no estimator was found, nor a target)."""
    files = {
        "fit_model.py": """
            import pickle

            import pandas as pd
            import statsmodels.api as sm

            data = pd.read_csv("data/credit_defaults.csv")
            dependent_variable = "default"
            formula = f"{dependent_variable} ~ income + age + income:age"
            model = sm.Logit.from_formula(formula, data=data).fit()
            pickle.dump(model, open("app/logit_model.pkl", "wb"))
        """,
    }
    lines = document(tmp_path, monkeypatch, files)
    production = next(line for line in lines if line.startswith("Production model:"))
    assert production.startswith("Production model: The production model is Logit (fit_model.py, line 10) [")
    assert "the code saves it to app/logit_model.pkl with pickle.dump (fit_model.py, line 11)" in production
    target = next(line for line in lines if line.startswith("Target:"))
    assert target.startswith("Target: The model predicts default (fit_model.py, line 10) [")
    features = next(line for line in lines if line.startswith("Features:"))
    assert features.endswith("] takes 3 inputs: income, age and the interaction of income and age.")


def test_the_formula_api_reached_through_statsmodels_api_is_read_alike(tmp_path) -> None:
    (tmp_path / "train.py").write_text(
        "import statsmodels.api as sm\n"
        "def fit(df):\n"
        "    return sm.formula.logit('churned ~ tenure + C(plan)', data=df).fit()\n"
    )
    items = scan_code(str(tmp_path), commit_info=False).items
    assert [(i.kind, i.value) for i in items if i.kind in ("estimator", "target")] == [
        ("estimator", "logit"),
        ("target", "churned"),
    ]


def test_per_row_weights_a_fit_reads_from_a_column_are_the_training_setup(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "train.py": """
            import joblib
            import pandas as pd
            from sklearn.ensemble import GradientBoostingRegressor

            df = pd.read_csv("claims.csv")
            model = GradientBoostingRegressor(n_estimators=100)
            model.fit(df[["age", "power"]], df["claims"], sample_weight=df["exposure"])
            joblib.dump(model, "model.joblib")
        """,
    }
    lines = document(tmp_path, monkeypatch, files)
    training = next(line for line in lines if line.startswith("Training:"))
    assert training.startswith("Training: The fit weights each row by the column exposure (sample_weight) [")
