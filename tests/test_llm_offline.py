"""The offline provider: answers from the evidence with no network and no tokens."""

from __future__ import annotations

import socket
import threading

import pytest

from autodoc.document import NarrativeReply, PlanReply
from autodoc.errors import Cancelled, LLMError
from autodoc.evidence import EvidenceItem, Source
from autodoc.llm.base import LLMRequest, Message, PlanTask, WriteTask
from autodoc.llm.reask import ask
from autodoc.llm.registry import get_provider
from autodoc.settings import Settings
from tests.support.llm_fixtures import NetworkBlocked

EVIDENCE = [
    EvidenceItem(
        id="c:train.py:42:estimator",
        kind="estimator",
        label="GradientBoostingClassifier (train.py)",
        value="GradientBoostingClassifier",
        topics=["model"],
        source=Source(kind="code", path="train.py", line_start=42),
    ),
    EvidenceItem(
        id="r:3f2a1b9c:metric:auc",
        kind="run_metric",
        label="auc of run 3f2a1b9c",
        value=0.912,
        topics=["evaluation"],
        source=Source(kind="mlflow", run_id="3f2a1b9c" * 4),
    ),
]


def offline_request(task: PlanTask | WriteTask | None, model: type) -> LLMRequest:
    return LLMRequest(
        purpose="offline",
        system="",
        messages=[Message(role="user", content="")],
        response_model=model,
        task=task,
    )


def plan_task() -> PlanTask:
    return PlanTask(
        document_title="Churn model",
        section_id="model-overview",
        section_name="Model Overview",
        heading="Model Overview",
        evidence=EVIDENCE,
    )


def write_task() -> WriteTask:
    return WriteTask(
        document_title="Churn model",
        section_id="model-overview",
        section_name="Model Overview",
        heading="Model Overview",
        guidance="Describe the estimator and its AUC.",
        evidence=EVIDENCE,
        missing=["a validation report"],
    )


def test_network_guard_blocks_connections(no_network: None) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkBlocked), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))


def test_offline_provider_plans_and_writes_without_network(no_network: None) -> None:
    provider = get_provider(Settings(provider="offline"))
    assert (provider.name, provider.model) == ("offline", "offline")
    plan = ask(provider, offline_request(plan_task(), PlanReply))
    assert plan.ok and isinstance(plan.parsed, PlanReply)
    written = ask(provider, offline_request(write_task(), NarrativeReply))
    assert written.ok and isinstance(written.parsed, NarrativeReply)
    assert "[[" in written.parsed.text  # the offline writer cites its evidence
    for usage in (plan.usage, written.usage):
        assert usage.calls == 1 and usage.input_tokens == usage.output_tokens == 0 and usage.reasks == 0


def test_offline_provider_refuses_a_request_without_a_task(no_network: None) -> None:
    with pytest.raises(LLMError, match="no structured task"):
        get_provider(Settings(provider="offline")).complete(offline_request(None, NarrativeReply))


def test_offline_provider_honours_stop(no_network: None) -> None:
    stop = threading.Event()
    stop.set()
    provider = get_provider(Settings(provider="offline"), stop=stop)
    with pytest.raises(Cancelled):
        provider.complete(offline_request(write_task(), NarrativeReply))
