"""The `autodoc` command line: a thin shell over `autodoc.pipeline`.

    autodoc --spec doc_spec.yaml [options]      generate (the default command)
    autodoc scan --code-root DIR --out evidence.json
    autodoc templates [write NAME PATH]
    autodoc demo                                the demo project, offline
    autodoc check --cache CACHE                 is the document still current? (exit 0/1/2)
    autodoc questions --spec SPEC               what only people know, as a questionnaire
    autodoc diff OLD_CACHE NEW_CACHE            a redline of two document versions
    autodoc lint DOC.docx                       the document check a validator would run

A subcommand is a module `autodoc/cli/<name>.py` with `command(argv) -> int`, listed in
`COMMANDS` (imported only when used, so `autodoc --help` stays fast).

Exit codes: 0 success; 1 finished with failed blocks or flagged figures (the document is
still written); 2 bad input or configuration; 130 stopped with Ctrl-C (finished blocks
stay in the cache, no half-written output file).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable
from typing import NoReturn

from autodoc.cli.exits import EXIT_INPUT, EXIT_STOPPED
from autodoc.cli.running import Stopped
from autodoc.errors import AutodocError

YOUNG_GC_THRESHOLD = 50_000  # allocations between young collections (Python's default: 700)

# subcommand -> module under autodoc.cli with `command(argv) -> int`
COMMANDS = {
    "scan": "scan",
    "templates": "templates",
    "demo": "demo",
    "check": "check",
    "questions": "questions",
    "diff": "diff",
    "lint": "lint",
}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it)."""
    if argv is not None:
        return _main(list(argv))
    # A short-lived process that builds many objects and frees few: the collector's default
    # (a young pass every 700 allocations, which also re-walks every imported SDK object
    # in the older passes) cost about 0.3 s CPU a run, 0.07 s of it before the first call.
    gc.set_threshold(YOUNG_GC_THRESHOLD, 20, 10)
    leave(_main(sys.argv[1:]))  # the process entry: the console script or `python main.py`


def leave(code: int) -> NoReturn:
    """End the process once its work is done, without the interpreter's teardown.

    Every output is written (atomically) before the command returns. What a normal exit
    adds after that is waiting: for the threads of calls a Stop abandoned, for a last
    garbage collection over every object of every module loaded (the SDK, pydantic,
    python-docx, matplotlib: 0.05-0.1 s on the bench, seconds with MLflow or pandas), and
    for module teardown. The exit handlers still run (temporary copies are removed, logging
    is flushed) and stdout/stderr are flushed, so a pipe reader gets every line.
    """
    atexit._run_exitfuncs()  # what a normal exit runs: logging.shutdown, our clean-ups
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed or detached
            stream.flush()
    os._exit(code)


def _main(args: list[str]) -> int:
    try:
        if args and args[0] in COMMANDS:
            return _command(COMMANDS[args[0]])(args[1:])
        return _command("generate")(args)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return exit_.code if isinstance(exit_.code, int) else EXIT_INPUT
    except AutodocError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except Stopped:
        print("stopped without waiting: finished blocks are in the cache", file=sys.stderr)
        return EXIT_STOPPED
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return EXIT_STOPPED


def _command(module: str) -> Callable[[list[str]], int]:
    return importlib.import_module(f"autodoc.cli.{module}").command


if __name__ == "__main__":
    sys.exit(main())
