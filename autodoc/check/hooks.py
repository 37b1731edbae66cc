"""The small hooks the pipeline calls so a build keeps what `check`, `--update` and the change log need."""

from __future__ import annotations

from pathlib import Path

from autodoc.check.snapshot import EvidenceSnapshot, build_snapshot, save_snapshot
from autodoc.document import DocumentState
from autodoc.evidence import EvidenceStore


def before_render(state: DocumentState, evidence: EvidenceStore) -> EvidenceSnapshot:
    """The evidence snapshot of this build (written beside the cache by `after_build`)."""
    sections = list(dict.fromkeys(s.spec_name for s in state.sections))
    return build_snapshot(evidence, sections, state.version)


def after_build(snapshot: EvidenceSnapshot, cache_file: Path) -> None:
    save_snapshot(snapshot, cache_file)
