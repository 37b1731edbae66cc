"""What planning and writing share: a section's request to the provider, and the ask.

Both phases send the same section facts (title, heading, model, hint, feedback, evidence),
end the prompt with the compact evidence, name the code files for the egress record, and
give up with an `LLMOutputError` when no answer matched the schema after the re-asks.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from autodoc.document import Section, Usage
from autodoc.errors import LLMOutputError
from autodoc.evidence import EvidenceItem
from autodoc.llm import reask
from autodoc.llm.base import LLMRequest, Message, PlanTask, WriteTask

MAX_TOKENS = 1500


def task_fields(
    section: Section, title: str, feedback: str | None, items: list[EvidenceItem]
) -> dict[str, Any]:
    """The fields `PlanTask` and `WriteTask` share, for one section."""
    return {
        "document_title": title,
        "section_id": section.id,
        "section_name": section.spec_name,
        "heading": section.heading,
        "model": section.model,
        "hint": section.hint,
        "feedback": feedback,
        "evidence": items,
    }


def heading_lines(section: Section, title: str) -> list[str]:
    """The first lines of every prompt: which document, which section."""
    return [f"Document: {title}", f"Section {section.number}: {section.heading}"]


def build_request(
    purpose: str,
    system: str,
    lines: list[str],
    response_model: type[BaseModel],
    task: PlanTask | WriteTask,
    items: list[EvidenceItem],
) -> LLMRequest:
    """One user turn of `lines`, recording the evidence ids and code files it sends."""
    return LLMRequest(
        purpose=purpose,
        system=system,
        messages=[Message(role="user", content="\n".join(lines))],
        response_model=response_model,
        max_tokens=MAX_TOKENS,
        task=task,
        evidence_ids=[item.id for item in items],
        files=code_files(items),
    )


def code_files(items: list[EvidenceItem]) -> list[str]:
    """The code files `items` come from, sorted (what the egress record names)."""
    return sorted({item.source.path for item in items if item.source.kind == "code" and item.source.path})


def ask_parsed(provider: Any, request: LLMRequest, validate: reask.Validator, what: str) -> reask.AskResult:
    """`reask.ask`, raising `LLMOutputError` ("<what> stayed unusable") when nothing parsed."""
    result = reask.ask(provider, request, validate=validate)
    if result.parsed is None:
        raise LLMOutputError(
            f"{what} stayed unusable: " + "; ".join(result.errors[:3]),
            attempts=result.attempts,
            last_output=result.raw_text,
        )
    return result


def usage_of(result: reask.AskResult) -> Usage:
    """A copy of the tokens an ask spent (an empty `Usage` if it recorded none)."""
    return result.usage.model_copy() if result.usage else Usage()
