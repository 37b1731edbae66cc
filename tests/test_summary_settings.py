"""Summary facts from configuration, script constants and compile/fit calls (projects without MLflow)."""

from __future__ import annotations

from autodoc.evidence import EvidenceItem, EvidenceStore, Source
from autodoc.write.gaps import known_gap
from autodoc.write.summary import summary_facts


def _item(eid: str, kind: str, value: object, path: str, line: int = 3, **attrs: object) -> EvidenceItem:
    return EvidenceItem(
        id=eid,
        kind=kind,
        label=f"{kind} {value}",
        value=value,
        source=Source(kind="code", path=path, line_start=line),
        role="production",
        attrs=dict(attrs),
    )


def _config(path: str, key: str, value: object, line: int = 3, **attrs: object) -> EvidenceItem:
    return _item(f"c:{path}:{line}:config:{key}", "config", value, path, line, **attrs)


def _facts(*items: EvidenceItem) -> dict[str, str]:
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=list(items))
    return {f.topic: f.text for f in summary_facts(store)}


def test_hydra_configuration_gives_the_model_its_values_and_a_sweep_only_feeds_tuning() -> None:
    facts = _facts(
        _item("c:src/model.py:9:estimator:LitModule", "estimator", "LitModule", "src/model.py"),
        _config("configs/callbacks/default.yaml", "defaults", ["early_stopping", "model_summary"], 1),
        _config("configs/callbacks/default.yaml", "early_stopping.patience", 100, 18),
        _config("configs/callbacks/default.yaml", "model_summary.max_depth", -1, 22),
        # the composing file overrides this value: the scan's Hydra composition makes it legacy
        _config("configs/callbacks/early_stopping.yaml", "early_stopping.patience", 3, 7).model_copy(
            update={"role": "legacy"}
        ),
        _config("configs/callbacks/early_stopping.yaml", "early_stopping.monitor", "val/loss", 5),
        _config("configs/model/mnist.yaml", "optimizer.lr", 0.001, 6),
        _config("configs/model/mnist.yaml", "scheduler.patience", 10, 14),
        _config("configs/data/mnist.yaml", "train_val_test_split", [55000, 5000, 10000], 4),
        _config("configs/debug/limit.yaml", "trainer.max_epochs", 3, 9, variant="debug"),
        _config(
            "configs/hparams_search/optuna.yaml",
            "hydra.sweeper.n_trials",
            20,
            36,
            variant="hyperparameter sweep",
        ),
        _config(
            "configs/hparams_search/optuna.yaml",
            "model.optimizer.lr",
            "interval(0.0001, 0.1)",
            48,
            variant="hyperparameter sweep",
        ),
    )
    assert "optimizer.lr = 0.001" in facts["hyperparameters"]
    assert "max_depth" not in facts["hyperparameters"]  # a logging callback's setting is not the model's
    assert "early_stopping.patience = 100" in facts["training"]  # the composing file overrides
    assert "patience = 3" not in facts["training"]
    assert "scheduler.patience = 10" in facts["training"]
    assert "max_epochs" not in facts["training"]  # a debug variant never stands for the model
    assert "train_val_test_split = 55000 / 5000 / 10000" in facts["split"]
    assert "n_trials = 20" in facts["tuning"] and "not by the default configuration" in facts["tuning"]
    assert "0.0001" not in facts["hyperparameters"]


def test_script_constants_of_the_training_script_win_over_a_smaller_config_file() -> None:
    train = [
        ("n_layer", 12),
        ("n_embd", 768),
        ("learning_rate", 0.0006),
        ("warmup_iters", 2000),
        ("batch_size", 12),
    ]
    facts = _facts(
        *[
            _item(f"c:train.py:{n}:setting:{k}", "setting", v, "train.py", n)
            for n, (k, v) in enumerate(train, 40)
        ],
        _item("c:config/small.py:3:setting:learning_rate", "setting", 0.001, "config/small.py", 3),
        _item("c:config/small.py:4:setting:warmup_iters", "setting", 100, "config/small.py", 4),
        _item("c:model.py:187:loss:cross_entropy", "loss", "cross_entropy", "model.py", 187),
        _item("c:model.py:284:optimizer:AdamW", "optimizer", "AdamW", "model.py", 284),
    )
    assert (
        "train.py sets" in facts["hyperparameters"] and "learning_rate = 0.0006" in facts["hyperparameters"]
    )
    assert "n_embd = 768" in facts["hyperparameters"]
    assert "warmup_iters = 2000" in facts["training"] and "100" not in facts["training"]
    assert "cross_entropy" in facts["training"] and "AdamW" in facts["training"]


