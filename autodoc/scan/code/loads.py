"""Calls that load a trained model or artifact from a file: ``joblib.load("model.pkl")``,
``torch.load(path)``, ``keras.models.load_model("m.h5")``, a Hugging Face ``pipeline(model=...)``,
Spark's ``PipelineModel.load(path)``.
(MLflow's load_model is an mlflow_call fact; a ``from_pretrained`` that builds no model of its own is
turned into a load by `loaded_not_trained`.)"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from autodoc.scan.code.model import Fact
from autodoc.scan.code.params import signature_of
from autodoc.scan.code.rules.vocab import CHECKPOINT
from autodoc.scan.code.syntax import constant, keyword, path_parts

_ARTIFACT_LOADS = {"load", "load_model", "InferenceSession", "Booster", "load_learner"}
TAILS = frozenset(_ARTIFACT_LOADS | {"pipeline"})
_LOADER_MODULES = ("joblib", "pickle", "cloudpickle", "dill", "torch", "keras", "tf", "tensorflow")
_LOADER_MODULES += ("onnxruntime", "xgb", "xgboost", "lgb", "lightgbm", "catboost", "fastai", "ort")
_FITTED_CLASS = re.compile(r"^[A-Z]\w*Model$")
# what a model is read for when its weights or settings are copied into another: ``hf.state_dict()``
_READ_OUT = frozenset({"state_dict", "config"})

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor


def model_load(call: ast.Call, tail: str, scope: str, owner: ast.AST | None = None) -> Fact | None:
    """The model_load fact of a call whose name ends in one of TAILS (inside `owner`, the function of
    `scope`), or None when it loads no model."""
    if tail == "pipeline":
        return _hf_pipeline(call, scope)
    fact = _artifact(call, scope, owner)
    name = fact.attrs.get("path_name") if fact is not None else None
    if fact is not None and name and (ref := parameter_ref(owner, scope, name)):
        fact.attrs["path_ref"] = ref  # load_model(path) called with a path from another module
    return fact


def parameter_ref(owner: ast.AST | None, scope: str, name: str) -> dict[str, list[object]] | None:
    """``{"$xparam": [function, name, index]}`` when `name` is a parameter of `owner`, a top-level
    function: what its callers in other modules pass for it is read by the tree scan (`resolve`)."""
    if type(owner) not in (ast.FunctionDef, ast.AsyncFunctionDef) or "." in scope:
        return None
    names = signature_of(owner, method=False).names  # type: ignore[arg-type]
    return {"$xparam": [scope, name, names.index(name)]} if name in names else None


def _hf_pipeline(call: ast.Call, scope: str) -> Fact | None:
    """``pipeline("text-classification", model="models/sentiment")`` (Hugging Face): the model it loads,
    when written as text (a Kedro ``pipeline([...])`` has no ``model``)."""
    path = constant(keyword(call, "model") or (call.args[1] if len(call.args) > 1 else None))
    if not isinstance(path, str) or not path:
        return None
    label = f"loads a model artifact with pipeline from {path}"
    attrs = {"call": ast.unparse(call)[:160], "loader": "pipeline"}
    return Fact("model_load", "pipeline", label, call.lineno, value=path, attrs=attrs, scope=scope)


def _artifact(call: ast.Call, scope: str, owner: ast.AST | None = None) -> Fact | None:
    """``joblib.load("model.pkl")``, ``torch.load(path)``, ``keras.models.load_model("m.h5")``; the
    file a ``with open(MODEL_PATH, "rb") as f`` around ``pickle.load(f)`` opens."""
    dotted = ast.unparse(call.func)
    head = dotted.split(".")[0]
    # a fitted model class's own loader: Spark's PipelineModel.load(path), GBTClassificationModel.load
    fitted_class = dotted.count(".") == 1 and dotted.endswith(".load") and _FITTED_CLASS.match(head)
    if head not in _LOADER_MODULES and not fitted_class:
        return None
    target = call.args[0] if call.args else keyword(call, "model_file") or keyword(call, "path")
    if type(target) is ast.Call and target.args:  # pickle.load(open("model.pkl", "rb"))
        target = target.args[0]
    elif type(target) is ast.Name and owner is not None:
        target = _opened(owner, target.id) or target
    path = constant(target)
    label = f"loads a model artifact with {dotted}" + (f" from {path}" if isinstance(path, str) else "")
    named = {"path_name": target.id} if type(target) is ast.Name else {}  # a constant's: load_paths
    if not isinstance(path, str) and (parts := path_parts(target)):  # configuration keys: config_paths
        named = {"path_parts": parts}
    attrs = {"call": ast.unparse(call)[:160], "loader": dotted, **named}
    return Fact(
        "model_load",
        dotted,
        label,
        call.lineno,
        value=path if isinstance(path, str) else None,
        attrs=attrs,
        scope=scope,
    )


def _opened(owner: ast.AST, name: str) -> ast.expr | None:
    """The path of ``with open(path, "rb") as name`` inside `owner`, if any."""
    for node in ast.walk(owner):
        if type(node) in (ast.With, ast.AsyncWith):
            for item in node.items:  # type: ignore[attr-defined]
                var, opened = item.optional_vars, item.context_expr
                func = opened.func if type(opened) is ast.Call else None
                if type(var) is ast.Name and var.id == name and type(func) is ast.Name and func.id == "open":
                    return opened.args[0] if opened.args else None  # type: ignore[attr-defined]
    return None


def loaded_not_trained(ex: Extractor) -> None:
    """``AutoModelForX.from_pretrained("models/sentiment")`` in a module that trains nothing (no fit,
    optimiser or loss), or one whose model is only read for its weights or settings
    (``sd_hf = model_hf.state_dict()``, copied into the project's own network): a model loaded to be
    used, not a model built here. Becomes a load."""
    facts = ex.m.facts
    trains = any(f.kind in ("fit", "optimizer", "loss") for f in facts)
    for i, fact in enumerate(facts):
        call = str(fact.attrs.get("call", ""))
        if fact.kind != "estimator" or not call.endswith(".from_pretrained"):
            continue
        if trains and not _read_out_only(ex, fact):
            continue
        path = fact.params[0][1] if fact.params and fact.params[0][0] == CHECKPOINT else None
        path = path if isinstance(path, str) else None
        loader = f"{fact.name}.from_pretrained"
        label = f"loads a model artifact with {loader}" + (f" from {path}" if path else "")
        attrs = {"call": call, "loader": loader}
        facts[i] = Fact(
            "model_load", loader, label, fact.line, value=path, attrs=attrs, scope=fact.scope, cell=fact.cell
        )


def _read_out_only(ex: Extractor, fact: Fact) -> bool:
    """Whether every use of the name a model is bound to, in its scope, reads its weights or settings."""
    name = fact.attrs.get("bound_to")
    if not isinstance(name, str):
        return False
    uses = reads = 0
    for cell, scope, nodes, _root in ex.indexed:
        if cell != fact.cell or scope != fact.scope:
            continue
        uses += sum(1 for n in nodes.get(ast.Name, ()) if n.id == name and type(n.ctx) is ast.Load)
        reads += sum(
            1
            for a in nodes.get(ast.Attribute, ())
            if a.attr in _READ_OUT and type(a.value) is ast.Name and a.value.id == name
        )
    return uses > 0 and uses == reads
