"""Rules for calls that build or train a model: estimators, preprocessing, splits, searches, fits."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code import metric_rows
from autodoc.scan.code.model import MAIN, MODULE, Fact
from autodoc.scan.code.rules import objective, splits, stopping, training
from autodoc.scan.code.rules import vocab as v
from autodoc.scan.code.rules.formula import formula_inputs
from autodoc.scan.code.rules.per_row import per_row_words
from autodoc.scan.code.syntax import doc_summary, dotted, step_names
from autodoc.scan.code.values import UNKNOWN, is_ref

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

Param = tuple[str, Any, int, dict[str, Any]]
_HF_TRAINING_ARGS = ("transformers.TrainingArguments", "transformers.Seq2SeqTrainingArguments")
# ``AutoModelForSequenceClassification.from_pretrained(...)``: a Hugging Face model class (not its
# tokenizer, configuration or processor) built from pretrained weights
_HF_MODEL = re.compile(r"^(?:TF|Flax)?[A-Z]\w*(?:Model|For[A-Z]\w*)$")
_HF_LIBRARIES = ("transformers.", "sentence_transformers.")
_NN_CONTAINERS = ("Parameter", "ParameterList", "ParameterDict", "ModuleList", "ModuleDict", "Identity")


def classify(full: str, tail: str) -> str | None:
    """The fact kind of a constructor-like call (``RandomForestClassifier``, ``KFold``...), if any."""
    if tail == "train_test_split":
        return "split"
    if tail in v.DATA_CONTAINERS:
        return None
    if full in ("xgboost.cv", "lightgbm.cv"):
        return "cv"
    if tail in v.SEARCH and (
        full.startswith(("sklearn", "optuna", "hyperopt", "skopt", "keras_tuner", "kt.", "bayes_opt"))
        or tail.endswith("CV")
    ):
        return "hyperparameter_search"
    if tail in v.CV and (full.startswith("sklearn") or "." not in full):
        return "cv"
    if full.startswith(v.SURVIVAL_METRICS) and tail[:1].islower():
        return "metric"
    if full.startswith("sklearn.metrics") or (full.startswith(("torchmetrics", "keras.metrics"))):
        return "metric" if tail[:1].islower() or full.startswith(("torchmetrics", "keras.metrics")) else None
    if full.startswith(v.SKLEARN_PRE):
        return "preprocessing"
    if full.startswith(v.SCORECARD_LIBRARIES):
        return v.SCORECARD.get(tail)
    if not tail[:1].isupper():
        # smf.glm(...) builds the model; smf.glm(...).fit() fits it (the model is glm, not fit)
        return "estimator" if formula_api(full) and "(" not in full and tail.islower() else None
    if full in _HF_TRAINING_ARGS:  # how a Hugging Face Trainer trains: its settings are the fit's
        return "fit"
    if tail in _NN_CONTAINERS and full.startswith(("torch.nn", "nn.")):
        return None  # nn.Parameter, nn.ModuleList: parts of a network, not a model
    if full.startswith(v.ESTIMATOR_MODULES) or full.startswith(("nn.", "layers.")):
        return None if full.startswith(v.NOT_ESTIMATOR_MODULES) else "estimator"
    if tail.endswith(v.ESTIMATOR_SUFFIX) and "." not in full:
        return "estimator"
    return None


def pretrained_class(full: str, tail: str) -> str | None:
    """``transformers.AutoModelForSequenceClassification.from_pretrained``: the model class whose
    pretrained weights the call loads (the model, to be fine-tuned or used as it is), else None."""
    if tail != "from_pretrained" or not full.startswith(_HF_LIBRARIES):
        return None
    cls = full.rsplit(".", 2)[-2]
    return cls if _HF_MODEL.match(cls) else None


def model_class(ex: Extractor, node: ast.ClassDef, bases: list[str], kind: str) -> None:
    """``class Net(nn.Module)`` / ``keras.Model`` / ``LightningModule`` subclasses are models."""
    for base in bases:
        full = network_base(base, ex.m.aliases)
        if full:
            reads = options_read(node)  # def __init__(self, args): ... args.dropout
            attrs = {"call": full, "base": full, **({"reads": reads} if reads else {})}
            label = f"{node.name} (neural network, {full})"
            end, doc = getattr(node, "end_lineno", None), doc_summary(node)
            ex.add(Fact(kind, node.name, label, node.lineno, end, value=node.name, attrs=attrs, text=doc))
            return


def network_parts(candidates: list[tuple[ast.ClassDef, list[str]]], aliases: dict[str, str]) -> set[str]:
    """Network classes that another network class builds (``Block(config)`` in ``GPT.__init__``): its
    blocks, described as layers, so that the network they compose is the model."""
    classes = [node for node, bases in candidates if any(network_base(b, aliases) for b in bases)]
    if len(classes) < 2:
        return set()
    names = {c.name for c in classes}
    parts: set[str] = set()
    for cls in classes:
        for node in ast.walk(cls):
            called = node.func.id if type(node) is ast.Call and type(node.func) is ast.Name else None
            if called in names and called != cls.name:
                parts.add(called)
    return parts


def network_base(base: str, aliases: dict[str, str]) -> str | None:
    """The full name of a network base class (``nn.Module`` -> ``torch.nn.Module``, ``keras.Model``,
    ``LightningModule``) through the module's import aliases, or None for any other base."""
    head, _, rest = base.partition(".")
    origin = aliases.get(head)
    full = (f"{origin}.{rest}" if rest else origin) if origin else base
    network = full.startswith(v.NN_BASES) and full.rsplit(".", 1)[-1] in (
        "Module",
        "Model",
        "LightningModule",
    )
    return full if network else None


