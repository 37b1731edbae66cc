"""Flags -> Settings: the parsers of every command and the overrides they yield.

Every option uses default=SUPPRESS so only flags the user typed become overrides: a flag
left out must never hide the environment or .env.
"""

from __future__ import annotations

import argparse
import sys

from autodoc import __version__
from autodoc.settings import (
    BACKOFF_JITTER,
    INITIAL_BACKOFF,
    MAX_BACKOFF,
    MAX_RETRIES,
    Settings,
    load_settings,
)

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
    "plan": "plan",
    "call_budget": "call_budget_tokens",
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
    "stop_grace": "stop_grace",
    "max_prompt_chars": "max_prompt_chars",
}


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
        "--update",
        action="store_true",
        help="rewrite only the blocks whose evidence changed since the last build (the cache in "
        "--output); prints what changed and why first",
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
    g.add_argument("--max-retries", metavar="N", help=f"retries of a failed call (default {MAX_RETRIES})")
    g.add_argument("--initial-backoff", metavar="S", help=f"first retry delay (default {INITIAL_BACKOFF})")
    g.add_argument("--max-backoff", metavar="S", help=f"longest retry delay (default {MAX_BACKOFF})")
    g.add_argument(
        "--backoff-jitter", metavar="F", help=f"random jitter factor 0.0-1.0 (default {BACKOFF_JITTER})"
    )
    g.add_argument(
        "--stop-grace",
        metavar="SECONDS",
        help="after Ctrl-C or SIGTERM, how long running LLM calls may finish (answers kept; default 10)",
    )
    g.add_argument(
        "--max-prompt-chars", metavar="N", help="largest prompt one LLM call may send (default 400000)"
    )


def _add_work(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("parallelism and scope")
    g.add_argument(
        "-w", "--generation-workers", metavar="N", help="parallel block writers (default 4; PARALLEL_WORKERS)"
    )
    g.add_argument(
        "--planning-workers",
        metavar="N",
        help="parallel section planners (default 4; idle writer slots plan too while nothing is to write)",
    )
    g.add_argument(
        "--plan",
        choices=["auto", "offline", "llm"],
        help="who plans each section: offline (deterministic; the LLM only writes), llm (the LLM "
        "plans on top of it), auto (llm for sections with much evidence; default)",
    )
    g.add_argument("--call-budget", metavar="TOKENS", help="most tokens one writing call carries (4000)")
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
        help="in Domino, include models and experiments of every project; elsewhere, read ./mlflow.db "
        "even when nothing in it relates to the code",
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
        "templates), `autodoc demo` (the bundled example, offline), `autodoc check` (is the document "
        "still current?), `autodoc questions` (what only people know), `autodoc diff` (a redline of "
        "two versions). Settings also come from "
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


def overrides_from(ns: argparse.Namespace) -> dict[str, object]:
    """Only the flags the user passed, as Settings field names."""
    given = vars(ns)
    overrides = {SETTING_DESTS[k]: v for k, v in given.items() if k in SETTING_DESTS}
    if given.get("disable_project_filtering"):
        overrides["project_filtering"] = False
    if "notebook_path" in given:
        overrides["notebook"] = True  # asking for a notebook path means wanting the notebook
    return overrides


def settings_from(ns: argparse.Namespace, extra: dict[str, object] | None = None) -> tuple[Settings, dict]:
    overrides = {**(extra or {}), **overrides_from(ns)}
    if "api_key" in overrides:
        print(
            "warning: --api-key puts the key in your shell history and the process list; "
            "prefer ANTHROPIC_API_KEY / OPENAI_API_KEY in the environment or a .env file",
            file=sys.stderr,
        )
    return load_settings(overrides), overrides
