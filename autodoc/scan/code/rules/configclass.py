"""Configuration classes: a dataclass or pydantic settings class whose field defaults are values.

``@dataclass class TrainConfig: lr: float = 1e-3`` makes one ``setting`` fact per literal field
(``TrainConfig.lr = 0.001``) and binds the class to its defaults, so ``cfg = TrainConfig(epochs=5)``
then ``Adam(lr=cfg.lr)`` reads 0.001 (and ``cfg.epochs`` 5); another module importing the class
reads the same defaults (``$ref``), cited at the field's line.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from autodoc.scan.code.model import MODULE, Fact
from autodoc.scan.code.syntax import dotted
from autodoc.scan.code.values import UNKNOWN, ConfigObject

if TYPE_CHECKING:
    from autodoc.scan.code.facts import Extractor

_DECORATORS = ("dataclass", "dataclasses.dataclass", "attr.s", "attrs.define", "define", "frozen")
_SETTINGS_BASES = ("BaseSettings", "pydantic_settings.BaseSettings")
_MODEL_BASES = ("BaseModel", "pydantic.BaseModel")
_CONFIG_NAME = re.compile(r"(Config|Conf|Cfg|Settings|Params|Parameters|Hparams|HParams|Args|Options)$")
_FIELD_CALLS = ("field", "Field", "attr.ib", "attrib")


def config_class(ex: Extractor, node: ast.ClassDef) -> None:
    """Bind a configuration class to its field defaults and add a setting fact per literal field."""
    how = _kind(node)
    if how is None:
        return
    defaults = ConfigObject()
    for stmt in node.body:
        name, value_node = _field(stmt)
        if name is None or value_node is None:
            continue
        value = _default(ex, value_node)
        if value is UNKNOWN:
            continue
        defaults[name] = value
        ex.m.binding_lines[f"{node.name}.{name}"] = stmt.lineno
        if isinstance(value, bool | int | float | str) and not name.startswith("_"):
            label = (
                f"{node.name}.{name} = {value!r}"[:200]
                if isinstance(value, str)
                else f"{node.name}.{name} = {value}"
            )
            attrs = {"config_class": node.name, "how": how}
            ex.add(
                Fact(
                    "setting",
                    f"{node.name}.{name}",
                    label,
                    stmt.lineno,
                    value=value,
                    attrs=attrs,
                    scope=MODULE,
                )
            )
    ex.m.bindings[node.name] = defaults
    ex.m.binding_lines[node.name] = node.lineno


def _kind(node: ast.ClassDef) -> str | None:
    decorators = [dotted(d.func if type(d) is ast.Call else d) or "" for d in node.decorator_list]
    if any(d in _DECORATORS for d in decorators):
        return "dataclass default"
    bases = [dotted(b) or "" for b in node.bases]
    if any(b in _SETTINGS_BASES for b in bases):
        return "pydantic settings default"
    if any(b in _MODEL_BASES for b in bases) and _CONFIG_NAME.search(node.name):
        return "pydantic default"
    return None


def _field(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name:
        return stmt.target.id, stmt.value
    if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:
        return stmt.targets[0].id, stmt.value
    return None, None


def _default(ex: Extractor, node: ast.expr) -> Any:
    """A field's default: the literal, or ``field(default=...)`` / ``Field(0.1, ...)``."""
    if type(node) is ast.Call and (dotted(node.func) or "") in _FIELD_CALLS:
        kw = next((k.value for k in node.keywords if k.arg == "default"), None)
        node = kw if kw is not None else node.args[0] if node.args else None
        if node is None or (type(node) is ast.Constant and node.value is Ellipsis):
            return UNKNOWN
    return ex.value(node, MODULE)
