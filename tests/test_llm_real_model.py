"""Opt-in: a real (tiny) model behind an OpenAI-compatible server, through the real protocol.

Set `AUTODOC_REAL_MODEL_URL` (e.g. http://127.0.0.1:8080/v1 for llama-server serving
SmolLM2-135M-Instruct, see ../shared/ENVIRONMENT.md) and optionally
`AUTODOC_REAL_MODEL_NAME`. Such a model writes fluent nonsense, so these tests assert
structure only: the call completes, the answer follows the schema the server enforced,
usage is reported, and every figure it states is either grounded or flagged.
"""

from __future__ import annotations

import os

import pytest
from pydantic import BaseModel, Field

from autodoc.document import NarrativeReply
from autodoc.evidence import EvidenceItem, Source
from autodoc.llm.base import LLMRequest, Message
from autodoc.llm.reask import ask
from autodoc.llm.registry import get_provider
from autodoc.settings import Settings

URL = os.environ.get("AUTODOC_REAL_MODEL_URL")
pytestmark = [
    pytest.mark.realmodel,
    pytest.mark.slow,
    pytest.mark.skipif(not URL, reason="set AUTODOC_REAL_MODEL_URL to an OpenAI-compatible server"),
]


class Verdict(BaseModel):
    """A deliberately small contract a 135M model can fill inside its token budget."""

    summary: str = Field(max_length=160)
    complete: bool


def real_settings() -> Settings:
    return Settings(
        provider="openai",
        base_url=URL,
        model=os.environ.get("AUTODOC_REAL_MODEL_NAME", "smollm2"),
        openai_api_key="local-server-ignores-keys",
        timeout=120.0,
        max_retries=1,
        initial_backoff=0.5,
        max_backoff=2.0,
    )


def test_structured_output_through_the_real_protocol() -> None:
    request = LLMRequest(
        purpose="real model smoke",
        system="You answer in JSON.",
        max_tokens=200,
        messages=[Message(role="user", content="Is a model card with metrics complete? Answer briefly.")],
        response_model=Verdict,
    )
    result = ask(get_provider(real_settings()), request)
    assert result.usage.calls >= 1 and result.usage.input_tokens > 0
    assert isinstance(result.parsed, Verdict), result.errors
    assert len(result.parsed.summary) <= 160


def test_invented_figures_are_flagged() -> None:
    grounding = pytest.importorskip("autodoc.write.grounding")
    from autodoc.evidence import EvidenceStore

    item = EvidenceItem(
        id="r:3f2a1b9c:metric:auc",
        kind="run_metric",
        label="auc of run 3f2a1b9c",
        value=0.912,
        topics=["evaluation"],
        source=Source(kind="mlflow", run_id="3f2a1b9c"),
    )
    store = EvidenceStore(created_at="2026-01-01T00:00:00Z", generator_version="test", items=[item])
    request = LLMRequest(
        purpose="real model narrative",
        system="Write one short paragraph of model documentation.",
        max_tokens=300,
        response_model=NarrativeReply,
        messages=[
            Message(
                role="user",
                content="Evidence: r:3f2a1b9c:metric:auc = 0.912 (AUC). "
                "Describe the model's performance with its figures and cite [[r:3f2a1b9c:metric:auc]].",
            )
        ],
    )

    def validate(reply: BaseModel) -> list[str]:
        return grounding.check(reply.text, store).errors()  # type: ignore[attr-defined]

    result = ask(get_provider(real_settings()), request, validate)
    assert result.attempts <= 3
    if result.parsed is None:  # a tiny model may ramble past its budget: that must be reported
        assert any("cut off" in e or "schema" in e or "JSON" in e for e in result.errors)
        return
    check = grounding.check(result.parsed.text, store)  # type: ignore[attr-defined]
    # every invented figure or citation is caught: the answer is usable only if it is clean
    assert check.ok == (not result.errors)
    assert all(f.figure not in {"0.912", "91.2%"} for f in check.flags)
