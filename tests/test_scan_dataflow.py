"""Data-flow facts and values through indirection, on a small fixture project per construct.

Each test states what a validator reading the evidence would see: the join keys, how the
label is built, the split rule, the value a hyperparameter really gets and where it comes from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.scan.code.tree import CodeScan, scan_code

FIXTURE = Path(__file__).parent / "fixtures" / "code" / "dataflow"


@pytest.fixture(scope="module")
def scan() -> CodeScan:
    return scan_code(str(FIXTURE), commit_info=False)


def _summary_of(tmp_path: Path, train: str) -> dict[str, str]:
    """The Summary's lines, by topic, of a project whose only module is train.py."""
    from autodoc import pipeline
    from autodoc.progress import Progress
    from autodoc.settings import Settings
    from autodoc.write.summary import summary_facts

    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text(train)
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"))
    return {f.topic: f.text for f in summary_facts(pipeline.scan(settings, Progress()))}


def _line(path: str, needle: str) -> int:
    lines = (FIXTURE / path).read_text().splitlines()
    return next(n for n, text in enumerate(lines, start=1) if needle in text)


def _items(scan: CodeScan, kind: str, path: str) -> list[EvidenceItem]:
    return [i for i in scan.items if i.kind == kind and i.source.path == path]


def _one(scan: CodeScan, kind: str, path: str, name: str, line: int | None = None) -> EvidenceItem:
    hits = [
        i for i in _items(scan, kind, path) if i.id.split(":")[4:5] == [name] or i.id.endswith(f":{name}")
    ]
    hits = [i for i in hits if line is None or i.source.line_start == line]
    assert len(hits) == 1, [i.id for i in _items(scan, kind, path)]
    return hits[0]


def test_the_evidence_of_new_kinds_round_trips_through_json(scan: CodeScan) -> None:
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=scan.items)
    assert EvidenceStore.from_json(store.to_json()).content_hash() == store.content_hash()


def test_join_keys_and_how(scan: CodeScan) -> None:
    join = _one(scan, "join", "train.py", "customer_id")
    assert join.value == {"on": "customer_id", "how": "left"}
    assert join.source.line_start == _line("train.py", "customers.merge(")
    assert join.label == "join customers with events on customer_id (left)"
    # str.join and os.path.join are no joins
    assert len(_items(scan, "join", "train.py")) == 1


def test_label_built_by_mapping_a_status_column(scan: CodeScan) -> None:
    label = _one(scan, "label", "train.py", "churn")
    assert label.attrs["how"] == "map" and label.attrs["mapping"] == {"Churned": 1, "Active": 0}
    assert label.attrs["from_columns"] == ["status"]
    assert label.source.line_start == _line("train.py", 'df["status"].map')


def test_column_lists_loops_and_window_features(scan: CodeScan) -> None:
    numeric = _one(scan, "feature", "train.py", "NUMERIC")
    assert numeric.value == ["tenure", "monthly_charges", "total_charges"]
    assert numeric.source.line_start == _line("train.py", "NUMERIC = [")  # cited where it is written
    loop = _one(scan, "feature", "train.py", "loop:col")
    assert loop.value == ["monthly_charges_log", "total_charges_log"] and loop.attrs["how"] == "loop"
    assert loop.attrs["from_columns"] == ["monthly_charges", "total_charges"]  # what the loop derives from
    rolling = _one(scan, "feature", "train.py", "spend_7d")
    assert rolling.attrs["ops"] == ["groupby(customer_id)", "shift(1)", "rolling(7)"]
    assert _one(scan, "feature", "train.py", "spend_ewm").attrs["how"] == "exponentially weighted"


def test_time_split_by_a_date_boundary(scan: CodeScan) -> None:
    train = _one(scan, "split", "train.py", "train")
    assert train.value["how"] == "time" and train.value["rule"] == "signup_date < 2023-01-01"