def test_keras_compile_fit_class_weights_and_a_default_split_are_stated_in_words() -> None:
    facts = _facts(
        _item("c:train.py:28:loss:mse", "loss", "mse", "train.py", 28),
        _item("c:train.py:28:optimizer:rmsprop", "optimizer", "rmsprop", "train.py", 28),
        _item("c:train.py:30:fit:model", "fit", "fit", "train.py", 30, validation_split=0.05),
        _item(
            "c:run.py:100:class_weight:scale_pos_weight",
            "class_weight",
            None,
            "run.py",
            100,
            expr="(y_train==0).sum() / (y_train==1).sum()",
        ),
        _item(
            "c:run.py:36:split:train_test_split",
            "split",
            {},
            "run.py",
            36,
            call="sklearn.model_selection.train_test_split",
            note="no test_size or train_size given: scikit-learn then holds out 25% for the test set",
        ),
        _item("c:main.py:56:metric:r2_score", "metric", "r2_score", "main.py", 56),
        _item("c:train.py:29:metric:mape", "metric", ["mape"], "train.py", 29),  # a list value
    )
    assert "the loss is mse" in facts["training"].lower() and "rmsprop" in facts["training"]
    assert "validation_split = 0.05" in facts["training"]
    assert "scale_pos_weight to the ratio of negative to positive labels in y_train" in facts["training"]
    assert "(y_train==0)" not in facts["training"]  # the expression is put in words
    assert "test_size 0.25" in facts["split"]
    assert "r2_score" in facts["metrics"]


def test_a_search_outside_the_pipeline_is_labelled_and_a_covered_gap_is_not_repeated() -> None:
    search = _item(
        "c:src/tuning.py:25:hyperparameter_search:optimize",
        "hyperparameter_search",
        "optimize",
        "src/tuning.py",
        25,
        library="optuna",
        params={"n_trials": 30},
    )
    search = search.model_copy(update={"role": "legacy"})
    store = EvidenceStore(
        created_at="2026-01-01T00:00:00Z",
        generator_version="test",
        items=[
            _item("c:run.py:104:estimator:XGBClassifier", "estimator", "XGBClassifier", "run.py", 104),
            search,
        ],
    )
    facts = summary_facts(store)
    tuning = next(f.text for f in facts if f.topic == "tuning")
    assert "runs no hyperparameter search" in tuning and "n_trials = 30" in tuning and "legacy code" in tuning
    assert known_gap("No hyperparameter search was found in the code.")
    assert not known_gap("No cross-validation was found in the code.")


def test_pipeline_stage_inputs_stability_checks_and_no_threshold_from_a_transformer_argument() -> None:
    facts = _facts(
        _item("c:src/prepare.py:12:data_source:read_csv", "data_source", "read_csv", "src/prepare.py", 12),
        _item(
            "c:dvc.yaml:1:deployment:dvc",
            "deployment",
            ["prepare", "train"],
            "dvc.yaml",
            1,
            stages={
                "prepare": "python src/prepare.py data/data.xml",
                "train": "python src/train.py data/features",
            },
        ).model_copy(update={"label": "DVC pipeline: prepare -> train"}),
        _item("c:nb.py:40:metric:roc_auc_score", "metric", "roc_auc_score", "nb.py", 40),
        _item(
            "c:nb.py:43:function:calculate_psi",
            "function",
            "calculate_psi",
            "nb.py",
            43,
            signature="calculate_psi(train_frac, test_frac)",
        ),
        _item(
            "c:nb.py:146:param:sparse_threshold",
            "param",
            0,
            "nb.py",
            146,
            owner_kind="preprocessing",
            key="sparse_threshold",
        ),
    )
    assert "In the DVC pipeline, the prepare stage runs src/prepare.py on data/data.xml" in facts["data"]
    assert "population stability index, calculate_psi(train_frac, test_frac)" in facts["metrics"]
    assert "threshold" not in facts  # a ColumnTransformer's sparse_threshold is not a decision threshold


def test_a_split_that_sets_only_its_seed_still_says_the_default_share_it_holds_out() -> None:
    """``train_test_split(X, y, random_state=SEED)`` (a wine-quality project): the Split line said
    "with random_state = 0" and nothing of the 25% scikit-learn holds out by default."""
    split = _item(
        "c:reg.py:47:split:train_test_split",
        "split",
        {},
        "reg.py",
        47,
        call="sklearn.model_selection.train_test_split",
        note="no test_size or train_size given: scikit-learn then holds out 25% for the test set",
    )
    seed = _item(
        "c:reg.py:47:param:random_state", "param", 0, "reg.py", 47, owner=split.id, owner_kind="split"
    )
    text = _facts(split, seed)["split"]
    assert text.startswith(
        "A hold-out split is made by train_test_split (reg.py, line 47) [[c:reg.py:47:split:"
    ), text
    assert (
        "with random_state = 0 [[c:reg.py:47:param:random_state]]; no test_size is given, so"
        " scikit-learn's default holds out 25% (test_size 0.25)" in text
    ), text
