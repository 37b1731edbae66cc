"""`openai` provider: the official SDK, chat completions with native structured output.

Chat completions is what OpenAI-compatible servers (Azure OpenAI, vLLM, Ollama, llama.cpp)
speak, so it is the default; `api="responses"` uses the Responses API (api.openai.com).
Key and base URL come from the typed `Settings` only (the loader read the environment).
"""

from __future__ import annotations

import functools
import threading
import time
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

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
    import openai

OPENAI_HOST = "https://api.openai.com/v1"
NO_KEY = "not-needed"  # local OpenAI-compatible servers accept any key


class OpenAIProvider:
    name = "openai"

    def __init__(
        self,
        settings: Any,
        *,
        api: Literal["chat", "responses"] = "chat",
        stop: threading.Event | None = None,
    ) -> None:
        self.model = settings.model_name
        self.api = api
        self.stop = stop
        self.policy = RetryPolicy.from_settings(settings)
        base_url = settings.base_url or None  # resolved by the settings loader; the SDK must not re-read it
        self.client = openai.OpenAI(
            api_key=_api_key(settings, base_url),
            base_url=base_url or OPENAI_HOST,
            max_retries=0,
            timeout=settings.timeout,
            http_client=openai.DefaultHttpxClient(**http_client_options(base_url or OPENAI_HOST)),
        )
        self.official = base_url is None or base_url.rstrip("/") == OPENAI_HOST
        self.target = Target(
            "openai", self.model, str(self.client.base_url).rstrip("/"), "OPENAI_API_KEY", "OPENAI_BASE_URL"
        )

    def probe(self, timeout: float) -> None:
        """One models-endpoint request (the preflight); raises what a call would."""
        client = self.client.with_options(timeout=timeout, max_retries=0)
        ask = (lambda: client.models.retrieve(self.model)) if self.official else client.models.list
        call_with_retry(ask, PROBE_POLICY, lambda e: classify(e, openai, self.target), what="openai check")

    def complete(self, request: LLMRequest) -> LLMResponse:
        started = time.monotonic()
        send = self._send_responses if self.api == "responses" else self._send_chat
        raw, retries = call_with_retry(
            lambda: send(request),
            self.policy,
            lambda e: classify(e, openai, self.target),
            stop=request.stop or self.stop,
            what=f"openai {request.purpose}",
        )
        read = self._read_responses if self.api == "responses" else self._read_chat
        try:
            response = read(raw, request)
        except UNREADABLE as exc:
            raise unreadable_answer(self.target, exc) from exc
        response.retries, response.seconds = retries, time.monotonic() - started
        return response

    # -- chat completions ------------------------------------------------------------------
    def _send_chat(self, request: LLMRequest) -> Any:
        messages = [{"role": "system", "content": request.system_text()}]
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        # api.openai.com's reasoning models refuse max_tokens; compatible servers know max_tokens
        limit = {"max_completion_tokens" if self.official else "max_tokens": request.max_tokens}
        return self.client.chat.completions.with_raw_response.parse(
            model=self.model,
            messages=messages,
            response_format=strict_contract(request.response_model),
            **limit,
        )

    def _read_chat(self, raw: Any, request: LLMRequest) -> LLMResponse:
        data = raw.http_response.json()
        choice = (data.get("choices") or [{}])[0]
        text = (choice.get("message") or {}).get("content") or ""
        response = _response(text, data.get("usage") or {}, "prompt", "completion")
        _sdk_parse(raw, request, _chat_parsed, response)
        return response

    # -- responses -------------------------------------------------------------------------
    def _send_responses(self, request: LLMRequest) -> Any:
        return self.client.responses.with_raw_response.parse(
            model=self.model,
            instructions=request.system_text(),
            input=[{"role": m.role, "content": m.content} for m in request.messages],
            text_format=strict_contract(request.response_model),
            max_output_tokens=request.max_tokens,
        )

    def _read_responses(self, raw: Any, request: LLMRequest) -> LLMResponse:
        data = raw.http_response.json()
        text = "".join(
            part.get("text", "")
            for item in data.get("output") or []
            if item.get("type") == "message"
            for part in item.get("content") or []
            if part.get("type") == "output_text"
        )
        response = _response(text, data.get("usage") or {}, "input", "output")
        if data.get("status") == "incomplete":
            read_answer(response, request.response_model, truncated=True, max_tokens=request.max_tokens)
            return response
        _sdk_parse(raw, request, _responses_parsed, response)
        return response


