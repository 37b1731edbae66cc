"""Render work done while the LLM calls are in flight, so the build after them is short.

While a run waits for the model the CPU is idle: one background thread imports the Word
renderer (python-docx, matplotlib: about a second) and the rest only the build needs, and
draws each chart as soon as its block is filled. The renderer keeps the PNGs by content
(`render.charts.chart_png`), so the build finds them drawn. The thread starts when the
first answer arrives (`start`), not before: until then the CPU builds the first requests,
and every one of them waits for it.
Nothing here is needed for correctness: a task that fails or never ran is simply done
again by the build, which reports what fails.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from autodoc.document import ChartContent

Task = Callable[[], object]


class Prerender:
    """One daemon thread working through a queue of render tasks, from `start` to `stop`."""

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._tasks.put(import_renderer)
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin the work queued so far (once; later calls do nothing)."""
        if self._thread is None and not self._stopped.is_set():
            self._thread = threading.Thread(target=self._loop, name="autodoc-prerender", daemon=True)
            self._thread.start()

    def chart(self, content: ChartContent) -> None:
        """Draw this chart at the Word document's resolution (kept by the renderer)."""
        self._tasks.put(lambda: draw_chart(content))

    def stop(self) -> None:
        """Start no further task (the build is about to draw what is left itself)."""
        self._stopped.set()
        self._tasks.put(None)

    def _loop(self) -> None:
        while (task := self._tasks.get()) is not None and not self._stopped.is_set():
            try:
                task()
            except Exception:  # the build does it again and reports the failure
                continue


def import_renderer() -> None:
    import autodoc.check.hooks  # the change log and check snapshot the build keeps
    import autodoc.render.docx  # noqa: F401 - python-docx and matplotlib, loaded once


def draw_chart(content: ChartContent) -> None:
    from autodoc.render.charts import chart_png
    from autodoc.render.docx import CHART_DPI

    chart_png(content, dpi=CHART_DPI)
