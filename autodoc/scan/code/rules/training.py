"""Rules for how a network is trained: layers, losses, optimizers, schedulers, early stopping, logged keys.

Also the training choices a validator checks on any model: class weighting and resampling,
search spaces (Hyperopt ``hp.*``, scikit-learn grids), cross-validation schemes, and which
split a metric is computed on.
"""

from __future__ import annotations

import ast
import math
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MAIN, MODULE
from autodoc.scan.code.syntax import Buckets, dotted, is_main_test
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_OPTIM_MODULES = (
    "torch.optim.",
    "optim.",
    "keras.optimizers.",
    "tf.keras.optimizers.",
    "tensorflow.keras.optimizers.",
)
_LAYER_MODULES = (
    "torch.nn.",
    "nn.",
    "keras.layers.",
    "layers.",
    "tf.keras.layers.",
    "tensorflow.keras.layers.",
)
_LOSS_FUNCS = {
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "mse_loss",
    "l1_loss",
    "nll_loss",
    "smooth_l1_loss",
    "huber_loss",
    "kl_div",
}
_SCHEDULE_FUNCS = ("get_linear_schedule_with_warmup", "get_cosine_schedule_with_warmup", "CosineDecay")
_NOT_LAYERS = ("Module", "Sequential", "ModuleList", "ModuleDict", "Parameter", "Model", "Input")
_RESAMPLERS = ("imblearn.over_sampling", "imblearn.under_sampling", "imblearn.combine")
LABELLED = {
    "layer": "layer",
    "loss": "loss",
    "optimizer": "optimizer",
    "scheduler": "learning-rate schedule",
    "early_stopping": "early stopping",
    "resampling": "resampling",
}
WEIGHT_KEYWORDS = ("class_weight", "scale_pos_weight", "is_unbalance", "pos_weight", "auto_class_weights")
_SPLIT_WORDS = re.compile(r"(?<![a-z])(train|test|val|valid|validation|holdout|oot|eval)(?![a-z])")


def classify(full: str, tail: str) -> str | None:
    """Training-machinery kinds, decided before the estimator rule (``nn.CrossEntropyLoss`` is no model)."""
    if tail == "EarlyStopping":
        return "early_stopping"
    if full.startswith(("prophet.diagnostics.", "fbprophet.diagnostics.")):  # rolling-origin evaluation
        return {"cross_validation": "cv", "performance_metrics": "metric"}.get(tail)
    if (
        "lr_scheduler" in full
        or tail in _SCHEDULE_FUNCS
        or tail in ("ReduceLROnPlateau", "LearningRateScheduler")
    ):
        return "scheduler"
    if full.startswith(_OPTIM_MODULES) and tail[:1].isupper():
        return "optimizer"
    if tail.endswith("Loss") and tail[:1].isupper() and full.startswith((*_LAYER_MODULES, "keras.losses.")):
        return "loss"
    if full.startswith(("keras.losses.", "tf.keras.losses.")) or (
        tail in _LOSS_FUNCS and full.startswith(("torch.nn.functional", "F.", "nn.functional"))
    ):
        return "loss"
    if full.startswith(_RESAMPLERS):
        return "resampling"
    if tail == "Sequential" and full.startswith(("torch.nn.", "nn.")):
        return "layer"  # a block of layers inside a network
    if full.startswith(_LAYER_MODULES) and tail[:1].isupper() and tail not in _NOT_LAYERS:
        return "layer"
    if full.startswith("hyperopt.hp."):
        return "search_space"
    return None


