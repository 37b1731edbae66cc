"""MLflow Recipes: the ``{{ VARIABLE }}`` placeholders of recipe.yaml take their values from a profile.

``profiles/<name>.yaml`` beside recipe.yaml defines the variables; the profile a run uses is named
in code (``Recipe(profile="databricks_dev")``, the first in path order), else ``local``. Each
placeholder fact gets ``profile_values`` (every profile's value) and, from the default profile,
``profile`` and the rendered value (`notes`: relpath -> fact name -> attrs, like `hydra.compose`).
"""

from __future__ import annotations

import re
from typing import Any

from autodoc.scan.code.result import FileResult

_PROFILE_IN_CODE = re.compile(r"""Recipe\(\s*profile\s*=\s*["']([\w.-]+)["']""")


def profile_notes(files: dict[str, FileResult]) -> dict[str, dict[str, dict[str, Any]]]:
    notes: dict[str, dict[str, dict[str, Any]]] = {}
    for recipe in sorted(r for r in files if r.rsplit("/", 1)[-1] == "recipe.yaml"):
        base = recipe[: -len("recipe.yaml")]
        profiles = {
            rel[len(base) + len("profiles/") :].rsplit(".", 1)[0]: res.config_data
            for rel, res in files.items()
            if rel.startswith(base + "profiles/")
            and rel.endswith((".yaml", ".yml"))
            and isinstance(res.config_data, dict)
        }
        if not profiles:
            continue
        default = _default_profile(files, profiles)
        for fact in files[recipe].facts:
            variable = fact.attrs.get("template_variable") if fact.kind == "config" else None
            values = {p: data[variable] for p, data in sorted(profiles.items()) if variable in data}
            if not values:
                continue
            note: dict[str, Any] = {"profile_values": values}
            if default in values:
                note.update(profile=default, profile_value=values[default])
            notes.setdefault(recipe, {})[fact.name or ""] = note
    return notes


def _default_profile(files: dict[str, FileResult], profiles: dict[str, Any]) -> str | None:
    for rel in sorted(files):
        res = files[rel]
        texts = [res.source or "", *res.cells.values()]
        for text in texts:
            m = _PROFILE_IN_CODE.search(text) if "profile" in text else None
            if m and m.group(1) in profiles:
                return m.group(1)
    return "local" if "local" in profiles else None


def rendered(attrs: dict[str, Any], value: Any, label: str) -> tuple[Any, str]:
    """A placeholder's value and label once its default profile is known."""
    if "profile" not in attrs:
        return value, label
    attrs.pop("unresolved", None)
    shown = attrs["profile_value"]
    text = ", ".join(f"{k}={v}" for k, v in shown.items()) if isinstance(shown, dict) else str(shown)
    return shown, f"{label} [profile {attrs['profile']}: {text}]"[:300]
