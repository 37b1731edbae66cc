"""An MLflow store committed inside the code root (``mlflow.db``, ``mlruns.db`` or another MLflow
sqlite file, or a ``mlruns/`` file store), read when no
tracking server is given. MLflow may write to a store it opens (schema checks, a default
experiment, journal files), so the scan reads a private copy and the user's files stay untouched.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

MAX_COPIED_FILE = 5_000_000  # larger artifacts (model weights, data) are not copied: never read anyway
_COPIES: list[str] = []  # removed when the process ends; artifacts are fetched from them until then


def committed_store(code_root: str | None) -> tuple[str, str] | None:
    """(tracking URI of a read-only copy, the store's path in the code root), or None if there is none."""
    if not code_root:
        return None
    root = Path(code_root)
    db = next((p for p in _sqlite_candidates(root) if is_mlflow_sqlite(p)), None)
    runs = root / "mlruns"
    if db is not None:
        copy = _workdir() / db.name
        shutil.copyfile(db, copy)
        if runs.is_dir():  # its artifacts, where the store points with a relative location
            shutil.copytree(runs, copy.parent / "mlruns", ignore=_large_files)
        return f"sqlite:///{copy}", db.name
    if runs.is_dir() and any(runs.glob("*/meta.yaml")):
        copy = _workdir() / "mlruns"
        shutil.copytree(runs, copy, ignore=_large_files)
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 refuses file stores otherwise
        return copy.as_uri(), "mlruns/"
    return None


def _sqlite_candidates(root: Path) -> list[Path]:
    named = [root / "mlflow.db", root / "mlruns.db"]
    return [p for p in named if p.is_file()] + sorted(p for p in root.glob("*.db") if p not in named)


def is_mlflow_sqlite(path: Path) -> bool:
    """Is `path` an MLflow tracking database? (opened read-only: the file is never changed)"""
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error:
        return False
    return {"experiments", "runs", "alembic_version"} <= tables


def origin_note(code_root: str, where: str) -> str:
    return (
        f"No MLflow tracking server was given: MLflow was read from the store committed in the code root "
        f"({Path(code_root).name}/{where}), through a read-only copy."
    )


def _workdir() -> Path:
    path = tempfile.mkdtemp(prefix="autodoc-mlflow-")
    if not _COPIES:
        atexit.register(_cleanup)
    _COPIES.append(path)
    return Path(path)


def _large_files(folder: str, names: list[str]) -> set[str]:
    out = set()
    for name in names:
        try:
            if os.path.getsize(os.path.join(folder, name)) > MAX_COPIED_FILE:
                out.add(name)
        except OSError:
            out.add(name)
    return out


def _cleanup() -> None:
    for path in _COPIES:
        shutil.rmtree(path, ignore_errors=True)