def options_read(node: ast.ClassDef) -> list[str]:
    """``def __init__(self, args): nn.Dropout(args.dropout)``: the settings a network's constructor
    reads from the options object it is given (``dropout``), in the order it first reads them."""
    init = next((n for n in node.body if type(n) is ast.FunctionDef and n.name == "__init__"), None)
    if init is None:
        return []
    given = {a.arg for a in [*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs][1:]}
    kept = {  # self.args = args: self.args.static reads it too
        dotted(t)
        for n in ast.walk(init)
        if type(n) is ast.Assign and type(n.value) is ast.Name and n.value.id in given
        for t in n.targets
        if dotted(t)
    }
    reads = [
        (n.lineno, n.col_offset, n.attr)
        for n in ast.walk(init)
        if type(n) is ast.Attribute and (dotted(n.value) in kept or getattr(n.value, "id", None) in given)
    ]
    return list(dict.fromkeys(attr for *_, attr in sorted(reads)))


def keyword_params(ex: Extractor, node: ast.Call, scope: str) -> tuple[list[Param], list[Any]]:
    """The call's keyword arguments as params, and its ``**`` expansions (refs) still to resolve."""
    params: list[Param] = []
    star: list[Any] = []
    for kw in node.keywords:
        if kw.arg is None:
            star.append(ex.value_or_expr(kw.value, scope))
            continue
        note = ex.notes.get(kw.value.id) if type(kw.value) is ast.Name else None
        built = splits.splitter(ex, kw.value.id) if kw.arg == "cv" and type(kw.value) is ast.Name else None
        if built:
            note = f"the {built} splitter built before this call"
        value = built or ex.value_or_expr(kw.value, scope)
        if isinstance(value, dict) and "$expr" in value and _written_object(kw.value):
            value = ex.snippet(kw.value, 120)  # family=sm.families.Poisson(link=sm.families.links.Log())
        extra = {"note": note} if note else {}
        rows = per_row_words(kw.arg, kw.value) if isinstance(value, dict) else None  # no literal
        if rows:  # offset=np.log(train["Exposure"]): one value per row, said in words (if unresolved)
            extra["per_row"] = rows
        params.append((kw.arg, value, getattr(kw.value, "lineno", node.lineno), extra))
    return params, star


