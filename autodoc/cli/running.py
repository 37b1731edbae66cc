"""The pipeline runs in a worker thread so the main thread can catch Ctrl-C and draw progress."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from autodoc.cli.display import ProgressDisplay
from autodoc.errors import AutodocError
from autodoc.progress import Progress
from autodoc.settings import Settings
from autodoc.threads import in_thread

T = TypeVar("T")
POLL_SECONDS = 0.2
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(Exception):
    """A third Ctrl-C / SIGTERM: quit without waiting for the pipeline."""


class Interrupted(Exception):
    """A signal (Ctrl-C or SIGTERM) stopped the run and the pipeline has wound down."""

    def __init__(
        self, error: BaseException | None, result: object = None, signum: int = signal.SIGINT
    ) -> None:
        super().__init__("interrupted")
        self.error, self.result, self.signum = error, result, signum

    @property
    def exit_code(self) -> int:
        """130 after Ctrl-C (SIGINT), 143 after SIGTERM: the shell's 128 + signal number."""
        return 128 + int(self.signum)


class Signals:
    """SIGINT and SIGTERM stop the run the same way; handlers only record what arrived."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self._old: dict[int, Any] = {}

    def __enter__(self) -> Signals:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._old[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        self.received.append(signum)


def run_with_progress(
    work: Callable[[], T], progress: Progress, display: ProgressDisplay, grace: float = 10.0
) -> T:
    """Run `work` in a thread, polling the display; Ctrl-C or SIGTERM asks the pipeline to stop.

    First signal: no new call starts, running calls may finish within `grace` seconds (their
    answers are kept). Second: stop waiting for running calls (the cache is still written).
    Third: quit at once.
    """
    pending = in_thread(work, "autodoc-pipeline")
    seen = 0
    with Signals() as signals:
        while not pending.wait(POLL_SECONDS):
            display.poll()
            if len(signals.received) > seen:
                seen = len(signals.received)
                _escalate(seen, signals.received[0], progress, display, grace)
    display.poll()
    if signals.received:
        raise Interrupted(pending.error, None if pending.error else pending.result(), signals.received[0])
    return pending.result()


def _escalate(count: int, signum: int, progress: Progress, display: ProgressDisplay, grace: float) -> None:
    name = signal.Signals(signum).name
    if count == 1:
        progress.stop(grace)
        display.message(
            f"stopping: no new LLM calls ({name}); running ones may finish within {grace:g} s and "
            "their answers are kept (Ctrl-C again to stop waiting for them)"
        )
    elif count == 2:
        progress.stop(0.0)
        display.message("stopping now: not waiting for running calls; saving what is finished")
    else:
        raise Stopped()


def report_stop(settings: Settings, stop: Interrupted) -> int:
    """After Ctrl-C or SIGTERM: say what was kept and how to resume; 130 or 143."""
    from autodoc.pipeline.cache import cache_path, load_state

    error = stop.error
    if error is not None and not isinstance(error, AutodocError | KeyboardInterrupt):
        print(f"while stopping: {type(error).__name__}: {error}", file=sys.stderr)
    path = cache_path(settings.output_dir)
    try:
        state = load_state(path)
    except AutodocError:
        print("stopped before any block was finished; nothing was written", file=sys.stderr)
        return stop.exit_code
    blocks = [b for _, b in state.blocks()]
    done = sum(1 for b in blocks if b.content is not None and b.status != "failed")
    print(
        f"stopped: {done} of {len(blocks)} planned blocks are kept in {path}; "
        "run the same command again to finish (finished blocks are not redone). "
        "No output document was replaced.",
        file=sys.stderr,
    )
    return stop.exit_code
