"""`anthropic` provider: the official SDK with native structured output.

The request carries `output_config={"format": {"type": "json_schema", "schema": ...}}`
built by the SDK's own `transform_schema` (exactly what `messages.parse(output_format=M)`
sends); the answer is validated against the same pydantic model the SDK's parser uses.
We call `messages.create` rather than `messages.parse` because `parse` raises on an
invalid answer and drops its text and usage, which the re-ask needs.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from autodoc.errors import LLMConfigError
from autodoc.llm.base import LLMRequest, LLMResponse
from autodoc.llm.retry import PROBE_POLICY, RetryPolicy, call_with_retry
from autodoc.llm.sdk import (
    UNREADABLE,
    Target,
    classify,
    http_client_options,
    read_answer,
    unreadable_answer,
    without_aiohttp,
)

with without_aiohttp():  # the SDK loads 0.1 s faster (see llm/sdk.py)
    import anthropic

ANTHROPIC_HOST = "https://api.anthropic.com"


class AnthropicProvider:
    name = "anthropic"

    def __init__(self, settings: Any, *, stop: threading.Event | None = None) -> None:
        self.model = settings.model_name
        self.stop = stop
        self.policy = RetryPolicy.from_settings(settings)
        base_url = _base_url(settings)
        self.client = anthropic.Anthropic(
            api_key=_api_key(settings),
            base_url=base_url,
            max_retries=0,
            timeout=settings.timeout,
            http_client=anthropic.DefaultHttpxClient(**http_client_options(base_url)),
        )
        self.target = Target(
            "anthropic",
            self.model,
            str(self.client.base_url).rstrip("/"),
            "ANTHROPIC_API_KEY",
            "ANTHROPIC_BASE_URL",
        )

    def probe(self, timeout: float) -> None:
        """One models-endpoint request (the preflight); raises what a call would."""
        client = self.client.with_options(timeout=timeout, max_retries=0)
        call_with_retry(
            lambda: client.models.retrieve(self.model),
            PROBE_POLICY,
            lambda e: classify(e, anthropic, self.target),
            what="anthropic check",
        )

    def complete(self, request: LLMRequest) -> LLMResponse:
        started = time.monotonic()
        message, retries = call_with_retry(
            lambda: self._send(request),
            self.policy,
            lambda e: classify(e, anthropic, self.target),
            stop=request.stop or self.stop,
            what=f"anthropic {request.purpose}",
        )
        try:
            response = self._read(message, request)
        except UNREADABLE as exc:
            raise unreadable_answer(self.target, exc) from exc
        response.retries, response.seconds = retries, time.monotonic() - started
        return response

    def _send(self, request: LLMRequest) -> Any:
        schema = anthropic.transform_schema(request.response_model)
        return self.client.messages.create(
            model=self.model,
            max_tokens=request.max_tokens,
            system=_system(request),
            messages=[{"role": m.role, "content": m.content} for m in request.messages],
            output_config={"format": {"type": "json_schema", "schema": schema}},
        )

    def _read(self, message: Any, request: LLMRequest) -> LLMResponse:
        text = "".join(block.text for block in message.content if block.type == "text")
        if not text:  # a server that answered with a tool call instead
            text = next((_json(b.input) for b in message.content if b.type == "tool_use"), "")
        usage = message.usage
        response = LLMResponse(
            raw_text=text,
            input_tokens=usage.input_tokens or 0,
            output_tokens=usage.output_tokens or 0,
            cached_tokens=getattr(usage, "cache_read_input_tokens", None) or 0,
        )
        if message.stop_reason == "refusal":
            response.error = "the model refused to answer"
        else:
            truncated = message.stop_reason == "max_tokens"
            read_answer(response, request.response_model, truncated=truncated, max_tokens=request.max_tokens)
        return response


def _system(request: LLMRequest) -> Any:
    """The instructions, then the run's shared context marked for the prompt cache."""
    if not request.context:
        return request.system
    return [
        {"type": "text", "text": request.system},
        {"type": "text", "text": request.context, "cache_control": {"type": "ephemeral"}},
    ]


def _json(value: Any) -> str:
    return json.dumps(value)


def _base_url(settings: Any) -> str:
    """The SDK appends /v1/messages itself, so accept a base URL given with /v1 too."""
    url = (settings.base_url or "").rstrip("/")
    return url.removesuffix("/v1") or ANTHROPIC_HOST  # never the SDK's own environment lookup


def _api_key(settings: Any) -> str:
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else None
    if key:
        return key
    raise LLMConfigError(
        "No Anthropic API key is configured.", hint="set ANTHROPIC_API_KEY, or use --provider offline"
    )