def _written_object(node: ast.expr) -> bool:
    """``Poisson(link=Log())``, ``StratifiedKFold(n_splits=5)``: an object the code writes out in full
    (a library call whose arguments are literals or such calls), so its source is its value."""
    if type(node) is ast.Constant:
        return True
    if type(node) is ast.UnaryOp:
        return type(node.operand) is ast.Constant
    if type(node) is not ast.Call or "(" in (dotted(node.func) or "("):
        return False
    return all(_written_object(a) for a in [*node.args, *(k.value for k in node.keywords)])


def construction(ex: Extractor, node: ast.Call, scope: str, kind: str, tail: str, full: str) -> None:
    if kind == "estimator" and tail == "Model" and _reuses_a_model(node):
        return
    params, star = keyword_params(ex, node, scope)
    if full.endswith(".from_pretrained") and node.args:  # the pretrained weights it starts from
        first = node.args[0]
        params.insert(0, (v.CHECKPOINT, ex.value_or_expr(first, scope), first.lineno, {}))
    args = [ex.value(a, scope) for a in node.args]
    attrs: dict[str, Any] = {"call": full}
    literal_args = [a for a in args if a is not UNKNOWN and (not isinstance(a, dict) or "$param" in a)]
    if literal_args and kind in ("estimator", "preprocessing", "layer", "resampling"):
        attrs["args"] = literal_args[:10]  # a parameter's value is filled in from the call sites
    if kind == "layer" and tail == "Sequential":
        attrs["layers"] = step_names(node)
    if kind == "metric":
        attrs["metric"] = tail
    if (
        kind == "split"
        and full.startswith("sklearn")
        and not any(k.arg in ("test_size", "train_size") for k in node.keywords)
    ):
        attrs["note"] = "no test_size or train_size given: scikit-learn then holds out 25% for the test set"
    if kind == "preprocessing" and tail in v.PIPELINE_CALLS:
        attrs["steps"] = step_names(node)
    if kind == "hyperparameter_search" and tail == "optimize":
        attrs["library"] = "optuna"
    if kind == "estimator" and tail in ("Sequential", "Model") and scope not in (MODULE, MAIN):
        attrs["built_by"] = scope  # get_lstm() builds a Sequential network: the function names it
    training.decorate(ex, node, kind, tail, attrs, scope)
    if kind == "metric" and "on" not in attrs and (held := metric_rows.helper_params(ex, node, scope)):
        attrs[metric_rows.ROWS] = held  # precision_score(y, preds) in a helper: the rows its callers pass
    if kind in ("estimator", "hyperparameter_search"):
        training.weighting(ex, node, scope, kind, full)
    built(ex, node, scope, kind, tail, attrs, params, star)
    by_formula = type(node.func) is ast.Attribute and node.func.attr == "from_formula"  # Logit.from_formula
    if kind == "estimator" and (formula_api(full) or by_formula):
        _formula_target(ex, node, params, args, scope, tail)
    if kind == "hyperparameter_search" and tail in ("optimize", "fmin"):
        objective.remember(ex, node, tail)


_FORMULA_LHS = re.compile(r"^\s*([A-Za-z_]\w*)\s*~")


def formula_api(full: str) -> bool:
    """statsmodels' formula API, imported either way: ``smf.glm``, ``sm.formula.logit``."""
    return full.startswith(("statsmodels.formula.api.", "statsmodels.api.formula.", "smf."))


def from_formula(full: str, tail: str) -> tuple[str, str]:
    """``sm.Logit.from_formula(f, data)`` builds a Logit: the model class's (full, tail), else as given."""
    if tail == "from_formula" and full.startswith("statsmodels") and full.count(".") > 1:
        full = full.removesuffix(".from_formula")
        return full, full.rsplit(".", 1)[-1]
    return full, tail


