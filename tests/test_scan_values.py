"""Values a validator checks first, found where the code hides them (one small fixture per construct).

What each test asserts is what the evidence tells a reader: the column a forecast predicts, the
epochs a network is trained for, the seed and label a settings file gives through a helper.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.scan.code.tree import CodeScan, scan_code
from autodoc.write.summary import summary_facts

FIXTURE = Path(__file__).parent / "fixtures" / "code" / "values"


@pytest.fixture(scope="module")
def scan() -> CodeScan:
    return scan_code(str(FIXTURE), commit_info=False)


def _items(scan: CodeScan, kind: str, path: str) -> list[EvidenceItem]:
    return [i for i in scan.items if i.kind == kind and i.source.path == path]


def _line(path: str, needle: str) -> int:
    lines = (FIXTURE / path).read_text().splitlines()
    return next(n for n, text in enumerate(lines, start=1) if needle in text)


def test_a_forecast_predicts_the_one_column_its_windows_are_cut_from(scan: CodeScan) -> None:
    (target,) = _items(scan, "target", "forecast.py")
    assert target.value == "Load MW"
    assert "lagged" in target.label
    assert target.source.line_start == _line("forecast.py", "y_train = ")  # the training label, not y_test


def test_fit_settings_passed_in_a_dict_are_values_with_the_call_they_travel_through(scan: CodeScan) -> None:
    params = {
        i.attrs["key"]: i for i in _items(scan, "param", "forecast.py") if i.attrs["owner_kind"] == "fit"
    }
    assert params["epochs"].value == 75
    assert params["batch_size"].value == 32
    assert params["epochs"].attrs["via"] == f"forecast.py:{_line('forecast.py', 'fit_network(make_net()')}"


def test_a_setting_inside_the_main_function_is_a_setting_a_counter_is_not(scan: CodeScan) -> None:
    settings = {i.label for i in _items(scan, "setting", "forecast.py")}
    assert settings == {"window = 24"}


def test_a_settings_file_read_by_a_project_helper_gives_the_seed_and_the_label(scan: CodeScan) -> None:
    seed = next(i for i in _items(scan, "param", "pkg/forest.py") if i.attrs.get("key") == "random_state")
    assert seed.value == 7
    assert seed.attrs["origin"] == {"path": "settings.json", "line": _line("settings.json", '"seed"')}
    (target,) = _items(scan, "target", "run_forest.py")
    assert target.value == "churned"
    assert target.attrs["defined_at"] == f"settings.json:{_line('settings.json', 'label_column')}"
    items = [i for i in scan.items if i.source.path in ("run_forest.py", "pkg/forest.py", "settings.json")]
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=items)
    hyper = next(f for f in summary_facts(store) if f.topic == "hyperparameters")
    assert f"random_state = 7 (from settings.json, line {_line('settings.json', 'seed')})" in hyper.text


def test_a_label_set_by_a_membership_test_says_what_it_looks_for(scan: CodeScan) -> None:
    (label,) = _items(scan, "label", "prepare_posts.py")  # labels = matrix[:, 1].astype(int) is no label rule
    assert label.value == "label"
    assert {k: label.attrs[k] for k in ("positive", "negative", "field", "op", "tested")} == {
        "positive": 1,
        "negative": 0,
        "field": "Topics",
        "op": "contains",
        "tested": "<ml>",
    }


def test_a_random_draw_per_row_is_a_split_with_its_held_out_share(scan: CodeScan) -> None:
    (split,) = _items(scan, "split", "prepare_posts.py")
    assert (split.label, split.value) == ("random split of each row", {"test_size": 0.3})
    (share,) = [i for i in _items(scan, "param", "prepare_posts.py") if i.attrs["owner_kind"] == "split"]
    assert (share.attrs["key"], share.value) == ("test_size", 0.3)
    assert share.attrs["defined_at"] == "steps.yaml:2"


def test_network_blocks_are_layers_and_the_network_they_compose_is_the_model(scan: CodeScan) -> None:
    assert [i.value for i in _items(scan, "estimator", "network.py")] == ["Tower"]
    layers = {i.value for i in _items(scan, "layer", "network.py")}
    assert {"Norm", "Mixer", "Linear"} <= layers
    assert not {"Parameter", "ModuleList"} & layers


def test_a_split_method_on_a_dataset_part_is_the_split(scan: CodeScan) -> None:
    (split,) = _items(scan, "split", "split_corpus.py")
    assert split.value == {"test_size": 0.001, "shuffle": True}
    assert not _items(scan, "feature", "split_corpus.py")  # parts["val"] = parts.pop("test") renames


def test_a_keras_network_names_its_builder_and_a_view_into_it_is_no_model(scan: CodeScan) -> None:
    (net,) = _items(scan, "estimator", "keras_nets.py")
    assert (net.value, net.attrs["built_by"]) == ("Sequential", "get_dense")


def test_notebook_widgets_are_parameters_whose_defaults_are_the_values_read() -> None:
    scan = scan_code(str(FIXTURE.parent / "widgets"), commit_info=False)
    params = {i.attrs.get("key") or i.label: i for i in scan.items if i.kind == "param"}
    widget = params["event_code (notebook widget)"]
    assert (widget.value, widget.attrs["owner_kind"]) == ("42", "widget")
    assert params["refresh (notebook widget)"].attrs["choices"] == ["yes", "no"]
    strength = params["C"]
    assert strength.value == "0.5"
    assert strength.attrs["defined_at"] == "risk_notebook.py:10 (notebook widget default)"
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=scan.items)
    target = next(f for f in summary_facts(store) if f.topic == "target")
    assert "It is defined by the notebook widgets event_code = 42" in target.text
    assert "label_column" not in target.text  # it names the column the sentence already gives
    assert "run_label" not in target.text  # the name of a run, not what the label is


def test_the_summary_says_the_label_rule_and_the_random_split(scan: CodeScan) -> None:
    items = [i for i in scan.items if i.source.path in ("prepare_posts.py", "steps.yaml")]
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=items)
    facts = {f.topic: f.text for f in summary_facts(store)}
    assert "The model predicts label (prepare_posts.py, line 13)" in facts["target"]
    assert ": 1 when Topics contains <ml>, else 0." in facts["target"]
    assert "random split of each row" in facts["split"] and "test_size = 0.3" in facts["split"]


def test_a_metric_derived_from_another_keeps_its_formula(scan: CodeScan) -> None:
    metrics = {i.value: i for i in _items(scan, "metric", "scorecard.py")}
    assert set(metrics) == {"roc_auc_score", "gini"}
    assert metrics["gini"].attrs["formula"] == "2 * area - 1"
    reached = [i.model_copy(update={"role": "production", "live": True}) for i in metrics.values()]
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=reached)
    performance = next(f for f in summary_facts(store) if f.topic == "metrics")
    assert "gini (2 * area - 1) [[c:scorecard.py:6:metric:gini]]" in performance.text


def test_folds_reach_the_splitter_through_two_calls_from_the_config_option_file(scan: CodeScan) -> None:
    params = {
        (i.attrs.get("owner_name"), i.attrs.get("key")): i for i in _items(scan, "param", "cv_train.py")
    }
    folds = params[("KFold", "n_splits")]
    assert folds.value == 4
    assert folds.attrs["defined_at"] == "cv.yaml:2"
    assert params[("cross_val_score", "cv")].value == "KFold"  # cv=splitter: the splitter built above
    (option,) = [i for i in _items(scan, "param", "cv_train.py") if i.label.startswith("--config")]
    assert option.value == "cv.yaml"


def test_a_config_object_returned_by_a_factory_gives_its_values(scan: CodeScan) -> None:
    params = {(i.attrs["owner_name"], i.attrs["key"]): i.value for i in _items(scan, "param", "factory.py")}
    assert params == {
        ("GradientBoostingRegressor", "learning_rate"): 0.1,
        ("GradientBoostingRegressor", "max_depth"): 6,
        ("RandomForestRegressor", "n_estimators"): 500,  # cfg.trees = 500 inside the factory
        ("RandomForestRegressor", "max_depth"): 3,
        ("RandomForestRegressor", "min_samples_leaf"): None,  # set from a call: not the default 1
    }


def test_validation_criteria_are_registration_gates_not_a_decision_threshold() -> None:
    scan = scan_code(str(FIXTURE.parent / "gates"), commit_info=False)
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=scan.items)
    facts = {f.topic: f.text for f in summary_facts(store)}
    assert "threshold" not in facts
    assert facts["selection"].startswith("The validation criteria ask for roc_auc of at least 0.7 [[")
    assert "recall of at least 0.4" in facts["selection"]


def test_separate_training_and_test_files_are_the_split() -> None:
    scan = scan_code(str(FIXTURE.parent / "files_split"), commit_info=False)
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=scan.items)
    split = next(f for f in summary_facts(store) if f.topic == "split")
    assert split.text.startswith("Training and test data are separate files: data/train.csv [[")
    assert "and data/test.csv [[" in split.text


def test_a_dataset_a_library_ships_is_the_data_source_once(scan: CodeScan) -> None:
    labels = sorted(i.label for i in _items(scan, "data_source", "vision.py"))
    assert labels == ["FashionMNIST (torchvision dataset)", "cifar10 (keras dataset)"]


def test_the_class_label_a_library_dataset_ships_is_the_target(scan: CodeScan) -> None:
    targets = {
        t.value.split()[4]: t for t in _items(scan, "target", "vision.py")
    }  # once each: train and test are one
    assert sorted(targets) == ["FashionMNIST", "cifar10"]
    said = "the class label the FashionMNIST dataset provides with each image, one of 10 clothing types"
    assert targets["FashionMNIST"].value == said
    (source,) = [i for i in _items(scan, "data_source", "vision.py") if i.value == "FashionMNIST"]
    assert targets["FashionMNIST"].source.line_start == source.source.line_start  # cited where it is read
    assert targets["cifar10"].value.endswith("each image, one of 10 object classes")


def test_labels_cut_one_position_after_the_inputs_are_the_next_token(scan: CodeScan) -> None:
    (target,) = _items(scan, "target", "next_token.py")
    assert target.value.startswith(
        "the next token, since the targets are the input sequence shifted by one position"
    )
    assert target.source.line_start == _line("next_token.py", "y = torch.stack(")


def test_values_kept_on_the_instance_are_read_where_another_method_uses_them(tmp_path: Path) -> None:
    (tmp_path / "trainer.py").write_text(
        "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n\nN_TREES = 300\n\n\n"
        "class Trainer:\n"
        "    def __init__(self, fast=False):\n"
        "        self.n_trees = N_TREES\n        self.depth = 8\n        self.data_file = 'data/train.csv'\n"
        "        self.leaf = 1\n        self.step = 0\n"
        "    def tune(self):\n        self.leaf = 5\n        self.step += 1\n\n"
        "    def fit(self):\n        frame = pd.read_csv(self.data_file)\n"
        "        model = RandomForestClassifier(n_estimators=self.n_trees, max_depth=self.depth,\n"
        "                                       min_samples_leaf=self.leaf, random_state=self.step)\n"
        "        return model.fit(frame.drop(columns=['churn']), frame['churn'])\n\n\n"
        "if __name__ == '__main__':\n    Trainer().fit()\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    params = {i.attrs["key"]: i for i in scan.items if i.kind == "param"}
    assert (params["n_estimators"].value, params["max_depth"].value) == (300, 8)
    # assigned two values (1 in __init__, 5 in tune) or changed in place: never one of them
    for key, expr in (("min_samples_leaf", "self.leaf"), ("random_state", "self.step")):
        assert params[key].value is None and params[key].attrs["expr"] == expr, key
    (source,) = [i for i in scan.items if i.kind == "data_source"]
    assert source.value == "data/train.csv"


def test_a_parameter_hides_a_module_level_name_of_the_same_spelling(tmp_path: Path) -> None:
    (tmp_path / "fit.py").write_text(
        "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n\n"
        "n_trees = 100\ndata_file = 'old.csv'\n\n\n"
        "def build(n_trees, data_file):\n    frame = pd.read_csv(data_file)\n"
        "    return RandomForestClassifier(n_estimators=n_trees), frame\n\n\n"
        "if __name__ == '__main__':\n    build(500, 'train.csv')\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    (param,) = [i for i in scan.items if i.kind == "param" and i.attrs.get("key") == "n_estimators"]
    assert param.value == 500 and param.attrs["via"] == "fit.py:14"  # the caller's value, not the global's
    (source,) = [i for i in scan.items if i.kind == "data_source"]
    assert (source.value, source.label) == ("train.csv", "read_csv(train.csv)")


def test_options_the_command_line_passes_to_a_training_function_in_another_module(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "import argparse\n\nimport train\n\n"
        "parser = argparse.ArgumentParser()\nparser.add_argument('-lr', type=float, default=0.001)\n"
        "parser.add_argument('--epochs', type=int, default=12)\nargs = parser.parse_args()\n\n"
        "if __name__ == '__main__':\n    train.train(None, args)\n"
    )
    (tmp_path / "train.py").write_text(
        "import torch\n\n\ndef train(model, args):\n"
        "    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)\n"
        "    for epoch in range(args.epochs):\n        optimizer.step()\n"
    )
    scan = scan_code(str(tmp_path), commit_info=False)
    (lr,) = [i for i in scan.items if i.kind == "param" and i.attrs.get("key") == "lr"]
    assert lr.value == 0.001 and lr.attrs["defined_at"].startswith("main.py:6 (argparse default)"), lr.attrs
    assert lr.attrs["via"] == "main.py:11"
