"""A run's artifacts in a local folder, listed and read as MLflow's local artifact repository does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from autodoc.scan.mlflow.records import FileInfo

UPLOADING_PREFIX = ".artifact.uploading."  # MLflow's half-written files, never listed


class NotLocal(Exception):
    """The artifacts live elsewhere (a server, a bucket): only MLflow's client reaches them."""


def local_root(artifact_uri: str) -> Path:
    """The folder of a `file:` URI or an absolute path, else `NotLocal`."""
    if artifact_uri.startswith("file:"):
        parts = urlsplit(artifact_uri)
        if parts.netloc not in ("", "localhost"):
            raise NotLocal(artifact_uri)
        return Path(unquote(parts.path))
    if os.path.isabs(artifact_uri):
        return Path(artifact_uri)
    raise NotLocal(artifact_uri)


def inside(root: Path, path: str | None) -> Path:
    """`root/path`, refusing a path that leaves `root` (as MLflow does)."""
    if not path:
        return root
    target = Path(os.path.normpath(root / os.path.normpath(path)))
    if target != root and root not in target.parents:
        raise ValueError(f"artifact path {path!r} is outside the run's artifacts")
    return target


def list_artifacts(root: Path, path: str | None = None) -> list[FileInfo]:
    """The entries directly under `path`, sorted by path; nothing for a missing folder."""
    folder = inside(root, path)
    if not folder.is_dir():
        return []
    infos = []
    for entry in os.scandir(folder):
        if entry.name.startswith(UPLOADING_PREFIX):
            continue
        rel = Path(entry.path).relative_to(root).as_posix()
        is_dir = entry.is_dir()
        infos.append(FileInfo(rel, is_dir, None if is_dir else os.path.getsize(entry.path)))
    return sorted(infos, key=lambda info: info.path)


def download(root: Path, path: str, dst: str) -> str:
    """Copy one artifact file into `dst` (keeping its relative path); returns the copy's path."""
    source = inside(root, path)
    if not source.is_file():
        raise FileNotFoundError(f"No such artifact: '{path}'")
    target = Path(dst) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return str(target)
