"""Settings checked as they are typed: each check returns the message shown under its field.

A check returns None (fine), or (level, text) with level "error" (a run cannot start),
"warning" (it can, but probably should not) or "info".
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from autodoc import demo
from autodoc.errors import AutodocError
from autodoc.paths import check_allowed
from autodoc.scan.mlflow.client import check_reachable

Message = tuple[str, str] | None

AUTODOC_CHECKOUT = Path(__file__).resolve().parents[2]
ML_IMPORT = re.compile(
    rb"^\s*(?:from|import)\s+(sklearn|torch|tensorflow|keras|xgboost|lightgbm|catboost|mlflow|statsmodels|"
    rb"transformers|pyspark\.ml|prophet|h2o)\b",
    re.MULTILINE,
)
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox"}
MAX_PROBED_FILES = 400
PROBE_BYTES = 64 * 1024


def _allowed(path: str, root: str | None, what: str) -> tuple[Path | None, Message]:
    if not path.strip():
        return None, ("error", f"Enter the {what}.")
    try:
        return check_allowed(path, root), None
    except AutodocError as err:
        return None, ("error", f"{err.message} ({err.hint})" if err.hint else err.message)


def is_autodoc_checkout(folder: Path) -> bool:
    return folder == AUTODOC_CHECKOUT or (folder / "autodoc" / "pipeline" / "api.py").is_file()


def has_ml_code(folder: Path) -> bool:
    """True when a Python file or notebook under `folder` imports an ML library (a bounded look)."""
    seen = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if not name.endswith((".py", ".ipynb")):
                continue
            seen += 1
            try:
                with open(os.path.join(dirpath, name), "rb") as fh:
                    head = fh.read(PROBE_BYTES)
            except OSError:
                continue
            if name.endswith(".ipynb"):
                head = head.replace(b'\\n"', b"\n").replace(b'"', b"")
            if ML_IMPORT.search(head):
                return True
            if seen >= MAX_PROBED_FILES:
                return True  # a large tree: let the scan decide
    return False


def check_code_root(path: str, root: str | None) -> Message:
    folder, problem = _allowed(path, root, "folder of the ML code to document")
    if problem:
        return problem
    if not folder.exists():
        return "error", f"{folder} does not exist."
    if not folder.is_dir():
        return "error", f"{folder} is a file; choose the folder that holds the code."
    if not os.access(folder, os.R_OK | os.X_OK):
        return "error", f"{folder} cannot be read by the app."
    if is_autodoc_checkout(folder):
        return (
            "warning",
            f"{folder} is autodoc's own source, not a model's code: the document would describe autodoc.",
        )
    if not has_ml_code(folder):
        return "warning", f"No ML code found in {folder} (no Python file or notebook imports an ML library)."
    if folder == demo.DEMO_PROJECT.resolve():
        return "info", "The bundled demo project: a breast-cancer risk model trained with scikit-learn."
    return None


def check_output_dir(path: str, root: str | None) -> Message:
    folder, problem = _allowed(path, root, "folder the documents are written to")
    if problem:
        return problem
    if folder.exists():
        if not folder.is_dir():
            return "error", f"{folder} is a file; choose a folder for the documents."
        if not os.access(folder, os.W_OK | os.X_OK):
            return "error", f"The app cannot write to {folder}."
        return None
    parent = next((p for p in folder.parents if p.exists()), None)
    if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return "error", f"{folder} cannot be created (no write access to {parent})."
    return "info", f"{folder} will be created by the first run."


def check_spec_path(path: str, root: str | None) -> Message:
    if not path.strip():
        return None
    file, problem = _allowed(path, root, "spec file")
    if problem:
        return problem
    if not file.exists():
        return "info", f"No spec file at {file}: the editor starts from a built-in template."
    if not file.is_file():
        return "error", f"{file} is a folder; name a YAML file."
    return None


def check_mlflow_uri(uri: str) -> Message:
    """Reachable within 10 s (a TCP connect for servers, the file for sqlite stores)."""
    uri = uri.strip()
    if not uri:
        if os.environ.get("MLFLOW_TRACKING_URI"):
            return "info", "Using MLFLOW_TRACKING_URI from the environment."
        return "info", "No MLflow store: the document is written from the code alone."
    if uri == demo.default_uri() and not Path(uri.removeprefix("sqlite:///")).exists():
        return (
            "info",
            "The demo store does not exist yet: the first run creates it by training the demo models "
            "(about a minute).",
        )
    try:
        check_reachable(uri)
    except AutodocError as err:
        advice = (
            "Is the server running, and are the host, port and scheme right?"
            if "://" in uri and not uri.startswith("sqlite:")
            else "A sqlite store is written sqlite:/// followed by the absolute path of the file."
        )
        return "error", f"{err.message} {advice}"
    return None
