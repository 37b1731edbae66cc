"""The bounded re-ask: when an answer is unusable, show the model its error and ask again.

Unusable means: not JSON, not the schema, cut off at the token limit (the provider reports
these as `LLMResponse.error`), or `validate(parsed)` returned errors (unknown evidence ids,
ungrounded figures...). Each re-ask appends the model's answer and a user turn naming the
problems; at most `max_reasks` (2) re-asks, and no further one after a re-ask that fixed
nothing (as many problems as before: the model cannot fix them, asking again costs a call
and the whole prompt). Transport failures are not re-asked: providers
raise `LLMError`/`LLMConfigError` (and `Cancelled` on stop), which pass straight through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from autodoc.document import Usage
from autodoc.llm.base import LLMRequest, LLMResponse, Message, Provider

Validator = Callable[[BaseModel], list[str]]
MAX_ERRORS_SHOWN = 12


@dataclass
class AskResult:
    """Outcome of `ask`.

    `parsed` is the last answer that matched the schema (None if none did); when `errors`
    is not empty the answer is still unusable after the re-asks: a caller may keep `parsed`
    only with its problems flagged. `ok` means parsed and no errors.
    """

    parsed: BaseModel | None
    errors: list[str]
    usage: Usage
    attempts: int
    raw_text: str
    request: LLMRequest | None = None  # the last request sent (with re-ask turns)
    responses: list[LLMResponse] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.parsed is not None and not self.errors


def ask(
    provider: Provider, request: LLMRequest, validate: Validator | None = None, max_reasks: int = 2
) -> AskResult:
    """Call `provider` and re-ask (at most `max_reasks` times) until the answer is usable."""
    usage = Usage()
    result = AskResult(parsed=None, errors=[], usage=usage, attempts=0, raw_text="")
    current = request
    while True:
        response = provider.complete(current)
        _count(usage, current, response)
        result.attempts += 1
        result.request, result.raw_text = current, response.raw_text
        result.responses.append(response)
        if response.parsed is not None:
            result.parsed = response.parsed
        before, result.errors = result.errors, _problems(response, validate)
        no_progress = result.attempts > 1 and len(result.errors) >= len(before)
        if not result.errors or result.attempts > max_reasks or no_progress:
            return result
        usage.reasks += 1
        current = with_reask(current, response.raw_text, result.errors)


def with_reask(request: LLMRequest, answer: str, errors: list[str]) -> LLMRequest:
    """The request plus the model's answer and a user turn that shows it its errors."""
    turns = [
        Message(role="assistant", content=answer.strip() or "(empty answer)"),
        Message(role="user", content=reask_prompt(errors)),
    ]
    return request.model_copy(update={"messages": [*request.messages, *turns]})


def reask_prompt(errors: list[str]) -> str:
    shown = errors[:MAX_ERRORS_SHOWN]
    more = [f"... and {len(errors) - len(shown)} more problems"] if len(errors) > len(shown) else []
    lines = "\n".join(f"- {e}" for e in [*shown, *more])
    return (
        "Your previous answer cannot be used:\n"
        f"{lines}\n"
        "Reply again with one complete JSON object that follows the required schema and fixes "
        "every problem listed. Use only evidence ids that were given, and state only figures "
        "that appear in the evidence."
    )


def _problems(response: LLMResponse, validate: Validator | None) -> list[str]:
    if response.error:
        return [response.error]
    if response.parsed is None:
        return ["the answer is empty"]
    return list(validate(response.parsed)) if validate else []


def _count(usage: Usage, request: LLMRequest, response: LLMResponse) -> None:
    usage.calls += 1
    usage.input_tokens += response.input_tokens
    usage.output_tokens += response.output_tokens
    usage.cached_tokens += response.cached_tokens
    usage.prompt_chars += request.prompt_chars()
    usage.retries += response.retries
    usage.seconds += response.seconds
