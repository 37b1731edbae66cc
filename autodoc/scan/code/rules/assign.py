"""Rules for assignments and comparisons: targets, seeds, thresholds, feature lists, SQL, derived columns."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MAIN, MODULE, Fact
from autodoc.scan.code.rules import datadict, dataflow, leakage, models, series, splits
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.rules.late_labels import late_labels
from autodoc.scan.code.rules.predictions import is_prediction, mark_predictions
from autodoc.scan.code.syntax import dotted, snip
from autodoc.scan.code.values import UNKNOWN, is_ref

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

# Where data lives: cloud storage, DBFS and Unity Catalog volumes, HDFS (``data_path = "s3://bucket/x/"``)
_DATA_URI = re.compile(
    r"^(?:(?:s3a?|s3n|gs|abfss?|wasbs?|hdfs|adl|az|dbfs)://|dbfs:/|/dbfs/|/Volumes/)", re.I
)
_LOCATION_NAMES = re.compile(r"path|dir|data|location|loc$|uri|url|bucket|prefix|root|input|source", re.I)
WEIGHT_NAMES = re.compile(r"class_?weights?|pos_?weight|sample_?weights?", re.IGNORECASE)
SETTING_NAMES = re.compile(
    r"(?:^|_)(?:lr|learning_rate|epochs?|batch(?:_size)?|iters?|steps|warmup|decay|dropout|hidden|layers?|"
    r"heads?|embd|embed(?:ding)?|dim|depth|estimators|leaves|alpha|beta\d?|gamma|lambda|momentum|patience|"
    r"block_size|grad(?:ient)?|clip|accumulation|eval_interval|eval_iters|max_iters|n_\w+|num_\w+|"
    r"max_\w+|min_\w+|window|lags?|horizon|folds?|k|trials|"
    # a credit scorecard's points scaling
    r"pdo|base_score|base_odds|base_points|points0|odds0|target_score|target_odds)(?:_|$)",
    re.IGNORECASE,
)

# Metrics computed from another one (Gini = 2 * AUC - 1)
DERIVED_METRICS = re.compile(r"^(?:gini(?:_coef(?:ficient)?|_index)?|somers_?d|accuracy_ratio)$", re.I)
# Measures a training loop computes by hand from counts (``accuracy = 100.0 * corrects / size``)
_HAND_METRICS = re.compile(r"^(?:acc|accuracy|error_rate|precision|recall|f1|f1_score|mae|mse|rmse)$", re.I)


def _by_hand(name: str, value: ast.expr) -> bool:
    """A measure named as such and computed as a ratio (a division) in the code itself."""
    return bool(_HAND_METRICS.match(name)) and any(
        type(n) is ast.BinOp and type(n.op) is ast.Div for n in ast.walk(value)
    )


# Inside functions only names that can be nothing but a setting (loop counters and sizes are not)
FUNCTION_SETTING_NAMES = re.compile(
    r"^(?:lags?|n_lags|window(?:_size)?|horizon|epochs?|n_epochs|num_epochs|batch(?:_size)?|lr|"
    r"learning_rate|n_estimators|max_depth|num_leaves|n_splits|n_folds|cv_folds|folds|seq_len|"
    r"hidden_size|dropout|patience)$",
    re.IGNORECASE,
)


def assign(ex: Extractor, node: ast.Assign, scope: str) -> None:
    if len(node.targets) != 1:
        return
    tgt, val_node = node.targets[0], node.value
    tt = type(tgt)
    if tt is ast.Name and is_prediction(val_node):
        ex.predicted.add((ex.cell, scope, tgt.id))
    if tt is ast.Name and type(val_node) is ast.Call:  # model = LGBMClassifier(...): the name it is bound to
        models.bound_estimator(ex, tgt.id, val_node, scope)
    if tt is ast.Name and not datadict.dictionary_target(ex, tgt.id, val_node, node.lineno, scope):
        assign_name(ex, tgt.id, val_node, node.lineno, scope)
    elif tt is ast.Subscript and not dataflow.future_label(ex, tgt, val_node, node.lineno, scope):
        col = ex.value(tgt.slice, scope)
        renamed = (
            type(val_node) is ast.Call and getattr(val_node.func, "attr", "") == "pop"
        )  # d["a"] = d.pop("b")
        frame = _frame_name(tgt.value)
        if (
            isinstance(col, str)
            and frame
            and not renamed
            and is_frame(frame.rsplit(".", 1)[-1], val_node)
            and not _plain_dict(ex.value(tgt.value, scope))  # depends = {}: depends["model"] = load()
        ):
            _column(ex, frame, col, node, scope)
    elif tt is ast.Attribute and _frame_name(tgt) == f"self.{tgt.attr}" and v.Y_NAMES.match(tgt.attr):
        _y_attribute(ex, tgt.attr, val_node, node.lineno, scope)  # a Dataset's self.labels = df["y"].values
    if tt in (ast.Name, ast.Subscript):
        dataflow.literal_columns(ex, val_node, scope)
    elif tt in (ast.Tuple, ast.List):
        splits.named_parts(ex, node, scope)


def _plain_dict(value: Any) -> bool:
    """A name bound to a dict literal (not a reference the scan resolves later): its keys are no columns."""
    return isinstance(value, dict) and not any(str(k).startswith("$") for k in value)


def _frame_name(node: ast.expr) -> str | None:
    """``df`` of ``df["x"] = ...``, or ``self.full_data`` (a frame an object holds)."""
    if type(node) is ast.Name:
        return node.id
    if type(node) is ast.Attribute and type(node.value) is ast.Name and node.value.id == "self":
        return f"self.{node.attr}"
    return None


def _column(ex: Extractor, frame: str, col: str, node: ast.Assign, scope: str) -> None:
    """``df["x"] = ...``: the label if `x` is the target, else a derived column (with its windows)."""
    if _labels_from_column(ex, frame, col, node, scope):
        return
    if _is_target_column(ex, col) and dataflow.label(ex, col, node.value, node.lineno, scope, frame):
        return
    attrs: dict[str, Any] = {"frame": frame, "how": "assignment"}
    if type(node.value) is ast.Name:  # a prediction if the name holds model.predict(...): mark_predictions
        attrs["from_name"] = node.value.id
    if is_prediction(node.value):
        ex.add_at(node, "prediction", col, f"prediction column {col}", scope, value=col, attrs=attrs)
        return
    ops = dataflow.window_ops(node.value, ex, scope)
    if ops:
        attrs["ops"] = ops
        attrs["how"] = dataflow.WINDOW_OPS[ops[-1].split("(", 1)[0]]
    if read := leakage.current_target(ex, node.value, scope):  # x[target].diff(1): the answer, as an input
        attrs["reads_current_target"] = read
    label = f"derived column {col}" + (f" ({' -> '.join(ops)})" if ops else "")
    ex.add_at(node, "feature", col, label[:200], scope, value=col, attrs=attrs)


def _labels_from_column(ex: Extractor, frame: str, col: str, node: ast.Assign, scope: str) -> bool:
    """``batch["labels"] = example["target"]``: the column copied into a batch's labels (the key a Hugging
    Face model trains on) is the target."""
    read = node.value
    src = ex.value(read.slice, scope) if col in ("labels", "label") and type(read) is ast.Subscript else None
    if not isinstance(src, str) or src == col:
        return False
    ex.target_names.add(src)
    attrs = {"name": f'{frame}["{col}"]', "frame": dotted(read.value)}
    ex.add_at(node, "target", src, f"target column {src}", scope, value=src, attrs=attrs)
    return True


def _is_target_column(ex: Extractor, col: str) -> bool:
    return bool(v.TARGET_NAMES.match(col)) or col in ex.target_names


def _fact(ex: Extractor, kind: str, name: str | None, label: str, line: int, scope: str, **kw: Any) -> None:
    """One fact about the line `line` (its text is the line unless given)."""
    kw.setdefault("text", ex.line(line))
    ex.add(Fact(kind, name, label, line, scope=scope, **kw))


def _searched(node: ast.expr) -> bool:
    """``trial.suggest_categorical("class_weight", [None, "balanced"])``: a search space's pick (a
    search-space fact of its own), never a weighting the code computes."""
    return (
        type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr.startswith("suggest_")
    )


def assign_name(ex: Extractor, name: str, val_node: ast.expr, line: int, scope: str) -> None:
    t = type(val_node)
    if WEIGHT_NAMES.search(name) and t is not ast.Constant and not _searched(val_node):
        attrs = {"expr": ex.snippet(val_node, 160)}
        _fact(ex, "class_weight", name, f"class weighting {name} = {attrs['expr']}", line, scope, attrs=attrs)
    elif (
        v.Y_NAMES.match(name)
        and t in (ast.Call, ast.ListComp)
        and series.next_token_target(ex, name, val_node, line, scope)
    ):
        return
    elif v.Y_NAMES.match(name) and t in (ast.Call, ast.Compare, ast.IfExp):
        if not dataflow.label(ex, name, val_node, line, scope, None):
            _y_attribute(ex, name, val_node, line, scope)  # y = df["Revenue"].ravel()
        return
    elif t is ast.IfExp and splits.random_rows(ex, name, val_node, scope):
        return
    elif t is ast.BinOp and (DERIVED_METRICS.match(name) or _by_hand(name, val_node)):  # gini = 2 * auc - 1
        formula = ex.snippet(val_node, 80)
        how = "derived from another metric" if DERIVED_METRICS.match(name) else "computed by hand"
        attrs = {"metric": name, "formula": formula, "how": how}
        _fact(ex, "metric", name, f"{name} = {formula}", line, scope, value=name, attrs=attrs)
        return
    elif (
        not splits.hand_split(ex, name, val_node, line, scope)
        and t is ast.BinOp
        and not splits.blend(ex, name, val_node, line, scope)
        and scope in (MODULE, MAIN)
    ):
        _constant(ex, name, ex.value(val_node, scope), line, scope)  # epochs = 5 * 8
    if t is ast.Constant:
        _constant(ex, name, val_node.value, line, scope)
    elif t in (ast.Subscript, ast.Attribute, ast.Call) and v.THRESH_NAMES.search(name):
        val = ex.value(val_node, scope)  # THRESHOLD = config["threshold"], args.threshold
        if _config_value(val):
            attrs = {"expr": ex.snippet(val_node, 80)}
            _fact(ex, "threshold", name, f"{name} (decision threshold)", line, scope, value=val, attrs=attrs)
    elif (
        t in (ast.Subscript, ast.Attribute)
        and v.TARGET_NAMES.match(name)
        and _config_value(val := ex.value(val_node, scope))
    ):
        attrs = {"name": name, "expr": ex.snippet(val_node, 80)}  # target_label = config["target_label"]
        _fact(ex, "target", None, "target column", line, scope, value=val, attrs=attrs)
    elif t is ast.Subscript and v.Y_NAMES.match(name):
        _y_column(ex, name, val_node, line, scope)
    elif t is ast.Attribute and v.Y_NAMES.match(name):
        _y_attribute(ex, name, val_node, line, scope)
    elif t in (ast.List, ast.Tuple) and v.FEATURE_NAMES.search(name):
        _feature_list(ex, name, val_node, line, scope)


def _y_column(ex: Extractor, name: str, val_node: ast.Subscript, line: int, scope: str) -> None:
    """``y = df["quality"]`` (the target column), ``y_train = windows[:, -1]`` (a forecast series)."""
    col = ex.value(val_node.slice, scope)
    if isinstance(col, list) and len(col) == 1:  # y = df[["quality"]]
        col = col[0]
    attrs = {"name": name, "frame": dotted(val_node.value)}
    if col is UNKNOWN and series.is_last_column(val_node):
        series.series_target(ex, name, val_node, line, scope)
    elif is_ref(col):
        _fact(ex, "target", None, "target column", line, scope, value=col, attrs=attrs)
    elif isinstance(col, str):
        ex.target_names.add(col)
        _fact(ex, "target", col, f"target column {col}", line, scope, value=col, attrs=attrs)


# Conversions that keep a column's values: ``df["y"].values``, ``.ravel()``, ``.to_numpy()``
_KEEPS_VALUES = frozenset({"values", "ravel", "to_numpy", "squeeze", "copy", "flatten", "tolist", "array"})


def _column_read(node: ast.expr) -> ast.Subscript | None:
    """The ``df["y"]`` under ``df["y"].ravel()`` / ``df["y"].values`` / ``df["y"].to_numpy().ravel()``."""
    while True:
        if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr in _KEEPS_VALUES:
            node = node.func.value
        elif type(node) is ast.Attribute and node.attr in _KEEPS_VALUES:
            node = node.value
        else:
            break
    return node if type(node) is ast.Subscript and type(node.value) is ast.Name else None


def _encoded_column(node: ast.expr) -> ast.Subscript | None:
    """The ``df["y"]`` of ``encoder.fit_transform(df["y"])`` (also ``self.df["y"]``): the labels are that
    column's values, encoded as numbers."""
    if type(node) is not ast.Call or type(node.func) is not ast.Attribute or len(node.args) != 1:
        return None
    read = node.args[0]
    if node.func.attr not in ("fit_transform", "transform") or type(read) is not ast.Subscript:
        return None
    return read if _frame_name(read.value) else None


