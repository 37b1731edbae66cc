"""Hydra composition: the primary config's defaults list decides which values are the model's.

Fixture: conf/train.yaml selects model/forest and trainer/default and overrides
trainer.max_epochs; model/boost is an option nobody selects; experiment/wide is an override.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autodoc.evidence import EvidenceItem
from autodoc.scan.code.tree import CodeScan, scan_code

FIXTURE = Path(__file__).parent / "fixtures" / "code" / "hydra"


@pytest.fixture(scope="module")
def scan() -> CodeScan:
    return scan_code(str(FIXTURE), commit_info=False)


def _config(scan: CodeScan, path: str, name: str) -> EvidenceItem:
    hits = [
        i for i in scan.items if i.kind == "config" and i.source.path == path and i.id.endswith(f":{name}")
    ]
    assert len(hits) == 1, [i.id for i in scan.items if i.source.path == path]
    return hits[0]


def test_selected_option_values_are_the_models(scan: CodeScan) -> None:
    trees = _config(scan, "conf/model/forest.yaml", "n_estimators")
    assert trees.value == 200 and trees.role == "production"
    assert trees.attrs["in_defaults"] is True and trees.attrs["hydra_key"] == "model.n_estimators"
    assert trees.attrs["selected_by"] == "conf/train.yaml:2"
    assert trees.label.startswith("model.n_estimators = 200")


def test_an_option_no_primary_selects_is_an_alternative_not_the_model(scan: CodeScan) -> None:
    boost = _config(scan, "conf/model/boost.yaml", "n_estimators")
    assert boost.role == "exploratory" and boost.attrs["in_defaults"] is False
    assert boost.attrs["variant"] == "alternative option" and boost.attrs["hydra_option"] == "boost"
    assert "alternative option model/boost, not in the default configuration" in boost.label


def test_a_value_the_primary_overrides_is_not_the_models(scan: CodeScan) -> None:
    old = _config(scan, "conf/trainer/default.yaml", "max_epochs")
    assert old.role == "legacy" and old.attrs["overridden_by"] == "conf/train.yaml:8"
    assert _config(scan, "conf/train.yaml", "trainer.max_epochs").role == "production"
    assert _config(scan, "conf/trainer/default.yaml", "seed").role == "production"


def test_experiment_override_is_labelled_with_the_default_it_replaces(scan: CodeScan) -> None:
    wide = _config(scan, "conf/experiment/wide.yaml", "model.n_estimators")
    assert wide.value == 1000 and wide.role == "exploratory" and wide.attrs["variant"] == "experiment"
    assert wide.attrs["overrides"] == "conf/model/forest.yaml:2" and wide.attrs["default_value"] == 200
    assert "the default is 200 at conf/model/forest.yaml:2" in wide.label
    # nothing merged: the selected option keeps its own value
    assert _config(scan, "conf/model/forest.yaml", "n_estimators").value == 200


def test_the_training_primary_decides_what_is_overridden(scan: CodeScan) -> None:
    """eval.yaml sets model.max_depth for evaluation; the trained model keeps forest.yaml's 8."""
    depth = _config(scan, "conf/model/forest.yaml", "max_depth")
    assert depth.role == "production" and "overridden_by" not in depth.attrs
    assert _config(scan, "conf/eval.yaml", "model.max_depth").role == "production"
