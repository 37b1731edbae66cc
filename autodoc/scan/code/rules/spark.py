"""Spark ML (``pyspark.ml``): estimators, feature stages, pipelines, evaluators, tuning and random splits.

The same fact kinds as their scikit-learn counterparts (estimator, preprocessing, split, metric,
hyperparameter_search), so the planner and writer say them the same way: ``GBTClassifier(maxIter=50)``
is an estimator whose ``labelCol`` is the target, ``VectorAssembler(inputCols=[...])`` lists the
model's input columns, ``df.randomSplit([0.7, 0.3], seed=17)`` is a random hold-out split.
"""

from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import Fact
from autodoc.scan.code.rules import dataflow, models
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.rules.label_tests import column_name, condition
from autodoc.scan.code.rules.training import split_of
from autodoc.scan.code.syntax import dotted, keyword
from autodoc.scan.code.values import UNKNOWN, is_ref

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_MODEL_PACKAGES = ("classification", "regression", "clustering", "recommendation", "fpm")
_SUPERVISED = ("classification", "regression")
_SEARCHES = ("CrossValidator", "TrainValidationSplit")
# the metric an evaluator computes when the code names none (Spark's defaults)
_DEFAULT_METRICS = {
    "BinaryClassificationEvaluator": "areaUnderROC",
    "MulticlassClassificationEvaluator": "f1",
    "RegressionEvaluator": "rmse",
    "ClusteringEvaluator": "silhouette",
}


def classify(full: str, tail: str) -> str | None:
    """The fact kind of a ``pyspark.ml`` constructor (``pyspark.ml.classification.GBTClassifier``)."""
    if not full.startswith("pyspark.ml.") or not tail[:1].isupper():
        return None
    package = full.split(".")[2]
    if package in _MODEL_PACKAGES:  # GBTClassificationModel is a fitted model (loaded), not a settings object
        return None if tail.endswith("Model") else "estimator"
    if package == "feature" or tail == "Pipeline":
        return "preprocessing"
    if package == "tuning" and tail in _SEARCHES:
        return "hyperparameter_search"
    if package == "evaluation" and tail in _DEFAULT_METRICS:
        return "metric"
    return None


def construction(ex: Extractor, node: ast.Call, scope: str, kind: str, tail: str, full: str) -> None:
    """A Spark ML stage: its settings (as for scikit-learn), and what its column keywords name."""
    if kind == "metric":
        evaluator(ex, node, scope, full, tail)
        return
    models.construction(ex, node, scope, kind, tail, full)
    fact = ex.m.facts[-1]  # the construction's own fact (added last)
    _columns_apart(fact)
    if tail == "Pipeline":
        stages = next(
            (k.value for k in node.keywords if k.arg == "stages"), node.args[0] if node.args else None
        )
        if stages is not None:
            fact.attrs["steps"] = _stage_names(stages)
    elif kind == "hyperparameter_search":
        _search(ex, node, scope, fact)
        if tail == "CrossValidator":
            fact.attrs["folds"] = _folds(ex, node, scope, full)
    elif kind == "estimator" and full.split(".")[2] in _SUPERVISED:
        _label_column(ex, node, scope, tail)
    elif tail == "VectorAssembler":
        _assembled(ex, node, scope)


# keywords that wire stages together (a column's name, the estimator a search tunes): no settings
_WIRING = ("stages", "estimator", "estimatorParamMaps", "evaluator")


def _columns_apart(fact: Fact) -> None:
    """``labelCol="churn"``, ``inputCols=[...]``, ``stages=[...]``: the columns and stages a stage reads
    and writes are said by their own facts (target, assembled inputs, pipeline steps), not as settings."""
    if not fact.params:
        return
    wiring = [p for p in fact.params if p[0].endswith(("Col", "Cols")) or p[0] in _WIRING]
    named = {p[0]: p[1] for p in wiring if isinstance(p[1], str)}
    if named:
        fact.attrs["columns"] = named
    fact.params = [p for p in fact.params if p not in wiring] or None


def _folds(ex: Extractor, node: ast.Call, scope: str, full: str) -> Any:
    """``CrossValidator(numFolds=5)``: the search scores each candidate by k-fold cross-validation
    (Spark's default is 3 folds)."""
    given = keyword(node, "numFolds")
    folds = ex.value(given, scope) if given is not None else 3
    attrs: dict[str, Any] = {"call": full, "scheme": "k-fold", "of": "CrossValidator"}
    if isinstance(folds, int):
        attrs["folds"] = folds
    if given is None:
        attrs["note"] = "numFolds not set: Spark's default is 3 folds"
    shown = f"{folds}-fold" if isinstance(folds, int) else "k-fold"
    label = f"{shown} cross-validation of CrossValidator"
    ex.add_at(given or node, "cv", "CrossValidator", label, scope, value="CrossValidator", attrs=attrs)
    return folds


