"""The offline document of a small code tree, as the lines a reader sees."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import load_spec

REPO = Path(__file__).resolve().parents[2]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> text) under `root`; returns `root`."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def document_lines(code_root: Path, out: Path) -> tuple[list[str], list[str]]:
    """(paragraphs, table rows with cells joined by " | ") of the document doc_spec.yaml gives the
    tree, written by the offline writer without MLflow."""
    settings = Settings(code_root=str(code_root), output_dir=str(out), provider="offline")
    result = pipeline.generate(load_spec(REPO / "doc_spec.yaml"), settings)
    doc = Document(str(result.outputs.docx))
    rows = [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    return [p.text for p in doc.paragraphs], rows
