"""The allowed-root check for app deployments: code root and output must lie below it."""

from __future__ import annotations

from pathlib import Path

from autodoc.errors import PathNotAllowedError


def check_allowed(path: str, allowed_root: str | None) -> Path:
    """Resolve `path` (symlinks included) and refuse it if it is not under `allowed_root`.

    With no allowed root every path is accepted (local use); the resolved path is returned.
    """
    if not str(path).strip():
        raise PathNotAllowedError("an empty path was given", hint="enter a directory path")
    resolved = Path(path).expanduser().resolve()
    if allowed_root is None or not str(allowed_root).strip():
        return resolved
    root = Path(allowed_root).expanduser().resolve()
    if resolved != root and root not in resolved.parents:
        raise PathNotAllowedError(
            f"{path} is outside the allowed root {root}",
            hint=f"choose a path under {root} (this deployment only reads and writes there)",
        )
    return resolved
