"""Small projects written into a temporary folder and scanned the way a user's run scans them."""

from __future__ import annotations

from pathlib import Path

from autodoc import pipeline
from autodoc.evidence import EvidenceStore
from autodoc.progress import Progress
from autodoc.settings import Settings


def scan_files(tmp_path: Path, files: dict[str, str]) -> EvidenceStore:
    """Write `files` (relative path -> text) under ``tmp_path/code`` and scan them without MLflow."""
    code = tmp_path / "code"
    for name, text in files.items():
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_text(text)
    return pipeline.scan(Settings(code_root=str(code), output_dir=str(tmp_path / "out")), Progress())
