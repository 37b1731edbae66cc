"""A Spark ML (pyspark.ml) training script read as a validator reads it: the estimator and its
settings, the column it learns, the random split, the columns assembled into the feature vector."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from autodoc.scan.code.tree import scan_code
from tests.test_unseen_shapes import document

FIXTURE = Path(__file__).parent / "fixtures" / "code" / "spark"


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    files = {str(p.relative_to(FIXTURE)): p.read_text() for p in sorted(FIXTURE.rglob("*.py"))}
    return _document(tmp_path_factory, files)


def _document(tmp_path_factory: pytest.TempPathFactory, files: dict[str, str]) -> list[str]:
    """The default template's document lines of `files`."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return document(tmp_path_factory.mktemp("spark"), monkeypatch, files, "default")


def _line(lines: list[str], start: str) -> str:
    return next(line for line in lines if line.startswith(start))


def test_the_spark_estimator_and_its_settings_are_the_model(lines: list[str]) -> None:
    hyper = _line(lines, "Hyperparameters: GBTClassifier (src/train.py, line 25)")
    assert "maxIter = 50 [" in hyper and "maxDepth = 5 [" in hyper and "seed = 17 [" in hyper
    assert "labelCol" not in hyper  # a column's name is no hyperparameter
    assert "No estimator construction was found in live code." not in lines


def test_the_label_column_of_the_estimator_is_the_target(lines: list[str]) -> None:
    assert "target column label (labelCol of GBTClassifier) | label | src/train.py:25" in lines
    assert "No target column was identified in the code." not in lines


def test_random_split_is_said_in_shares_and_seed(lines: list[str]) -> None:
    split = _line(lines, "Split: ")
    assert split.startswith("Split: A random hold-out split is made by randomSplit (src/train.py, line 20) [")
    assert "70% of the rows for training and 30% for testing, with seed 17 [" in split
    assert "test_size" not in split


def test_assembled_columns_are_the_model_inputs(lines: list[str]) -> None:
    features = _line(lines, "Features: ")
    inputs = "plan_vec, region_vec, tenure_months, monthly_charges and support_calls"
    assert f"puts 5 input columns into the vector features: {inputs}." in features
    assert "StringIndexer (handleInvalid = keep)" in features


def test_cross_validator_is_cross_validation(lines: list[str]) -> None:
    assert "No cross-validation was found in the code." not in lines
    assert not [line for line in lines if "describes cross-validation" in line]


def test_a_when_otherwise_label_is_said_as_its_rule(lines: list[str]) -> None:
    target = _line(lines, "Target: ")
    assert target.startswith("Target: The model predicts label (src/train.py, line 19) [")
    assert target.endswith(": 1 when status is cancelled, else 0.")


# A Databricks project in the shape of the public churn one: a notebook builds the label into a
# table, another trains on that table with the label's source column among its inputs.
UPSTREAM_LABEL = {
    "notebooks/label.py": """\
        # Databricks notebook source
        from pyspark.sql import functions as F

        df = spark.table("shop.gold.features")
        labelled = df.withColumn("churn", F.when(F.col("recency") > 90, F.lit(1)).otherwise(F.lit(0)))
        labelled.write.mode("overwrite").saveAsTable("shop.gold.training")
    """,
    "notebooks/train.py": """\
        # Databricks notebook source
        from pyspark.ml.classification import LogisticRegression
        from pyspark.ml.evaluation import BinaryClassificationEvaluator
        from pyspark.ml.feature import VectorAssembler

        df = spark.table("shop.gold.training")
        train, test = df.randomSplit([0.8, 0.2], seed=42)
        assembler = VectorAssembler(inputCols=["recency", "frequency"], outputCol="features")
        lr = LogisticRegression(featuresCol="features", labelCol="churn")
        model = lr.fit(assembler.transform(train))
        evaluator = BinaryClassificationEvaluator(labelCol="churn")
        scored = model.transform(assembler.transform(test))
        auc = evaluator.evaluate(scored)
    """,
}


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _document(tmp_path_factory, UPSTREAM_LABEL)


