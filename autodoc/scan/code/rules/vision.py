"""Rules for image models: a torchvision or timm backbone built with its pretrained weights.

``models.resnet50(weights=ResNet50_Weights.IMAGENET1K_V1)``, ``models.densenet121(pretrained=True)``,
``timm.create_model("efficientnet_b0", pretrained=True)``: the network the code trains is a named
architecture, usually starting from ImageNet weights; which one, and from which weights, is what a
validator checks first.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MODULE, Fact
from autodoc.scan.code.rules import models
from autodoc.scan.code.rules.flow import assigned_before
from autodoc.scan.code.syntax import Buckets, dotted
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


_COMPOSE = ("torchvision.transforms.Compose", "torchvision.transforms.v2.Compose", "albumentations.Compose")
# steps that change each image at random (augmentation), besides torchvision's Random* classes
_RANDOM = frozenset(
    {"ColorJitter", "GaussianBlur", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"}
)
# albumentations' steps that are not random (every other one of its steps applies with a probability)
_ALBUMENTATIONS_FIXED = frozenset(
    {"Normalize", "Resize", "CenterCrop", "ToTensorV2", "PadIfNeeded", "LongestMaxSize", "SmallestMaxSize"}
)


def is_compose(full: str) -> bool:
    """``transforms.Compose([...])``: the chain of steps every image passes through."""
    return full in _COMPOSE


def compose(ex: Extractor, node: ast.Call, scope: str, full: str) -> None:
    """A preprocessing fact for an image transform chain: its steps as written without their module
    (``RandomResizedCrop(224)``), the random ones (``augmentation``), and the split it is for when the
    code names it (``data_transforms = {"train": Compose(...)}``, ``val_transform = Compose(...)``)."""
    listed = node.args[0] if node.args else None
    calls = [e for e in listed.elts if type(e) is ast.Call] if type(listed) in (ast.List, ast.Tuple) else []
    if not calls:
        return
    models.construction(ex, node, scope, "preprocessing", "Compose", full)
    fact = ex.m.facts[-1] if ex.m.facts else None
    if fact is None or fact.kind != "preprocessing" or fact.line != node.lineno:
        return
    steps = [_step_text(ex, c) for c in calls]
    names = [s.split("(", 1)[0] for s in steps]
    albumentations = full.startswith("albumentations")
    fact.attrs["transforms"] = steps[:12]
    fact.attrs["augmentation"] = [n for n in names if _is_random(n, albumentations)]
    if used_for := _named_for(ex, node, scope):
        fact.attrs["for"] = used_for
    fact.label = f"image transforms{f' for {used_for}' if used_for else ''} ({ex.relpath})"


def _step_text(ex: Extractor, call: ast.Call) -> str:
    """``transforms.RandomRotation(20)`` -> ``RandomRotation(20)``."""
    text = ex.snippet(call, 80) or ""
    prefix = (dotted(call.func) or "").rpartition(".")[0]
    return text.removeprefix(f"{prefix}.") if prefix else text


def _is_random(name: str, albumentations: bool) -> bool:
    if albumentations:
        return name not in _ALBUMENTATIONS_FIXED
    return name.startswith("Random") or name in _RANDOM


def _named_for(ex: Extractor, node: ast.Call, scope: str) -> str | None:
    """The dict key or the name the chain is bound to (``"train"``, ``val_transform``)."""
    for cell, where, nodes, _root in ex.indexed:
        if cell != ex.cell or where not in (scope, MODULE):
            continue
        for stmt in nodes.get(ast.Assign, ()):
            if stmt.value is node and type(stmt.targets[0]) is ast.Name:
                return stmt.targets[0].id
            if type(stmt.value) is not ast.Dict:
                continue
            for key, value in zip(stmt.value.keys, stmt.value.values, strict=True):
                if value is node and type(key) is ast.Constant and isinstance(key.value, str):
                    return key.value
    return None


def fine_tuning(ex: Extractor, scoped: list[tuple[int | None, list[str], str, Buckets]]) -> None:
    """How a pretrained backbone is fine-tuned, on its estimator fact: ``for p in model.parameters():
    p.requires_grad = False`` freezes it (``frozen``), the same over ``model.layer4.parameters()`` with
    ``True`` trains that part again (``trained_parts``), ``model.fc = nn.Linear(...)`` replaces its head
    (``replaced``, with the line of each)."""
    nets = [
        f
        for f in ex.m.facts
        if f.kind == "estimator" and "architecture" in f.attrs and f.attrs.get("bound_to")
    ]
    for cell, _lines, scope, nodes in scoped if nets else ():
        for net in (n for n in nets if n.cell == cell and n.scope == scope):
            name = str(net.attrs["bound_to"])
            for loop in nodes.get(ast.For, ()):
                _freezing(net, name, loop)
            under = [
                n for n in nodes.get(ast.If, ()) if n.lineno < net.attrs.get("frozen", 0) <= _end(n.body)
            ]
            if under:  # if pretrained: freeze...: the condition is said with it
                net.attrs["frozen_when"] = ex.snippet(
                    min(under, key=lambda n: _end(n.body) - n.lineno).test, 60
                )
            for stmt in nodes.get(ast.Assign, ()):
                target = stmt.targets[0]
                replaced = type(target) is ast.Attribute and dotted(target.value) == name
                if (
                    replaced and type(stmt.value) is ast.Call and stmt.lineno > net.line
                ):  # model.fc = nn.Linear(...)
                    net.attrs.setdefault("replaced", []).append([target.attr, stmt.lineno])


def _freezing(net: Fact, name: str, loop: ast.For) -> None:
    """``for p in model[.part].parameters(): p.requires_grad = <bool>``: frozen, or a part trained."""
    it = loop.iter
    if type(it) is not ast.Call or type(it.func) is not ast.Attribute or it.func.attr != "parameters":
        return
    owner = dotted(it.func.value) or ""
    flags = [
        s.value.value
        for s in loop.body
        if type(s) is ast.Assign
        and type(s.targets[0]) is ast.Attribute
        and s.targets[0].attr == "requires_grad"
        and type(s.value) is ast.Constant
    ]
    if len(flags) != 1 or not (owner == name or owner.startswith(f"{name}.")):
        return
    part = owner.removeprefix(name).lstrip(".")
    if not part and flags[0] is False:
        net.attrs["frozen"] = loop.lineno
    elif part and flags[0] is True:
        net.attrs.setdefault("trained_parts", []).append([part, loop.lineno])


def _end(body: list[ast.stmt]) -> int:
    return body[-1].end_lineno or body[-1].lineno
