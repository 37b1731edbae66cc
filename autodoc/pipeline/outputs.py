"""What a run writes and returns: output paths, atomic writes with clear errors, the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autodoc.atomic import atomic_write, atomic_write_all
from autodoc.document import DocumentState
from autodoc.errors import AutodocError, ConfigError
from autodoc.evidence import EvidenceStore
from autodoc.settings import Settings

DOCX_NAME = "model_documentation.docx"
NOTEBOOK_NAME = "model_docs_notebook.ipynb"


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


def check_outputs(settings: Settings) -> None:
    """Raise `ConfigError` for output paths that cannot be written (checked before a run)."""
    out = Path(settings.output_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"the output folder {out} is a file", hint="pass a folder with --output")
    targets = [("Word document", docx_path(settings))]
    if settings.notebook:
        targets.append(("notebook", notebook_path(settings)))
    for label, path in targets:
        if path.is_dir():
            raise ConfigError(f"the {label} path {path} is a folder", hint="name a file to write")
    template = settings.docx_template
    if template and not Path(template).is_file():
        raise ConfigError(
            f"docx template not found: {template}",
            hint="pass a Word .docx file (not .dotx/.doc) with --docx-template, or leave it out",
        )


def write_output(path: Path, data: bytes | str) -> None:
    """`atomic_write` with an OS failure (full disk, no permission) as a message, not a traceback."""
    try:
        atomic_write(path, data)
    except OSError as err:
        raise AutodocError(
            f"could not write {path}: {err.strerror or err}",
            hint="check that the folder exists and is writable, and that the path is not a folder",
        ) from err


def write_outputs(files: list[tuple[Path, bytes | str]]) -> None:
    """`write_output` of several files, waiting for the disk once (`atomic_write_all`)."""
    try:
        atomic_write_all(files)
    except OSError as err:
        raise AutodocError(
            f"could not write {err.filename}: {err.strerror or err}",
            hint="check that the folder exists and is writable, and that the path is not a folder",
        ) from err


def exit_code(state: DocumentState) -> int:
    """1 when any block failed or holds a flagged figure, else 0."""
    return 1 if state.failed() or state.flagged() else 0


def docx_path(settings: Settings) -> Path:
    return Path(settings.docx_path) if settings.docx_path else Path(settings.output_dir) / DOCX_NAME


def notebook_path(settings: Settings) -> Path:
    return (
        Path(settings.notebook_path) if settings.notebook_path else Path(settings.output_dir) / NOTEBOOK_NAME
    )