def test_a_label_built_upstream_is_said_with_its_rule(upstream: list[str]) -> None:
    target = _line(upstream, "Target: ")
    assert "The label is built upstream in notebooks/label.py: churn is set at line 5 [" in target
    assert "as 1 when recency > 90, else 0; notebooks/label.py writes shop.gold.training" in target


def test_a_label_source_among_the_inputs_is_target_leakage(upstream: list[str]) -> None:
    target = _line(upstream, "Target: ")
    leak = "The column recency, from which the label is computed, is also an input of the model "
    assert leak + "(VectorAssembler, notebooks/train.py, line 8) [" in target
    assert target.endswith("(target leakage).")


def test_an_evaluator_computes_its_metric_on_the_test_split(lines: list[str]) -> None:
    performance = _line(lines, "Performance: ")
    assert "computes areaUnderPR (BinaryClassificationEvaluator) on the test split [" in performance
    assert [line for line in lines if "Its quality is measured on the test split by PR AUC [" in line]


def test_an_evaluator_without_metric_name_computes_its_default(upstream: list[str]) -> None:
    performance = _line(upstream, "Performance: ")
    assert "areaUnderROC (BinaryClassificationEvaluator's default metric) on the test split [" in performance


def test_cross_validator_searches_its_grid_in_folds(lines: list[str]) -> None:
    tuning = _line(lines, "Tuning: ")
    grid = "(5-fold cross-validation and a grid of 6 combinations: maxDepth 3, 5, 7; stepSize 0.05, 0.1)."
    assert tuning.startswith("Tuning: Hyperparameters are searched with CrossValidator (src/train.py) [")
    assert tuning.endswith(grid)


def test_the_best_model_of_the_search_is_traced_to_the_estimator(lines: list[str]) -> None:
    model = _line(lines, "Production model: ")
    assert model.startswith(
        "Production model: The production model is GBTClassifier (src/train.py, line 25) ["
    )
    assert "tuned by CrossValidator (src/train.py, line 30) [" in model


# A validation-split search and a scoring notebook that loads the fitted pipeline.
TUNED_AND_SCORED = {
    "notebooks/train.py": """\
        # Databricks notebook source
        from pyspark.ml.classification import LogisticRegression
        from pyspark.ml.evaluation import MulticlassClassificationEvaluator
        from pyspark.ml.tuning import ParamGridBuilder, TrainValidationSplit

        df = spark.table("shop.gold.training")
        lr = LogisticRegression(labelCol="churn")
        grid = ParamGridBuilder().addGrid(lr.regParam, [0.01, 0.1]).build()
        scorer = MulticlassClassificationEvaluator()
        tvs = TrainValidationSplit(estimator=lr, estimatorParamMaps=grid, evaluator=scorer, trainRatio=0.8)
        model = tvs.fit(df)
        model.bestModel.write().overwrite().save("/dbfs/models/churn")
    """,
    "notebooks/score.py": """\
        # Databricks notebook source
        from pyspark.ml.classification import LogisticRegressionModel

        model = LogisticRegressionModel.load("/dbfs/models/churn")
        model.transform(spark.table("shop.gold.current")).write.saveAsTable("shop.gold.scores")
    """,
}


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _document(tmp_path_factory, TUNED_AND_SCORED)


def test_a_validation_split_search_says_its_share_and_grid(tuned: list[str]) -> None:
    tuning = _line(tuned, "Tuning: ")
    share = "a validation split that fits each candidate on 80% of the rows it is given"
    assert tuning.endswith(f"({share} and a grid of 2 combinations: regParam 0.01, 0.1).")


def test_a_fitted_spark_model_loaded_is_no_construction(tmp_path: Path) -> None:
    for rel, text in TUNED_AND_SCORED.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text))
    items = scan_code(str(tmp_path), commit_info=False).items
    loads = [i.label for i in items if i.kind == "model_load"]
    assert loads == ["loads a model artifact with LogisticRegressionModel.load from /dbfs/models/churn"]
    assert [i.value for i in items if i.kind == "estimator"] == ["LogisticRegression"]


def test_the_executive_summary_says_the_held_out_share(lines: list[str]) -> None:
    assert [line for line in lines if "30% of the rows are held out for testing [" in line]


