"""The scan in a child interpreter, while this process does start-up work of its own.

The scan is CPU work under this process's one GIL, and so is loading an LLM SDK (0.5-1.5 s
of imports). Threads cannot overlap the two; a second interpreter (``python -c``, never a
fork: the app scans from threads) runs the scan on another core, when one is free. It reports back through
its stdout, one pickle per message: the scan's progress calls (replayed here as they
arrive, so the progress lines still show), then the evidence store, or the scan's error
(re-raised here as the same `AutodocError`, hint and all). A child that cannot start,
dies, or fails in a way that is not a user's error leaves the scan to this process.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import subprocess
import sys
import threading
import traceback
from typing import IO, TYPE_CHECKING, Any

from autodoc.scan import processes

if TYPE_CHECKING:
    from autodoc.evidence import EvidenceStore
    from autodoc.progress import Progress
    from autodoc.settings import Settings

_CHILD_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); from autodoc.scan.child import child_main; child_main()"
)
_RELAYED = {"start_phase", "finish_phase", "set_current", "advance", "event"}  # what the scan calls
_SECRETS = {"openai_api_key": None, "anthropic_api_key": None}  # the scan needs no LLM key


def spare_core() -> bool:
    """True when this machine has a core to spare for a child (the last minute's load leaves
    one free). On a busy machine the child only competes with this process for the same CPU,
    and its own start-up (an interpreter, pydantic) costs more than the scan it takes over."""
    cores = processes.cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average here: assume the cores are free
        load = 0.0
    return cores >= 2 and load < cores - 0.5


class ScanChild:
    """A scan running in a child interpreter; `result` waits for it (or scans here)."""

    def __init__(self, settings: Settings) -> None:
        from autodoc.scan.phase import check_code_root

        check_code_root(settings.code_root)  # a bad code root is said before anything starts
        self.settings = settings
        self.proc: subprocess.Popen[bytes] | None = None
        if not sys.executable:
            return
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _CHILD_CODE, processes.PACKAGE_PARENT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            assert self.proc.stdin is not None
            with self.proc.stdin:
                pickle.dump(settings.model_copy(update=_SECRETS), self.proc.stdin)
        except (OSError, ValueError, pickle.PicklingError):
            self.close()

    def result(self, progress: Progress | None = None) -> EvidenceStore:
        """The child's evidence store; its scan error raised here; its failure: a scan here."""
        from autodoc.errors import AutodocError
        from autodoc.scan.phase import run_scan

        try:
            outcome = self._read(progress)
        except BaseException:
            self.close()
            raise
        if outcome is None:
            self.close()
            return run_scan(self.settings, progress)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()  # the child ends by itself once its scan cache is written
            threading.Thread(target=self.proc.wait, name="autodoc-scan-child", daemon=True).start()
        if isinstance(outcome, AutodocError):
            raise outcome
        return outcome

    def close(self) -> None:
        """Stop a child whose answer is not awaited any more."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError):
            self.proc.kill()
            self.proc.wait()
            if self.proc.stdout is not None:
                self.proc.stdout.close()
        self.proc = None

    def _read(self, progress: Progress | None) -> Any:
        """Replay the child's progress calls; its store, its error, or None (scan here)."""
        if self.proc is None or self.proc.stdout is None:
            return None
        while True:
            try:
                kind, *body = pickle.load(self.proc.stdout)
            except Exception:  # the child died or wrote something else: no result from it
                return None
            if kind == "progress":
                if progress is not None:
                    name, args, kwargs = body
                    getattr(progress, name)(*args, **kwargs)
            elif kind == "done":
                return body[0]
            elif kind == "error":
                return _rebuilt(*body)
            else:  # "crash": a bug in the scanner; scanning here shows it as it always did
                return None


class _Relay:
    """The child's stand-in for `Progress`: each call the scan makes goes to the parent."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out

    def __getattr__(self, name: str) -> Any:
        if name not in _RELAYED:
            raise AttributeError(name)

        def relay(*args: Any, **kwargs: Any) -> None:
            _send(self._out, ("progress", name, args, kwargs))

        return relay


def _send(out: IO[bytes], message: tuple[Any, ...]) -> None:
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def _rebuilt(cls: type[Exception], message: str, attrs: dict[str, Any]) -> Exception:
    """The child's `AutodocError` as it was raised there (pickling keeps only its message)."""
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(attrs)
    return err


def child_main() -> None:
    """Entry of the child: settings on stdin, messages on a private copy of stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the scanned libraries print goes to stderr, not into the messages
    sys.stdout = sys.stderr
    try:
        from autodoc.errors import AutodocError
        from autodoc.scan.phase import run_scan

        settings = pickle.load(sys.stdin.buffer)
        try:
            store = run_scan(settings, _Relay(out))  # type: ignore[arg-type]
        except AutodocError as err:
            _send(out, ("error", type(err), err.message, dict(err.__dict__)))
        else:
            _send(out, ("done", store))
    except BaseException:  # a bug or a broken pipe: the parent scans by itself
        with contextlib.suppress(Exception):
            _send(out, ("crash", traceback.format_exc()))
    finally:
        with contextlib.suppress(Exception):
            out.close()  # the parent goes on; what is left here is not on its way
            atexit._run_exitfuncs()  # the scan cache's writes finish, temporary copies go
        os._exit(0)  # no interpreter teardown to wait for
