"""The evidence snapshot kept beside the cache: hashes and values, never copies of code.

Each build writes `<output>/.autodoc_snapshot.json` (the previous one moves to
`.autodoc_snapshot.prev.json`). `autodoc check` compares a fresh scan with it, the change
log compares two of them, and with an unchanged SQLite store file its MLflow half stands in
for an MLflow scan (so `check` does not even import mlflow).

Every fact gets a *stable key* that survives moved lines: ``c:train.py:84:estimator:X`` is
keyed ``c:train.py:estimator:X`` (``#2`` for the second one in the file), and a parameter
is keyed under its owner, so a keyword that moves with its estimator keeps its key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from autodoc.atomic import atomic_write_all
from autodoc.evidence import EvidenceItem, EvidenceStore, JSONValue

SNAPSHOT_NAME = ".autodoc_snapshot.json"
PREVIOUS_NAME = ".autodoc_snapshot.prev.json"
SNAPSHOT_VERSION = 1
MAX_VALUE_CHARS = 300  # longer values are kept as a hash only
_VOLATILE_ATTRS = ("live_reason", "owner")
_CODE_ID = re.compile(r"^c:(?P<path>.+?):(?P<line>\d+):(?P<rest>.+)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SnapItem(_Strict):
    """One fact as the document saw it: enough to say what changed and to cite both sides."""

    id: str
    kind: str
    label: str
    value: JSONValue = None  # None when the value is long (see `digest`)
    digest: str  # hash of value, attrs and text
    excerpt: str | None = None  # hash of a function's source lines (code of cited functions)
    where: str = ""  # "train.py:84" or "MLflow run 3f2a…", for the report
    path: str | None = None  # code file
    lines: tuple[int, int] | None = None  # first and last line in `path`
    owner: str | None = None  # evidence id of the estimator/call a parameter belongs to
    model: str | None = None
    version: str | None = None
    run_id: str | None = None
    live: bool | None = None


class ChangeLogEntry(_Strict):
    version: str
    date: str  # YYYY-MM-DD
    changes: list[str]
    author: str = ""


class EvidenceSnapshot(_Strict):
    schema_version: int = SNAPSHOT_VERSION
    created_at: str
    document_version: str = ""
    code_root: str | None = None
    code_commit: str | None = None
    mlflow_uri: str | None = None
    mlflow_fingerprint: str | None = None  # hash of a SQLite store file, None for servers
    mlflow_origin: str | None = None  # a store committed in the code root ("mlflow.db"), read via a copy
    spec_sections: list[str] = Field(default_factory=list)
    items: dict[str, SnapItem] = Field(default_factory=dict)  # stable key -> item
    change_log: list[ChangeLogEntry] = Field(default_factory=list)

    def mlflow_items(self) -> dict[str, SnapItem]:
        return {k: v for k, v in self.items.items() if not k.startswith("c:")}


# ------------------------------------------------------------------------------ keys
def stable_keys(items: list[EvidenceItem]) -> dict[str, str]:
    """Evidence id -> stable key (line numbers dropped; duplicates numbered in line order)."""
    base: dict[str, str] = {}
    for item in items:
        match = _CODE_ID.match(item.id)
        base[item.id] = f"c:{match['path']}:{match['rest']}" if match else item.id
    owners = {item.id: str(item.attrs.get("owner")) for item in items if item.attrs.get("owner")}
    seen: Counter[str] = Counter()
    keys: dict[str, str] = {}
    ordered = sorted(items, key=lambda i: (i.source.path or "", i.source.line_start or 0, i.id))
    for item in ordered:
        if item.id in owners:
            continue
        key = base[item.id]
        seen[key] += 1
        keys[item.id] = key if seen[key] == 1 else f"{key}#{seen[key]}"
    for item in ordered:  # a parameter lives under its owner's key
        if item.id in owners:
            owner_key = keys.get(owners[item.id], base.get(owners[item.id], owners[item.id]))
            name = item.id.rsplit(":param:", 1)[-1]
            key = f"{owner_key}/param:{name}"
            seen[key] += 1
            keys[item.id] = key if seen[key] == 1 else f"{key}#{seen[key]}"
    return keys


def digest_of(item: EvidenceItem) -> str:
    attrs = {k: v for k, v in item.attrs.items() if k not in _VOLATILE_ATTRS}
    data = json.dumps([item.value, attrs, item.text], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def short_value(value: Any) -> JSONValue:
    """The value itself when it is short, else None (the digest still tells a change)."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return value if len(text) <= MAX_VALUE_CHARS else None