# attributes that are no column: a frame's own, and a Hugging Face EvalPrediction's (p.label_ids)
_NOT_COLUMNS = frozenset({"values", "target", "data", "T", "shape", "label_ids", "predictions", "inputs"})


def _y_attribute(ex: Extractor, name: str, val_node: ast.expr, line: int, scope: str) -> None:
    """``y = df.churn`` (the target column), ``y = df["churn"].values`` / ``.ravel()`` (the same)."""
    if (read := _column_read(val_node) or _encoded_column(val_node)) is not None:
        _y_column(ex, name, read, line, scope)
    elif type(val_node) is ast.Attribute and type(val_node.value) is ast.Name:
        col = val_node.attr
        if col not in _NOT_COLUMNS:
            _fact(ex, "target", col, f"target column {col}", line, scope, value=col, attrs={"name": name})


def _feature_list(ex: Extractor, name: str, val_node: ast.expr, line: int, scope: str) -> None:
    """``FEATURES = ["age", "income"]``: a literal list of feature columns."""
    cols = ex.value(val_node, scope)
    if isinstance(cols, list) and cols and all(isinstance(c, str) for c in cols):
        end = getattr(val_node, "end_lineno", None)
        label = f"{name} ({len(cols)} columns)"
        attrs = {"how": "list"}
        _fact(ex, "feature", name, label, line, scope, line_end=end, value=cols, attrs=attrs, text=None)


