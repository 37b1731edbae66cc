"""The provider contract: one method, `complete(request) -> response`.

A provider turns an `LLMRequest` into an `LLMResponse` whose `parsed` is an instance of
`request.response_model` (a pydantic model: `PlanReply` or `NarrativeReply`). Transport
retries happen inside the provider (exactly one layer); the bounded re-ask for unusable
answers lives in `autodoc.llm.reask`. Providers register by name in `autodoc.llm.registry`.

`task` carries the same request as structured data, so the offline writer can answer
deterministically without parsing prose.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from autodoc.evidence import EvidenceItem


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str


class PlanTask(BaseModel):
    """Structured form of a planning request."""

    kind: Literal["plan"] = "plan"
    document_title: str
    section_id: str
    section_name: str  # spec name
    heading: str
    model: str | None = None  # per_model subsection
    hint: str | None = None
    feedback: str | None = None
    evidence: list[EvidenceItem] = Field(default_factory=list)
    table_kinds: list[str] = Field(default_factory=list)  # sources the data can serve
    image_ids: list[str] = Field(default_factory=list)


class WriteTask(BaseModel):
    """Structured form of a narrative or list generation request."""

    kind: Literal["write"] = "write"
    document_title: str
    section_id: str
    section_name: str
    heading: str
    model: str | None = None
    hint: str | None = None
    block_type: Literal["narrative", "list"] = "narrative"
    block_title: str | None = None
    guidance: str = ""
    feedback: str | None = None
    evidence: list[EvidenceItem] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)  # things looked for and not found


class LLMRequest(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    purpose: str  # "plan <section id>" / "write <block id>"
    system: str
    context: str = ""  # the run's stable prefix (document facts), sent after `system`, cached
    messages: list[Message]  # first is the user prompt; re-asks append assistant+user turns
    response_model: type[BaseModel]
    max_tokens: int = 2000
    task: PlanTask | WriteTask | None = None
    evidence_ids: list[str] = Field(default_factory=list)  # for the egress record
    files: list[str] = Field(default_factory=list)
    # set -> the provider stops retrying/waiting and raises `Cancelled` (never serialised)
    stop: threading.Event | None = Field(default=None, exclude=True, repr=False)

    def prompt_chars(self) -> int:
        return len(self.system) + len(self.context) + sum(len(m.content) for m in self.messages)

    def system_text(self) -> str:
        """Instructions and the shared context as one system text (identical across calls)."""
        return f"{self.system}\n\n{self.context}" if self.context else self.system

    def request_hash(self, provider: str, model: str) -> str:
        """Same provider, model, prompt and contract -> same hash (never send twice)."""
        payload = json.dumps(
            [
                provider,
                model,
                self.system,
                self.context,
                [m.model_dump() for m in self.messages],
                self.response_model.__name__,
                self.max_tokens,
            ],
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:24]


class LLMResponse(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    parsed: Any = None  # instance of request.response_model, or None if unusable
    raw_text: str = ""  # what the model returned, for re-asks and reports
    error: str | None = None  # why `parsed` is None (invalid JSON, schema, truncation)
    notes: list[str] = Field(default_factory=list)  # what a lenient read left out (invalid blocks)
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0  # input tokens read from the provider's prompt cache
    retries: int = 0  # transport retries spent on this call
    seconds: float = 0.0


class Provider(Protocol):
    name: str
    model: str

    def complete(self, request: LLMRequest) -> LLMResponse: ...