def test_single_shuffle_split_is_not_cross_validation(scan: CodeScan) -> None:
    single = _one(scan, "cv", "train.py", "StratifiedShuffleSplit")
    assert single.attrs["scheme"] == "single split" and "not cross-validation" in single.attrs["note"]
    assert _one(scan, "cv", "train.py", "cross_val_score").attrs["folds"] == 5


def test_class_weighting_blend_metric_split_and_threshold(scan: CodeScan) -> None:
    balanced = _one(scan, "class_weight", "train.py", "class_weight")
    assert balanced.value == "balanced"
    ratio = _one(scan, "class_weight", "train.py", "scale_pos_weight", _line("train.py", "XGBClassifier("))
    assert ratio.value is None and ratio.attrs["unresolved"] is True and ratio.attrs["expr"] == "ratio"
    blend = _one(scan, "ensemble", "train.py", "blend")
    assert blend.value == {"p_lr": 0.8, "p_xgb": 0.2}
    auc = _one(scan, "metric", "train.py", "roc_auc_score")
    assert auc.attrs["on"] == "test"
    threshold = _one(scan, "threshold", "train.py", "threshold")
    assert threshold.value == 0.35
    assert threshold.attrs["origin"] == {"path": "train.py", "line": _line("train.py", "--threshold")}
    assert _one(scan, "param", "train.py", "--model").attrs["choices"] == ["logreg", "xgb"]


def test_value_through_a_function_parameter_from_yaml(scan: CodeScan) -> None:
    """``build_model(config["model"])`` -> ``C=params["C"]``: C = 1.0 (config.yaml:4, via train.py:<call>)."""
    c = _one(scan, "param", "train.py", "C")
    assert c.value == 1.0
    assert c.attrs["origin"] == {"path": "config.yaml", "line": 4}
    assert c.attrs["via"] == f"train.py:{_line('train.py', 'model = build_model(')}"
    assert "expr" not in c.attrs


def test_data_path_through_a_helper_another_module_calls(scan: CodeScan) -> None:
    """``read_labels(labels_file)`` in train.py -> ``pd.read_csv(path)`` in models.py: data/labels.csv."""
    source = _one(scan, "data_source", "models.py", "read_csv")
    assert source.value == "data/labels.csv" and source.label == "read_csv(data/labels.csv)"
    assert source.attrs["defined_at"] == f"train.py:{_line('train.py', 'labels = read_labels(')}"
    assert "unresolved" not in source.attrs


def test_unresolvable_value_is_marked_not_shown_as_code(scan: CodeScan) -> None:
    weight = _one(scan, "param", "train.py", "scale_pos_weight")
    assert weight.value is None and weight.attrs["unresolved"] is True and weight.attrs["expr"] == "ratio"


def test_network_layers_loss_optimizer_schedule_early_stopping_and_logged_keys(scan: CodeScan) -> None:
    layers = _items(scan, "layer", "net.py")
    assert {i.label for i in layers} >= {
        "layer Linear(30, hidden)",
        "layer Linear(hidden, 1)",
        "layer Dropout(0.2)",
    }
    first = next(i for i in layers if i.label == "layer Linear(30, hidden)")
    assert first.attrs["args"] == [30, 64]  # hidden's default
    assert not [i for i in _items(scan, "estimator", "net.py") if i.value in ("Linear", "Dropout")]
    assert _one(scan, "loss", "net.py", "BCEWithLogitsLoss").kind == "loss"
    assert _one(scan, "param", "net.py", "lr").value == 0.001
    assert _one(scan, "scheduler", "net.py", "CosineAnnealingLR").attrs["params"] == {"T_max": 20}
    stop = _one(scan, "early_stopping", "net.py", "EarlyStopping")
    assert stop.attrs["params"] == {"monitor": "val/auc", "patience": 5, "mode": "max"}
    assert {i.value for i in _items(scan, "logged_metric", "net.py")} == {"train/loss", "val/auc"}
    spaces = {i.value["type"]: i.value["args"] for i in _items(scan, "search_space", "net.py")}
    assert spaces == {"loguniform": [-9, -3], "choice": [[32, 64, 128]]}