def _stage_names(node: ast.expr) -> list[str]:
    """``indexers + [encoder, assembler, gbt]`` -> indexers, encoder, assembler, gbt."""
    if type(node) is ast.BinOp and type(node.op) is ast.Add:
        return _stage_names(node.left) + _stage_names(node.right)
    if type(node) in (ast.List, ast.Tuple):
        return [n for el in node.elts for n in _stage_names(el)]
    if type(node) is ast.Call:
        return [dotted(node.func) or "?"]
    return [dotted(node) or "?"]


def _label_column(ex: Extractor, node: ast.Call, scope: str, model: str) -> None:
    """``labelCol="churn"``: the column the estimator learns to predict; Spark reads ``label`` when the
    code names none (said as Spark's default, never as the code's choice)."""
    given = keyword(node, "labelCol")
    col = ex.value(given, scope) if given is not None else "label"
    if not isinstance(col, str):
        return
    ex.target_names.add(col)
    attrs: dict[str, Any] = {"keyword": "labelCol", "estimator": model}
    label = f"target column {col} (labelCol of {model})"
    if given is None:
        attrs["default"] = "Spark's default labelCol; the code names no label column"
        label = f"target column {col} (Spark's default labelCol of {model}, not set in the code)"
    ex.add_at(given or node, "target", col, label, scope, value=col, attrs=attrs)


def _assembled(ex: Extractor, node: ast.Call, scope: str) -> None:
    """``VectorAssembler(inputCols=[...], outputCol="features")``: the model's input columns, resolved as
    far as the code allows; what stays unresolved is said, never guessed."""
    given = keyword(node, "inputCols")
    if given is None:
        return
    cols, unresolved = columns(ex, given, scope)
    raw = ex.value(given, scope) if not cols else None
    if is_ref(raw):  # VectorAssembler(inputCols=fields): the columns each caller passes, resolved later
        cols, unresolved = raw, []
    out = next((ex.value(k.value, scope) for k in node.keywords if k.arg == "outputCol"), UNKNOWN)
    attrs: dict[str, Any] = {"how": "assembler", "model": "VectorAssembler"}
    if isinstance(out, str):
        attrs["output"] = out
    if unresolved:
        attrs["unresolved"] = unresolved
    count = f"{len(cols)} columns" if isinstance(cols, list) else "columns its callers pass"
    label = f"inputs of VectorAssembler ({count}{', more unresolved' if unresolved else ''})"
    ex.add_at(given, "feature", "VectorAssembler", label, scope, value=cols, attrs=attrs)


def columns(ex: Extractor, node: ast.expr, scope: str) -> tuple[list[str], list[str]]:
    """(column names, source of the parts not resolved) of a column list: a literal, a name bound to
    one, ``A + B`` and ``[c + "_vec" for c in A]`` over such lists."""
    if type(node) is ast.BinOp and type(node.op) is ast.Add:
        left, right = columns(ex, node.left, scope), columns(ex, node.right, scope)
        return left[0] + right[0], left[1] + right[1]
    if type(node) is ast.ListComp:
        made = _comprehension(ex, node, scope)
        if made is not None:
            return made, []
    value = ex.value(node, scope)
    if isinstance(value, list) and all(isinstance(c, str) for c in value):
        return value, []
    return [], [ex.snippet(node, 80) or "?"]


def _comprehension(ex: Extractor, node: ast.ListComp, scope: str) -> list[str] | None:
    """``[c + "_vec" for c in CATEGORICAL]`` / ``[f"{c}_idx" for c in cols]`` over a known list of names."""
    if len(node.generators) != 1 or node.generators[0].ifs or type(node.generators[0].target) is not ast.Name:
        return None
    gen = node.generators[0]
    names = ex.value(gen.iter, scope)
    if not isinstance(names, list) or not all(isinstance(c, str) for c in names):
        return None
    var = gen.target.id
    out = [_with(node.elt, var, name) for name in names]
    return out if all(isinstance(c, str) for c in out) else None


