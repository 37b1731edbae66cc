"""`autodoc templates [list|show NAME|write NAME PATH]`: the built-in document specs."""

from __future__ import annotations

from pathlib import Path

from autodoc.cli.exits import EXIT_OK
from autodoc.cli.parser import templates_parser
from autodoc.errors import AutodocError


def command(argv: list[str]) -> int:
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
