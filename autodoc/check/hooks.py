"""The small hooks the pipeline calls so a build keeps what `check`, `--update` and the change log need."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from autodoc.check.changelog import CHANGE_LOG_ID, next_history, place_change_log
from autodoc.check.people import document_spec, place_facts
from autodoc.check.snapshot import (
    EvidenceSnapshot,
    build_snapshot,
    load_snapshot,
    snapshot_files,
    snapshot_path,
)
from autodoc.document import DocumentState
from autodoc.errors import AutodocError
from autodoc.evidence import EvidenceStore


def before_render(state: DocumentState, evidence: EvidenceStore, cache_file: Path) -> EvidenceSnapshot:
    """People's statements and the Change Log into the state; the snapshot `after_build_files` keeps."""
    try:
        spec = document_spec(state)
        review, facts = spec.review, spec.facts
    except AutodocError:  # a cache from before facts existed: nothing to state
        review, facts = None, []
    place_facts(state, facts)
    sections = [s.spec_name for s in state.sections if s.id != CHANGE_LOG_ID]
    snapshot = build_snapshot(evidence, list(dict.fromkeys(sections)), state.version)
    previous = load_snapshot(snapshot_path(cache_file))
    snapshot.change_log = next_history(previous, snapshot, state, date.today())
    place_change_log(state, snapshot.change_log, review)
    return snapshot


def after_build_files(snapshot: EvidenceSnapshot, cache_file: Path) -> list[tuple[Path, bytes | str]]:
    """The files the build writes with its outputs so `check` and the change log find them."""
    return snapshot_files(snapshot, cache_file)
