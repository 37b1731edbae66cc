"""The pipeline runs in a worker thread so the main thread can catch Ctrl-C and draw progress."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from autodoc.cli.display import ProgressDisplay
from autodoc.cli.exits import EXIT_STOPPED
from autodoc.errors import AutodocError
from autodoc.progress import Progress
from autodoc.settings import Settings

T = TypeVar("T")
POLL_SECONDS = 0.2


class Stopped(Exception):
    """Ctrl-C pressed twice: quit without waiting for the pipeline."""


class Interrupted(Exception):
    """The user pressed Ctrl-C and the pipeline has wound down."""

    def __init__(self, error: BaseException | None, result: object = None) -> None:
        super().__init__("interrupted")
        self.error, self.result = error, result


def run_with_progress(work: Callable[[], T], progress: Progress, display: ProgressDisplay) -> T:
    """Run `work` in a thread, polling the display; Ctrl-C asks the pipeline to stop."""
    box: dict[str, Any] = {}
    done = threading.Event()  # not Thread.join: an interrupted join can misreport is_alive()

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as err:  # handed to the main thread, which decides
            box["error"] = err
        finally:
            done.set()

    threading.Thread(target=target, name="autodoc-pipeline", daemon=True).start()
    interrupted = False
    while not done.is_set():
        try:
            done.wait(POLL_SECONDS)
            display.poll()
        except KeyboardInterrupt:
            if interrupted:
                raise Stopped() from None
            interrupted = True
            progress.stop()
            display.message(
                "stopping: no new LLM calls; waiting for running ones to finish "
                "(Ctrl-C again to quit at once)"
            )
    display.poll()
    if interrupted:
        raise Interrupted(box.get("error"), box.get("result"))
    if "error" in box:
        raise box["error"]
    return box["result"]


def report_stop(settings: Settings, error: BaseException | None) -> int:
    """After Ctrl-C: say what was kept and how to resume."""
    from autodoc.pipeline.cache import cache_path, load_state

    if error is not None and not isinstance(error, AutodocError | KeyboardInterrupt):
        print(f"while stopping: {type(error).__name__}: {error}", file=sys.stderr)
    path = cache_path(settings.output_dir)
    try:
        state = load_state(path)
    except AutodocError:
        print("stopped before any block was finished; nothing was written", file=sys.stderr)
        return EXIT_STOPPED
    blocks = [b for _, b in state.blocks()]
    done = sum(1 for b in blocks if b.content is not None and b.status != "failed")
    print(
        f"stopped: {done} of {len(blocks)} planned blocks are kept in {path}; "
        "run the same command again to finish (finished blocks are not redone). "
        "No output document was replaced.",
        file=sys.stderr,
    )
    return EXIT_STOPPED
