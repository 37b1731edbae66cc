"""The parts of an evidence item that the tree scan makes tens of thousands of times: ids, models
made without validation, where a resolved value is defined, values as JSON."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from itertools import repeat
from typing import Any

from pydantic import BaseModel

from autodoc.evidence import EvidenceItem, Source


def construct(cls: type[Any], data: dict[str, Any]) -> Any:
    """Build a pydantic model from already-valid data without validation (tens of thousands per scan).

    Same effect as ``cls.model_construct(**data)`` with every field given, at a fraction of the cost.
    """
    return _made(cls, data, set(data))


def _made(
    cls: type[Any],
    data: dict[str, Any],
    fields: set[str],
    _new: Any = object.__new__,
    _set: Any = object.__setattr__,
) -> Any:
    """The model `construct` makes, its field-name set given (`_new`/`_set` bound once: a third less
    time than looking them up each call)."""
    obj = _new(cls)
    _set(obj, "__dict__", data)
    _set(obj, "__pydantic_fields_set__", fields)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


SOURCE_FIELDS = set(Source.model_fields)
_ITEM_SET = set(EvidenceItem.model_fields)


def code_source(path: str, line: int, end: int | None, cell: int | None, commit: str | None) -> Source:
    """A code `Source`, as `construct` makes it (every field set)."""
    data = {
        "kind": "code",
        "path": path,
        "line_start": line,
        "line_end": end or line,
        "commit": commit,
        "cell": cell,
        "uri": None,
        "run_id": None,
        "experiment_id": None,
        "model_name": None,
        "model_version": None,
    }
    return _made(Source, data, SOURCE_FIELDS)


def evidence_item(
    eid: str,
    kind: str,
    label: str,
    value: Any,
    attrs: dict[str, Any],
    text: str | None,
    topics: list[str],
    source: Source,
    live: bool | None,
    role: str | None,
) -> EvidenceItem:
    """An `EvidenceItem`, as `construct` makes it (every field set)."""
    data = {
        "id": eid,
        "kind": kind,
        "label": label,
        "value": value,
        "attrs": attrs,
        "text": text,
        "topics": topics,
        "source": source,
        "live": live,
        "role": role,
    }
    return _made(EvidenceItem, data, _ITEM_SET)


_SET_DICT = type(BaseModel.__dict__["__dict__"]).__set__  # the slot setters every model has
_SET_SLOT = type(BaseModel.__dict__["__pydantic_extra__"]).__set__
_SLOTS = tuple(
    BaseModel.__dict__[k] for k in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
)
_FIELD_SETS: dict[type[Any], set[str]] = {}
drain = deque(maxlen=0).extend  # runs an iterator for its effects


def models(cls: type[Any], rows: Sequence[dict[str, Any]]) -> list[Any]:
    """`construct` of each row (every field given), made in C loops: a scan makes tens of thousands.

    The models share one set of field names: pydantic only adds names already in it (assigning a
    field) or copies it (``model_copy``)."""
    fields = _FIELD_SETS.get(cls)
    if fields is None:
        fields = _FIELD_SETS[cls] = set(cls.model_fields)
    n = len(rows)
    made = list(map(object.__new__, repeat(cls, n)))
    drain(map(_SET_DICT, repeat(BaseModel.__dict__["__dict__"], n), made, rows))
    for slot, value in zip(_SLOTS, (fields, None, None), strict=True):
        drain(map(_SET_SLOT, repeat(slot, n), made, repeat(value, n)))
    return made


def code_id(where: str, line: int, kind: str, name: str | None) -> str:
    """A code evidence id that the citation pattern can carry: no spaces, no square brackets."""
    eid = f"c:{where}:{line}:{kind}" + (f":{str(name)[:60]}" if name else "")
    if not ID_UNSAFE.search(eid):
        return eid
    return "_".join(eid.split()).translate(_ID_BRACKETS)


ID_UNSAFE = re.compile(r"[\s\[\]]")
_ID_BRACKETS = str.maketrans("[]", "()")


def origin(at: str | None) -> dict[str, Any]:
    """``{"defined_at": "c.yaml:7", "origin": {"path": "c.yaml", "line": 7}}`` (empty without a place)."""
    if not at:
        return {}
    place, _, via = at.partition(" (via ")
    path, _, rest = place.partition(":")
    line = rest.split(" ", 1)[0]
    out = {"defined_at": at, "origin": {"path": path, "line": int(line) if line.isdigit() else None}}
    return {**out, "via": via.rstrip(")")} if via else out


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def short_value(value: Any, attrs: dict[str, Any] | None = None) -> str:
    """A setting's value for a label, or the expression the scan could not resolve, as written
    (``stratify = data_df[target_label]``, never ``stratify = None``)."""
    expr = attrs.get("expr") if value is None and attrs and attrs.get("unresolved") else None
    text = str(expr) if expr else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


_MODEL_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[\w-]+)|/(?P<ref>[\w-]+))?")


def model_uri_parts(uri: Any) -> dict[str, str]:
    """``models:/churn@champion`` -> registered model and alias; ``models:/churn/Production`` -> stage."""
    m = _MODEL_URI.match(uri) if isinstance(uri, str) else None
    if not m:
        return {}
    out = {"registered_model": m.group("name")}
    if m.group("alias"):
        out["alias"] = m.group("alias")
    elif m.group("ref"):
        out["version" if m.group("ref").isdigit() else "stage"] = m.group("ref")
    return out