def _constant(ex: Extractor, name: str, value: Any, line: int, scope: str) -> None:
    """``TARGET = "churn"``, ``SEED = 42``, ``THRESHOLD = 0.4``, ``QUERY = "select ..."``."""
    if isinstance(value, str) and v.TARGET_NAMES.match(name):
        ex.target_names.add(value)
        _fact(ex, "target", value, f"target column {value}", line, scope, value=value, attrs={"name": name})
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if v.SEED_NAMES.match(name) and isinstance(value, int):
            _fact(ex, "seed", name, f"{name} = {value}", line, scope, value=value)
        elif v.THRESH_NAMES.search(name):
            _fact(ex, "threshold", name, f"{name} = {value}", line, scope, value=value)
        elif (scope in (MODULE, MAIN) and SETTING_NAMES.search(name)) or _function_setting(
            name, value, scope
        ):
            _fact(ex, "setting", name, f"{name} = {value}", line, scope, value=value)
    elif isinstance(value, str) and _DATA_URI.match(value) and _LOCATION_NAMES.search(name):
        attrs = {"how": "location", "name": name}
        _fact(
            ex,
            "data_source",
            name,
            f"data location {name} = {value}"[:200],
            line,
            scope,
            value=value,
            attrs=attrs,
        )
    elif isinstance(value, str) and re.search(r"sql|query", name, re.IGNORECASE) and v.SQL_RE.search(value):
        attrs = {"sql": snip(value), "tables": v.sql_tables(value)}
        _fact(ex, "data_source", name, f"SQL query {name}", line, scope, value=None, attrs=attrs, text=None)


