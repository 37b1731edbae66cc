"""Fact rules: one small rule per kind of call, looked up by the call's name.

A rule is ``rule(extractor, call_node, scope, full_name, tail)``; it adds facts through
``extractor.add`` and reads values through ``extractor.value``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from autodoc.scan.code.rules import dataflow, loops, models, outputs, series, sources, spark, training, vision
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.syntax import Buckets

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

Rule = Callable[["Extractor", ast.Call, str, str, str], None]
Matcher = Callable[[str, str, ast.Call], bool]


def after_walk(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """Passes over a walked module, before its parameters are resolved: the epochs of a training
    loop (a value its callers give), how a pretrained backbone is fine-tuned."""
    loops.epoch_loops(ex, scoped)
    vision.fine_tuning(ex, scoped)


def _seed(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    if node.args and ("random" in full or "torch" in full or "seed" in tail):
        sources.seed(ex, node, scope, full, tail)


def _on_object(rule: Rule, needs_keywords: bool = False) -> Rule:
    """`rule` only for method calls (``df.drop``, not a free function ``drop``)."""

    def method_rule(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
        if type(node.func) is ast.Attribute and (node.keywords or not needs_keywords):
            rule(ex, node, scope, full, tail)

    return method_rule


def _as(kind: str, tail_as: str | None = None) -> Rule:
    """A construction fact of `kind` (``pd.get_dummies`` is preprocessing)."""

    def construct(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
        models.construction(ex, node, scope, kind, tail_as or tail, full)

    return construct


def _score_scaling(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """scorecardpy's ``sc.scorecard(bins, lr, cols, points0=600, odds0=1/19, pdo=50)``: the scaling's
    constants, each a setting (the points table it builds is no model of its own)."""
    for kw in node.keywords if full.startswith("scorecardpy.") else ():
        value = ex.value(kw.value, scope) if kw.arg in v.SCALING_KEYWORDS else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            ex.add_at(
                kw.value, "setting", kw.arg, f"{kw.arg} = {value}", scope, value=value, attrs={"call": full}
            )


def _mlflow(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    sources.mlflow(ex, node, scope, full, tail)
    if tail in ("log_model", "save_model"):
        outputs.remember(ex, node, scope, full, "log_model")  # the estimator behind the logged object


def _output(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """A file written or a model saved (``mlflow.<flavor>.save_model`` stays an MLflow call)."""
    if full.startswith("mlflow."):
        _mlflow(ex, node, scope, full, tail)
    else:
        outputs.remember(ex, node, scope, full, tail)


BY_TAIL: dict[str, Rule] = {
    **dict.fromkeys(outputs.TAILS, _output),
    **dict.fromkeys(v.FIT_TAILS, models.fit),
    **dict.fromkeys(v.SEED_CALLS, _seed),
    "drop": _on_object(sources.drop),
    "get_dummies": _as("preprocessing"),
    "optimize": _on_object(_as("hyperparameter_search", "optimize")),
    "assign": _on_object(sources.assign_columns, needs_keywords=True),
    "merge": dataflow.join,
    "join": _on_object(dataflow.join),
    "log": _on_object(training.logged_metric),
    "log_dict": _on_object(training.logged_metric),
    "compile": _on_object(training.keras_compile),
    "product": training.hand_grid,
    "ParameterGrid": training.hand_grid,
    "IncludeFile": sources.included_file,
    "rename": _on_object(series.prophet_target, needs_keywords=True),
    "randomSplit": _on_object(spark.random_split),
    "withColumn": spark.with_column,
    "Object": sources.s3_read,
    "scorecard": _score_scaling,
    "get_object": sources.s3_read,
}


def _is_reader(full: str, tail: str, node: ast.Call) -> bool:
    return (
        tail in v.READERS
        or (tail in v.SPARK_READ and ".read" in full)
        or (tail in ("sql", "table") and "spark" in full)
    )


BY_SHAPE: list[tuple[Matcher, Rule]] = [
    (lambda full, tail, node: full in v.BOOSTER_TRAIN, models.booster),
    (_is_reader, sources.data_source),
    (
        lambda full, tail, node: (
            (tail.startswith(("load_", "fetch_", "make_")) and full.startswith("sklearn.datasets"))
            or full.startswith(sources.LIBRARY_DATASETS)
        ),
        sources.dataset,
    ),
    (lambda full, tail, node: full.startswith("mlflow.") or tail in v.MLFLOW_CLIENT, _mlflow),
    (lambda full, tail, node: tail.startswith("suggest_") and bool(node.args), models.suggest),
]


def apply_call(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """Add the facts of one call whose full dotted name is `full`."""
    full, tail = models.from_formula(full, tail)
    if kind := spark.classify(full, tail):
        spark.construction(ex, node, scope, kind, tail, full)
        return
    kind = training.classify(full, tail) or models.classify(full, tail)
    if kind == "search_space":
        training.hyperopt_space(ex, node, scope, full, tail)
    elif kind:
        models.construction(ex, node, scope, kind, tail, full)
    elif pretrained := models.pretrained_class(full, tail):
        models.construction(ex, node, scope, "estimator", pretrained, full)
    elif arch := vision.backbone(full, tail, node):
        vision.build(ex, node, scope, full, arch)
    elif vision.is_compose(full):
        vision.compose(ex, node, scope, full)
    else:
        _by_name(ex, node, scope, full, tail)


def _by_name(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    rule = BY_TAIL.get(tail)
    if rule is not None:
        rule(ex, node, scope, full, tail)
        return
    for matches, shape_rule in BY_SHAPE:
        if matches(full, tail, node):
            shape_rule(ex, node, scope, full, tail)
            return
