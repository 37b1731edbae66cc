"""`autodoc check`, `autodoc questions` and `autodoc diff`: keeping a written document current.

    autodoc check --cache output/.autodoc_cache.json [--code-root DIR] [--mlflow-uri URI]
                  [--spec SPEC] [--format text|json] [--fail-on stale,hygiene]
    autodoc questions --spec SPEC [--cache CACHE] [--out questions.yaml]
    autodoc diff OLD_CACHE NEW_CACHE [--out redline.docx|redline.md]

Exit codes of `check`: 0 the document is current, 1 stale or failing hygiene, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CACHE_DEFAULT = "output/.autodoc_cache.json"


def check_parser() -> argparse.ArgumentParser:
    from autodoc.check.report import DEFAULT_FAIL_ON

    p = argparse.ArgumentParser(
        prog="autodoc check",
        description="Is the document still true? Rescan (no LLM) and compare with the evidence "
        "the document was written from; check required sections, citations, references, "
        "flagged figures and review dates.",
        epilog="exit codes: 0 current, 1 stale or failing hygiene, 2 bad input",
    )
    p.add_argument(
        "--cache", default=CACHE_DEFAULT, metavar="PATH", help=f"the document's cache ({CACHE_DEFAULT})"
    )
    p.add_argument(
        "-c", "--code-root", metavar="DIR", help="the code now (default: where the document was written from)"
    )
    p.add_argument(
        "--mlflow-uri",
        metavar="URI",
        help="the MLflow store now (default: MLFLOW_TRACKING_URI or the document's)",
    )
    p.add_argument(
        "-s",
        "--spec",
        metavar="PATH",
        help="the spec now: sections added or removed, required, review fields",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format (default text)")
    p.add_argument(
        "--fail-on",
        default=DEFAULT_FAIL_ON,
        metavar="LIST",
        help="what fails the check: stale, hygiene, none, or change categories (hyperparameter, data, "
        "split, feature, threshold, entry_point, evaluation, metric, registry, code, spec) and hygiene "
        f"codes (required, citation, reference, flagged, review, facts); default {DEFAULT_FAIL_ON}",
    )
    return p


def command(argv: list[str]) -> int:
    from autodoc.check import report
    from autodoc.check.run import run_check

    ns = check_parser().parse_args(argv)
    fail_on = report.parse_fail_on(ns.fail_on)
    result = run_check(ns.cache, code_root=ns.code_root, mlflow_uri=ns.mlflow_uri, spec_path=ns.spec)
    text = (
        report.as_json(result, fail_on) if ns.format == "json" else report.as_text(result, fail_on, ns.cache)
    )
    sys.stdout.write(text + "\n")
    return report.exit_code(result, fail_on)


# ----------------------------------------------------------------------------- questions
def questions_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="autodoc questions",
        description="List, per section of the spec, what the code and MLflow cannot answer (intended "
        "use, owner, out-of-scope uses, limitations, approvals, review cadence) as a YAML "
        "questionnaire; fill it in and save it as autodoc_facts.yaml beside the spec.",
    )
    p.add_argument("-s", "--spec", default="doc_spec.yaml", metavar="PATH", help="the spec (doc_spec.yaml)")
    p.add_argument("--cache", metavar="PATH", help="a document's cache: MLflow tags that hint at answers")
    p.add_argument("--out", metavar="PATH", help="write the questionnaire here (default: print it)")
    return p


def questions_command(argv: list[str]) -> int:
    from autodoc.check.questions import questionnaire, unanswered_count
    from autodoc.pipeline import write_output
    from autodoc.pipeline.cache import load_state
    from autodoc.spec import load_spec

    ns = questions_parser().parse_args(argv)
    spec = load_spec(ns.spec)
    state = load_state(ns.cache) if ns.cache else None
    text = questionnaire(spec, state)
    if ns.out:
        write_output(Path(ns.out), text)
        print(f"{unanswered_count(spec)} unanswered question(s) written to {ns.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


# ---------------------------------------------------------------------------------- diff
def diff_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="autodoc diff",
        description="A redline of the text and tables between two versions of a document (their "
        "caches), with the evidence changes when the snapshots beside the caches are there.",
    )
    p.add_argument("old", metavar="OLD_CACHE", help="the earlier version's .autodoc_cache.json")
    p.add_argument("new", metavar="NEW_CACHE", help="the later version's .autodoc_cache.json")
    p.add_argument(
        "--out", metavar="PATH", help="write a .docx (tracked-change styling) or .md; default: print"
    )
    return p


def diff_command(argv: list[str]) -> int:
    from autodoc.check.diff import diff_caches, to_docx, to_markdown
    from autodoc.pipeline import write_output
    from autodoc.pipeline.cache import load_state

    ns = diff_parser().parse_args(argv)
    old, new = Path(ns.old), Path(ns.new)
    red = diff_caches(load_state(old), load_state(new), old, new)
    if ns.out and ns.out.lower().endswith(".docx"):
        write_output(Path(ns.out), to_docx(red))
    elif ns.out:
        write_output(Path(ns.out), to_markdown(red))
    else:
        sys.stdout.write(to_markdown(red))
    if ns.out:
        print(f"redline written to {ns.out}: {len(red.sections)} section(s) differ", file=sys.stderr)
    return 0


# -------------------------------------------------------------------------------- update
def update_run(settings, overrides: dict[str, object]) -> int:
    """`autodoc --update`: print what changed and what will be rewritten, then write only that."""
    import time

    from autodoc.check.update import finish_update, start_update
    from autodoc.cli.display import ProgressDisplay
    from autodoc.cli.generate import announce
    from autodoc.cli.running import Interrupted, report_stop, run_with_progress
    from autodoc.cli.summary import print_summary
    from autodoc.progress import Progress
    from autodoc.spec import load_spec

    spec = load_spec(settings.spec_path or "doc_spec.yaml")
    announce(settings, overrides)
    progress = Progress()
    display = ProgressDisplay(progress, verbose=settings.verbose)
    try:
        pending = run_with_progress(lambda: start_update(spec, settings, progress), progress, display)
        display.close()
        print("update: " + "\nupdate: ".join(pending.plan.lines()))
        progress = Progress()  # the display starts afresh: the scan is reported above
        display = ProgressDisplay(progress, verbose=settings.verbose)
        result = run_with_progress(lambda: finish_update(pending, settings, progress), progress, display)
    except Interrupted as stop:
        display.close()
        return report_stop(settings, stop.error)
    finally:
        display.close()
    return print_summary(result, time.monotonic() - display.started)
