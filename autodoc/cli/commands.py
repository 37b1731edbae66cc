"""The `autodoc` command line: a thin shell over `autodoc.pipeline`.

    autodoc --spec doc_spec.yaml [options]      generate (the default command)
    autodoc scan --code-root DIR --out evidence.json
    autodoc templates [write NAME PATH]
    autodoc demo                                the demo project, offline

Exit codes: 0 success; 1 finished with failed blocks or flagged figures (the document is
still written); 2 bad input or configuration; 130 stopped with Ctrl-C (finished blocks
stay in the cache, no half-written output file).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

from autodoc import __version__
from autodoc.errors import AutodocError
from autodoc.progress import PHASES, Event, Progress, Snapshot
from autodoc.settings import KEY_VARS, Settings, load_settings, provider_was_chosen, without_password

T = TypeVar("T")
SUBCOMMANDS = ("scan", "templates", "demo")
EXIT_OK, EXIT_ISSUES, EXIT_INPUT, EXIT_STOPPED = 0, 1, 2, 130
POLL_SECONDS = 0.2
EXTRA_LABELS = {"report_md": "run report (Markdown)"}

# argparse dest -> Settings field (dests not listed are not settings).
SETTING_DESTS = {
    "spec": "spec_path",
    "output": "output_dir",
    "code_root": "code_root",
    "provider": "provider",
    "model": "model",
    "verbose": "verbose",
    "notebook": "notebook",
    "notebook_path": "notebook_path",
    "experiments": "experiments",
    "models": "models",
    "latest_only": "latest_only",
    "generation_workers": "generation_workers",
    "planning_workers": "planning_workers",
    "max_files": "max_files",
    "timeout": "timeout",
    "max_retries": "max_retries",
    "initial_backoff": "initial_backoff",
    "max_backoff": "max_backoff",
    "backoff_jitter": "backoff_jitter",
    "base_url": "base_url",
    "mlflow_uri": "mlflow_uri",
    "docx_template": "docx_template",
    "exclude": "exclude",
    "api_key": "api_key",
}


class Stopped(Exception):
    """Ctrl-C pressed twice: quit without waiting for the pipeline."""


# ---------------------------------------------------------------------------------------
# Parsers. Every option uses default=SUPPRESS so only flags the user typed become
# overrides: a flag left out must never hide the environment or .env.
# ---------------------------------------------------------------------------------------


def _add_paths(p: argparse.ArgumentParser, spec_required: bool) -> None:
    g = p.add_argument_group("input and output")
    g.add_argument(
        "-s",
        "--spec",
        metavar="PATH",
        required=spec_required,
        help="YAML document spec (required; `autodoc templates` lists starting points)",
    )
    g.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="output directory (default ./output; /mnt/data/<project> in Domino; OUTPUT_DIR)",
    )
    g.add_argument(
        "-c",
        "--code-root",
        metavar="DIR",
        help="root of the ML codebase to document (default .; /mnt/code in Domino; CODE_ROOT)",
    )
    g.add_argument("--notebook", action="store_true", help="also write an editable Jupyter notebook")
    g.add_argument(
        "--notebook-path",
        metavar="PATH",
        help="where to write the notebook (default <output>/model_docs_notebook.ipynb)",
    )
    g.add_argument(
        "--notebook-from-cache",
        action="store_true",
        help="rebuild the notebook from <output>/.autodoc_cache.json only (no scan, no LLM)",
    )
    g.add_argument(
        "--docx",
        action="store_true",
        help="with --notebook-from-cache: rebuild the Word document from the cache too",
    )
    g.add_argument(
        "--docx-template",
        metavar="FILE",
        help="a reference .docx whose styles (fonts, colours, headings, tables) to use",
    )


def _add_llm(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("writer (LLM)")
    g.add_argument(
        "-p",
        "--provider",
        choices=("anthropic", "openai", "offline"),
        help="who writes the text (LLM_PROVIDER). Default: the provider whose API key is "
        "configured (ANTHROPIC_API_KEY, then OPENAI_API_KEY), else offline (no LLM)",
    )
    g.add_argument("-m", "--model", metavar="NAME", help="model name (LLM_MODEL; default: the provider's)")
    g.add_argument(
        "--base-url",
        metavar="URL",
        help="OpenAI-compatible (or Anthropic) endpoint (OPENAI_BASE_URL / ANTHROPIC_BASE_URL)",
    )
    g.add_argument(
        "--api-key",
        metavar="KEY",
        help="discouraged: lands in shell history; set ANTHROPIC_API_KEY / OPENAI_API_KEY "
        "in the environment or .env instead",
    )
    g.add_argument("--timeout", metavar="SECONDS", help="timeout of one LLM call (default 120)")
    g.add_argument("--max-retries", metavar="N", help="retries of a failed LLM call (default 3)")
    g.add_argument("--initial-backoff", metavar="SECONDS", help="first retry delay (default 3.0)")
    g.add_argument("--max-backoff", metavar="SECONDS", help="longest retry delay (default 30.0)")
    g.add_argument("--backoff-jitter", metavar="F", help="random jitter factor 0.0-1.0 (default 0.2)")


def _add_work(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("parallelism and scope")
    g.add_argument(
        "-w", "--generation-workers", metavar="N", help="parallel block writers (default 4; PARALLEL_WORKERS)"
    )
    g.add_argument("--planning-workers", metavar="N", help="parallel section planners (default 4)")
    g.add_argument(
        "--max-files", metavar="N", help="most relevant source files handed to the writer (default 50)"
    )
    _add_exclude(g)


def _add_exclude(g: argparse._ActionsContainer) -> None:
    g.add_argument(
        "--exclude",
        metavar="GLOB",
        action="append",
        help="skip matching files or folders in the scan (repeatable; AUTODOC_EXCLUDE, comma-separated)",
    )


def _add_mlflow(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("MLflow")
    g.add_argument(
        "--mlflow-uri",
        metavar="URI",
        help="tracking server or sqlite:/// store (MLFLOW_TRACKING_URI; default ./mlflow.db if present)",
    )
    g.add_argument(
        "--models", metavar="PATTERNS", help="comma-separated registered model names; * and ? wildcards"
    )
    g.add_argument(
        "--experiments", metavar="PATTERNS", help="comma-separated experiment names; * and ? wildcards"
    )
    g.add_argument("--latest-only", action="store_true", help="only the latest version of each model")
    g.add_argument(
        "--disable-project-filtering",
        action="store_true",
        help="in Domino, include models and experiments of every project",
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-v", "--verbose", action="store_true", help="print every block as it is planned and written"
    )
    p.add_argument("--version", action="version", version=f"autodoc {__version__}")


def generate_parser(prog: str = "autodoc", spec_required: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        argument_default=argparse.SUPPRESS,
        description="Write the documentation of an ML model from its code and MLflow server. "
        "Every figure comes from evidence and is cited.",
        epilog="other commands: `autodoc scan` (evidence only), `autodoc templates` (spec "
        "templates), `autodoc demo` (the bundled example, offline). Settings also come from "
        "the environment or a .env file, with or without the AUTODOC_ prefix; flags win. "
        "Exit codes: 0 ok, 1 written with failed blocks or flagged figures, 2 bad input, 130 stopped.",
    )
    _add_paths(p, spec_required)
    _add_llm(p)
    _add_work(p)
    _add_mlflow(p)
    _common(p)
    return p


def scan_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="autodoc scan",
        argument_default=argparse.SUPPRESS,
        description="Scan code and MLflow into a cited evidence file (no LLM).",
    )
    p.add_argument("-c", "--code-root", metavar="DIR", help="root of the ML codebase (default .)")
    p.add_argument(
        "--out", metavar="PATH", default="evidence.json", help="evidence file (default evidence.json)"
    )
    p.add_argument("--max-files", metavar="N", help="files ranked for the writer (default 50)")
    _add_exclude(p)
    _add_mlflow(p)
    _common(p)
    return p


def templates_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="autodoc templates", description="Built-in document specs.")
    sub = p.add_subparsers(dest="action")
    sub.add_parser("list", help="list the templates (the default)")
    show = sub.add_parser("show", help="print a template")
    show.add_argument("name")
    write = sub.add_parser("write", help="write a template to a file to edit")
    write.add_argument("name")
    write.add_argument("path")
    write.add_argument("-f", "--force", action="store_true", help="overwrite an existing file")
    return p


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    commands: dict[str, Callable[[list[str]], int]] = {
        "scan": scan_command,
        "templates": templates_command,
        "demo": demo_command,
    }
    try:
        if args and args[0] in commands:
            return commands[args[0]](args[1:])
        return generate_command(args)
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


def overrides_from(ns: argparse.Namespace) -> dict[str, object]:
    """Only the flags the user passed, as Settings field names."""
    given = vars(ns)
    overrides = {SETTING_DESTS[k]: v for k, v in given.items() if k in SETTING_DESTS}
    if given.get("disable_project_filtering"):
        overrides["project_filtering"] = False
    if "notebook_path" in given:
        overrides["notebook"] = True  # asking for a notebook path means wanting the notebook
    return overrides


def _settings(ns: argparse.Namespace, extra: dict[str, object] | None = None) -> tuple[Settings, dict]:
    overrides = {**(extra or {}), **overrides_from(ns)}
    if "api_key" in overrides:
        print(
            "warning: --api-key puts the key in your shell history and the process list; "
            "prefer ANTHROPIC_API_KEY / OPENAI_API_KEY in the environment or a .env file",
            file=sys.stderr,
        )
    return load_settings(overrides), overrides


# ---------------------------------------------------------------------------------------
# generate
# ---------------------------------------------------------------------------------------


def generate_command(argv: list[str]) -> int:
    ns = generate_parser(spec_required=not _wants_cache(argv)).parse_args(argv)
    settings, overrides = _settings(ns)
    if getattr(ns, "notebook_from_cache", False):
        return from_cache_run(settings, docx=getattr(ns, "docx", False))
    return generate_run(settings, overrides)


def _wants_cache(argv: list[str]) -> bool:
    return "--notebook-from-cache" in argv


def generate_run(settings: Settings, overrides: dict[str, object]) -> int:
    """Load the spec, run all four phases with a live display, print the summary."""
    from autodoc.spec import load_spec

    spec = load_spec(settings.spec_path or "doc_spec.yaml")  # bad input first, before any work
    from autodoc import pipeline

    _announce(settings, overrides)
    progress = Progress()
    display = ProgressDisplay(progress, verbose=settings.verbose)
    try:
        result = run_with_progress(lambda: pipeline.generate(spec, settings, progress), progress, display)
    except Interrupted as stop:
        display.close()
        if stop.result is None:
            return _report_stop(settings, stop.error)
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
    _print_outputs(outputs)
    return EXIT_OK


def _announce(settings: Settings, overrides: dict[str, object]) -> None:
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


# ---------------------------------------------------------------------------------------
# Running the pipeline in a worker thread so the main thread can catch Ctrl-C
# ---------------------------------------------------------------------------------------


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


def _report_stop(settings: Settings, error: BaseException | None) -> int:
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


# ---------------------------------------------------------------------------------------
# Progress display
# ---------------------------------------------------------------------------------------


class ProgressDisplay:
    """Draws `Progress` snapshots: a rewritten status line on a terminal, else a line per phase."""

    def __init__(
        self,
        progress: Progress,
        *,
        verbose: bool = False,
        stream: IO[str] | None = None,
        tty: bool | None = None,
    ) -> None:
        self.progress, self.verbose = progress, verbose
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.seen_events = 0
        self.phase: str | None = None
        self.width = 0
        self.closed = False
        self.announced: set[str] = set()
        self.reported: set[str] = set()

    def poll(self) -> None:
        snap = self.progress.snapshot(self.seen_events)
        self.seen_events += len(snap.events)
        self._phase_starts(snap)
        for event in snap.events:
            self._event(event)
        self._phase_ends(snap)
        self.phase = snap.phase
        if self.tty and snap.phase in PHASES:
            self._status(phase_line(snap, snap.phase))

    def _event(self, event: Event) -> None:
        """Warnings and errors always; everything else with --verbose."""
        if not (self.verbose or event.level in ("warning", "error")):
            return
        if event.message.endswith(" started") and event.level == "info":
            return  # the phase lines say that already
        where = event.block or event.section
        suffix = f" [{where}]" if where and where not in event.message else ""
        self.message(f"  {event.phase}: {event.message}{suffix}")

    def _phase_starts(self, snap: Snapshot) -> None:
        for phase in PHASES:
            state = snap.phases.get(phase)
            if state is not None and state.started is not None and phase not in self.announced:
                self.announced.add(phase)
                if not self.tty:
                    self._line(f"{phase}...")

    def _phase_ends(self, snap: Snapshot) -> None:
        """A permanent line with the final counts when a phase ends."""
        for phase in PHASES:
            state = snap.phases.get(phase)
            if state is None or state.started is None or state.finished is None:
                continue
            if phase not in self.reported:
                self.reported.add(phase)
                took = state.finished - state.started
                self.message(phase_line(snap, phase) + f" · done in {took:.1f} s")

    def message(self, text: str) -> None:
        self._clear()
        self._line(text)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        snap = self.progress.snapshot(10**9)
        self._phase_starts(snap)
        self._phase_ends(snap)
        for phase in PHASES:  # phases cut short (Ctrl-C, an error): show where they stood
            if phase in self.announced and phase not in self.reported:
                self.reported.add(phase)
                self.message(phase_line(snap, phase) + " · not finished")
        self._clear()

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def _status(self, text: str) -> None:
        columns = _terminal_columns()
        text = text[: columns - 1]
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def _clear(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def phase_line(snap: Snapshot, phase: str) -> str:
    """e.g. `[2/4] planning 3/10 · Model Performance · 1,234 tokens · 0:12`."""
    state = snap.phases.get(phase)
    number = PHASES.index(phase) + 1 if phase in PHASES else 0
    parts = [f"[{number}/{len(PHASES)}] {phase}"]
    if state is not None and state.total:
        parts[0] += f" {state.done}/{state.total}"
    if state is not None and state.current:
        parts.append(state.current)
    tokens = snap.input_tokens + snap.output_tokens
    if tokens:
        parts.append(f"{tokens:,} tokens")
    if snap.errors:
        parts.append(f"{snap.errors} errors")
    minutes, seconds = divmod(int(snap.elapsed), 60)
    parts.append(f"{minutes}:{seconds:02d}")
    return " · ".join(parts)


def _terminal_columns() -> int:
    columns = shutil.get_terminal_size(fallback=(100, 24)).columns  # 0 (some ptys) -> fallback
    return columns if columns >= 20 else 100


# ---------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------


def print_summary(result: Any, seconds: float) -> int:
    """Files, sections, flagged figures, failed blocks, calls and tokens; returns the exit code."""
    state = result.state
    print(f"\nfinished in {seconds:.1f} s")
    _print_outputs(result.outputs)
    sections = [s for s in state.sections if not s.is_container]
    written = [s for s in sections if s.status in ("written", "approved", "edited", "flagged")]
    print(f"sections written: {len(written)} of {len(sections)}")
    flagged = [(s, b, f) for s, b in state.flagged() for f in b.flags]
    failed = state.failed()
    if flagged:
        print(f"flagged figures: {len(flagged)} (not found in the evidence; check them)")
        for sec, blk, flag in flagged:
            print(f'  - {sec.number} {sec.heading} ({blk.id}): {flag.figure!r} in "{flag.context}"')
    if failed:
        print(f"failed blocks: {len(failed)} (the document says what is missing)")
        for sec, blk in failed:
            error = (blk.error if blk else sec.error) or "failed"
            print(f"  - {sec.number} {sec.heading}" + (f" ({blk.id})" if blk else "") + f": {error}")
    usage = state.usage
    provider = state.provenance.provider if state.provenance else state.settings.get("provider")
    if provider == "offline":
        print("LLM calls: none (offline writer)")
    else:
        print(
            f"LLM calls: {usage.calls}, tokens: {usage.input_tokens:,} in / {usage.output_tokens:,} out"
            + (f", retries: {usage.retries}" if usage.retries else "")
        )
    for note in state.notes:
        print(f"note: {note}")
    code = result.exit_code
    if code == EXIT_OK and (flagged or failed):
        code = EXIT_ISSUES
    return code


def _print_outputs(outputs: Any) -> None:
    names = {
        "docx": "Word document",
        "notebook": "notebook",
        "cache": "cache",
        "evidence": "evidence",
        "report": "run report",
    }
    for attr, label in names.items():
        path = getattr(outputs, attr, None)
        if path:
            print(f"  {label}: {path}")
    for label, path in (getattr(outputs, "extra", None) or {}).items():
        print(f"  {EXTRA_LABELS.get(label, label.replace('_', ' '))}: {path}")


# ---------------------------------------------------------------------------------------
# scan
# ---------------------------------------------------------------------------------------


def scan_command(argv: list[str]) -> int:
    from autodoc import pipeline

    ns = scan_parser().parse_args(argv)
    settings, _ = _settings(ns)
    progress = Progress()
    display = ProgressDisplay(progress, verbose=settings.verbose)
    try:
        store = run_with_progress(lambda: pipeline.scan(settings, progress), progress, display)
    except Interrupted:
        print("stopped: no evidence file written", file=sys.stderr)
        return EXIT_STOPPED
    finally:
        display.close()
    pipeline.write_output(Path(ns.out), store.to_json())
    print_scan_summary(store, ns.out)
    return EXIT_OK


def print_scan_summary(store: Any, out: str) -> None:
    """What `autodoc scan` found, in a few lines; never a secret value."""
    print(f"evidence written to {out} ({len(store.items)} items)")
    code = store.code
    if code is not None:
        print(
            f"code: {len(code.files)} files scanned under {code.root}"
            + (
                f" at commit {code.commit[:10]}" + (" (uncommitted changes)" if code.dirty else "")
                if code.commit
                else ""
            )
        )
        if code.skipped:
            reasons = Counter(_reason_group(s.reason) for s in code.skipped)
            print(
                f"  skipped {len(code.skipped)}: " + ", ".join(f"{n} {r}" for r, n in reasons.most_common())
            )
            for skipped in code.skipped[:10]:
                print(f"    {skipped.path}: {skipped.reason}")
            if len(code.skipped) > 10:
                print(f"    ... and {len(code.skipped) - 10} more")
        if code.entry_points:
            print("  entry points: " + ", ".join(code.entry_points[:8]))
        for warning in code.warnings:
            print(f"  warning: {warning}")
    facts = Counter(i.kind for i in store.items if i.source.kind == "code")
    if facts:
        print(
            f"  facts: {sum(facts.values())} (" + ", ".join(f"{k} {n}" for k, n in facts.most_common(8)) + ")"
        )
    _print_mlflow_summary(store)
    total = sum(r.count for r in store.redactions)
    if total:
        kinds = Counter()
        for r in store.redactions:
            kinds[r.kind] += r.count
        print(
            f"redactions: {total} secrets removed before any use ("
            + ", ".join(f"{k} {n}" for k, n in kinds.most_common())
            + ")"
        )
        for redaction in store.redactions[:10]:  # where, and what kind: never the value
            print(
                f"  {redaction.place}: {redaction.kind}"
                + (f" x{redaction.count}" if redaction.count > 1 else "")
            )
        if len(store.redactions) > 10:
            print(f"  ... and {len(store.redactions) - 10} more places")
    else:
        print("redactions: none needed")


def _print_mlflow_summary(store: Any) -> None:
    mlflow = store.mlflow
    if mlflow is None:
        print(f"MLflow: {store.mlflow_note or 'not scanned'}")
        return
    versions = sum(len(m.versions) for m in mlflow.registered_models)
    runs = sum(len(e.runs) for e in mlflow.experiments)
    print(
        f"MLflow {mlflow.tracking_uri}: {len(mlflow.registered_models)} models, {versions} versions, "
        f"{len(mlflow.experiments)} experiments, {runs} runs ({mlflow.client_calls} client calls)"
    )
    for model in mlflow.registered_models[:10]:
        aliases = ", ".join(f"@{a}=v{v}" for a, v in model.aliases.items())
        print(
            f"  {model.name}: versions {', '.join(v.version for v in model.versions)}"
            + (f" ({aliases})" if aliases else "")
        )
    for warning in mlflow.warnings:
        print(f"  warning: {warning}")
    if store.mlflow_note:
        print(f"  note: {store.mlflow_note}")


def _reason_group(reason: str) -> str:
    """'syntax error at line 3' -> 'syntax error' (for counting)."""
    return reason.split(" at ")[0].split(":")[0].split("(")[0].strip()


# ---------------------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------------------


def templates_command(argv: list[str]) -> int:
    from autodoc.atomic import atomic_write
    from autodoc.spec import list_templates, parse_spec, template_text

    ns = templates_parser().parse_args(argv)
    if ns.action in (None, "list"):
        rows = list_templates()
        width = max(len(name) for name, _ in rows)
        for name, description in rows:
            print(f"{name.ljust(width)}  {description}")
        print("\nwrite one to edit: autodoc templates write NAME PATH")
        return EXIT_OK
    text = template_text(ns.name)
    if ns.action == "show":
        print(text, end="")
        return EXIT_OK
    target = Path(ns.path)
    if target.is_dir():
        target = target / f"{ns.name}.yaml"
    if target.exists() and not ns.force:
        raise AutodocError(f"{target} already exists", hint="pass --force to overwrite it")
    parse_spec(text, f"template {ns.name}")  # never write a template that would not load
    atomic_write(target, text)
    print(f"wrote {target}; generate with: autodoc --spec {target}")
    return EXIT_OK


# ---------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------


def demo_command(argv: list[str]) -> int:
    """Seed the local demo MLflow store, then document the bundled example project."""
    from autodoc import demo

    ns = generate_parser(prog="autodoc demo", spec_required=False).parse_args(argv)
    given = vars(ns)
    extra: dict[str, object] = {"code_root": str(demo.DEMO_PROJECT), "spec_path": str(_demo_spec())}
    if "provider" not in given:
        extra["provider"] = "offline"  # the demo runs without keys unless asked otherwise
    if "notebook" not in given:
        extra["notebook"] = True  # the demo shows every output
    settings, overrides = _settings(ns, extra)  # bad settings are reported before any training
    if given.get("notebook_from_cache"):
        return from_cache_run(settings, docx=given.get("docx", False))
    print("preparing the demo MLflow store (the first time trains the example models)...")
    # Only --mlflow-uri picks the store: the demo never seeds a server named in the environment.
    uri = demo.ensure_demo_store(given.get("mlflow_uri"))
    settings = settings.model_copy(update={"mlflow_uri": uri})
    return generate_run(settings, {**overrides, "provider": settings.provider})


def _demo_spec() -> Path:
    """The repository's doc_spec.yaml, or the identical packaged default template."""
    repo_spec = Path(__file__).resolve().parents[2] / "doc_spec.yaml"
    if repo_spec.is_file():
        return repo_spec
    from autodoc.atomic import atomic_write
    from autodoc.spec import template_text

    fallback = Path(".autodoc_demo_spec.yaml")
    atomic_write(fallback, template_text("default"))
    return fallback


if __name__ == "__main__":
    sys.exit(main())
