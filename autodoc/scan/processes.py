"""What starting a second interpreter for scan work needs: how many cores this process may use,
and the folder to put on the child's path so it imports this same `autodoc`."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding `autodoc`


def cores() -> int:
    """The cores this process may run on (its affinity where the system says, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
