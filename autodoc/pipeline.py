"""The one pipeline API both front ends call: scan -> plan -> generate -> build.

The CLI and the Streamlit app hold no pipeline logic; they build `Settings` and a `Spec`,
create a `Progress`, and call these functions (the app from a worker thread).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autodoc.document import DocumentState
from autodoc.evidence import EvidenceStore
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.spec import Spec


@dataclass
class Outputs:
    """Files written by `build` (absent keys were not requested)."""

    docx: Path | None = None
    notebook: Path | None = None
    cache: Path | None = None
    evidence: Path | None = None
    report: Path | None = None
    extra: dict[str, Path] = field(default_factory=dict)


@dataclass
class RunResult:
    state: DocumentState
    evidence: EvidenceStore
    outputs: Outputs
    exit_code: int  # 0 clean, 1 finished with failed blocks or flagged figures


def scan(settings: Settings, progress: Progress | None = None) -> EvidenceStore:
    """Scan code and MLflow concurrently into one evidence store."""
    raise NotImplementedError


def plan_and_write(spec: Spec, evidence: EvidenceStore, settings: Settings,
                   progress: Progress | None = None, state: DocumentState | None = None,
                   plan_only: bool = False) -> DocumentState:
    """Plan every section and write its blocks as soon as its plan exists.

    `state` (e.g. loaded from the cache) is resumed: finished blocks whose evidence is
    unchanged are kept; missing and failed ones are redone. With `plan_only` the blocks
    are planned but not written (the review path). The cache is saved after every block.
    """
    raise NotImplementedError


def write_planned(state: DocumentState, evidence: EvidenceStore, settings: Settings,
                  progress: Progress | None = None) -> DocumentState:
    """Write every planned block not yet written (after a plan review)."""
    raise NotImplementedError


def regenerate(state: DocumentState, evidence: EvidenceStore, settings: Settings,
               section_id: str, block_id: str | None = None, feedback: str | None = None,
               replan: bool = False, force: bool = False,
               progress: Progress | None = None) -> DocumentState:
    """Redo one section (or one block), optionally with reviewer feedback.

    Approved or edited blocks are kept unless `force`. Nothing else changes.
    """
    raise NotImplementedError


def build(state: DocumentState, settings: Settings, progress: Progress | None = None,
          evidence: EvidenceStore | None = None, notebook: bool | None = None) -> Outputs:
    """Render the Word document (and notebook) and write every output atomically."""
    raise NotImplementedError


def generate(spec: Spec, settings: Settings, progress: Progress | None = None) -> RunResult:
    """All four phases without stopping (the CLI default and the app's one-click path)."""
    raise NotImplementedError


def from_cache(settings: Settings, docx: bool = False) -> Outputs:
    """Rebuild the notebook (and with `docx` the Word document) from the cache only."""
    raise NotImplementedError
