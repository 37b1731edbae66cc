"""Hydra composition across config files: which group options the primary configs select.

A primary config (``configs/train.yaml``: a file at the top of a config tree whose ``defaults:``
list names groups) selects one option file per group (``model: mnist`` ->
``configs/model/mnist.yaml``); a selected file's own defaults list selects more (``- early_stopping``
inside ``callbacks/default.yaml`` -> ``callbacks/early_stopping.yaml``). Values compose in that
order, later ones overriding earlier ones, each file's own values at its ``_self_`` place (last
when not named). What this module tells each config fact, as attrs (`notes`):

- ``in_defaults`` True, ``hydra_key`` (the key in the composed configuration, ``model.optimizer.lr``),
  ``selected_by`` (``configs/train.yaml:9``): the value is part of the default configuration;
- ``overridden_by`` (``path:line``): a later file of the composition sets the same key (the value
  is not the one the model gets: role ``legacy``);
- ``variant`` ``alternative option``, ``in_defaults`` False: an option file of a group that no
  primary config selects (``trainer/gpu.yaml``): role ``exploratory``;
- on experiment/debug/sweep variants (labelled by `dialects`): ``overrides`` (``path:line`` of
  the default value it would replace) and ``default_value``.

Nothing is merged: every file keeps its own facts and values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autodoc.scan.code.dialects import CONFIG_ROOTS, VARIANT_GROUPS
from autodoc.scan.code.model import Fact
from autodoc.scan.code.result import FileResult

_SUFFIXES = (".yaml", ".yml")
_MAX_DEPTH = 8


@dataclass
class _Tree:
    root: str  # "configs/" (with the slash) or "" for the code root
    files: dict[str, FileResult]  # relpath -> config file under root
    order: list[tuple[str, str, int, Any]] = field(default_factory=list)  # (key, rel, line, value)
    selected: dict[str, str] = field(default_factory=dict)  # rel -> "primary.yaml:line"
    packages: dict[str, str] = field(default_factory=dict)  # rel -> package prefix ("" = global)


def compose(files: dict[str, FileResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """relpath -> fact name -> attrs to add to that config fact (see the module docstring).

    Each primary config composes on its own (train.yaml and eval.yaml do not override each other);
    primaries that train come first, and the first one that selects a file decides whether its
    values are overridden. Variants are compared with that first primary too.
    """
    notes: dict[str, dict[str, dict[str, Any]]] = {}
    for tree in _trees(files):
        primaries = sorted(_primaries(tree), key=lambda r: ("train" not in r.rsplit("/", 1)[-1], r))
        first_final: dict[str, tuple[str, int, Any]] | None = None
        seen: dict[str, dict[str, dict[str, Any]]] = {}
        selected: dict[str, str] = {}
        for primary in primaries:
            tree.order, tree.selected = [], {}
            _compose_file(tree, primary, primary + ":1", 0)
            final = {key: (rel, line, value) for key, rel, line, value in tree.order}
            first_final = first_final if first_final is not None else final
            _note_selected(tree, final, seen)
            selected = {**tree.selected, **selected}
        if first_final is None:
            continue
        tree.selected = selected
        _note_others(tree, first_final, seen)
        for rel, by_name in seen.items():
            notes.setdefault(rel, {}).update(by_name)
    return notes


def role_of(attrs: dict[str, Any]) -> str | None:
    """The role the composition gives a config fact (None: the file's own role stands)."""
    if attrs.get("variant"):
        return "exploratory"
    if attrs.get("overridden_by"):
        return "legacy"
    return None


def label(name: str, label: str, attrs: dict[str, Any]) -> str:
    """A config fact's label with its composed key and what composition says of it."""
    key = attrs.get("hydra_key")
    if isinstance(key, str) and key != name and label.startswith(name + " "):
        label = key + label[len(name) :]
    extra = []
    if attrs.get("overridden_by"):
        extra.append(f"overridden by {attrs['overridden_by']}")
    if attrs.get("variant") == "alternative option":
        extra.append(
            f"alternative option {attrs.get('hydra_group')}/{attrs.get('hydra_option')}, "
            "not in the default configuration"
        )
    if attrs.get("overrides"):
        extra.append(f"the default is {attrs.get('default_value')} at {attrs['overrides']}")
    if not extra:
        return label
    if label.endswith("]"):
        return f"{label[:-1]}; {'; '.join(extra)}]"
    return f"{label} [{'; '.join(extra)}]"


# -- finding the trees -------------------------------------------------------------------------
def _trees(files: dict[str, FileResult]) -> list[_Tree]:
    roots: set[str] = set()
    for rel, res in files.items():
        if res.kind == "config" and rel.endswith(_SUFFIXES) and _defaults(res) is not None:
            parts = rel.split("/")
            base = "/".join(parts[:-1])
            if not parts[:-1] or parts[-2] in CONFIG_ROOTS:
                roots.add(base + "/" if base else "")
    trees = []
    for root in sorted(roots):
        in_root = {
            rel: res
            for rel, res in files.items()
            if res.kind == "config" and rel.startswith(root) and rel.endswith(_SUFFIXES)
        }
        trees.append(_Tree(root, in_root))
    return trees


def _primaries(tree: _Tree) -> list[str]:
    """Top-level files whose defaults list names a group that exists as a folder of the tree."""
    groups = {_group(tree, rel) for rel in tree.files} - {""}
    out = []
    for rel, res in tree.files.items():
        if _group(tree, rel) or _defaults(res) is None:
            continue
        named = {_entry(e)[0].lstrip("/") for e in _defaults(res) or [] if isinstance(e, dict)}
        if named & groups:
            out.append(rel)
    return out


def _group(tree: _Tree, rel: str) -> str:
    return rel[len(tree.root) :].rpartition("/")[0]


def _defaults(res: FileResult) -> list[Any] | None:
    data = res.config_data
    if isinstance(data, dict) and isinstance(data.get("defaults"), list):
        return data["defaults"]
    return None


def _entry(entry: Any) -> tuple[str, Any]:
    """(group, option) of one defaults entry; the group keeps a leading "/" when absolute."""
    if isinstance(entry, str):
        return "", entry
    if isinstance(entry, dict) and len(entry) == 1:
        key, option = next(iter(entry.items()))
        key = str(key)
        for word in ("override ", "optional "):
            key = key.removeprefix(word)
        return key.split("@", 1)[0].strip(), option
    return "", None


# -- composing -----------------------------------------------------------------------------------
def _compose_file(tree: _Tree, rel: str, selected_by: str, depth: int) -> None:
    """Append `rel`'s defaults (recursively) and its own values, at its _self_ place, to the order."""
    if depth > _MAX_DEPTH or rel in tree.selected:
        return
    tree.selected[rel] = selected_by
    res = tree.files[rel]
    tree.packages[rel] = _package(tree, rel, res)
    lines = {f.name: f.line for f in res.facts if f.kind == "config"}
    entries = _defaults(res) or []
    has_self = "_self_" in entries
    for i, entry in enumerate(entries):
        if entry == "_self_":
            _own_values(tree, rel, res)
            continue
        group, option = _entry(entry)
        if group.startswith("/") or not group:
            base = group.lstrip("/")
        else:
            base = "/".join(p for p in (_group(tree, rel) if depth else "", group) if p)
        if not group:  # "- early_stopping": an option of the same group
            base = _group(tree, rel)
        key = f"defaults[{i}]" + (f".{next(iter(entry))}" if isinstance(entry, dict) else "")
        where = f"{rel}:{lines.get(key, 1)}"
        for opt in option if isinstance(option, list) else [option]:
            if isinstance(opt, str) and opt:
                hit = _option_file(tree, base, opt)
                if hit:
                    _compose_file(tree, hit, where, depth + 1)
    if not has_self:
        _own_values(tree, rel, res)


def _option_file(tree: _Tree, group: str, option: str) -> str | None:
    stem = tree.root + (f"{group}/" if group else "") + option
    return next((stem + s for s in _SUFFIXES if stem + s in tree.files), None)


def _package(tree: _Tree, rel: str, res: FileResult) -> str:
    """Where a file's keys land: its ``# @package`` header, else its group path."""
    header = res.hydra_package
    if header == "_global_" or not _group(tree, rel):
        return ""
    return header or _group(tree, rel).replace("/", ".")


def _own_values(tree: _Tree, rel: str, res: FileResult) -> None:
    prefix = tree.packages[rel]
    for fact in res.facts:
        if fact.kind == "config" and fact.name and not _is_defaults(fact.name):
            tree.order.append((_key(prefix, fact.name), rel, fact.line, fact.value))


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


# -- notes --------------------------------------------------------------------------------------
def _note_selected(
    tree: _Tree, final: dict[str, tuple[str, int, Any]], notes: dict[str, dict[str, dict[str, Any]]]
) -> None:
    for rel, by in tree.selected.items():
        prefix = tree.packages[rel]
        for fact in _own_facts(tree.files[rel]):
            key = _key(prefix, fact.name or "")
            last = final.get(key)
            overridden = f"{last[0]}:{last[1]}" if last and (last[0], last[1]) != (rel, fact.line) else None
            if (fact.name or "") in notes.setdefault(rel, {}):
                continue  # an earlier (training) primary selects it too: its composition decides
            note: dict[str, Any] = {"in_defaults": True, "hydra_key": key, "selected_by": by}
            if overridden:
                note["overridden_by"] = overridden
            notes[rel][fact.name or ""] = note


def _note_others(
    tree: _Tree, final: dict[str, tuple[str, int, Any]], notes: dict[str, dict[str, dict[str, Any]]]
) -> None:
    """Files no primary selects: experiment/debug/sweep variants (what they override), alternatives."""
    named = {
        _entry(e)[0].lstrip("/").split("/")[0] for p in tree.selected for e in _defaults(tree.files[p]) or []
    }
    for rel, res in tree.files.items():
        group = _group(tree, rel)
        if rel in tree.selected or not group:
            continue
        variant_group = any(part in VARIANT_GROUPS for part in group.split("/"))
        if not variant_group and group.split("/")[0] not in named:
            continue  # a YAML file in some other folder, not an option of a group
        prefix = "" if variant_group else _package(tree, rel, res)
        for fact in _own_facts(res):
            key = _key(prefix, fact.name or "")
            note: dict[str, Any] = {"hydra_key": key, "in_defaults": False}
            if not variant_group:
                note.update(variant="alternative option", hydra_group=group, hydra_option=_stem(rel))
            last = final.get(key)
            if last:
                note.update(overrides=f"{last[0]}:{last[1]}", default_value=last[2])
            notes.setdefault(rel, {})[fact.name or ""] = note


def _own_facts(res: FileResult) -> list[Fact]:
    """A file's own values (its defaults list is composition, not a value)."""
    return [f for f in res.facts if f.kind == "config" and f.name and not _is_defaults(f.name)]


def _is_defaults(name: str) -> bool:
    return name == "defaults" or name.startswith("defaults[")


def _stem(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