def test_keras_compile_and_script_settings(scan: CodeScan) -> None:
    assert {i.value for i in _items(scan, "layer", "keras_model.py")} == {"Dense"}
    assert _one(scan, "loss", "keras_model.py", "binary_crossentropy").value == "binary_crossentropy"
    assert _one(scan, "setting", "keras_model.py", "learning_rate").value == 0.0006
    assert _one(scan, "setting", "keras_model.py", "epochs").value == 40  # 5 * 8


def test_hydra_experiment_override_is_labelled_not_merged(scan: CodeScan) -> None:
    default_c = _one(scan, "config", "conf/model/logreg.yaml", "C")
    assert default_c.value == 1.0 and "variant" not in default_c.attrs and default_c.role == "production"
    override = _one(scan, "config", "conf/experiment/big.yaml", "model.C")
    assert override.value == 10.0 and override.attrs["variant"] == "experiment"
    assert override.role == "exploratory"  # never presented as the model's value
    assert override.attrs["in_defaults"] is False and "not in the default configuration" in override.label


def test_hydra_target_and_interpolation(scan: CodeScan) -> None:
    target = _one(scan, "config", "conf/model/logreg.yaml", "_target_")
    assert target.attrs["builds"] == "sklearn.linear_model.LogisticRegression"
    max_iter = _one(scan, "config", "conf/model/logreg.yaml", "max_iter")
    assert max_iter.value == 300 and max_iter.attrs["interpolation"] == "${model.iterations}"


def test_jinja_yaml_renders_defaults_and_marks_variables(scan: CodeScan) -> None:
    assert _one(scan, "config", "recipe.yaml", "target_col").value == "churn"
    ratios = _one(scan, "config", "recipe.yaml", "steps.split.split_ratios")
    assert ratios.value == [0.75, 0.125, 0.125]
    ingest = _one(scan, "config", "recipe.yaml", "steps.ingest")
    assert ingest.attrs["unresolved"] is True and ingest.attrs["template_variable"] == "INGEST_CONFIG"


def test_value_through_a_parameter_of_a_function_in_another_module(scan: CodeScan) -> None:
    """``make_forest(config["forest"]["depth"], trees=300)`` in train.py fills models.py's parameters."""
    call = _line("train.py", "forest = make_forest(")
    depth = _one(scan, "param", "models.py", "max_depth")
    assert depth.value == 6 and depth.attrs["origin"] == {"path": "config.yaml", "line": 7}
    assert depth.attrs["via"] == f"train.py:{call}"
    trees = _one(scan, "param", "models.py", "n_estimators")
    assert trees.value == 300 and trees.attrs["origin"] == {"path": "train.py", "line": call}
    leaf = _one(scan, "param", "models.py", "min_samples_leaf")  # no caller passes it: the default
    assert leaf.value == 1 and "default of parameter leaf" in leaf.attrs["defined_at"]


def test_search_says_what_its_objective_optimises(scan: CodeScan) -> None:
    """``study.optimize(objective)`` with ``create_study(direction="maximize")``: maximise the CV roc_auc."""
    study = _one(scan, "hyperparameter_search", "tuning.py", "optimize")
    assert study.attrs["objective"] == "objective" and study.attrs["direction"] == "maximize"
    assert study.attrs["objective_metric"] == "roc_auc (cross_val_score, 4 folds)"
    assert study.attrs["objective_returns"] == "scores.mean()"
    assert study.attrs["objective_at"] == f"line {_line('tuning.py', 'def objective(')}"
    assert "maximize roc_auc" in study.label
    hyperopt = _one(scan, "hyperparameter_search", "tuning.py", "fmin")
    assert hyperopt.attrs["direction"] == "minimize" and hyperopt.attrs["objective_metric"] == "val_f1_score"
    assert hyperopt.attrs["objective"] == "hyper_objective"


