"""`autodoc --spec doc_spec.yaml`: the default command, all four phases."""

from __future__ import annotations

import sys
import time

from autodoc.cli.display import ProgressDisplay
from autodoc.cli.exits import EXIT_OK
from autodoc.cli.parser import generate_parser, settings_from
from autodoc.cli.running import Interrupted, report_stop, run_with_progress
from autodoc.cli.summary import print_outputs, print_summary
from autodoc.progress import Progress
from autodoc.settings import KEY_VARS, Settings, provider_was_chosen, without_password


def command(argv: list[str]) -> int:
    ns = generate_parser(spec_required=not _wants_cache(argv)).parse_args(argv)
    settings, overrides = settings_from(ns)
    if getattr(ns, "notebook_from_cache", False):
        return from_cache_run(settings, docx=getattr(ns, "docx", False))
    if getattr(ns, "update", False):
        from autodoc.cli.check import update_run

        return update_run(settings, overrides)
    return generate_run(settings, overrides)


def _wants_cache(argv: list[str]) -> bool:
    return "--notebook-from-cache" in argv


def generate_run(settings: Settings, overrides: dict[str, object]) -> int:
    """Load the spec, run all four phases with a live display, print the summary."""
    from autodoc.limits import check_spec, check_spec_file
    from autodoc.spec import load_spec

    spec_path = settings.spec_path or "doc_spec.yaml"
    check_spec_file(spec_path, settings)  # bad input first, before any work
    spec = load_spec(spec_path)
    check_spec(spec, settings)
    from autodoc import pipeline

    announce(settings, overrides)
    progress = Progress()
    display = ProgressDisplay(progress, verbose=settings.verbose)
    try:
        result = run_with_progress(
            lambda: pipeline.generate(spec, settings, progress), progress, display, settings.stop_grace
        )
    except Interrupted as stop:
        display.close()
        if stop.result is None:
            return report_stop(settings, stop)
        print("the run had already finished when Ctrl-C arrived", file=sys.stderr)
        result = stop.result
    finally:
        display.close()
    return print_summary(result, time.monotonic() - display.started)


def from_cache_run(settings: Settings, docx: bool) -> int:
    from autodoc import pipeline

    started = time.monotonic()
    outputs = pipeline.from_cache(settings, docx=docx)
    print(f"rebuilt from the cache in {time.monotonic() - started:.2f} s (no scan, no LLM):")
    print_outputs(outputs)
    return EXIT_OK


def announce(settings: Settings, overrides: dict[str, object]) -> None:
    """One line on what will run; plain words when the offline writer is used by default."""
    if settings.provider == "offline" and not provider_was_chosen(overrides):
        keys = " or ".join(KEY_VARS.values())
        print(
            f"No API key configured ({keys}): using the offline writer, which assembles the text "
            "from the evidence without an LLM. Set a key or pass --provider to use an LLM."
        )
    elif settings.provider == "offline":
        print("provider offline: the text is assembled from the evidence without an LLM")
    else:
        print(
            f"provider {settings.provider}, model {settings.model_name}"
            + (f" at {without_password(settings.base_url)}" if settings.base_url else "")
        )
    if settings.verbose:
        shown = {k: v for k, v in settings.public().items() if v not in (None, [], "")}
        print("settings: " + ", ".join(f"{k}={v}" for k, v in shown.items()))
