"""Built-in document specs (`autodoc/templates/*.yaml`): list them and read their text."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from autodoc.errors import AutodocError


def _template_files() -> dict[str, Traversable]:
    folder = resources.files("autodoc") / "templates"
    return {f.name[: -len(".yaml")]: f for f in folder.iterdir() if f.name.endswith(".yaml")}


def list_templates() -> list[tuple[str, str]]:
    """Built-in templates as (name, description), sorted by name."""
    from autodoc import spec as spec_module

    result = []
    for name, file in sorted(_template_files().items()):
        spec = spec_module.parse_spec(file.read_text(encoding="utf-8"), f"template {name}")
        result.append((name, spec.description or spec.title))
    return result


def template_text(name: str) -> str:
    """The YAML text of a built-in template (comments kept)."""
    files = _template_files()
    key = name[: -len(".yaml")] if name.endswith(".yaml") else name
    if key not in files:
        raise AutodocError(f"unknown template '{name}'", hint="available: " + ", ".join(sorted(files)))
    return files[key].read_text(encoding="utf-8")
