"""The summary's serving fact: each route once, with its handler and the model file its code loads.

A web route and the function that handles it are one thing: the route is stated with its method
and path, the handler is named inside it, and the handler (or a served module's own entry point)
is not listed again. A model file the served module loads (``joblib.load("model.pkl")``), or the
registered version it loads (``mlflow.pyfunc.load_model("models:/churn/Production")``), is what the
route serves, stated once.
"""

from __future__ import annotations

import re

from autodoc.document import SummaryFact, cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import by_pipeline_role, champions, production_model
from autodoc.plan.topics import production_facts
from autodoc.write.places import where

_SERVING_KINDS = ("entry_point", "route", "endpoint", "function", "serving", "module")
_MAX_SERVING = 3


def serving_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """How the model is served: its routes (each with its handler), the scoring scripts, else the
    serving code; the model file the listed code loads."""
    posts = [
        i
        for i in production_facts(evidence, "route", "endpoint")
        if str(i.value or "").upper().startswith("POST")
    ]
    served = [
        i
        for i in evidence.items
        if i.source.kind == "code" and i.role == "serving" and i.kind in _SERVING_KINDS
    ]
    unique = list({i.id: i for i in posts + served}.values())
    routes = [i for i in unique if i.kind in ("route", "endpoint")]
    covered = {i.source.path for i in routes}
    entries = [i for i in unique if i.kind == "entry_point" and i.source.path not in covered]
    covered |= {i.source.path for i in entries}
    rest = [i for i in unique if i not in routes and i not in entries and i.source.path not in covered]
    listed = (routes + entries + rest)[:_MAX_SERVING]
    if not listed:
        return None
    loads = [m for m in _model_loads(evidence, listed) if m.id not in _loads_said(evidence)]
    text = "The model is served by " + join_words([_phrase(i) for i in listed])
    files = [m for m in loads if m.kind == "model_load"]
    if files:
        said = join_words([f"{m.value} ({where(m)}) {cite(m)}" for m in files])
        text += f"; the served code loads the model from {said}"
    registry = [m for m in loads if m.kind != "model_load"]
    if registry:
        said = join_words([f"{_uri(m)}, {uri_words(_uri(m))} ({where(m)}) {cite(m)}" for m in registry])
        text += f"; {'it' if files else 'the served code'} loads {said}"
    skew, shown = unscaled_input(evidence)
    return SummaryFact.citing("serving", "Serving", text + "." + skew, listed + loads + shown)


_SCALERS = {
    "StandardScaler",
    "MinMaxScaler",
    "RobustScaler",
    "MaxAbsScaler",
    "PowerTransformer",
    "QuantileTransformer",
}
_SCALES = re.compile(r"transform\(|scal|preprocess|normali", re.I)


def unscaled_input(evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]]:
    """`` The serving code shows no step that scales its input as StandardScaler (prep.py, line 13) [f]
    scaled the training rows: it loads the model alone (app/model.py, line 25) [m].``: a scaler the
    production model's own or upstream code fits on its own (not inside the saved model), and served
    code that loads the model and says nothing of scaling, transforming or preprocessing; else ""."""
    own, upstream, _ = by_pipeline_role(evidence, production_facts(evidence, "fit"))
    fits = [f for f in own + upstream if str(f.attrs.get("fitted")) in _SCALERS and f.role != "serving"]
    loads = [m for m in evidence.by_kind("model_load") if m.role == "serving"]
    served = [i for i in evidence.items if i.role == "serving" and i.source.kind == "code"]
    if not fits or not loads or any(_SCALES.search(f"{i.label} {i.text or ''} {i.value}") for i in served):
        return "", []
    fit, load = fits[0], loads[0]
    return (
        f" The serving code shows no step that scales its input as {fit.attrs['fitted']} ({where(fit)}) "
        f"{cite(fit)} scaled the training rows: it loads the model alone ({where(load)}) {cite(load)}.",
        [fit, load],
    )


def _phrase(item: EvidenceItem) -> str:
    if item.kind in ("route", "endpoint") and item.attrs.get("path"):
        method = str(item.attrs.get("method") or "").upper()
        handler = item.attrs.get("function")
        by = f", handled by {handler}" if handler else ""
        return f"the route {method} {item.attrs['path']} ({where(item)}{by}) {cite(item)}".replace("  ", " ")
    if item.kind == "entry_point" and item.attrs.get("reason"):
        return f"{item.value} ({item.attrs['reason']}) {cite(item)}"
    return f"{item.label} ({where(item)}) {cite(item)}"


def _loads_said(evidence: EvidenceStore) -> set[str]:
    """Loads of the saved model file the Production model fact already states (code only: the
    lineage names who loads the file it saves), so Serving does not say them again."""
    if champions(evidence):
        return set()
    model = production_model(evidence)
    links = model.attrs.get("served_by") if model is not None else None
    return {str(x.get("id")) for x in links if isinstance(x, dict)} if isinstance(links, list) else set()


def _model_loads(evidence: EvidenceStore, listed: list[EvidenceItem]) -> list[EvidenceItem]:
    """The model files and registry or run URIs (``models:/churn/Production``) loaded by the code of
    the listed serving files, each once."""
    paths = {i.source.path for i in listed}
    loads = [
        i
        for i in evidence.by_kind("model_load", "mlflow_call")
        if i.source.path in paths and (i.value if i.kind == "model_load" else _uri(i))
    ]
    first = {_loaded(i): i for i in reversed(loads)}  # each file or URI once, at its first load
    return [i for i in loads if first[_loaded(i)] is i][:2]


def _uri(item: EvidenceItem) -> str:
    """The model URI an ``mlflow.<flavor>.load_model`` call loads, when the code writes it."""
    args = item.attrs.get("args")
    uri = item.attrs.get("model_uri") or (args[0] if isinstance(args, list) and args else None)
    uri = uri if item.attrs.get("function") == "load_model" else None
    return uri if isinstance(uri, str) and uri.startswith(("models:/", "runs:/")) else ""


def _loaded(item: EvidenceItem) -> str:
    return str(item.value) if item.kind == "model_load" else _uri(item)


def uri_words(uri: str) -> str:
    """What a model URI names: ``models:/churn/latest`` is the latest version of the registered
    model churn, ``models:/churn/Production`` its version in stage Production, ``models:/churn@champion``
    the version with alias champion, ``runs:/<id>/model`` the model a run logged."""
    if uri.startswith("runs:/"):
        return "the model logged by one run"
    name, _, rest = uri.removeprefix("models:/").partition("/")
    if "@" in name:
        name, alias = name.split("@", 1)
        return f"the version of the registered model {name} with alias {alias}"
    if rest.lower() == "latest":
        return f"the latest version of the registered model {name}"
    if rest.isdigit():
        return f"version {rest} of the registered model {name}"
    return f"the version of the registered model {name} in stage {rest}" if rest else f"the model {name}"
