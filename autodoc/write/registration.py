"""How the code itself registers and tracks the model, when no registry was read to show it.

``mlflow.register_model(uri, "staging.trail")`` and ``log_model(..., registered_model_name=...)``
name the registered model; ``mlflow.<flavor>.autolog()`` logs parameters and metrics without a
call per value. Said in the summary's Production model line, each cited.
"""

from __future__ import annotations

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.topics import production_facts
from autodoc.write.places import where

_REGISTERING = ("register_model", "log_model")
_NO_VERSION = " No registered model version was found."


def registrations(evidence: EvidenceStore, said: list[EvidenceItem] | None = None) -> list[EvidenceItem]:
    """Production MLflow calls that name a registered model, first per name, not already `said`."""
    skip = {i.id for i in said or []}
    out: dict[str, EvidenceItem] = {}
    for item in production_facts(evidence, "mlflow_call"):
        name = item.attrs.get("registered_model_name")
        registering = item.attrs.get("function") in _REGISTERING and item.id not in skip
        if registering and isinstance(name, str) and name:
            out.setdefault(name, item)
    return list(out.values())


def autologs(evidence: EvidenceStore) -> list[EvidenceItem]:
    """``mlflow.lightgbm.autolog()`` calls of production code (``autolog(disable=True)`` logs nothing)."""
    calls = production_facts(evidence, "mlflow_call")
    return [i for i in calls if i.attrs.get("function") == "autolog" and i.attrs.get("disable") is not True]


def registry_words(
    evidence: EvidenceStore, said: list[EvidenceItem] | None = None
) -> tuple[str, list[EvidenceItem]]:
    """`` It is registered as staging.trail (main.py, line 361) [[id]]; mlflow.lightgbm.autolog()
    (main.py, line 290) [[id]] logs its parameters and metrics automatically.`` and, with an MLflow
    registry read that holds other models, `` No registered model version was found.``; with neither,
    that last sentence only (a registry without models is listed among the gaps, not said here)."""
    named, logs = registrations(evidence, said)[:3], autologs(evidence)[:1]
    parts = []
    if named:
        regs = join_words([f"{i.attrs['registered_model_name']} ({where(i)}) {cite(i)}" for i in named])
        parts.append(f"It is registered as {regs}")
    if logs:
        call = str(logs[0].attrs.get("call") or "mlflow.autolog")
        parts.append(
            f"{call}() ({where(logs[0])}) {cite(logs[0])} logs its parameters and metrics automatically"
        )
    text = f" {'; '.join(parts)}." if parts else ""
    if (not named and evidence.mlflow is None) or (evidence.mlflow and evidence.mlflow.registered_models):
        text += _NO_VERSION  # an MLflow store without registered models: said once, among the gaps
    return text, named + logs
