"""Bounds on the input, checked before any work: each names the field, the size and the limit.

The limits are settings (README "Limits"): spec file size, number of sections, title and
hint length, and the prompt of one LLM call. A spec over a limit is a `SpecError` (exit 2)
before the scan starts; a prompt over its limit fails that one call without sending it.
"""

from __future__ import annotations

from pathlib import Path

from autodoc.errors import LLMError, SpecError
from autodoc.settings import Settings
from autodoc.spec import Spec

VARIABLES = {
    "max_spec_bytes": "AUTODOC_MAX_SPEC_BYTES",
    "max_sections": "AUTODOC_MAX_SECTIONS",
    "max_hint_chars": "AUTODOC_MAX_HINT_CHARS",
    "max_title_chars": "AUTODOC_MAX_TITLE_CHARS",
    "max_prompt_chars": "AUTODOC_MAX_PROMPT_CHARS (--max-prompt-chars)",
}


def _over(what: str, size: int, unit: str, field: str, limit: int) -> str:
    return f"{what} is {size:,} {unit}; the limit is {limit:,} (raise it with {VARIABLES[field]})"


def check_spec_file(path: str | Path, settings: Settings) -> None:
    """Refuse a spec file larger than `max_spec_bytes` before reading it."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # a missing file is reported by the spec loader, with its own message
    if size > settings.max_spec_bytes:
        raise SpecError(
            _over("the spec file", size, "bytes", "max_spec_bytes", settings.max_spec_bytes), path=str(path)
        )


def check_spec(spec: Spec, settings: Settings) -> None:
    """Refuse a spec whose title, section count or a hint is over its limit."""
    where = spec.path
    if len(spec.title) > settings.max_title_chars:
        raise SpecError(
            _over("the title", len(spec.title), "characters", "max_title_chars", settings.max_title_chars),
            path=where,
            field="title",
        )
    if len(spec.sections) > settings.max_sections:
        raise SpecError(
            _over("the spec", len(spec.sections), "sections", "max_sections", settings.max_sections),
            path=where,
            field="sections",
        )
    for sec in spec.sections:
        if sec.hint and len(sec.hint) > settings.max_hint_chars:
            raise SpecError(
                _over("the hint", len(sec.hint), "characters", "max_hint_chars", settings.max_hint_chars),
                path=where,
                line=sec.line,
                field=f"sections.{sec.name}.hint",
            )


def check_prompt(chars: int, limit: int, purpose: str) -> None:
    """Refuse to send one call whose prompt is over `max_prompt_chars`."""
    if chars > limit:
        raise LLMError(
            f"{purpose}: " + _over("the prompt", chars, "characters", "max_prompt_chars", limit),
            hint="shorten the section's hint or feedback, or raise the limit",
        )
