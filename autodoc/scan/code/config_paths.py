"""The file a read, a save or a load names through a configuration object:
``pd.read_csv(self.config.train_path)``, ``joblib.dump(model, os.path.join(self.config.root_dir,
self.config.model_name))``, where a YAML file of the project holds ``train_path: artifacts/train.csv``
(the configuration-manager layout many projects share: a YAML file read into a config object that
a component receives).

The object is built beyond what the scan follows (a method of another class fills a dataclass from
the YAML file), so each key is matched by name: a part is named only when the project's
configuration files give that key one path, or one path in the section named like the module that
reads it (``model_trainer.x_train_path`` for ``model_trainer.py``); otherwise the file stays
unnamed, never guessed. Named saves and loads then link as any other (`lineage`).

A file whose name the scan resolved from a configuration file's value (``pd.read_csv(config["data"]
["train"])``, through names, parameters and a working-directory root) says where it is named too.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from autodoc.document import join_words
from autodoc.evidence import EvidenceItem, config_key

_PATHLIKE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,8}$")
_SKIPPED_ROLES = ("test", "exploratory")
_KINDS = {"data_source": "({})", "model_save": " to {}", "model_load": " from {}"}


def name_config_paths(items: list[EvidenceItem]) -> None:
    """Give each read, save or load whose path is built from a configuration object's attributes the
    path their keys hold."""
    named = [i for i in items if i.kind in _KINDS and i.value is None and i.attrs.get("path_parts")]
    if not named:
        return
    configs = [
        i
        for i in items
        if i.kind == "config" and isinstance(i.value, str) and i.value and i.role not in _SKIPPED_ROLES
    ]
    for item in named:
        module = PurePosixPath(str(item.source.path)).stem
        parts, held = [], []
        for kind, text in item.attrs["path_parts"]:
            found = _key_value(text, module, configs) if kind == "key" else None
            if kind == "key" and found is None:
                break
            parts.append(str(found.value) if found is not None else text)
            held += [found] if found is not None else []
        else:
            path = "/".join(p.rstrip("/") for p in parts)
            if held and _PATHLIKE.search(path):
                _name(item, path, held)


def say_config_origins(items: list[EvidenceItem]) -> None:
    """``data/train.csv named in config.json, line 27``: a read, save or load whose file name was
    resolved from a configuration file's value says which key names it."""
    configs = {(str(i.source.path), i.source.line_start): i for i in items if i.kind == "config"}
    for item in items:
        at = item.attrs.get("origin")
        if item.kind not in _KINDS or not isinstance(item.value, str) or not isinstance(at, dict):
            continue
        config = configs.get((at.get("path"), at.get("line")))
        if config is not None and "folder_words" not in item.attrs:
            _say_where(item, [config])


def _name(item: EvidenceItem, path: str, held: list[EvidenceItem]) -> None:
    item.value = path
    item.label += _KINDS[item.kind].format(path)
    _say_where(item, held)


def _say_where(item: EvidenceItem, held: list[EvidenceItem]) -> None:
    files: dict[str, list[str]] = {}
    for config in held:
        files.setdefault(str(config.source.path), []).append(str(config.source.line_start))
    where = [f"{f}, line{'s' if len(ls) > 1 else ''} {join_words(ls)}" for f, ls in files.items()]
    item.attrs["folder_words"] = "named in " + join_words(where)
    item.attrs["config_keys"] = [config_key(c) for c in held]


def _key_value(expr: str, module: str, configs: list[EvidenceItem]) -> EvidenceItem | None:
    """The configuration item holding the value `expr` reads (its longest key suffix a file has)."""
    parts = [p for p in expr.split(".") if p != "self"][1:]  # config.data.train_path: data.train_path
    for start in range(len(parts)):
        suffix = ".".join(parts[start:])
        found = [c for c in configs if config_key(c) == suffix or config_key(c).endswith("." + suffix)]
        if not found:
            continue
        if len({str(c.value) for c in found}) > 1:  # several values: the one in the module's own section
            found = [c for c in found if config_key(c).split(".", 1)[0] == module]
        return found[0] if found and len({str(c.value) for c in found}) == 1 else None
    return None
