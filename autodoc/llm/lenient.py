"""Read an answer the way a patient reader would before asking again.

Servers that do not enforce the schema (and careless models) wrap JSON in code fences or
prose, or are cut off mid-answer. `parse` finds the JSON object, closes a truncated one
after its last complete element, and, when only some items of a list field are invalid
(one bad block of a plan), keeps the valid items and says which were dropped.
"""

from __future__ import annotations

import json
import re
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
MAX_REPAIRS = 60


def parse(text: str, model: type[BaseModel]) -> tuple[BaseModel | None, list[str], str | None]:
    """(answer or None, notes on dropped items, error). Strict first, then leniently."""
    try:
        return model.model_validate_json(text), [], None
    except ValidationError as exc:
        first_error = exc
    data = extract(text)
    if data is None:
        from autodoc.llm.sdk import describe_validation_error

        return None, [], describe_validation_error(first_error)
    return validate_items(data, model)


def extract(text: str) -> Any | None:
    """The JSON object in `text`: as is, inside a fence, amid prose, or truncated."""
    candidates = [m.group(1) for m in FENCE.finditer(text)]
    start = text.find("{")
    if start >= 0:
        end = text.rfind("}")
        if end > start:
            candidates.append(text[start : end + 1])
        candidates.append(text[start:])
    candidates.append(text)
    for candidate in candidates:
        value = _loads(candidate.strip())
        if isinstance(value, dict):
            return value
    for candidate in candidates:
        value = close_truncated(candidate.strip())
        if isinstance(value, dict):
            return value
    return None


def _loads(text: str) -> Any | None:
    try:
        return json.loads(text)
    except ValueError:
        return None


def close_truncated(text: str) -> Any | None:
    """A cut-off JSON object, ended after its last complete value (None if none is whole)."""
    if not text.startswith("{"):
        return None
    ends: list[tuple[int, str]] = []  # (index after a closed value, closers still open)
    stack: list[str] = []
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
            ends.append((i + 1, "".join(reversed(stack))))
    for end, closers in reversed(ends[-MAX_REPAIRS:]):
        value = _loads(text[:end].rstrip().rstrip(",") + closers)
        if value is not None:
            return value
    return None


def validate_items(data: Any, model: type[BaseModel]) -> tuple[BaseModel | None, list[str], str | None]:
    """Validate `data`; on failure drop the invalid items of its list fields, one by one."""
    from autodoc.llm.sdk import describe_validation_error

    try:
        return model.model_validate(data), [], None
    except ValidationError as exc:
        error = describe_validation_error(exc)
    if not isinstance(data, dict):
        return None, [], error
    notes: list[str] = []
    kept = dict(data)
    for name, info in model.model_fields.items():
        item_type = _list_item(info.annotation)
        if item_type is None or not isinstance(data.get(name), list):
            continue
        adapter = TypeAdapter(item_type)
        good = []
        for n, item in enumerate(data[name], 1):
            try:
                adapter.validate_python(item)
                good.append(item)
            except ValidationError as exc:
                notes.append(f"{name} {n} was dropped: {describe_validation_error(exc, limit=3)}")
        kept[name] = good
    try:
        return model.model_validate(kept), notes, None
    except ValidationError:
        return None, notes, error


def _list_item(annotation: Any) -> Any | None:
    """X for an annotation `list[X]` (also inside Annotated / Optional), else None."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is list:
        args = typing.get_args(annotation)
        return args[0] if args else None
    return None