def _function_setting(name: str, value: float, scope: str) -> bool:
    """``lag = 12`` inside a top-level function (``main``): a setting, unless it is a counter at zero."""
    return "." not in scope and value != 0 and bool(FUNCTION_SETTING_NAMES.match(name))


def compare(ex: Extractor, node: ast.Compare, scope: str, alerts: frozenset[int] = frozenset()) -> None:
    """``proba >= 0.35``: a decision threshold on a score; the test of an ``if`` that only logs
    (`alert_tests`) is an alert level, a monitoring fact."""
    if len(node.ops) != 1 or type(node.ops[0]) not in (ast.Gt, ast.GtE, ast.Lt, ast.LtE):
        return
    val = ex.value(node.comparators[0], scope)
    through = _config_value(val)  # proba > cfg["threshold"]: resolved from the config across files
    if not through and (not isinstance(val, float) or not 0 < val < 1):
        return
    left = ex.snippet(node.left, 80) or ""
    if not v.SCORE_EXPR.search(left):
        return
    attrs = {"expr": ex.snippet(node, 120)}
    if id(node) in alerts:  # if proba > 0.8: logger.warning(...): not how scores become decisions
        label = f"alert when {attrs['expr']} (the code only logs it)"
        _fact(ex, "monitoring", "alert", label, node.lineno, scope, value=val, attrs=attrs)
        return
    label = f"decision threshold {'' if through else val}".strip()
    _fact(ex, "threshold", left[:40], label, node.lineno, scope, value=val, attrs=attrs)