def test_data_location_constant_and_split_column(scan: CodeScan) -> None:
    location = _one(scan, "data_source", "prep.py", "DATA_PATH")
    assert location.value == "s3://example-bucket/raw/events/" and location.attrs["how"] == "location"
    assert not [i for i in _items(scan, "data_source", "prep.py") if i.id.endswith(":NOT_DATA")]
    train = _one(scan, "split", "prep.py", "train_df")
    assert train.value["how"] == "column" and train.value["rule"] == "split_col == 'train'"
    assert _one(scan, "split", "prep.py", "test_df").value["part"] == "test"


def test_config_class_defaults_are_values(scan: CodeScan) -> None:
    """A dataclass's field defaults are settings and feed the calls that read them, here and elsewhere."""
    rate = _one(scan, "setting", "settings.py", "TrainConfig.learning_rate")
    assert rate.value == 0.05 and rate.attrs["how"] == "dataclass default"
    assert _one(scan, "setting", "settings.py", "TrainConfig.threshold").value == 0.42
    assert _one(scan, "setting", "settings.py", "ServeSettings.batch").value == 64
    assert not [i for i in _items(scan, "setting", "settings.py") if "Request" in i.id]  # a schema
    assert _one(scan, "param", "settings.py", "alpha").value == 0.05
    assert _one(scan, "param", "settings.py", "max_iter").value == 5  # TrainConfig(epochs=5)
    across = _one(scan, "param", "use_settings.py", "learning_rate")
    assert across.value == 0.05
    assert across.attrs["origin"] == {
        "path": "settings.py",
        "line": _line("settings.py", "learning_rate: float"),
    }
    assert _one(scan, "param", "use_settings.py", "n_estimators").value == 30


def test_decision_threshold_through_a_config_key(scan: CodeScan) -> None:
    where = {"path": "config.yaml", "line": _line("config.yaml", "threshold:")}
    named = _one(scan, "threshold", "score.py", "CUTOFF")
    assert named.value == 0.4 and named.attrs["origin"] == where
    used = _one(scan, "threshold", "score.py", "proba")
    assert used.value == 0.4 and used.attrs["origin"] == where and used.label == "decision threshold = 0.4"


def test_recipe_placeholders_take_the_profile_the_code_runs(tmp_path: Path) -> None:
    """MLflow Recipes: ``{{ INGEST_CONFIG }}`` is rendered with the profile ``Recipe(profile=...)`` names."""
    (tmp_path / "recipe.yaml").write_text("target_col: churn\nsteps:\n  ingest: {{INGEST_CONFIG}}\n")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "local.yaml").write_text(
        "INGEST_CONFIG:\n  using: csv\n  location: ./data.csv\n"
    )
    (tmp_path / "profiles" / "dev.yaml").write_text("INGEST_CONFIG:\n  using: delta\n  location: dev.churn\n")
    (tmp_path / "run.py").write_text('from mlflow.recipes import Recipe\n\nRecipe(profile="dev").run()\n')
    scan = scan_code(str(tmp_path), commit_info=False)
    ingest = next(i for i in scan.items if i.id == "c:recipe.yaml:3:config:steps.ingest")
    assert ingest.value == {"using": "delta", "location": "dev.churn"} and ingest.attrs["profile"] == "dev"
    assert ingest.attrs["profile_values"]["local"] == {"using": "csv", "location": "./data.csv"}
    assert (
        "unresolved" not in ingest.attrs and "[profile dev: using=delta, location=dev.churn]" in ingest.label
    )
    (tmp_path / "run.py").write_text("from mlflow.recipes import Recipe\n")
    local = scan_code(str(tmp_path), commit_info=False)  # no profile named in code: local
    assert next(i for i in local.items if i.id.endswith(":steps.ingest")).attrs["profile"] == "local"