def _response(text: str, usage: dict[str, Any], sent: str, received: str) -> LLMResponse:
    """The answer and its token counts; chat names them prompt/completion, responses input/output."""
    return LLMResponse(
        raw_text=text,
        input_tokens=usage.get(f"{sent}_tokens") or 0,
        output_tokens=usage.get(f"{received}_tokens") or 0,
        cached_tokens=(usage.get(f"{sent}_tokens_details") or {}).get("cached_tokens") or 0,
    )


@functools.lru_cache(maxsize=128)  # per-request contracts come and go
def strict_contract(model: type[BaseModel]) -> type[BaseModel]:
    """`model` with a JSON schema OpenAI's strict structured outputs accept.

    Pydantic writes discriminated unions as `oneOf` and keeps `default`s; api.openai.com
    answers 400 to both ("'oneOf' is not permitted"), and the SDK's strict-schema helper
    passes them through. This subclass only rewrites the schema (oneOf -> anyOf, const ->
    enum, defaults dropped since strict mode requires every property), so the SDK's parser
    still builds the answer; `_as_contract` turns it back into `model`.
    """

    class Contract(model):  # type: ignore[misc,valid-type]
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return openai_safe_schema(model.model_json_schema(*args, **kwargs))

    Contract.__name__ = Contract.__qualname__ = model.__name__
    return Contract


def openai_safe_schema(node: Any) -> Any:
    """A copy of a JSON schema without the keywords OpenAI's strict mode rejects."""
    if isinstance(node, list):
        return [openai_safe_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: openai_safe_schema(value)
        for key, value in node.items()
        if key not in ("default", "discriminator")
    }
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if "const" in out:  # the same constraint in the keyword every strict validator knows
        out["enum"] = [out.pop("const")]
    return out


def _as_contract(value: Any, model: type[BaseModel]) -> BaseModel:
    return value if type(value) is model else model.model_validate(value.model_dump())


def _chat_parsed(completion: Any) -> tuple[Any, str | None, str]:
    message = completion.choices[0].message
    return message.parsed, message.refusal, message.content or ""


def _responses_parsed(response: Any) -> tuple[Any, str | None, str]:
    return response.output_parsed, None, response.output_text or ""


def _sdk_parse(raw: Any, request: LLMRequest, pick: Any, response: LLMResponse) -> None:
    """Parse with the SDK's own structured-output parser; what it cannot read (fenced or
    truncated JSON, one invalid block) is read leniently from the answer's text."""
    model, limit = request.response_model, request.max_tokens
    try:
        value, refusal, _ = pick(raw.parse())
    except openai.LengthFinishReasonError:
        read_answer(response, model, truncated=True, max_tokens=limit)
        return
    except openai.ContentFilterFinishReasonError:
        response.error = "the answer was stopped by the server's content filter"
        return
    except ValidationError:
        read_answer(response, model, truncated=False, max_tokens=limit)
        return
    if refusal:
        response.error = f"the model refused: {refusal}"
    elif value is None:  # e.g. empty content: say what the contract wanted
        read_answer(response, model, truncated=False, max_tokens=limit)
    else:
        response.parsed = _as_contract(value, model)


def _api_key(settings: Any, base_url: str | None) -> str:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if key:
        return key
    if base_url and base_url.rstrip("/") != OPENAI_HOST:
        return NO_KEY
    raise LLMConfigError(
        "No OpenAI API key is configured.",
        hint="set OPENAI_API_KEY, point --base-url at an OpenAI-compatible server, or use --provider offline",
    )
