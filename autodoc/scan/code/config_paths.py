"""The file a read names through a configuration object: ``pd.read_csv(self.config.train_path)``
where a YAML file of the project holds ``train_path: artifacts/train.csv`` (the configuration-manager
layout many projects share: a YAML file read into a config object that a component receives).

The value object is built beyond what the scan follows (a method of another class fills a dataclass
from the YAML file), so the key is matched by name: the read is named only when the project's
configuration files give that key one path, or one path in the section named like the reading module
(``model_trainer.x_train_path`` for ``model_trainer.py``); otherwise it stays unnamed, never guessed.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from autodoc.evidence import EvidenceItem

_PATHLIKE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,8}$")
_SKIPPED_ROLES = ("test", "exploratory")


def name_config_reads(items: list[EvidenceItem]) -> None:
    """Give each data read whose path is a configuration object's attribute the path its key holds."""
    reads = [i for i in items if i.kind == "data_source" and i.value is None and i.attrs.get("path_expr")]
    if not reads:
        return
    configs = [
        i
        for i in items
        if i.kind == "config"
        and isinstance(i.value, str)
        and _PATHLIKE.search(i.value)
        and i.role not in _SKIPPED_ROLES
    ]
    for read in reads:
        found = _key_value(str(read.attrs["path_expr"]), PurePosixPath(str(read.source.path)).stem, configs)
        if found is not None:
            read.value = found.value
            read.label = f"{read.label}({found.value})"
            read.attrs["folder_words"] = f"named in {found.source.path}, line {found.source.line_start}"
            read.attrs["config_key"] = config_key(found)


def config_key(item: EvidenceItem) -> str:
    """``model_trainer.x_train_path``: a configuration item's key, dotted from the file's top."""
    return item.id.split(":config:", 1)[-1]


def _key_value(expr: str, module: str, configs: list[EvidenceItem]) -> EvidenceItem | None:
    """The configuration item holding the path `expr` names (its longest key suffix that a file has)."""
    parts = [p for p in expr.split(".") if p != "self"][1:]  # config.data.train_path: data.train_path
    for start in range(len(parts)):
        suffix = ".".join(parts[start:])
        found = [c for c in configs if config_key(c) == suffix or config_key(c).endswith("." + suffix)]
        if not found:
            continue
        if len({str(c.value) for c in found}) > 1:  # several paths: the one in the module's own section
            found = [c for c in found if config_key(c).split(".", 1)[0] == module]
        return found[0] if found and len({str(c.value) for c in found}) == 1 else None
    return None
