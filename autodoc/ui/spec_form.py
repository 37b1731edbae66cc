"""The spec editor's model: title, authors and section rows <-> YAML text <-> `Spec`.

The editor keeps plain rows (uid, name, per_model, required, hint); the spec's other fields
(version, description, review, facts) ride along unchanged, so the YAML keeps every field.
We turn them into YAML in the reference layout, remember which lines each row produced,
and validate the text with `autodoc.spec.parse_spec`, so an error line maps back to its row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from autodoc.errors import SpecError
from autodoc.spec import Spec, parse_spec

EDITOR_PATH = "<editor>"
EXTRA_KEYS = ("version", "description", "review", "facts")


@dataclass
class SpecDraft:
    """The YAML produced from the editor and where each row landed in it."""

    text: str
    row_lines: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # row -> 1-based spans
    title_line: int = 1
    authors_line: int | None = None


@dataclass
class SpecCheck:
    """Result of validating the editor: a `Spec` or one error placed at a field."""

    spec: Spec | None
    draft: SpecDraft
    error: SpecError | None = None
    place: str = "general"  # title | authors | sections | general
    row: int | None = None  # 0-based row of the sections table, when known


def rows_from_spec(spec: Spec, start: int = 0) -> list[dict[str, Any]]:
    """One editor row per section; `uid` keeps a row's widgets when rows move."""
    return [
        {
            "uid": start + i,
            "name": s.name,
            "per_model": bool(s.per_model),
            "required": bool(s.required),
            "hint": s.hint or "",
        }
        for i, s in enumerate(spec.sections)
    ]


def spec_extra(spec: Spec) -> dict[str, Any]:
    """The spec's fields the editor has no box for, in the shape of the YAML file."""
    data = spec.to_data()
    return {key: data[key] for key in EXTRA_KEYS if key in data}


def move_row(rows: list[dict[str, Any]], index: int, delta: int) -> list[dict[str, Any]]:
    """Return `rows` with row `index` moved by `delta` places (clamped)."""
    if not 0 <= index < len(rows):
        return list(rows)
    target = max(0, min(len(rows) - 1, index + delta))
    out = list(rows)
    out.insert(target, out.pop(index))
    return out


def _dump(value: Any) -> list[str]:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100).rstrip("\n").splitlines()


def draft_yaml(
    title: str, authors: str, rows: list[dict[str, Any]], extra: dict[str, Any] | None = None
) -> SpecDraft:
    """YAML in the reference layout: a sections list (`"Name: per_model"`) and a hints map."""
    lines: list[str] = _dump({"title": title})
    draft = SpecDraft(text="")
    if authors.strip():
        draft.authors_line = len(lines) + 1
        lines += _dump({"authors": authors})
    for key in ("version", "description"):
        if (extra or {}).get(key):
            lines += _dump({key: str(extra[key])})
    lines.append("sections:")
    for i, row in enumerate(rows):
        start = len(lines) + 1
        lines += ["  " + ln for ln in _dump([_section_entry(row)])]
        draft.row_lines[i] = [(start, len(lines))]
    hinted = [(i, r) for i, r in enumerate(rows) if r["hint"]]
    if hinted:
        lines.append("hints:")
        for i, row in hinted:
            start = len(lines) + 1
            lines += ["  " + ln for ln in _dump({row["name"]: row["hint"]})]
            draft.row_lines[i].append((start, len(lines)))  # a hint error points at its row
    for key in ("review", "facts"):
        if (extra or {}).get(key):
            lines += _dump({key: extra[key]})
    draft.text = "\n".join(lines) + "\n"
    return draft


def _section_entry(row: dict[str, Any]) -> str | dict[str, Any]:
    """`"Name"` / `"Name: per_model"`, or the mapping form for a required section."""
    if row.get("required"):
        return {"name": row["name"], "per_model": bool(row["per_model"]), "required": True}
    return row["name"] + (": per_model" if row["per_model"] else "")


def _row_at(draft: SpecDraft, line: int) -> int | None:
    for row, spans in draft.row_lines.items():
        if any(first <= line <= last for first, last in spans):
            return row
    return None


def check(
    title: str, authors: str, rows: list[dict[str, Any]], extra: dict[str, Any] | None = None
) -> SpecCheck:
    """Validate the editor contents with the spec parser; place any error at its field."""
    rows = [{**r, "name": str(r["name"]).strip(), "hint": str(r["hint"] or "").strip()} for r in rows]
    draft = draft_yaml(title, authors, rows, extra)
    for i, row in enumerate(rows):
        if not row["name"]:  # YAML would accept ": per_model" as a name; the table should not
            err = SpecError("a section needs a name", path=EDITOR_PATH, field=f"sections[{i + 1}]")
            return SpecCheck(None, draft, err, place="sections", row=i)
    try:
        return SpecCheck(parse_spec(draft.text, path=EDITOR_PATH), draft)
    except SpecError as err:
        return _placed(SpecCheck(None, draft, err), err)


def _placed(result: SpecCheck, err: SpecError) -> SpecCheck:
    fld = (err.field or "").lower()
    if fld.startswith("title") or (err.line is not None and err.line == result.draft.title_line):
        result.place = "title"
    elif fld.startswith("authors") or (err.line is not None and err.line == result.draft.authors_line):
        result.place = "authors"
    elif fld.startswith(("sections", "hints")) or (err.line and _row_at(result.draft, err.line) is not None):
        result.place = "sections"
        result.row = _row_at(result.draft, err.line) if err.line else None
        if result.row is None:
            result.row = _index_in_field(fld)
    return result


def _index_in_field(fld: str) -> int | None:
    """`sections[2]` / `sections.2.name` (1-based, as the parser counts) -> row 1."""
    digits = ""
    for ch in fld.split("sections", 1)[-1]:
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return int(digits) - 1 if digits else None


def error_text(err: SpecError) -> str:
    """The message without the `<editor>:N:` prefix (lines of generated YAML mean nothing to a user)."""
    text = err.message
    prefix = f"{err.path or '<spec>'}" + (f":{err.line}" if err.line is not None else "") + ": "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return text + (f" ({err.hint})" if err.hint else "")
