"""Configuration dialects on top of YAML: Jinja-templated files and Hydra config trees.

Jinja: ``{{ VAR|default(x) }}`` renders as its default, ``{{ VAR }}`` stays a visible
placeholder string, ``{% ... %}`` lines go (the default profile's values are filled in across
files). Hydra: a file in an ``experiment/``, ``debug/``, ``hparams_search/`` or sweep group is a
labelled variant, never part of the defaults; ``_target_`` names the class a node builds;
``${a.b}`` interpolations resolve inside the file.
"""

from __future__ import annotations

import re
from typing import Any

from autodoc.scan.code.model import Fact

_JINJA_DEFAULT = re.compile(r"\{\{\s*([\w.]+)\s*\|\s*default\((.*?)\)\s*\}\}")
_JINJA_VAR = re.compile(r"(?<=:)\s*\{\{\s*([\w.]+)\s*\}\}\s*$", re.MULTILINE)  # a whole value
_JINJA_BLOCK = re.compile(r"^\s*\{%.*?%\}\s*$", re.MULTILINE)
_INTERPOLATION = re.compile(r"\$\{([\w.]+)\}")
_PACKAGE = re.compile(r"^#\s*@package\s+([\w.]+)", re.MULTILINE)
VARIANT_GROUPS = {
    "experiment": "experiment",
    "experiments": "experiment",
    "debug": "debug",
    "hparams_search": "hyperparameter sweep",
    "sweep": "hyperparameter sweep",
    "sweeps": "hyperparameter sweep",
    "sweeper": "hyperparameter sweep",
    "local": "local override",
}
CONFIG_ROOTS = ("conf", "config", "configs", "cfg")


def render_jinja(text: str) -> tuple[str, list[str]]:
    """`text` with Jinja expressions rendered by their defaults; the variables left as placeholders."""
    if "{{" not in text and "{%" not in text:
        return text, []
    names: list[str] = []

    def placeholder(m: re.Match[str]) -> str:
        names.append(m.group(1))
        return f' "{{{{ {m.group(1)} }}}}"'

    out = _JINJA_DEFAULT.sub(lambda m: m.group(2), text)
    out = _JINJA_VAR.sub(placeholder, out)
    return _JINJA_BLOCK.sub("", out), names


def hydra_variant(relpath: str, text: str) -> tuple[str, str] | None:
    """(kind, group) when `relpath` is a Hydra variant config (experiment, debug, sweep), else None."""
    parts = relpath.split("/")
    in_tree = any(p in CONFIG_ROOTS for p in parts[:-1]) or "@package _global_" in text[:400]
    if not in_tree:
        return None
    for part in reversed(parts[:-1]):
        if part in VARIANT_GROUPS:
            return VARIANT_GROUPS[part], part
        if part in CONFIG_ROOTS:
            return None
    return None


def package_header(text: str) -> str | None:
    """The package a Hydra config file's ``# @package x`` header puts its keys in (``_global_``: top)."""
    m = _PACKAGE.search(text[:2000]) if "@package" in text[:2000] else None
    return m.group(1) if m else None


def annotate(relpath: str, text: str, data: Any, facts: list[Fact], variables: list[str]) -> None:
    """Label the config facts of one file with what its dialect says about them."""
    variant = hydra_variant(relpath, text)
    option = relpath.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    for fact in facts:
        if fact.kind != "config":
            continue
        if variant:
            kind, group = variant
            fact.attrs.update(variant=kind, hydra_group=group, hydra_option=option, in_defaults=False)
            fact.label = f"{fact.label} [{kind} variant {group}/{option}, not in the default configuration]"
        if isinstance(fact.value, str):
            _interpolate(fact, data, relpath.split("/")[-2] if "/" in relpath else "")
            _template_var(fact, variables)
        if (fact.name or "").endswith("._target_") or fact.name == "_target_":
            fact.attrs["builds"] = fact.value
            fact.label = f"{fact.name.rsplit('._target_', 1)[0] or 'root'} builds {fact.value} ({relpath})"


def _interpolate(fact: Fact, data: Any, group: str) -> None:
    """``${model.lr}`` -> the value at model.lr in the same file (``${oc.env:X}`` and others stay).

    In a Hydra group file (``model/x.yaml``) the group's own keys sit at the top of the file.
    """
    m = _INTERPOLATION.fullmatch(fact.value.strip())
    if not m:
        return
    fact.attrs["interpolation"] = fact.value
    keys = m.group(1).split(".")
    for path in (keys, keys[1:] if keys[0] == group else None):
        node = _at(data, path) if path else None
        if isinstance(node, str | int | float | bool):
            fact.attrs["interpolated_from"] = m.group(1)
            fact.value = node
            fact.label = fact.label.replace(m.group(0), f"{node} (from {m.group(0)})", 1)
            return
    fact.attrs["unresolved"] = True


def _at(data: Any, keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _template_var(fact: Fact, variables: list[str]) -> None:
    m = re.fullmatch(r"\{\{ ([\w.]+) \}\}", fact.value) if isinstance(fact.value, str) else None
    if m and m.group(1) in variables:
        fact.attrs.update(template_variable=m.group(1), unresolved=True)
