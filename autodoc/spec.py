"""The document spec (`doc_spec.yaml`): typed model, loading and validation.

`load_spec(path)` / `parse_spec(text, path)` return a `Spec` or raise `SpecError` naming
file, line and field. Built-in templates live in `autodoc/templates/*.yaml`.

A spec is a YAML mapping::

    title: "Credit Risk Model"            # required
    authors: "Risk Analytics"             # a string or a list of strings
    version: "1.2"                        # optional document version
    description: "..."                    # optional (shown by `autodoc templates`)
    sections:                             # required, at least one
      - Executive Summary                 # a name
      - "Model Performance: per_model"    # one subsection per registered model
      - name: Limitations                 # or a mapping
        per_model: false
        hint: "Say what the model must not be used for."
    hints:                                # optional, keyed by section name
      Executive Summary: "..."

Validation walks YAML nodes (not plain values) so every message carries a line number.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from autodoc.errors import SpecError
from autodoc.facts import SIDECAR_NAME, Fact, Review

TOP_KEYS = ("title", "authors", "version", "description", "sections", "hints", "review", "facts")
SECTION_KEYS = ("name", "per_model", "hint", "required")
PER_MODEL = "per_model"


class SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    per_model: bool = False
    hint: str | None = None
    required: bool = False  # `autodoc check` fails a document where it is missing or empty
    line: int | None = None  # line in the spec file, for messages


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    authors: str | None = None
    version: str = "1.0"
    sections: list[SectionSpec] = Field(min_length=1)
    path: str | None = None
    description: str | None = None  # one line about the spec (templates list it)
    review: Review | None = None  # document owner, last and next review, cadence
    facts: list[Fact] = Field(default_factory=list)  # statements supplied by people

    def to_data(self) -> dict:
        """Plain data in the shape of the YAML file (sections as strings, hints apart)."""
        data: dict[str, object] = {"title": self.title}
        if self.authors:
            data["authors"] = self.authors
        data["version"] = self.version
        if self.description:
            data["description"] = self.description
        data["sections"] = [_section_data(s) for s in self.sections]
        hints = {s.name: s.hint for s in self.sections if s.hint}
        if hints:
            data["hints"] = hints
        if self.review:
            data["review"] = self.review.model_dump(exclude_none=True)
        if self.facts:
            data["facts"] = [f.model_dump(exclude_none=True, exclude={"line", "source"}) for f in self.facts]
        return data

    def to_yaml(self) -> str:
        """YAML text that `parse_spec` reads back into an equal spec."""
        return yaml.safe_dump(self.to_data(), sort_keys=False, allow_unicode=True, width=88)

    def hash(self) -> str:
        """Stable hash of the content (not of the file's path, layout or comments)."""
        # review fields, people's statements and `required` change no generated block
        content = self.model_dump(mode="json", exclude={"path", "description", "review", "facts"})
        for section in content["sections"]:
            section.pop("line", None)
            section.pop("required", None)
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def section(self, name: str) -> SectionSpec | None:
        """The section called `name` (case and spacing ignored), if any."""
        key = norm_name(name)
        return next((s for s in self.sections if norm_name(s.name) == key), None)


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def load_spec(path: str | Path) -> Spec:
    """Read and validate the spec file at `path`."""
    shown = str(path)
    file = Path(path)
    if not file.exists():
        raise SpecError(
            "spec file not found",
            path=shown,
            hint="pass --spec PATH, or start from a template: "
            "`autodoc templates write default doc_spec.yaml`",
        )
    if not file.is_file():
        raise SpecError("the spec path is not a file", path=shown)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SpecError("the spec file is not UTF-8 text", path=shown) from None
    except OSError as err:
        raise SpecError(
            f"cannot read the spec file ({err.strerror or type(err).__name__})", path=shown
        ) from None
    return with_sidecar(parse_spec(text, shown), file.parent / SIDECAR_NAME)


def with_sidecar(spec: Spec, sidecar: Path) -> Spec:
    """Add the statements (and review fields the spec lacks) of a facts file beside the spec."""
    if not sidecar.is_file():
        return spec
    from autodoc.spec_reader import SpecReader

    try:
        text = sidecar.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(f"cannot read the facts file ({err})", path=str(sidecar)) from None
    review, facts = SpecReader(text, str(sidecar)).sidecar()
    return spec.model_copy(update={"review": spec.review or review, "facts": [*spec.facts, *facts]})


def parse_spec(text: str, path: str = "<spec>") -> Spec:
    """Validate YAML text into a `Spec`; every mistake names path, line and field."""
    from autodoc.spec_reader import SpecReader

    return SpecReader(text, path).read()


def _section_data(sec: SectionSpec) -> str | dict[str, object]:
    name = f"{sec.name}: {PER_MODEL}" if sec.per_model else sec.name
    return {"name": sec.name, "per_model": sec.per_model, "required": True} if sec.required else name


def norm_name(name: str) -> str:
    return " ".join(name.split()).casefold()


# Built-in templates live in `autodoc.spec_templates`; re-exported here for callers.
from autodoc.spec_templates import list_templates, template_text  # noqa: E402, F401
