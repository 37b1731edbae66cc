"""Shapes found by documenting public repositories nobody here wrote (an insurance pricing GLM
with statsmodels' formula API, a Hugging Face fine-tune): each test writes a small project of
our own and reads the Word document the offline default produces."""

from __future__ import annotations

import pytest

from tests.test_unseen_shapes import document

FORMULA_GLM_PROJECT = {
    "pricing/frequency.py": """
        import joblib
        import numpy as np
        import pandas as pd
        import statsmodels.api as sm
        import statsmodels.formula.api as smf

        policies = pd.read_csv("data/policies.csv")
        spec = "n_claims ~ region + fuel"
        model = smf.glm(
            spec,
            data=policies,
            offset=np.log(policies["years_insured"]),
            family=sm.families.Poisson(link=sm.families.links.Log()),
        ).fit()
        joblib.dump(model, "frequency.joblib")
    """,
}


def test_a_formula_glm_is_the_model_and_the_left_of_its_formula_is_the_target(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = document(tmp_path, monkeypatch, FORMULA_GLM_PROJECT)
    production = next(line for line in lines if line.startswith("Production model:"))
    assert production.startswith("Production model: The production model is glm (pricing/frequency.py")
    target = next(line for line in lines if line.startswith("Target:"))
    assert target.startswith("Target: The model predicts n_claims (pricing/frequency.py, line 10)")
    # the fit() that trains it and the Poisson family it is given are not models of their own
    assert not [line for line in lines if line.startswith(("fit |", "fit (production model)", "Poisson |"))]
    wrong = ("constructs fit", "constructs Poisson", "a fit [", "a poisson [", "Poisson (pricing")
    assert not [line for line in lines if any(w in line for w in wrong)]