def test_an_unset_label_column_is_said_as_sparks_default(tmp_path_factory: pytest.TempPathFactory) -> None:
    files = {
        "train.py": """\
            from pyspark.ml.classification import RandomForestClassifier

            df = spark.read.parquet("/mnt/gold/customers")
            model = RandomForestClassifier(numTrees=100).fit(df)
        """
    }
    target = _line(_document(tmp_path_factory, files), "Target: ")
    assert target.startswith("Target: The model predicts label (train.py, line 4) [")
    default = "RandomForestClassifier reads the column label as Spark's default label column"
    assert target.endswith(f"{default} (the code sets no labelCol).")


def test_a_pandas_sample_is_a_random_split_not_a_positional_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    files = {
        "train.py": """\
            import pandas as pd
            from sklearn.linear_model import LogisticRegression

            df = pd.read_csv("data.csv")
            train = df.sample(frac=0.8, random_state=1)
            model = LogisticRegression().fit(train[["a"]], train["y"])
        """
    }
    split = _line(_document(tmp_path_factory, files), "Split: ")
    drawn = "80% of the rows are drawn at random for training and the rest held out, with random_state 1."
    assert split.startswith("Split: A random hold-out split is made by sample (train.py, line 5) [")
    assert split.endswith(drawn)


# A training function given its columns by its caller, an indexed label and a chained evaluator.
INDEXED_LABEL = {
    "train.py": """\
        from pyspark.ml import Pipeline
        from pyspark.ml.classification import RandomForestClassifier
        from pyspark.ml.evaluation import MulticlassClassificationEvaluator
        from pyspark.ml.feature import StringIndexer, VectorAssembler


        def build(fields):
            assembler = VectorAssembler(inputCols=fields, outputCol="features")
            target = StringIndexer(inputCol="outcome", outputCol="outcome_idx")
            forest = RandomForestClassifier(labelCol="outcome_idx", numTrees=30)
            return Pipeline(stages=[target, assembler, forest])


        def main():
            data = spark.read.csv("data/claims.csv", header=True)
            train, valid = data.randomSplit([3.0, 1.0], seed=7)
            model = build(["age", "amount"]).fit(train)
            scorer = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(model.transform(valid))
            print(scorer)


        if __name__ == "__main__":
            main()
    """
}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _document(tmp_path_factory, INDEXED_LABEL)


def test_an_indexed_label_says_the_column_it_numbers(indexed: list[str]) -> None:
    target = _line(indexed, "Target: The model predicts outcome_idx (train.py, line 10) [")
    assert target.endswith(
        " It is the column outcome with its categories numbered by StringIndexer (train.py, line 9) [4]."
    )


def test_assembled_columns_passed_by_the_caller_are_resolved(indexed: list[str]) -> None:
    features = _line(indexed, "Features: ")
    assert "puts 2 input columns into the vector features: age and amount." in features


def test_weights_are_shares_and_a_chained_evaluation_has_its_split(indexed: list[str]) -> None:
    split = _line(indexed, "Split: ")
    assert "75% of the rows for training and 25% for validation, with seed 7 [" in split
    performance = _line(indexed, "Performance: ")
    assert "accuracy (MulticlassClassificationEvaluator) on the validation split [" in performance


def test_a_spark_model_written_and_loaded_back_is_one_model(tuned: list[str]) -> None:
    model = _line(tuned, "Production model: ")
    saved = "the code saves it to /dbfs/models/churn with model.bestModel.write().overwrite().save"
    assert f"{saved} (notebooks/train.py, line 12) [" in model
    assert "and notebooks/score.py (line 4) [" in model and model.count("loads that file") == 1


def test_a_three_way_split_holds_out_its_test_part(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The held-out share of a weighted split is its part named for testing, wherever it stands."""
    files = {
        "train.py": """\
            from pyspark.ml.classification import RandomForestClassifier

            df = spark.read.parquet("/mnt/gold/customers")
            train, valid, holdout = df.randomSplit([0.7, 0.1, 0.2], seed=3)
            model = RandomForestClassifier(labelCol="churn", numTrees=100).fit(train)
        """
    }
    lines = _document(tmp_path_factory, files)
    split = _line(lines, "Split: ")
    assert "70% of the rows for training, 10% for validation and 20% for testing, with seed 3 [" in split
    assert [line for line in lines if "20% of the rows are held out for testing [" in line]