def _formula_target(
    ex: Extractor, node: ast.Call, params: list[Param], args: list[Any], scope: str, model: str
) -> None:
    """``smf.glm("ClaimNb ~ Area + VehGas", ...)``: the column left of ``~`` is what the model predicts,
    the terms right of it are its inputs."""
    formula = next((p[1] for p in params if p[0] == "formula"), args[0] if args else None)
    if isinstance(formula, str) and (m := _FORMULA_LHS.match(formula)):
        col = m.group(1)
        ex.target_names.add(col)
        attrs = {"formula": formula}
        ex.add_at(node, "target", col, f"target column {col}", scope, value=col, attrs=attrs)
    inputs = formula_inputs(formula) if isinstance(formula, str) else []
    if inputs:  # the terms right of "~" are the model's inputs
        label = f"inputs of the {model} formula ({len(inputs)} terms)"
        attrs = {"how": "formula", "formula": formula, "model": model}
        given = [k.value for k in node.keywords if k.arg == "formula"] + node.args[:1]
        written = given[0] if given else node
        ex.add_at(written, "feature", "formula", label, scope, value=inputs, attrs=attrs)  # cite the formula


def _reuses_a_model(node: ast.Call) -> bool:
    """``Model(inputs=trained.input, outputs=trained.get_layer("h").output)``: a view into a trained
    network (to read a hidden layer), not a model of its own."""
    for arg in [*node.args, *(k.value for k in node.keywords)]:
        if (
            type(arg) is ast.Attribute
            and arg.attr in ("input", "inputs", "output", "outputs")
            and (
                type(arg.value) is not ast.Name or arg.attr.startswith("in")
            )  # m.input, m.get_layer().output
        ):
            return True
    return False


def built(
    ex: Extractor,
    node: ast.Call,
    scope: str,
    kind: str,
    name: str,
    attrs: dict[str, Any],
    params: list[Param],
    star: list[Any],
) -> None:
    """A fact for a call that builds something configured by `params` (and ``**`` expansions `star`)."""
    label = f"{name} ({ex.relpath})"
    if kind in training.LABELLED:  # each argument's value, else as written: Linear(config.n_embd, 10)
        values = [(ex.value(a, scope), a) for a in node.args]
        given = [v if v is not UNKNOWN and not _holds_ref(v) else a for v, a in values]
        given = [a for a in given if type(a) is not ast.Call]  # nn.Sequential(nn.Linear(...), ...): by name
        shown = ", ".join(str(ex.snippet(a, 40)) if isinstance(a, ast.AST) else str(a) for a in given)
        shown = shown or ", ".join(s.split(".")[-1] for s in attrs.get("layers", []))
        label = f"{training.LABELLED[kind]} {name}({shown})"[:200]
    kw = {"line_end": node.end_lineno, "value": name, "attrs": attrs, "params": params, "star": star or None}
    ex.add_at(node, kind, name, label, scope, **kw)


def _holds_ref(value: Any) -> bool:
    """A value with a reference still to resolve anywhere inside (``[{"weight_decay": {"$param": ...}}]``):
    shown as written, never as its raw form."""
    if isinstance(value, dict):
        return any(str(k).startswith("$") or _holds_ref(v) for k, v in value.items())
    return isinstance(value, list) and any(_holds_ref(v) for v in value)


