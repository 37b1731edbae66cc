"""Selection benchmark: a registry of 1000 runs (over 8000 evidence items), two sections.

Run from the repository root: `python benchmarks/selection.py`. Prints wall-clock seconds of
selecting a per_model section's and the executive summary's evidence; goal under 1 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support.builders

from autodoc.plan.select import select_evidence
from tests.support.builders.store import big_store, section


def main() -> None:
    store = big_store()
    start = time.perf_counter()
    select_evidence(section("Model Performance", model="sweep_model"), store)
    select_evidence(section("Executive Summary"), store)
    print(f"selection over {len(store.items)} items: {time.perf_counter() - start:.2f} s (goal < 1 s)")


if __name__ == "__main__":
    main()
