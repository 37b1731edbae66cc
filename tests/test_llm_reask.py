"""The bounded re-ask through the real SDKs: the model is shown its error, at most twice, and
not again after a re-ask that fixed nothing."""

from __future__ import annotations

import re
import threading

import pytest
from pydantic import BaseModel

from autodoc.document import NarrativeReply, PlanReply
from autodoc.errors import LLMConfigError
from autodoc.llm.base import LLMRequest, Message
from autodoc.llm.reask import ask, with_reask
from autodoc.llm.registry import get_provider
from tests.support.fake_llm import FABRICATED_TEXT, FakeLLM
from tests.support.llm_fixtures import llm_settings

PROVIDERS = ["openai", "anthropic"]
EVIDENCE_VALUES = {"0.912", "0.87"}  # the figures this test's evidence holds


def narrative_request() -> LLMRequest:
    return LLMRequest(
        purpose="write overview.b1",
        system="You write model documentation from evidence only.",
        messages=[Message(role="user", content="Describe the model's accuracy (0.912) [[r:abc:m:acc]].")],
        response_model=NarrativeReply,
    )


def figures_grounded(reply: BaseModel) -> list[str]:
    """A stand-in grounding check: every figure must be an evidence value."""
    text = reply.text  # type: ignore[attr-defined]
    return [
        f"the figure {f} matches no evidence value; remove it or use an evidence value"
        for f in re.findall(r"\d+\.\d+", text)
        if f not in EVIDENCE_VALUES
    ]


def last_turns(fake: FakeLLM, index: int) -> list[dict]:
    return fake.requests[index].body["messages"][-2:]


@pytest.mark.parametrize("name", PROVIDERS)
def test_invalid_json_is_reasked_showing_the_error(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("invalid_json", text='{"text": "Accuracy is 0.912')
    result = ask(get_provider(llm_settings(fake_llm, name)), narrative_request())
    assert result.ok and isinstance(result.parsed, NarrativeReply)
    assert result.attempts == 2 and result.usage.reasks == 1 and result.usage.calls == 2
    answer, follow_up = last_turns(fake_llm, 1)
    assert answer == {"role": "assistant", "content": '{"text": "Accuracy is 0.912'}
    assert follow_up["role"] == "user" and "not valid JSON" in follow_up["content"]


@pytest.mark.parametrize("name", PROVIDERS)
def test_truncated_answer_is_reasked(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("truncate")
    result = ask(get_provider(llm_settings(fake_llm, name)), narrative_request())
    assert result.ok and result.usage.reasks == 1
    assert "cut off at the 2000-token limit" in fake_llm.requests[1].text


def test_schema_mismatch_is_reasked_naming_the_field(fake_llm: FakeLLM) -> None:
    fake_llm.reply({"blocks": []})
    request = narrative_request().model_copy(update={"response_model": PlanReply})
    result = ask(get_provider(llm_settings(fake_llm, "openai")), request)
    assert result.ok and isinstance(result.parsed, PlanReply)
    assert "does not match the schema: blocks:" in fake_llm.requests[1].text


@pytest.mark.parametrize("name", PROVIDERS)
def test_fabricated_figure_is_reasked_then_fixed(fake_llm: FakeLLM, name: str) -> None:
    fake_llm.fault("fabricated")
    fake_llm.reply({"text": "Accuracy is 0.912 on the test set [[r:abc:m:acc]]."})
    result = ask(get_provider(llm_settings(fake_llm, name)), narrative_request(), figures_grounded)
    assert result.ok and result.parsed.text.startswith("Accuracy is 0.912")  # type: ignore[union-attr]
    second = fake_llm.requests[1].text
    assert FABRICATED_TEXT in second  # the model sees its own answer...
    assert "the figure 0.9731 matches no evidence value" in second  # ...and what is wrong with it


def test_a_reask_that_fixes_nothing_is_not_repeated_and_errors_are_kept(fake_llm: FakeLLM) -> None:
    fake_llm.fault("fabricated", count=5)
    result = ask(get_provider(llm_settings(fake_llm, "anthropic")), narrative_request(), figures_grounded)
    assert not result.ok
    assert result.attempts == 2 and result.usage.reasks == 1 and len(fake_llm.requests) == 2
    assert any("0.9731" in e for e in result.errors)
    assert result.parsed == NarrativeReply(text=FABRICATED_TEXT)  # kept only to be flagged
    assert fake_llm.pending_faults() == 3


def test_gives_up_after_two_reasks_that_each_fix_something(fake_llm: FakeLLM) -> None:
    for figures in ("0.11, 0.22 and 0.33", "0.11 and 0.22", "0.11"):  # better each time, never right
        fake_llm.reply({"text": f"Accuracy is 0.912 [[r:abc:m:acc]]; other scores {figures}."})
    result = ask(get_provider(llm_settings(fake_llm, "openai")), narrative_request(), figures_grounded)
    assert result.attempts == 3 and result.usage.reasks == 2 and len(fake_llm.requests) == 3
    assert [e.split()[2] for e in result.errors] == ["0.11"]


def test_max_reasks_zero_asks_once(fake_llm: FakeLLM) -> None:
    fake_llm.fault("invalid_json")
    result = ask(get_provider(llm_settings(fake_llm, "openai")), narrative_request(), max_reasks=0)
    assert result.parsed is None and result.attempts == 1
    assert result.errors and "not valid JSON" in result.errors[0]


def test_usage_adds_up_over_attempts(fake_llm: FakeLLM) -> None:
    fake_llm.script("500", "invalid_json")
    request = narrative_request()
    result = ask(get_provider(llm_settings(fake_llm, "openai")), request)
    usage = result.usage
    assert usage.calls == 2 and usage.retries == 1 and usage.reasks == 1
    assert usage.input_tokens > 0 and usage.output_tokens > 0 and usage.seconds > 0
    assert usage.prompt_chars == request.prompt_chars() + result.request.prompt_chars()  # type: ignore[union-attr]
    assert result.request.prompt_chars() > request.prompt_chars()  # type: ignore[union-attr]


def test_transport_failure_is_not_reasked(fake_llm: FakeLLM) -> None:
    fake_llm.fault("401")
    with pytest.raises(LLMConfigError, match="OPENAI_API_KEY"):
        ask(get_provider(llm_settings(fake_llm, "openai")), narrative_request())
    assert len(fake_llm.requests) == 1


def test_reask_keeps_the_stop_flag_and_the_original_turns() -> None:
    stop = threading.Event()
    request = narrative_request().model_copy(update={"stop": stop})
    follow = with_reask(request, "", ["the answer is not valid JSON"])
    assert follow.stop is stop
    assert [m.role for m in follow.messages] == ["user", "assistant", "user"]
    assert follow.messages[1].content == "(empty answer)"  # APIs refuse empty turns
    assert request.request_hash("openai", "m") != follow.request_hash("openai", "m")
