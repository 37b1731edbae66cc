"""Rules for image models: a torchvision or timm backbone built with its pretrained weights.

``models.resnet50(weights=ResNet50_Weights.IMAGENET1K_V1)``, ``models.densenet121(pretrained=True)``,
``timm.create_model("efficientnet_b0", pretrained=True)``: the network the code trains is a named
architecture, usually starting from ImageNet weights; which one, and from which weights, is what a
validator checks first.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.rules import models
from autodoc.scan.code.rules.flow import assigned_before
from autodoc.scan.code.values import UNKNOWN

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_TORCHVISION = "torchvision.models."
_NOT_BUILDERS = ("get_model_weights", "get_weight", "list_models", "get_model_builder")
_TIMM_BUILDERS = ("timm.create_model", "timm.models.create_model")
_WEIGHTS_KEYWORDS = ("weights", "pretrained")


def backbone(full: str, tail: str, node: ast.Call) -> str | None:
    """The architecture a call builds (``resnet50``), or None: torchvision's lower-case model
    builders and its ``get_model("name")``, timm's ``create_model("name")``."""
    if full in _TIMM_BUILDERS or (full.startswith(_TORCHVISION) and tail == "get_model"):
        first = node.args[0] if node.args else None
        return first.value if type(first) is ast.Constant and isinstance(first.value, str) else None
    if not full.startswith(_TORCHVISION) or tail in _NOT_BUILDERS or not tail[:1].islower():
        return None
    return tail if full.count(".") == 2 else None  # torchvision.models.resnet50, not a sub-module's helper


def build(ex: Extractor, node: ast.Call, scope: str, full: str, arch: str) -> None:
    """An estimator fact for the backbone (``architecture``), its pretrained weights as written
    (``weights = models.ResNet50_Weights.IMAGENET1K_V1 if pretrained else None``: a name assigned
    just before is shown by its expression)."""
    models.construction(ex, node, scope, "estimator", arch, full)
    fact = ex.m.facts[-1] if ex.m.facts else None
    if fact is None or fact.kind != "estimator" or fact.line != node.lineno:
        return
    fact.attrs["architecture"] = arch
    given = next((k for k in node.keywords if k.arg in _WEIGHTS_KEYWORDS), None)
    if given is None:
        return
    shown = _weights(ex, given.value, scope, node.lineno)
    fact.attrs["pretrained"] = shown
    fact.params = [(k, shown if k == given.arg else x, n, e) for k, x, n, e in fact.params or []]


def _weights(ex: Extractor, expr: ast.expr, scope: str, line: int) -> Any:
    """The weights' value (``True``, ``"IMAGENET1K_V1"``), else the expression that gives them."""
    if type(expr) is ast.Name:
        expr = assigned_before(ex, expr.id, scope, line) or expr
    value = ex.value(expr, scope)
    return value if value is not UNKNOWN and not isinstance(value, dict) else ex.snippet(expr, 120)
