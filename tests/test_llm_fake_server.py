"""The fake LLM server speaks the wire protocols well enough for the SDKs' own parsers."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import anthropic
import openai
import pytest
from pydantic import BaseModel

from autodoc.document import ChartPlan, NarrativeReply, PlanReply, Section, TablePlan
from autodoc.llm.base import LLMRequest, Message
from autodoc.llm.registry import get_provider
from tests.support.fake_llm import FakeLLM, minimal_instance
from tests.support.llm_fixtures import llm_settings

KEY = "sk-test-secret-value"


def anthropic_client(fake: FakeLLM) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=KEY, base_url=fake.anthropic_url, max_retries=0)


def openai_client(fake: FakeLLM) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url=fake.openai_url, max_retries=0)


def test_anthropic_messages_parse_reads_structured_output(fake_llm: FakeLLM) -> None:
    fake_llm.reply({"text": "A gradient-boosted churn model [[code:train.py:12]]."})
    message = anthropic_client(fake_llm).messages.parse(
        model="fake-model",
        max_tokens=500,
        output_format=NarrativeReply,
        messages=[{"role": "user", "content": "write"}],
    )
    assert message.parsed_output == NarrativeReply(
        text="A gradient-boosted churn model [[code:train.py:12]]."
    )
    assert message.usage.input_tokens > 0
    assert fake_llm.requests[0].body["output_config"]["format"]["type"] == "json_schema"


def test_anthropic_forced_tool_is_answered_with_tool_use(fake_llm: FakeLLM) -> None:
    schema = NarrativeReply.model_json_schema()
    message = anthropic_client(fake_llm).messages.create(
        model="fake-model",
        max_tokens=500,
        messages=[{"role": "user", "content": "write"}],
        tools=[{"name": "answer", "description": "the answer", "input_schema": schema}],
        tool_choice={"type": "tool", "name": "answer"},
    )
    (block,) = message.content
    assert block.type == "tool_use" and block.name == "answer"
    assert NarrativeReply.model_validate(block.input)
    assert message.stop_reason == "tool_use"


def test_openai_chat_and_responses_parse(fake_llm: FakeLLM) -> None:
    client = openai_client(fake_llm)
    chat = client.chat.completions.parse(
        model="fake-model", messages=[{"role": "user", "content": "plan"}], response_format=PlanReply
    )
    assert isinstance(chat.choices[0].message.parsed, PlanReply)
    assert chat.usage is not None and chat.usage.completion_tokens > 0
    response = client.responses.parse(model="fake-model", input="plan", text_format=PlanReply)
    assert isinstance(response.output_parsed, PlanReply)
    assert response.usage is not None and response.usage.output_tokens > 0


def test_truncation_uses_each_protocols_marker(fake_llm: FakeLLM) -> None:
    fake_llm.fault("truncate", count=2)
    with pytest.raises(openai.LengthFinishReasonError):
        openai_client(fake_llm).chat.completions.parse(
            model="m", messages=[{"role": "user", "content": "x"}], response_format=NarrativeReply
        )
    message = anthropic_client(fake_llm).messages.create(
        model="m", max_tokens=10, messages=[{"role": "user", "content": "x"}]
    )
    assert message.stop_reason == "max_tokens"


def test_requests_are_recorded_without_secrets(fake_llm: FakeLLM) -> None:
    anthropic_client(fake_llm).messages.create(
        model="m", max_tokens=10, messages=[{"role": "user", "content": "hello"}]
    )
    openai_client(fake_llm).chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert [r.path for r in fake_llm.requests] == ["/v1/messages", "/v1/chat/completions"]
    for record in fake_llm.requests:
        assert KEY not in str(record.headers)
        assert "authorization" not in record.headers and "x-api-key" not in record.headers
    assert fake_llm.requests[0].text == "hello"


def test_faults_filter_by_path_and_body(fake_llm: FakeLLM) -> None:
    fake_llm.fault("500", path="messages")
    fake_llm.fault("401", match="section B")
    openai_settings = llm_settings(fake_llm, "openai", max_retries=0)
    request = LLMRequest(
        purpose="p",
        system="s",
        messages=[Message(role="user", content="section A")],
        response_model=NarrativeReply,
    )
    assert get_provider(openai_settings).complete(request).retries == 0  # 500 is for /messages only
    assert fake_llm.pending_faults() == 2
    fake_llm.fault("500", match=lambda body: body.get("model") == "other")
    assert fake_llm.pending_faults() == 3
    fake_llm.reset()
    assert fake_llm.pending_faults() == 0 and fake_llm.requests == []


def test_latency_is_served_concurrently(fake_llm: FakeLLM) -> None:
    fake_llm.latency = 0.3
    provider = get_provider(llm_settings(fake_llm, "openai"))
    request = LLMRequest(
        purpose="p", system="s", messages=[Message(role="user", content="x")], response_model=NarrativeReply
    )
    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        replies = list(pool.map(lambda _: provider.complete(request), range(32)))
    elapsed = time.monotonic() - started
    assert all(r.parsed is not None for r in replies)
    assert 0.6 <= elapsed < 3.5  # two waves of 16 at 0.3 s, not 32 x 0.3 s = 9.6 s
    assert len(fake_llm.requests) == 32


def test_responder_sees_the_request(fake_llm: FakeLLM) -> None:
    fake_llm.responder = lambda body: {"text": f"model was {body['model']}"}
    reply = get_provider(llm_settings(fake_llm, "anthropic", model="claude-x")).complete(
        LLMRequest(
            purpose="p",
            system="s",
            messages=[Message(role="user", content="x")],
            response_model=NarrativeReply,
        )
    )
    assert reply.parsed == NarrativeReply(text="model was claude-x")


@pytest.mark.parametrize("model", [PlanReply, TablePlan, ChartPlan, Section, NarrativeReply])
def test_minimal_instance_satisfies_the_schema(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    assert model.model_validate(minimal_instance(schema, schema))
