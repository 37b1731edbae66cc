"""The scan phase: code and MLflow, read concurrently, into one `EvidenceStore` (see `phase.py`).

Kept light on purpose: the scan's worker interpreters import `autodoc.scan.code` and pay for
nothing else (pydantic, settings, the thread pool) when this package loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autodoc.scan.phase import run_scan

__all__ = ["run_scan"]


def __getattr__(name: str) -> Any:
    if name == "run_scan":
        from autodoc.scan.phase import run_scan

        return run_scan
    raise AttributeError(f"module 'autodoc.scan' has no attribute {name!r}")
