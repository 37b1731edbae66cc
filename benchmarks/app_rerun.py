"""Time one full rerun of the app with a 25-section reviewed document in session state.

    python benchmarks/app_rerun.py [--sections 25] [--runs 15]

Drives app.py with Streamlit's AppTest (the script runs exactly as in a browser session,
minus the websocket). The first run draws the charts once into the session's PNG cache;
the reported figure is the median of the following reruns (goal: under 300 ms).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"
GOAL_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=25)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.testing.v1 import AppTest

    from tests.support.sample import sample_document

    os.chdir(tempfile.mkdtemp(prefix="autodoc-bench-"))  # no doc_spec.yaml, no cache, no .env
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.session_state["doc"] = sample_document(args.sections)
    at.session_state["view"] = "Write review"
    started = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - started) * 1000
    if at.exception:
        print(at.exception, file=sys.stderr)
        return 1
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    print(
        f"app rerun, {args.sections}-section reviewed document ({len(at.main.image)} charts and images, "
        f"{len(at.main.table)} tables, {len(at.button)} buttons)"
    )
    print(f"  first run (draws charts): {cold:7.1f} ms")
    print(
        f"  rerun median of {args.runs}:    {median:7.1f} ms   (min {min(times):.1f}, max {max(times):.1f}; "
        f"goal < {GOAL_MS:.0f} ms: {'met' if median < GOAL_MS else 'NOT met'})"
    )
    return 0 if median < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
