"""Calls that load a trained model or artifact from a file: ``joblib.load("model.pkl")``,
``torch.load(path)``, ``keras.models.load_model("m.h5")``, a Hugging Face ``pipeline(model=...)``,
Spark's ``PipelineModel.load(path)``.
(MLflow's load_model is an mlflow_call fact; ``from_pretrained`` in a module that trains nothing is
turned into a load by rules.models.loaded_not_trained.)"""

from __future__ import annotations

import ast
import re

from autodoc.scan.code.model import Fact
from autodoc.scan.code.params import signature_of
from autodoc.scan.code.syntax import constant, keyword, path_parts

_ARTIFACT_LOADS = {"load", "load_model", "InferenceSession", "Booster", "load_learner"}
TAILS = frozenset(_ARTIFACT_LOADS | {"pipeline"})
_LOADER_MODULES = ("joblib", "pickle", "cloudpickle", "dill", "torch", "keras", "tf", "tensorflow")
_LOADER_MODULES += ("onnxruntime", "xgb", "xgboost", "lgb", "lightgbm", "catboost", "fastai", "ort")
_FITTED_CLASS = re.compile(r"^[A-Z]\w*Model$")


def model_load(call: ast.Call, tail: str, scope: str, owner: ast.AST | None = None) -> Fact | None:
    """The model_load fact of a call whose name ends in one of TAILS (inside `owner`, the function of
    `scope`), or None when it loads no model."""
    if tail == "pipeline":
        return _hf_pipeline(call, scope)
    fact = _artifact(call, scope)
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


def _artifact(call: ast.Call, scope: str) -> Fact | None:
    """``joblib.load("model.pkl")``, ``torch.load(path)``, ``keras.models.load_model("m.h5")``..."""
    dotted = ast.unparse(call.func)
    head = dotted.split(".")[0]
    # a fitted model class's own loader: Spark's PipelineModel.load(path), GBTClassificationModel.load
    fitted_class = dotted.count(".") == 1 and dotted.endswith(".load") and _FITTED_CLASS.match(head)
    if head not in _LOADER_MODULES and not fitted_class:
        return None
    target = call.args[0] if call.args else keyword(call, "model_file") or keyword(call, "path")
    if type(target) is ast.Call and target.args:  # pickle.load(open("model.pkl", "rb"))
        target = target.args[0]
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
