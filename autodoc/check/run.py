"""`autodoc check`: is the document still true of the code and the registry?

Rescans cheaply (the code scan's content-hash cache; an unchanged SQLite store file is not
read again, so mlflow is not even imported), compares with the evidence snapshot the
document was built with, and checks the document's hygiene. No LLM is involved.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from autodoc.check.changelog import CHANGE_LOG_ID
from autodoc.check.compare import Change, compare, spec_changes
from autodoc.check.hygiene import Finding, hygiene
from autodoc.check.impact import DocIndex
from autodoc.check.people import document_spec
from autodoc.check.snapshot import (
    EvidenceSnapshot,
    build_snapshot,
    load_snapshot,
    snapshot_items,
    snapshot_path,
    store_fingerprint,
)
from autodoc.document import DocumentState
from autodoc.errors import AutodocError, CacheError
from autodoc.evidence import EvidenceStore
from autodoc.pipeline.cache import load_state
from autodoc.spec import SectionSpec, Spec, load_spec

SCAN_CACHE_DIR = ".autodoc_scan_cache"


@dataclass
class CheckResult:
    state: DocumentState
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    current: EvidenceSnapshot | None = None
    seconds: float = 0.0


def run_check(
    cache_file: str | Path,
    code_root: str | None = None,
    mlflow_uri: str | None = None,
    spec_path: str | None = None,
    today: date | None = None,
) -> CheckResult:
    """Compare the document in `cache_file` with a fresh scan; raise `AutodocError` on bad input."""
    started = time.monotonic()
    state = load_state(cache_file)
    result = CheckResult(state=state)
    spec = load_spec(spec_path) if spec_path else _spec_of(state, result.notes)
    old = _previous_snapshot(cache_file, state, result.notes)
    root = code_root or (state.provenance.code_root if state.provenance else None) or old.code_root or "."
    uri = mlflow_uri or os.environ.get("MLFLOW_TRACKING_URI") or old.mlflow_uri
    result.current = current_snapshot(state, old, root, uri, Path(cache_file).parent, result.notes)
    index = DocIndex.of(state)
    result.changes = compare(old, result.current, index)
    if spec_path:
        documented = list(dict.fromkeys(s.spec_name for s in state.sections if s.id != CHANGE_LOG_ID))
        result.changes += spec_changes(documented, [s.name for s in spec.sections], index)
    required = [s.name for s in spec.sections if s.required]
    result.findings = hygiene(
        state, required, spec.review, spec.facts, result.current, root, today or date.today()
    )
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _spec_of(state: DocumentState, notes: list[str]) -> Spec:
    """The document's own spec from the cache (an unreadable one: the sections, no review fields)."""
    try:
        return document_spec(state)
    except AutodocError as err:
        notes.append(f"the cache's spec could not be read ({err.message}): pass --spec")
        names = list(dict.fromkeys(s.spec_name for s in state.sections if s.id != CHANGE_LOG_ID))
        return Spec(title=state.title, sections=[SectionSpec(name=n) for n in names or [state.title]])


def _previous_snapshot(cache_file: str | Path, state: DocumentState, notes: list[str]) -> EvidenceSnapshot:
    snap = load_snapshot(snapshot_path(cache_file))
    if snap is not None:
        return snap
    evidence = Path(cache_file).parent / "evidence.json"  # beside the cache, wherever it moved
    if not evidence.is_file() and state.evidence_path:
        evidence = Path(state.evidence_path)
    if not evidence.is_file():
        raise CacheError(
            f"{cache_file}: no evidence snapshot beside the cache and no evidence file",
            hint="generate the document again with this autodoc (it keeps the snapshot)",
        )
    notes.append("no evidence snapshot beside the cache: compared with evidence.json (no function hashes)")
    store = EvidenceStore.from_json(evidence.read_text(encoding="utf-8"))
    snap = build_snapshot(store, [s.spec_name for s in state.sections])
    snap.mlflow_fingerprint = None  # the store file now says nothing of the store then: read it
    return snap


def current_snapshot(
    state: DocumentState, old: EvidenceSnapshot, root: str, uri: str | None, out_dir: Path, notes: list[str]
) -> EvidenceSnapshot:
    from autodoc.scan.code.tree import scan_code

    exclude = [*state.settings.get("exclude", []), *_inside(out_dir, root)]
    cache_dir = os.environ.get("AUTODOC_SCAN_CACHE") or str(out_dir / SCAN_CACHE_DIR)
    code = scan_code(root, exclude=exclude, cache_dir=cache_dir)
    items = snapshot_items(code.items, code.report.root)
    if uri is None and old.mlflow_origin:  # the store committed in the code root, as it is now
        fingerprint = store_fingerprint(f"sqlite:///{Path(root) / old.mlflow_origin}")
        if fingerprint is not None and fingerprint == old.mlflow_fingerprint:
            items.update(old.mlflow_items())
            notes.append(f"{old.mlflow_origin} in the code root unchanged since the build: not read again")
        else:
            items.update(_mlflow_items(state, None, root))
        uri = None
    else:
        fingerprint = store_fingerprint(uri)
    if uri and fingerprint is not None and fingerprint == old.mlflow_fingerprint:
        items.update(old.mlflow_items())
        notes.append("MLflow store file unchanged since the build: not read again")
    elif uri and uri.startswith("sqlite:///") and fingerprint is None:
        items.update(old.mlflow_items())  # never create an empty store where the old one was
        notes.append(f"no MLflow store at {uri}: the registry was not compared (pass --mlflow-uri)")
    elif uri:
        items.update(_mlflow_items(state, uri, root))
    return EvidenceSnapshot(
        created_at=old.created_at,
        code_root=code.report.root,
        code_commit=code.report.commit,
        mlflow_uri=uri,
        mlflow_fingerprint=fingerprint,
        spec_sections=old.spec_sections,
        items=items,
    )


def _mlflow_items(state: DocumentState, uri: str | None, root: str) -> dict:
    from autodoc.scan.mlflow.snapshot import scan_mlflow
    from autodoc.settings import Settings

    kept = ("models", "experiments", "latest_only", "project_filtering", "domino_project", "experiment_name")
    saved = {k: v for k, v in state.settings.items() if k in kept}
    settings = Settings(**saved, code_root=root, mlflow_uri=uri)
    scanned = scan_mlflow(settings)
    return snapshot_items(scanned.items, None)


def _inside(out_dir: Path, root: str) -> list[str]:
    out, base = os.path.abspath(out_dir), os.path.abspath(root)
    return [os.path.relpath(out, base).replace(os.sep, "/")] if out.startswith(base + os.sep) else []
