"""`autodoc scan`: code and MLflow into a cited evidence file (no LLM)."""

from __future__ import annotations

import sys
from pathlib import Path

from autodoc.cli.display import ProgressDisplay
from autodoc.cli.exits import EXIT_OK
from autodoc.cli.parser import scan_parser, settings_from
from autodoc.cli.running import Interrupted, run_with_progress
from autodoc.cli.summary import print_scan_summary
from autodoc.progress import Progress


def command(argv: list[str]) -> int:
    from autodoc import pipeline

    ns = scan_parser().parse_args(argv)
    settings, _ = settings_from(ns)
    progress = Progress()
    display = ProgressDisplay(progress, verbose=settings.verbose)
    try:
        store = run_with_progress(lambda: pipeline.scan(settings, progress), progress, display)
    except Interrupted as stop:
        print("stopped: no evidence file written", file=sys.stderr)
        return stop.exit_code
    finally:
        display.close()
    pipeline.write_output(Path(ns.out), store.to_json())
    print_scan_summary(store, ns.out)
    return EXIT_OK
