"""The file a model load or save names by a constant: ``joblib.load(MODEL_PATH)`` with
``MODEL_PATH = "models/model.joblib"`` at the top of the module, or imported from the module that
defines it (``from src.pipeline import MODEL_PATH``); or by a parameter its callers fill
(``def load_model(path): joblib.load(path)`` called with ``Path(root, config["model"])``). The load
and the save then name their file, so the code that serves a saved model is linked to the script
that saves it (`lineage`)."""

from __future__ import annotations

from autodoc.evidence import EvidenceItem
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.itemparts import origin
from autodoc.scan.code.resolve import Resolver, find_module

_NAMED = ("model_load", "model_save")


def name_loaded_files(files: dict[str, FileResult], items: list[EvidenceItem], resolver: Resolver) -> None:
    """Give each model load or save named by a module-level string constant that constant's path,
    and each named by a parameter the path its callers pass (when they agree and it resolves)."""
    for item in items:
        name, ref = item.attrs.get("path_name"), item.attrs.pop("path_ref", None)
        if item.kind not in _NAMED or item.value is not None or not isinstance(name, str):
            continue
        rel = str(item.source.path)
        found = _constant(files, rel, name)
        if found is None and ref is not None:
            value, at, ok = resolver.resolve(rel, ref)
            if ok and isinstance(value, str) and value:
                item.attrs.update(origin(at) or {"via": "its callers"})
                found = (value, item.attrs.get("defined_at"))
        if found is not None:
            to = "from" if item.kind == "model_load" else "to"
            item.value, item.label = found[0], f"{item.label} {to} {found[0]}"
            item.attrs["defined_at"] = found[1]


def _constant(files: dict[str, FileResult], rel: str, name: str) -> tuple[str, str] | None:
    """(value, ``file:line``) of the string constant `name` as module `rel` sees it, if one."""
    module = files[rel].module if rel in files else None
    if module is None:
        return None
    origin = module.aliases.get(name)
    if name not in module.bindings and origin and "." in origin:
        source, _, name = origin.rpartition(".")
        rel = find_module(files, source, rel) or ""
        module = files[rel].module if rel in files else None
    value = module.bindings.get(name) if module else None
    if module is None or not isinstance(value, str):
        return None
    return value, f"{rel}:{module.binding_lines.get(name)}"
