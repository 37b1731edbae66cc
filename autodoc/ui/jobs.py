"""Background jobs for the app: one pipeline call in a thread, reporting through `Progress`.

The worker never touches Streamlit. It stores its result (or the user-facing message of an
`AutodocError`) on the `Job`, which lives in the browser session's state; the page script
harvests it on its next run and applies it with the job's `apply` callback.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autodoc.errors import AutodocError, Cancelled
from autodoc.pipeline.cache import cache_path
from autodoc.progress import Progress

log = logging.getLogger("autodoc.app")

Apply = Callable[[MutableMapping[str, Any], Any], None]
RESUME = {  # job kind -> how to carry on after a Stop, in the app's words
    "generate": " Press **Generate documentation** again to resume: finished blocks are not redone.",
    "write": " Press **3 · Write** again to resume: finished blocks are not redone.",
}


@dataclass(eq=False)
class Job:
    kind: str  # generate | scan | plan | write | regenerate | replan | build
    label: str
    progress: Progress
    apply: Apply | None = None  # run by the page script with (session_state, result)
    on_cancel: Apply | None = None  # run by the page script after a stop
    result: Any = None
    error: str | None = None  # an AutodocError message, shown as is
    crashed: bool = False  # an unexpected exception (a bug): details in the server log
    cancelled: bool = False
    harvested: bool = False
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    thread: threading.Thread | None = None
    watch: Path | None = None  # the cache file the pipeline saves after every block
    output_dir: str | None = None  # where the document it produces belongs
    started_wall: float = field(default_factory=time.time)
    rev: int = 0  # the review revision a build works from
    grace: float = 0.0  # seconds running LLM calls may finish after Stop (settings.stop_grace)
    provider: str | None = None  # the writer the job's settings name (offline, anthropic, openai)
    # the work raises `Cancelled` when a Stop cuts it short, so a normal return means it finished
    # (a Stop that came after the last block, while the files were being built, changed nothing)
    returns_complete: bool = False

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    @property
    def done(self) -> bool:
        return self.thread is not None and not self.thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker (tests and the benchmark use this); True once it ended."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.done

    def stop(self, now: bool = False) -> None:
        """No new call starts; running ones may finish within `grace` s (`now`: stop waiting)."""
        self.progress.stop(0.0 if now else self.grace)

    @property
    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started


def _run(job: Job, work: Callable[[Progress], Any]) -> None:
    try:
        job.result = work(job.progress)
        job.cancelled = job.progress.cancelled and not job.returns_complete
    except Cancelled as err:
        job.cancelled = True
        job.error = err.message  # its hint speaks to the command line; `outcome` says what to press
    except AutodocError as err:
        job.error = str(err)
        job.cancelled = job.progress.cancelled
    except Exception:  # a bug: the user gets a short message, the log gets the traceback
        log.exception("job %s failed", job.label)
        job.crashed = True
        job.error = f"{job.label} failed with an internal error (details are in the server log)."
    finally:
        job.ended = time.monotonic()
        job.progress.finish()


def start_job(
    kind: str,
    label: str,
    work: Callable[[Progress], Any],
    *,
    apply: Apply | None = None,
    on_cancel: Apply | None = None,
    watch: Path | None = None,
    returns_complete: bool = False,
) -> Job:
    """Start `work(progress)` in a daemon thread and return its `Job` handle."""
    job = Job(kind=kind, label=label, progress=Progress(), apply=apply, on_cancel=on_cancel, watch=watch)
    job.returns_complete = returns_complete
    job.thread = threading.Thread(target=_run, args=(job, work), name=f"autodoc-{kind}", daemon=True)
    job.thread.start()
    return job


def harvest(job: Job, state: MutableMapping[str, Any]) -> bool:
    """Apply a finished job's result to the session state once; True if it was applied now."""
    if not job.done or job.harvested:
        return False
    job.harvested = True
    if job.cancelled and job.on_cancel is not None:
        job.on_cancel(state, job.result)
    elif job.error is None and job.apply is not None:
        job.apply(state, job.result)
    return True


def outcome(job: Job) -> tuple[str, str]:
    """(level, message) telling the user how a finished job ended."""
    if job.cancelled:
        detail = f" {job.error[:1].upper()}{job.error[1:].rstrip('.')}." if job.error else ""
        stopped = f"{job.label} stopped after {job.seconds:.1f} s."
        if job.output_dir and not cache_path(job.output_dir).is_file():
            return "warning", stopped + detail  # nothing was finished: nothing to keep or resume
        return "warning", f"{stopped} Finished work is kept.{detail}{RESUME.get(job.kind, '')}"
    if job.error:
        return "error", f"{job.label} failed after {job.seconds:.1f} s: {job.error}"
    return "success", f"{job.label} finished in {job.seconds:.1f} s."
