"""Build-phase benchmark: a 25-section document with 20 charts, and the notebook from cache.

Run from the repository root: `python benchmarks/build.py [--sections 25] [--charts 20]`.
Prints wall-clock seconds; goals: docx under 3 s, notebook from cache under 1 s (2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support.builders.state


def _timed(label: str, func, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    print(f"{label:<46} {time.perf_counter() - wall:6.2f} s  (CPU {time.process_time() - cpu:5.2f} s)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sections", type=int, default=25)
    parser.add_argument("--charts", type=int, default=20)
    args = parser.parse_args()

    load = os.getloadavg()[0]
    print(f"load average before: {load:.1f} on {os.cpu_count()} cores (wall time suffers above 1)")
    start = time.perf_counter()
    from autodoc.pipeline.cache import load_state, save_state
    from autodoc.render.charts import _cached_png
    from autodoc.render.docx import render_docx
    from autodoc.render.notebook import render_notebook
    from tests.support.builders.state import make_big_state

    print(f"{'import renderers (matplotlib, python-docx)':<46} {time.perf_counter() - start:6.2f} s")
    state = make_big_state(args.sections, args.charts)
    label = f"{args.sections} sections, {args.charts} charts"
    docx = _timed(f"render_docx, first call ({label})", render_docx, state)
    _timed("render_docx, second call (charts cached)", render_docx, state)
    nb = _timed("render_notebook", render_notebook, state)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / ".autodoc_cache.json"
        save_state(state, cache)
        print(
            f"sizes: docx {len(docx) / 1e6:.2f} MB, notebook {len(nb) / 1e6:.2f} MB, "
            f"cache {cache.stat().st_size / 1e6:.2f} MB"
        )

        def notebook_from_cache() -> bytes:
            return render_notebook(load_state(cache))

        def both_from_cache() -> tuple[bytes, bytes]:
            loaded = load_state(cache)
            return render_notebook(loaded), render_docx(loaded)

        _timed("notebook from cache (load + render)", notebook_from_cache)
        _cached_png.cache_clear()  # a fresh CLI process has no chart cache
        _timed("notebook + docx from cache (charts redrawn)", both_from_cache)


if __name__ == "__main__":
    main()