def test_a_join_reads_as_words_in_the_summary() -> None:
    """The summary says what is merged with what, on which keys and how, never 'joined by join ...'."""
    from autodoc.evidence import EvidenceItem
    from autodoc.write.data_fact import join_phrase

    def item(on: object, how: str, frames: list[str]) -> EvidenceItem:
        return EvidenceItem.model_validate(
            {
                "id": "c:prep.py:3:join:id",
                "kind": "join",
                "label": "join",
                "value": {"on": on, "how": how},
                "attrs": {"frames": frames},
                "source": {"kind": "code", "path": "prep.py", "line_start": 3},
            }
        )

    assert (
        join_phrase(item("CustomerId", "left", ["df_processed"]))
        == "df_processed merged on CustomerId (left join)"
    )
    both = join_phrase(item(["a", "b"], "inner (pandas default)", ["events", "labels"]))
    assert both == "events merged with labels on a and b (inner join, the pandas default)"


def test_a_text_file_read_line_by_line_is_a_data_source(tmp_path: Path) -> None:
    """``with open(os.path.join(root, "reviews.neg")) as f: for line in f`` reads training data: the
    summary names the file (its folder said to be unresolved); a settings file opened the same way,
    a file written, or a handle never read line by line is no data source."""
    said = _summary_of(
        tmp_path,
        "import csv\nimport json\nimport os\n\nfrom sklearn.linear_model import LogisticRegression\n\n\n"
        "def load(root):\n    rows = []\n"
        "    with open(os.path.join(root, 'reviews.neg'), errors='ignore') as f:\n"
        "        for line in f:\n            rows.append((line.split(), 0))\n"
        "    with open('labels.tsv') as g:\n        rows += list(csv.reader(g))\n"
        "    with open('settings.yaml') as f:\n        for line in f:\n            print(line)\n"
        "    with open('log.txt', 'w') as f:\n        for row in rows:\n            f.write(str(row))\n"
        "    with open('notes.txt') as h:\n        print(h.name)\n"
        "    return rows\n\n\n"
        "if __name__ == '__main__':\n    LogisticRegression().fit(*zip(*load(os.getcwd())))\n",
    )["data"]
    assert said.startswith(
        "Data are read from reviews.neg (folder not resolved from the code) (train.py, line 10) "
        "[[c:train.py:10:"
    ), said
    assert "labels.tsv (train.py, line 13)" in said
    assert "settings.yaml" not in said and "log.txt" not in said and "notes.txt" not in said


FORECAST = """import pandas as pd
import yaml
from sklearn.linear_model import LinearRegression

HORIZON = 7


def prepare(weeks):
    cfg = yaml.safe_load(open("config.yaml"))
    sales = pd.read_csv("sales.csv")
    days = 7 * weeks
    sales[cfg["pred_target_col"]] = sales.groupby(["store", "item"])[cfg["target_col"]].shift(-days)
    sales["lag_1"] = sales.groupby("store")["units"].shift(1)
    sales["next_date"] = sales.groupby("store")["date"].shift(-days)
    return sales.dropna()


if __name__ == "__main__":
    frame = prepare(2)
    frame["target"] = frame.groupby("store")["units"].shift(-HORIZON)
    LinearRegression().fit(frame[["lag_1"]], frame["target"])
"""


@pytest.mark.parametrize(
    ("drop", "said"),
    [
        (  # the label's column and the shift's amount set through a config and a caller
            '    frame["target"]',
            "The model predicts units (config.yaml, line 1) [[c:config.yaml:1:config:target_col]]. "
            "The label is the value of units days rows ahead within each store and item, "
            "where days = 7 * weeks (train.py, line 12) [[c:train.py:12:label:",
        ),
        (  # in the code's own words
            "    sales[cfg",
            "The model predicts target (train.py, line 20) [[c:train.py:20:label:target]]. The label is "
            "the value of units 7 rows ahead within each store (train.py, line 20) "
            "[[c:train.py:20:label:target]].",
        ),
    ],
)
def test_a_forecasts_label_says_how_far_ahead_it_looks(tmp_path: Path, drop: str, said: str) -> None:
    """A column set to another's value N rows later (a negative shift) is the label: the summary says
    of which column, how far ahead (the number, or the code that sets it) and within which groups; a
    date shifted the same way is no label, and a lag stays a feature."""
    from autodoc import pipeline
    from autodoc.progress import Progress
    from autodoc.settings import Settings
    from autodoc.write.summary import summary_facts

    code = tmp_path / "code"
    code.mkdir()
    (code / "config.yaml").write_text("target_col: units\npred_target_col: units_ahead\n")
    kept = [line if not line.startswith(drop) else "    pass" for line in FORECAST.splitlines()]
    (code / "train.py").write_text("\n".join(kept) + "\n")
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"))
    facts = {f.topic: f.text for f in summary_facts(pipeline.scan(settings, Progress()))}
    assert facts["target"].startswith(said), facts["target"]
    assert "lag_1" in facts["features"] and "next_date" not in facts["target"]


