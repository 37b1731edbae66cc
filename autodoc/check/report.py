"""What `autodoc check` prints (a short human report, or JSON) and the exit code it returns."""

from __future__ import annotations

import json

from autodoc.check.compare import CATEGORIES
from autodoc.check.hygiene import HYGIENE_CODES
from autodoc.check.run import CheckResult
from autodoc.errors import ConfigError

DEFAULT_FAIL_ON = "stale,hygiene"
FAIL_ON_WORDS = ("stale", "hygiene", "none", *CATEGORIES, *HYGIENE_CODES)
EXIT_CURRENT, EXIT_STALE = 0, 1
MAX_SENTENCES = 3


def parse_fail_on(text: str) -> set[str]:
    words = {w.strip() for w in text.split(",") if w.strip()}
    unknown = sorted(words - set(FAIL_ON_WORDS))
    if unknown:
        raise ConfigError(
            f"--fail-on: unknown finding {', '.join(unknown)!r}",
            hint="use stale, hygiene, none, or any of: " + ", ".join(FAIL_ON_WORDS[3:]),
        )
    return words


def failing(result: CheckResult, fail_on: set[str]) -> list[str]:
    """The findings that fail the check under `fail_on` (category or hygiene code names)."""
    if "none" in fail_on:
        return []
    out = [c.category for c in result.changes if "stale" in fail_on or c.category in fail_on]
    out += [f.code for f in result.findings if "hygiene" in fail_on or f.code in fail_on]
    return out


def exit_code(result: CheckResult, fail_on: set[str]) -> int:
    return EXIT_STALE if failing(result, fail_on) else EXIT_CURRENT


def status(result: CheckResult) -> str:
    if result.changes:
        return "stale"
    return "hygiene" if result.findings else "current"


def as_json(result: CheckResult, fail_on: set[str]) -> str:
    data = {
        "status": status(result),
        "exit_code": exit_code(result, fail_on),
        "document": result.state.title,
        "version": result.state.version,
        "changes": [c.model_dump() for c in result.changes],
        "findings": [f.model_dump() for f in result.findings],
        "notes": result.notes,
        "seconds": result.seconds,
    }
    return json.dumps(data, indent=1, default=str)


def as_text(result: CheckResult, fail_on: set[str], cache: str) -> str:
    state = result.state
    prov = state.provenance
    built = (
        f" (built {prov.generated_at[:10]}"
        + (f" from commit {prov.code_commit[:10]})" if prov and prov.code_commit else ")")
        if prov
        else ""
    )
    lines = [f"autodoc check: {state.title} v{state.version} — {cache}{built}"]
    if result.changes:
        lines.append(f"STALE: {len(result.changes)} change(s) to what the document states")
        for change in result.changes:
            lines += _change_lines(change)
    else:
        lines.append("evidence: unchanged since the document was built")
    if result.findings:
        lines.append(f"HYGIENE: {len(result.findings)} finding(s)")
        lines += [
            f"  {f.code:<10} {f.message}" + (f" (section {f.section})" if f.section else "")
            for f in result.findings
        ]
    lines += [f"note: {n}" for n in result.notes]
    code = exit_code(result, fail_on)
    verdict = "current" if code == EXIT_CURRENT else "stale or failing hygiene"
    lines.append(f"result: {verdict} (exit {code}) in {result.seconds:.2f} s")
    return "\n".join(lines)


def _change_lines(change) -> list[str]:
    lines = [f"  {change.category:<14} {change.summary()}"]
    if change.sections:
        lines.append("      affects " + ", ".join(change.sections))
    elif change.category != "spec":
        lines.append("      affects no section directly (the document lists it)")
    for sentence in change.sentences[:MAX_SENTENCES]:
        lines.append(f"      > {sentence}")
    if len(change.sentences) > MAX_SENTENCES:
        lines.append(f"      > ... and {len(change.sentences) - MAX_SENTENCES} more")
    return lines
