"""The document spec (`doc_spec.yaml`): typed model, loading and validation.

`load_spec(path)` / `parse_spec(text, path)` return a `Spec` or raise `SpecError` naming
file, line and field. Built-in templates live in `autodoc/templates/*.yaml`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    per_model: bool = False
    hint: str | None = None
    line: int | None = None  # line in the spec file, for messages


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    authors: str | None = None
    version: str = "1.0"
    sections: list[SectionSpec] = Field(min_length=1)
    path: str | None = None

    def to_yaml(self) -> str:
        raise NotImplementedError  # implemented with the loader

    def hash(self) -> str:
        raise NotImplementedError