def test_a_column_derived_on_a_frame_an_object_holds_is_a_feature(tmp_path: Path) -> None:
    """``self.full_data["to_split"] = ...`` in a class that prepares the data derives a column as
    ``df["to_split"] = ...`` does; ``self.results["auc"] = ...`` is no column."""
    said = _summary_of(
        tmp_path,
        "import pandas as pd\nfrom sklearn.tree import DecisionTreeClassifier\n\n\nclass Prep:\n"
        "    def __init__(self):\n        self.full_data = pd.read_csv('raw.csv')\n"
        "        self.results = {}\n\n"
        "    def build(self):\n"
        "        self.full_data['to_split'] = self.full_data.Month.str.cat(\n"
        "            self.full_data['Revenue'], sep='_')\n"
        "        X, y = self.full_data[['a']], self.full_data['Revenue']\n"
        "        model = DecisionTreeClassifier().fit(X, y)\n"
        "        self.results['auc'] = 0.5\n        return model\n\n\n"
        "if __name__ == '__main__':\n    Prep().build()\n",
    )["features"]
    assert said.startswith(
        "The code builds 1 derived column (to_split [[c:train.py:11:feature:to_split]])"
    ), said
    assert "auc" not in said


def test_columns_a_loop_names_are_listed_by_name(tmp_path: Path) -> None:
    """``for lag in [1, 7]: sales["{}_lag_{}".format(col, lag)] = ...`` (or an f-string) derives
    units_lag_1 and units_lag_7: the features say those names, not "a loop over 2 columns"."""
    said = _summary_of(
        tmp_path,
        "import pandas as pd\nfrom sklearn.linear_model import LinearRegression\n\n"
        "if __name__ == '__main__':\n    sales = pd.read_csv('sales.csv')\n    col = 'units'\n"
        "    for lag in [1, 7]:\n"
        "        sales['{}_lag_{}'.format(col, lag)] = sales.groupby('store')[col].shift(lag)\n"
        "    for days in [7, 28]:\n"
        "        sales[f'{col}_mean_{days}'] = sales.groupby('store')[col].shift(1).rolling(days).mean()\n"
        "    LinearRegression().fit(sales[['units_lag_1']], sales['units'])\n",
    )["features"]
    assert "derives 2 columns in a loop: units_lag_1, units_lag_7 [[c:train.py:7:" in said, said
    assert "2 columns in a loop: units_mean_7, units_mean_28 [[c:train.py:9:" in said, said


