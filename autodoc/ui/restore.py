"""Opening a document saved in an output folder: its cache, evidence file and built files.

`restore_cache` loads `<folder>/.autodoc_cache.json` into the session for review; the files
an earlier build left there are offered for download as built from that cache.
"""

from __future__ import annotations

import json
from pathlib import Path

from autodoc import pipeline
from autodoc.document import DocumentState
from autodoc.evidence import EvidenceStore
from autodoc.paths import check_allowed
from autodoc.pipeline.cache import cache_path, load_state
from autodoc.settings import Settings
from autodoc.ui.state import State


def restore_cache(ss: State, output_dir: str) -> DocumentState:
    """Load `<output_dir>/.autodoc_cache.json` into the session for review (raises AutodocError)."""
    defaults: Settings = ss["defaults"]
    folder = check_allowed(output_dir, defaults.allowed_root)
    doc = load_state(cache_path(folder))
    ss["doc"] = doc
    ss["evidence"] = evidence_file(doc)
    ss["outputs"] = existing_outputs(folder)
    ss["doc_rev"] = ss.get("doc_rev", 0) + 1
    ss["outputs_rev"] = ss["doc_rev"]  # files on disk are taken as built from this cache
    ss["restored_from"] = str(folder)
    ss["doc_dir"] = str(folder)
    ss["view"] = "Write review"
    return doc


def existing_outputs(folder: Path) -> pipeline.Outputs | None:
    """The files an earlier build left in `folder` (default names), for download."""
    names = {
        "docx": pipeline.DOCX_NAME,
        "notebook": pipeline.NOTEBOOK_NAME,
        "evidence": "evidence.json",
        "report": "run_report.json",
    }
    found = {key: folder / name for key, name in names.items() if (folder / name).is_file()}
    if not found:
        return None
    return pipeline.Outputs(cache=cache_path(folder), **found)


def evidence_file(doc: DocumentState) -> EvidenceStore | None:
    path = Path(doc.evidence_path) if doc.evidence_path else None
    if path is None or not path.is_file():
        return None
    try:
        return EvidenceStore.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, json.JSONDecodeError):
        return None  # regeneration rescans instead