def _with(node: ast.expr, var: str, name: str) -> str | None:
    """The string `node` makes when `var` is `name` (names, string constants, ``+`` and f-strings)."""
    if type(node) is ast.Name:
        return name if node.id == var else None
    if type(node) is ast.Constant:
        return node.value if isinstance(node.value, str) else None
    if type(node) is ast.BinOp and type(node.op) is ast.Add:
        left, right = _with(node.left, var, name), _with(node.right, var, name)
        return left + right if left is not None and right is not None else None
    if type(node) is ast.JoinedStr:
        parts = [_with(v.value if type(v) is ast.FormattedValue else v, var, name) for v in node.values]
        return "".join(parts) if all(p is not None for p in parts) else None  # type: ignore[arg-type]
    return None


def random_split(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``train, test = df.randomSplit([0.7, 0.3], seed=17)``: a random hold-out split by weights."""
    weights = ex.value(node.args[0], scope) if node.args else UNKNOWN
    if not isinstance(weights, list) or not weights or not all(_number(w) for w in weights):
        return
    seed_node = node.args[1] if len(node.args) > 1 else keyword(node, "seed")
    parts = _assigned_names(ex, node, scope)
    params = []
    if seed_node is not None:
        params.append(("seed", ex.value_or_expr(seed_node, scope), seed_node.lineno, {}))
    shown = ", ".join(f"{w:g}" for w in weights)
    attrs: dict[str, Any] = {"call": "randomSplit", "how": "random", "weights": weights}
    if parts:
        attrs["parts"] = parts
    if type(node.func) is ast.Attribute and (frame := dotted(node.func.value)):
        attrs["frame"] = frame
    ex.add_at(
        node,
        "split",
        "randomSplit",
        f"randomSplit([{shown}])",
        scope,
        value={"how": "random"},
        attrs=attrs,
        params=params or None,
    )


def _number(w: Any) -> bool:
    return isinstance(w, int | float) and not isinstance(w, bool) and w >= 0


def _assigned_names(ex: Extractor, node: ast.Call, scope: str) -> list[str]:
    """``train, test = df.randomSplit(...)``: the names the parts go to (randomSplit is rare: a search
    of its scope's assignments costs little)."""
    for cell, at, nodes, _fn in ex.indexed:
        if cell != ex.cell or at != scope:
            continue
        for assign in nodes.get(ast.Assign, ()):
            if assign.value is node and type(target := assign.targets[0]) in (ast.Tuple, ast.List):
                return [dotted(t) or "?" for t in target.elts]
    return []


def with_column(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``df.withColumn("label", F.when(F.col("status") == "cancelled", 1).otherwise(0))``: the label when
    the column is the target's, else a derived column (``df["x"] = ...`` in pandas), with the test that
    sets it when it is one (a flag built upstream may be the label another file names)."""
    if len(node.args) < 2 or type(node.func) is not ast.Attribute:
        return
    col = ex.value(node.args[0], scope)
    if not isinstance(col, str):
        return
    value, frame = node.args[1], _frame(node.func.value)
    if (v.TARGET_NAMES.match(col) or col in ex.target_names) and dataflow.label(
        ex, col, value, node.lineno, scope, frame
    ):
        return
    attrs: dict[str, Any] = {"how": "assignment", "call": "withColumn", **condition(ex, value, scope)}
    if frame:
        attrs["frame"] = frame
    funcs = {id(c.func) for c in ast.walk(value) if type(c) is ast.Call}
    read = {
        c for n in ast.walk(value) if id(n) not in funcs and (c := column_name(n, ex, scope)) and c != col
    }
    if read:
        attrs["from_columns"] = sorted(read)[:10]
    ex.add_at(node.args[1], "feature", col, f"derived column {col}", scope, value=col, attrs=attrs)


def _frame(node: ast.expr) -> str | None:
    """The frame a chain of calls starts from: ``df`` of ``df.groupBy("id").agg(...).withColumn``."""
    while type(node) in (ast.Call, ast.Attribute, ast.Subscript):
        node = node.func if type(node) is ast.Call else node.value  # type: ignore[union-attr]
    return node.id if type(node) is ast.Name else None


def evaluator(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``BinaryClassificationEvaluator(metricName="areaUnderPR")``: the metric it computes (its
    ``metricName``, else Spark's default for the evaluator, said as such)."""
    given = keyword(node, "metricName")
    metric = ex.value(given, scope) if given is not None else _DEFAULT_METRICS.get(tail)
    if not isinstance(metric, str):
        return
    attrs: dict[str, Any] = {"call": full, "metric": metric, "evaluator": tail}
    if given is None:
        attrs["default"] = True
    ex.seen.add(("spark", "evaluator"))
    label = f"{metric} ({tail}{', its default metric' if given is None else ''})"
    ex.add_at(node, "metric", metric, label, scope, value=metric, attrs=attrs)


def evaluated_on(ex: Extractor, scoped: list[Any]) -> None:
    """``evaluator.evaluate(best.transform(test))``: the split an evaluator's metric is computed on,
    through one assignment (``predictions = model.transform(test_df)``); after the module's walk."""
    if ("spark", "evaluator") not in ex.seen:
        return
    metrics = {(f.cell, f.line): f for f in ex.m.facts if f.kind == "metric" and f.attrs.get("evaluator")}
    for here, scope, nodes, _fn in ex.indexed:
        calls = [
            c for c in nodes.get(ast.Call, ()) if type(c.func) is ast.Attribute and c.func.attr == "evaluate"
        ]
        assigns = _assigned(ex, scope) if calls else {}
        for call in (c for c in calls if c.args):
            cell, made = assigns.get(dotted(call.func.value) or "", (None, None))  # type: ignore[union-attr]
            if type(call.func.value) is ast.Call:  # Evaluator(metricName=...).evaluate(...)
                cell, made = here, call.func.value
            fact = metrics.get((cell, made.lineno)) if made is not None else None
            if fact is None:
                continue
            arg = call.args[0]
            names = [ast.unparse(arg)[:80]]
            if type(arg) is ast.Name and arg.id in assigns:  # predictions = model.transform(test)
                names.append(ast.unparse(assigns[arg.id][1])[:80])
            if on := split_of(names):
                fact.attrs.update(on=on, inputs=names)


def _assigned(ex: Extractor, scope: str) -> dict[str, tuple[int | None, ast.expr]]:
    """Name -> (cell, value) of its last assignment in `scope` (every cell of a notebook)."""
    out: dict[str, tuple[int | None, ast.expr]] = {}
    for cell, at, nodes, _fn in ex.indexed:
        if at == scope:
            for assign in sorted(nodes.get(ast.Assign, ()), key=lambda a: a.lineno):
                if len(assign.targets) == 1 and type(assign.targets[0]) is ast.Name:
                    out[assign.targets[0].id] = (cell, assign.value)
    return out


def param_grid(ex: Extractor, node: ast.expr, scope: str) -> dict[str, Any] | None:
    """``ParamGridBuilder().addGrid(gbt.maxDepth, [3, 5, 7]).addGrid(gbt.stepSize, [0.05, 0.1]).build()``:
    each parameter with the values tried (the code of a list that is not literal, quoted)."""
    grid: dict[str, Any] = {}
    while type(node) is ast.Call and type(node.func) is ast.Attribute:
        if node.func.attr == "addGrid" and len(node.args) == 2:
            param, values = node.args
            key = param.attr if type(param) is ast.Attribute else ast.unparse(param)[:40]
            found = ex.value(values, scope)
            grid[key] = found if isinstance(found, list) else ast.unparse(values)[:60]
        node = node.func.value
    if type(node) is ast.Call and ex.full_name(node.func).endswith("ParamGridBuilder"):
        return dict(reversed(grid.items()))
    return None


def _search(ex: Extractor, node: ast.Call, scope: str, fact: Fact) -> None:
    """``CrossValidator(estimatorParamMaps=grid, numFolds=5)`` / ``TrainValidationSplit(trainRatio=0.8)``:
    the grid it searches (followed through one assignment) and how it scores each candidate."""
    given = {k.arg: k.value for k in node.keywords if k.arg}
    maps = given.get("estimatorParamMaps")
    if type(maps) is ast.Name:
        maps = _assigned(ex, scope).get(maps.id, (None, None))[1]
    grid = param_grid(ex, maps, scope) if maps is not None else None
    if grid:
        fact.attrs["grid"] = grid
        if all(isinstance(v, list) for v in grid.values()):
            fact.attrs["combinations"] = math.prod(len(v) for v in grid.values())
    if fact.name == "TrainValidationSplit":
        ratio = ex.value(given["trainRatio"], scope) if "trainRatio" in given else 0.75
        if isinstance(ratio, float):
            fact.attrs["train_ratio"] = ratio
            if "trainRatio" not in given:
                fact.attrs["note"] = "trainRatio not set: Spark's default keeps 75% for fitting"