# --------------------------------------------------------------------------- building
def snap_item(item: EvidenceItem, code_root: str | None) -> SnapItem:
    src = item.source
    excerpt = None
    if item.kind in ("function", "class") and code_root and src.path and src.line_start:
        excerpt = excerpt_hash(Path(code_root) / src.path, src.line_start, src.line_end or src.line_start)
    return SnapItem(
        id=item.id,
        kind=item.kind,
        label=item.label,
        value=short_value(item.value),
        digest=digest_of(item),
        excerpt=excerpt,
        where=src.cite() if src.kind == "code" else _mlflow_where(item),
        path=src.path,
        lines=(src.line_start, src.line_end or src.line_start) if src.line_start else None,
        owner=str(item.attrs["owner"]) if item.attrs.get("owner") else None,
        model=src.model_name,
        version=src.model_version,
        run_id=src.run_id,
        live=item.live,
    )


def _mlflow_where(item: EvidenceItem) -> str:
    src = item.source
    if src.run_id:
        return f"MLflow run {src.run_id[:8]}"
    if src.model_name:
        return f"MLflow model {src.model_name}" + (f" v{src.model_version}" if src.model_version else "")
    return "MLflow"


def excerpt_hash(path: Path, start: int, end: int) -> str | None:
    """Hash of lines start..end with blank lines and trailing spaces ignored."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[start - 1 : end]
    except OSError:
        return None
    body = "\n".join(line.rstrip() for line in lines if line.strip())
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def build_snapshot(
    evidence: EvidenceStore, spec_sections: list[str], document_version: str = ""
) -> EvidenceSnapshot:
    root = evidence.code.root if evidence.code else None
    uri = evidence.mlflow.tracking_uri if evidence.mlflow else None
    origin = evidence.mlflow.origin if evidence.mlflow else None
    if origin:  # the copy it was read through is gone: keep where it lives in the code root
        uri = f"sqlite:///{origin}" if origin.endswith(".db") else None
        origin = Path(origin).name
    return EvidenceSnapshot(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        document_version=document_version,
        code_root=root,
        code_commit=evidence.code.commit if evidence.code else None,
        mlflow_uri=None if origin else uri,
        mlflow_fingerprint=store_fingerprint(uri),
        mlflow_origin=origin,
        spec_sections=list(spec_sections),
        items=snapshot_items(evidence.items, root),
    )


def snapshot_items(items: list[EvidenceItem], code_root: str | None) -> dict[str, SnapItem]:
    keys = stable_keys(items)
    return {keys[item.id]: snap_item(item, code_root) for item in items}


def store_fingerprint(uri: str | None) -> str | None:
    """Hash of a local SQLite MLflow store file (None for servers and missing files)."""
    if not uri or not uri.startswith("sqlite:///"):
        return None
    path = Path(uri.removeprefix("sqlite:///").split("?", 1)[0])
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest()[:24]


# ------------------------------------------------------------------------------ files
def snapshot_path(cache_file: str | Path, previous: bool = False) -> Path:
    return Path(cache_file).parent / (PREVIOUS_NAME if previous else SNAPSHOT_NAME)


def load_snapshot(path: str | Path) -> EvidenceSnapshot | None:
    """The snapshot at `path`, or None when there is none or it cannot be read."""
    file = Path(path)
    try:
        return EvidenceSnapshot.model_validate_json(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_snapshot(snapshot: EvidenceSnapshot, cache_file: str | Path) -> Path:
    """Write the snapshot beside the cache; the one there before becomes the previous one."""
    files = snapshot_files(snapshot, cache_file)
    atomic_write_all(files)
    return files[-1][0]


def snapshot_files(snapshot: EvidenceSnapshot, cache_file: str | Path) -> list[tuple[Path, bytes | str]]:
    """What `save_snapshot` writes, in order, for a caller writing other files at the same time."""
    path = snapshot_path(cache_file)
    files: list[tuple[Path, bytes | str]] = []
    if path.is_file():
        files.append((snapshot_path(cache_file, previous=True), path.read_bytes()))
    files.append((path, snapshot.model_dump_json()))
    return files
