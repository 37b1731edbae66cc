"""`autodoc lint DOC.docx`: what a model-risk validator would send back on first read.

Prints one line per finding (rule, where, what) and exits 1 when there is any, 0 when the
document is clean, 2 when the file cannot be read as a Word document.
"""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

from autodoc.cli.exits import EXIT_ISSUES, EXIT_OK
from autodoc.errors import ConfigError


def command(argv: list[str]) -> int:
    from autodoc.render.lint import RULES, lint_docx

    parser = argparse.ArgumentParser(prog="autodoc lint", description=__doc__.splitlines()[0])
    parser.add_argument("docx", help="the Word document to check")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    ns = parser.parse_args(argv)
    path = Path(ns.docx)
    if not path.is_file():
        raise ConfigError(f"no such file: {path}", hint="pass the .docx that autodoc (or anyone) wrote")
    try:
        findings = lint_docx(path.read_bytes())
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise ConfigError(f"{path} is not a Word document ({err})") from None
    if ns.json:
        print(json.dumps([f.__dict__ for f in findings], indent=1))
    else:
        for finding in findings:
            print(finding.line())
        counts = {r: sum(1 for f in findings if f.rule == r) for r in RULES}
        summary = ", ".join(f"{n} {r}" for r, n in counts.items() if n) or "no findings"
        print(f"{path}: {summary}")
    return EXIT_ISSUES if findings else EXIT_OK