def hyperopt_space(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``hp.uniform("lr", 0.001, 0.1)``: one dimension of a Hyperopt search space."""
    args = [ex.value(a, scope) for a in node.args]
    name = args[0] if args and isinstance(args[0], str) else None
    if name is None:
        return
    rest = [
        a if a is not UNKNOWN else ex.snippet(n, 40) for a, n in zip(args[1:], node.args[1:], strict=True)
    ]
    space = {"type": tail, "args": rest}
    label = f"search space of {name}: {tail}({', '.join(map(str, rest))})"
    ex.add_at(
        node,
        "search_space",
        name,
        label[:200],
        scope,
        value=space,
        attrs={"call": full, "library": "hyperopt"},
    )


def logged_metric(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """Lightning ``self.log("val/loss", loss)`` / ``self.log_dict({...})``: the keys a run logs."""
    if type(node.func) is not ast.Attribute or dotted(node.func.value) != "self":
        return
    keys: list[Any] = []
    if tail == "log" and node.args:
        keys = [ex.value(node.args[0], scope)]
    elif tail == "log_dict" and node.args and type(node.args[0]) is ast.Dict:
        keys = [ex.value(k, scope) for k in node.args[0].keys if k is not None]
    for key in keys:
        if isinstance(key, str):
            attrs = {"call": f"self.{tail}", **ex.kwargs_attrs(node, scope)}
            ex.add_at(node, "logged_metric", key, f"logged metric {key}", scope, value=key, attrs=attrs)


def split_of(names: list[str]) -> str | None:
    """Which split arguments come from: ``y_test`` -> test."""
    for name in names:
        m = _SPLIT_WORDS.search(name.lower())
        if m:
            word = m.group(1).lower()
            return {"valid": "validation", "val": "validation", "eval": "validation"}.get(word, word)
    return None


def decorate(ex: Extractor, node: ast.Call, kind: str, tail: str, attrs: dict[str, Any], scope: str) -> None:
    """Extra attributes of a construction fact: the split a metric is on, a single split that is not CV."""
    if kind == "metric":
        names = [d for d in (ex.snippet(a, 60) for a in node.args[:2]) if d]
        on = split_of(names)
        if on:
            attrs["on"] = on
            attrs["inputs"] = names
    elif kind == "cv" and tail in ("ShuffleSplit", "StratifiedShuffleSplit", "GroupShuffleSplit"):
        n = next((ex.value(k.value, scope) for k in node.keywords if k.arg == "n_splits"), 10)
        if n == 1:
            attrs["note"] = "a single random split (n_splits=1), not cross-validation"
            attrs["scheme"] = "single split"
    elif kind == "cv":
        folds = next((ex.value(k.value, scope) for k in node.keywords if k.arg in ("n_splits", "cv")), None)
        if isinstance(folds, int):
            attrs["folds"] = folds
    elif kind == "fit" and tail.endswith("TrainingArguments"):
        given = {k.arg: ex.value(k.value, scope) for k in node.keywords if k.arg}
        if given.get("load_best_model_at_end") is True:  # the checkpoint kept is chosen on the eval set
            metric = given.get("metric_for_best_model")
            attrs["keeps_best"] = metric if isinstance(metric, str) and metric else "loss"


def weighting(ex: Extractor, node: ast.Call, scope: str, kind: str, full: str) -> None:
    """``class_weight="balanced"``, ``scale_pos_weight=ratio``: how the classes are weighted."""
    for kw in node.keywords:
        if kw.arg in WEIGHT_KEYWORDS:
            val = ex.value(kw.value, scope)
            attrs: dict[str, Any] = {"call": full, "keyword": kw.arg, "owner_kind": kind}
            if val is UNKNOWN or isinstance(
                val, dict
            ):  # a reference or an expression: say where it comes from
                val, shown = None, ex.snippet(kw.value, 120)
                attrs.update(expr=shown, unresolved=True)
            else:
                shown = val
            ex.add_at(
                kw.value,
                "class_weight",
                kw.arg,
                f"class weighting {kw.arg} = {shown}",
                scope,
                value=val,
                attrs=attrs,
            )


def keras_compile(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``model.compile(loss="binary_crossentropy", optimizer=Adam(1e-3), metrics=["AUC"])``."""
    for kw in node.keywords:
        if kw.arg not in ("loss", "optimizer", "metrics"):
            continue
        val = ex.value(kw.value, scope)
        if type(kw.value) is ast.Call:
            continue  # Adam(1e-3), BinaryCrossentropy(): facts of their own
        kind = {"loss": "loss", "optimizer": "optimizer", "metrics": "metric"}[kw.arg]
        attrs: dict[str, Any] = {"call": full, "keyword": kw.arg}
        shown = val
        if val is UNKNOWN or isinstance(val, dict):
            shown = ex.snippet(kw.value, 120)
            attrs.update(expr=shown, unresolved=True)
            val = None
        if kind == "metric":
            attrs["metric"] = shown
        label = f"{LABELLED.get(kind, kind)} {shown} (compile)"[:200]
        ex.add_at(kw.value, kind, str(shown)[:60], label, scope, value=val, attrs=attrs)


Scoped = list[tuple[int | None, list[str], str, Buckets]]


def branches(ex: Extractor, scoped: Scoped) -> None:
    """What runs only under a condition: the optimizer or loss each branch builds (`either_or`), a
    split inside an ``if`` (`guarded_splits`)."""
    either_or(ex, scoped)
    guarded_splits(ex, scoped)


def guarded_splits(ex: Extractor, scoped: Scoped) -> None:
    """``if val_split: X_val, X_test, ... = train_test_split(X_test, ...)``: a split that runs only when
    a flag or a setting says so keeps the condition (``when``, or ``otherwise`` in the else branch),
    so it is never said as if it always ran. The innermost ``if`` decides; the __main__ test is none.
    A flag that is a parameter every call in the module sets alike is said with them (``set_by``)."""
    facts = [f for f in ex.m.facts if f.kind == "split"]
    if not facts:
        return
    ifs = [(cell, lines, n) for cell, lines, _s, nodes in scoped for n in nodes.get(ast.If, ())]
    ifs.sort(key=lambda c: (c[2].end_lineno or c[2].lineno) - c[2].lineno)  # innermost first
    for cell, lines, node in ifs:
        if is_main_test(node.test):
            continue
        for f in facts:
            if f.cell != cell or "when" in f.attrs or "otherwise" in f.attrs:
                continue
            side = "when" if _within(f.line, node.body) else ""
            side = side or ("otherwise" if node.orelse and _within(f.line, node.orelse) else "")
            if side:
                ex.lines = lines
                f.attrs[side] = ex.snippet(node.test, 80)
                if by := _set_by_callers(ex, f.scope, node.test):
                    f.attrs["set_by"] = by


def _set_by_callers(ex: Extractor, func: str, test: ast.expr) -> str | None:
    """``main() at line 65 sets to False``: what the one call of `func` in this module gives
    the parameter an ``if`` tests, when it is a literal (a default counts)."""
    if type(test) is not ast.Name or ex.sites is None:
        return None
    sig, name = ex.signatures.get(func), test.id
    sites = ex.sites.call_sites(func) if sig is not None and name in sig.names else []
    if sig is None or len(sites) != 1:  # several callers could be told apart, not here
        return None
    arg = ex.sites.passed(sites[0], func, name)
    arg = sig.defaults.get(name) if arg is None else arg
    if type(arg) is not ast.Constant:
        return None
    scope, call = sites[0][0], sites[0][1]
    caller = "the module" if scope in (MODULE, MAIN) else f"{scope}()"
    return f"{caller} at line {call.lineno} sets to {arg.value!r}"


def either_or(ex: Extractor, scoped: Scoped) -> None:
    """``if args.optimizer == "adadelta": Adadelta(...) else: Adam(...)``: optimizers and losses the
    code chooses between, each with the condition that selects it (``when``) or ``otherwise``;
    never two optimisers at once. The innermost ``if`` decides (an ``elif`` chain reads right)."""
    facts = [f for f in ex.m.facts if f.kind in ("optimizer", "loss")]
    if len(facts) < 2:
        return
    ifs = [(cell, lines, n) for cell, lines, _s, nodes in scoped for n in nodes.get(ast.If, ()) if n.orelse]
    ifs.sort(key=lambda c: (c[2].end_lineno or c[2].lineno) - c[2].lineno)  # innermost first
    for cell, lines, node in ifs:
        sides = [
            [f for f in facts if f.cell == cell and _within(f.line, branch)]
            for branch in (node.body, node.orelse)
        ]
        for kind in ("optimizer", "loss"):
            chosen = [[f for f in side if f.kind == kind] for side in sides]
            if not all(chosen):
                continue
            ex.lines = lines
            test = ex.snippet(node.test, 80)
            for f in chosen[0]:
                f.attrs.setdefault("when", test)
            for f in chosen[1]:
                f.attrs.setdefault("otherwise", test)


def _within(line: int, body: list[ast.stmt]) -> bool:
    return body[0].lineno <= line <= (body[-1].end_lineno or body[-1].lineno)


_GRIDS = ("itertools.product", "sklearn.model_selection.ParameterGrid")


def hand_grid(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``itertools.product(*grid.values())`` or ``ParameterGrid(grid)`` over a dict of value lists: a
    grid search the code writes by hand (each combination fitted and scored by the code around it)."""
    arg = node.args[0] if full in _GRIDS and node.args else None
    arg = arg.value if type(arg) is ast.Starred else arg
    if type(arg) is ast.Call and type(arg.func) is ast.Attribute and arg.func.attr == "values":
        arg = arg.func.value  # product(*grid.values())
    grid = ex.value(arg, scope) if arg is not None else None
    if not isinstance(grid, dict) or not grid or not all(isinstance(v, list) and v for v in grid.values()):
        return
    combinations = math.prod(len(v) for v in grid.values())
    over = [
        f"{k} ({', '.join(str(x) for x in v[:6])}{', ...' if len(v) > 6 else ''})" for k, v in grid.items()
    ]
    label = f"a hand-built grid of {combinations} combinations over " + ", ".join(over)
    attrs = {"call": full, "params": grid, "combinations": combinations, "library": "by hand"}
    ex.add_at(node, "hyperparameter_search", "grid", label[:240], scope, value="hand-built grid", attrs=attrs)
