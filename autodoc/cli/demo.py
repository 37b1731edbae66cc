"""`autodoc demo`: seed the local demo MLflow store, then document the bundled example project."""

from __future__ import annotations

from pathlib import Path

from autodoc.cli.generate import from_cache_run, generate_run
from autodoc.cli.parser import generate_parser, settings_from


def command(argv: list[str]) -> int:
    """Seed the local demo MLflow store, then document the bundled example project."""
    from autodoc import demo

    ns = generate_parser(prog="autodoc demo", spec_required=False).parse_args(argv)
    given = vars(ns)
    extra: dict[str, object] = {"code_root": str(demo.DEMO_PROJECT), "spec_path": str(_demo_spec())}
    if "provider" not in given:
        extra["provider"] = "offline"  # the demo runs without keys unless asked otherwise
    if "notebook" not in given:
        extra["notebook"] = True  # the demo shows every output
    settings, overrides = settings_from(ns, extra)  # bad settings are reported before any training
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
