"""What stands beside the saved model. The estimators it is built from
(``CalibratedClassifierCV(base_model, ...)``, ``VotingClassifier([...])``) are parts of the
production model (``parts`` / ``part_of``), not models compared with it; the models a setting would
build instead of a part are models the code saves instead (options), and a part the default
settings chose makes the model the default's. A save the scan cannot follow to one estimator may
write any model its module trains."""

from __future__ import annotations

from typing import Any

from autodoc.evidence import EvidenceItem
from autodoc.scan.code.files import FileResult
from autodoc.scan.code.resolve import find_module
from autodoc.scan.code.rules.outputs import is_model_save


def mark_parts(
    est: EvidenceItem, ref: dict[str, Any], located: list[tuple[dict[str, Any], EvidenceItem | None]]
) -> list[dict[str, Any]]:
    """Mark `est`'s parts (each module-scan reference with its item); the references of the models
    a setting saves instead of it or of one of its parts."""
    options = list(ref.get("options", []))
    if ref.get("by_default"):
        est.attrs["by_default"] = True
    for part, item in located:
        if item is None or item.id == est.id:
            continue
        parts = est.attrs.setdefault("parts", [])
        if isinstance(parts, list) and item.id not in parts:
            parts.append(item.id)
        item.attrs["part_of"] = est.id
        if part.get("by_default"):
            est.attrs["by_default"] = True
        options += part.get("options", [])
    return options


def untraced_save(files: dict[str, FileResult], path: str) -> str | None:
    """``path:line`` of a call in `path` to a model-saving helper of the project whose model the
    scan does not follow to one estimator (``save_model(mlmodel, name)`` in a loop over models)."""
    res = files.get(path)
    for origin, line, _cell, args, kwargs in res.module.save_calls if res and res.module else []:
        module, _, called = origin.rpartition(".")
        helper = find_module(files, module, path)
        saves = [f for f in files[helper].facts if is_model_save(f)] if helper else []
        param = next((r["param"] for f in saves if "param" in (r := f.attrs["estimator"])), None)
        if param is None or param[0] != called:
            continue
        arg = args[param[1]] if param[1] < len(args) else kwargs.get(param[2])
        if arg is None:  # followed to nothing (a transformer it reaches is no model)
            return f"{path}:{line}"
    return None