def suggest(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """Optuna search space: ``trial.suggest_int("max_depth", 3, 10)``."""
    name = ex.value(node.args[0], scope)
    if not isinstance(name, str):
        return
    rest = [ex.value(a, scope) for a in node.args[1:]]
    space: dict[str, Any] = {"type": tail.removeprefix("suggest_")}
    keys = ["choices"] if tail == "suggest_categorical" else ["low", "high"]
    for key, val in zip(keys, rest, strict=False):
        if val is not UNKNOWN:
            space[key] = val
    space.update(ex.kwargs_attrs(node, scope))
    attrs = {"call": tail, "library": "optuna"}
    ex.add_at(node, "hyperparameter_search", name, f"search space of {name}", scope, value=space, attrs=attrs)


def booster(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    """``xgb.train(params, dtrain, num_round)``: the model is defined by its params dict."""
    star: list[Any] = []
    params: list[Param] = []
    if node.args:
        star.append(ex.value_or_expr(node.args[0], scope))
    if len(node.args) >= 3:
        params.append(("num_boost_round", ex.value_or_expr(node.args[2], scope), node.lineno, {}))
    for kw in node.keywords:
        if kw.arg == "params":
            star.append(ex.value_or_expr(kw.value, scope))
        elif kw.arg in ("num_boost_round", "early_stopping_rounds", "iterations"):
            params.append((kw.arg, ex.value_or_expr(kw.value, scope), node.lineno, {}))
    built(ex, node, scope, "estimator", full, {"call": full}, params, star)
    stopping.early_stopping(ex, node, scope, full)


def fit(ex: Extractor, node: ast.Call, scope: str, full: str, tail: str) -> None:
    target = dotted(node.func.value) if type(node.func) is ast.Attribute else full
    attrs: dict[str, Any] = {"call": full, "on": target}
    params: list[Param] | None = None
    for kw in node.keywords:
        rows = per_row_words(kw.arg or "", kw.value)
        if rows:  # sample_weight=df["exposure"]: one weight per row, said in words
            line = getattr(kw.value, "lineno", node.lineno)
            params = [*(params or []), (kw.arg, ex.value_or_expr(kw.value, scope), line, {"per_row": rows})]
        elif kw.arg in v.FIT_KEYWORDS:
            val = ex.value(kw.value, scope)
            if is_ref(val) or (
                isinstance(val, dict) and "$arg" in val
            ):  # epochs=config["epochs"]: a param item
                params = [*(params or []), (kw.arg, val, getattr(kw.value, "lineno", node.lineno), {})]
            elif val is not UNKNOWN and not isinstance(val, dict):
                attrs[kw.arg] = val
    rows, split = stopping.watched_rows(ex, node, scope)
    if rows:  # fit(..., eval_set=[(X_val, y_val)]): what an estimator's own early stopping watches
        attrs["eval_rows"] = rows
        if split:
            attrs["eval_split"] = split
    if node.args:
        attrs["args"] = [dotted(a) or ex.snippet(a, 40) for a in node.args[:3]]
        if rows := training.split_of([str(a) for a in attrs["args"][:2]]):
            attrs["args_split"] = rows  # fit(X_val, y_val): the validation split
    if full in ("xgboost.train", "lightgbm.train") and node.args:
        val = ex.value(node.args[0], scope)
        if isinstance(val, dict) and not is_ref(val):
            params = [(k, x, node.lineno, {}) for k, x in val.items()]
    ex.add_at(
        node, "fit", target or tail, f"{tail} on {target}", scope, value=tail, attrs=attrs, params=params
    )
    for key in v.SURVIVAL_TARGET_KEYWORDS:  # a survival model predicts the time to an event
        if isinstance(col := attrs.get(key), str):
            ex.target_names.add(col)
            role = {"role": "duration" if key == "duration_col" else "event", "keyword": key}
            ex.add_at(
                node, "target", col, f"target column {col} ({role['role']})", scope, value=col, attrs=role
            )
    _eval_metrics(ex, node, attrs, scope)
    stopping.early_stopping(ex, node, scope, full)


def _eval_metrics(ex: Extractor, node: ast.Call, attrs: dict[str, Any], scope: str) -> None:
    """``model.fit(X, y, eval_set=[...], eval_metric="rmse")``: a metric the fit measures on its
    evaluation sets (LightGBM, XGBoost, CatBoost)."""
    given = attrs.get("eval_metric")
    names = [given] if isinstance(given, str) else given if isinstance(given, list) else []
    on = " on its eval_set" if any(kw.arg == "eval_set" for kw in node.keywords) else ""
    for name in [n for n in names if isinstance(n, str)][:4]:
        label = f"{name} (eval_metric of fit, measured during training{on})"
        extra = {"metric": name, "call": attrs["call"], "keyword": "eval_metric"}
        ex.add_at(node, "metric", name, label, scope, value=name, attrs=extra)


def bound_estimator(ex: Extractor, name: str, call: ast.Call, scope: str) -> None:
    """``calibrated = CalibratedClassifierCV(base, cv="prefit")``: the name an estimator is bound to
    (``bound_to``), so its later ``calibrated.fit(X_val, y_val)`` tells which rows fit it."""
    for fact in ex.m.facts:
        if (
            fact.kind == "estimator"
            and fact.line == call.lineno
            and fact.cell == ex.cell
            and fact.scope == scope
        ):
            fact.attrs.setdefault("bound_to", name)
