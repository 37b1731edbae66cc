"""The settings a configuration gives a class of the project it builds (Hydra's ``_target_``):
``net: {_target_: src.models.components.simple_dense_net.SimpleDenseNet, lin1_size: 64}`` builds
SimpleDenseNet with lin1_size = 64, not its constructor's default. Only files of the default
composition count (a variant the defaults do not select configures another run), and only one
``_target_`` naming the class (two would be two models)."""

from __future__ import annotations

from collections.abc import Iterable

from autodoc.document import Cell, cite
from autodoc.evidence import EvidenceItem, config_key
from autodoc.write.cells import as_written, text_cell
from autodoc.write.places import where

_TARGET = "_target_"


def config_rows(name: Cell, est: EvidenceItem, items: Iterable[EvidenceItem]) -> list[list[Cell]]:
    """One hyperparameter row per setting the configuration that builds `est` gives it (none when no
    default configuration builds it)."""
    items = list(items)
    target = built_by(est, items)
    if target is None:
        return []
    return [_row(name, key, item) for key, item in _settings(target, items)]


def _row(name: Cell, key: str, item: EvidenceItem) -> list[Cell]:
    value = Cell(value=as_written(item, item.value), evidence_id=item.id)
    return [
        name,
        Cell(value=key, evidence_id=item.id),
        value,
        text_cell(f"{item.source.path}, line {item.source.line_start}"),
    ]


def built_on(
    estimators: list[EvidenceItem], items: Iterable[EvidenceItem]
) -> tuple[str, EvidenceItem] | None:
    """``MNISTLitModule (...) [n], built on SimpleDenseNet (...) [n] as its net (configs/model/mnist.yaml,
    line 17) [n]`` and the configuration item, when the default configuration builds one of two
    estimators as a setting of the other."""
    items = list(items)
    for outer, inner in (estimators, estimators[::-1]) if len(estimators) == 2 else ():
        top, part = built_by(outer, items), built_by(inner, items)
        if top is None or part is None or not any(item is part for _, item in _settings(top, items)):
            continue
        setting = config_key(part).removesuffix("." + _TARGET).rsplit(".", 1)[-1]
        said = f"{outer.value} ({where(outer)}) {cite(outer)}, built on {inner.value} ({where(inner)})"
        at = f"{part.source.path}, line {part.source.line_start}"
        return f"{said} {cite(inner)} as its {setting} ({at}) {cite(part)}", part
    return None


def built_by(est: EvidenceItem, items: list[EvidenceItem]) -> EvidenceItem | None:
    """The ``_target_`` item of the default configuration that names `est`'s class, if exactly one."""
    module = str(est.source.path or "").removesuffix(".py").replace("/", ".")
    found = [
        i
        for i in items
        if i.kind == "config"
        and i.attrs.get("in_defaults") is not False
        and "variant" not in i.attrs
        and _names(str(i.attrs.get("builds") or ""), module, str(est.value))
    ]
    return found[0] if len(found) == 1 else None


def _names(target: str, module: str, cls: str) -> bool:
    """``src.models.net.Net`` names class Net of src/models/net.py (or of models/net.py under src)."""
    owner, _, name = target.rpartition(".")
    aligned = owner == module or module.endswith("." + owner) or owner.endswith("." + module)
    return bool(owner) and name == cls and aligned


def _settings(target: EvidenceItem, items: list[EvidenceItem]) -> list[tuple[str, EvidenceItem]]:
    """(setting, item) of each key beside the ``_target_`` that the default composition keeps: its
    value, or the class a nested ``_target_`` builds for it (``optimizer: {_target_: torch.optim.Adam}``)."""
    prefix = _key(target, target).removesuffix(_TARGET)
    out = []
    for item in items:
        kept = item.kind == "config" and item.role == "production" and "overridden_by" not in item.attrs
        key = _key(item, target) if kept and item is not target else ""
        rest = key[len(prefix) :] if key.startswith(prefix) else ""
        if rest and "." not in rest and not rest.startswith("_"):
            out.append((rest, item))
        elif rest.count(".") == 1 and rest.endswith("." + _TARGET):
            out.append((rest.split(".", 1)[0], item))
    return out


def _key(item: EvidenceItem, target: EvidenceItem) -> str:
    """The composed key (``model.net.lin1_size``), else the key inside the target's own file."""
    if isinstance(key := item.attrs.get("hydra_key"), str) and isinstance(target.attrs.get("hydra_key"), str):
        return key
    return config_key(item) if item.source.path == target.source.path else ""