# calls that raise an alarm (a print or an info line may be how a script reports its decision)
_REPORTS = re.compile(r"^(?:warn(?:ing)?|error|critical|exception|alert|notify)$")


def alert_tests(ifs: list[ast.If]) -> frozenset[int]:
    """The comparisons (by id) that are the whole test of an ``if`` without ``else`` whose body only
    raises an alarm (``logger.warning(...)``, ``warnings.warn(...)``)."""
    return frozenset(
        id(node.test)
        for node in ifs
        if type(node.test) is ast.Compare
        and not node.orelse
        and all(
            type(stmt) is ast.Expr
            and type(stmt.value) is ast.Call
            and _REPORTS.match((dotted(stmt.value.func) or "").rsplit(".", 1)[-1])
            for stmt in node.body
        )
    )


def _config_value(val: Any) -> bool:
    """A value read from a config file or another module (resolved later; argparse has its own rule)."""
    return isinstance(val, dict) and any(t in val for t in ("$cfg", "$ref"))


def is_frame(name: str, value: ast.expr) -> bool:
    """Is ``name[...] = value`` a derived data-frame column (not a config dict entry)?"""
    if v.NOT_FRAMES.match(name) or "config" in name.lower() or "param" in name.lower():
        return False
    if v.FRAME_NAMES.search(name):
        return True
    # Column arithmetic on the right-hand side (out["a"] / out["b"]) says it is a frame.
    stack = [value]
    while stack:
        node = stack.pop()
        if (
            type(node) is ast.Subscript
            and type(node.slice) is ast.Constant
            and isinstance(node.slice.value, str)
        ):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def after_module(ex: Extractor) -> None:
    """What only the whole module shows: a target column's earlier assignment is its label rule, a
    column assigned a model's output is a prediction."""
    late_labels(ex)
    mark_predictions(ex)