def test_a_loop_over_a_dicts_keys_derives_no_column(tmp_path: Path) -> None:
    """A training loop that copies settings into a dict (``for k in ["n_layer", "n_head"]:
    model_args[k] = ckpt[k]``) or fills a dict per split (``out[split] = ...``) derives no feature
    column: the features name only the frame's loop columns."""
    said = _summary_of(
        tmp_path,
        "import numpy as np\nimport pandas as pd\nimport torch\n"
        "from sklearn.linear_model import LogisticRegression\n\n"
        "model_args = dict(n_layer=2, n_head=4)\nckpt = torch.load('ckpt.pt')\n"
        "for k in ['n_layer', 'n_head']:\n    model_args[k] = ckpt[k]\n\n"
        "def estimate():\n    out = {}\n    for split in ['train', 'val']:\n"
        "        losses = torch.zeros(3)\n        for k in range(3):\n            losses[k] = k\n"
        "        out[split] = losses.mean()\n    return out\n\n"
        "if __name__ == '__main__':\n    df = pd.read_csv('loans.csv')\n"
        "    for col in ['income', 'debt']:\n        df[col + '_log'] = np.log1p(df[col])\n"
        "    for c in ['age', 'tenure']:\n        df[c] = df[c].fillna(0)\n"
        "    LogisticRegression().fit(df[['income_log', 'debt_log']], df['default'])\n"
        "    print(estimate())\n",
    )["features"]
    assert "The code derives 2 columns in a loop: income_log, debt_log [[c:train.py:22:" in said, said
    assert " and sets 2 columns in a loop: age, tenure [[c:train.py:24:" in said, said  # in place
    assert "n_layer" not in said and "train, val" not in said and "over 2 columns" not in said, said


def test_a_path_a_method_builds_is_the_file_read(tmp_path: Path) -> None:
    """``pd.read_csv(self._raw_path())`` where the method's only return joins the folder and the name
    it was given in ``__init__``: the data source is data/raw/data.csv; a method that returns one of
    two paths by a condition names no file."""
    from autodoc import pipeline
    from autodoc.progress import Progress
    from autodoc.settings import Settings
    from autodoc.write.summary import summary_facts

    code = tmp_path / "code"
    (code / "src").mkdir(parents=True)
    (code / "src" / "ingest.py").write_text(
        "import os\n\nimport pandas as pd\nfrom sklearn.tree import DecisionTreeClassifier\n\n\n"
        "class Ingest:\n    def __init__(self):\n"
        "        self.folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../data/raw')\n"
        "        self.name = 'data.csv'\n\n"
        "    def load(self):\n        frame = pd.read_csv(self._raw_path())\n"
        "        extra = pd.read_csv(self._either())\n"
        "        return DecisionTreeClassifier().fit(frame[['a']], frame['y']), extra\n\n"
        "    def _raw_path(self):\n        path = os.path.join(self.folder, self.name)\n"
        "        return path\n\n"
        "    def _either(self):\n        name = 'big.csv'\n        if os.getenv('SMALL'):\n"
        "            return 'small.csv'\n        return name\n\n\n"
        "if __name__ == '__main__':\n    Ingest().load()\n"
    )
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"))
    said = {f.topic: f.text for f in summary_facts(pipeline.scan(settings, Progress()))}["data"]
    assert said.startswith("Data are read from data/raw/data.csv (src/ingest.py, line 13) ["), said
    assert "big.csv" not in said and "small.csv" not in said


def test_columns_of_a_table_built_from_predictions_are_no_features(tmp_path: Path) -> None:
    """A credit notebook's PSI table (``psi = pd.DataFrame({"p": proba}); psi["bin"] = pd.cut(...)``,
    then ``bins = psi.groupby("bin")...; bins["share"] = ...``) was said as 2 derived feature columns
    (bin, share) when a later cell predicted again."""
    said = _summary_of(
        tmp_path,
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n"
        "df = pd.read_csv('loans.csv')\ndf['ratio'] = df['debt'] / df['income']\n"
        "model = LogisticRegression().fit(df[['ratio']], df['default'])\n"
        "proba = model.predict_proba(df[['ratio']])[:, 1]\n"
        "psi = pd.DataFrame({'p': proba})\npsi['bin'] = pd.cut(psi['p'], bins=10)\n"
        "bins = psi.groupby('bin').agg(count=('p', 'count')).reset_index()\n"
        "bins['share'] = bins['count'] / bins['count'].sum()\n"
        "again = model.predict_proba(df[['ratio']])[:, 1]\n",
    )["features"]
    assert said.startswith("The code builds 1 derived column (ratio [[c:train.py:5:"), said
    assert "bin" not in said and "share" not in said, said
