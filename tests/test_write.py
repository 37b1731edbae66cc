"""Writing one block against the fake server: grounding, claims the evidence does not
support, citation stripping, lists, and what a prompt carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autodoc.document import Block, ListPlan, NarrativePlan, Section
from autodoc.errors import LLMConfigError
from autodoc.evidence import EvidenceItem, EvidenceStore, Source
from autodoc.llm.registry import get_provider
from autodoc.pipeline.schedule import Session
from autodoc.plan.planner import assign_evidence, expand_sections
from autodoc.progress import Progress
from autodoc.write.context import context_for
from autodoc.write.narrative import WRITE_SECTION_ITEMS, build_write_request, write_text_block
from tests.support.builders.evidence import make_evidence, make_spec
from tests.support.fake_llm import FakeLLM
from tests.support.llm_fixtures import llm_settings

AUC = "r:b1b2c3d4:metric:auc"


def _section(evidence: EvidenceStore, sid: str = "validation") -> Section:
    sec = next(s for s in expand_sections(make_spec(), evidence) if s.id == sid)
    assign_evidence(sec, evidence)
    return sec


def _session(fake: FakeLLM, evidence: EvidenceStore) -> Session:
    return Session(get_provider(llm_settings(fake, "openai")), Progress(), evidence)


def _narrative(sec: Section, ids: list[str] | None = None) -> Block:
    return Block(
        id=f"{sec.id}.b1",
        plan=NarrativePlan(guidance="Describe the testing done.", evidence_ids=ids or [AUC]),
    )


def _kfold(path: str, line: int, **kw: Any) -> EvidenceItem:
    """A cross-validation (KFold) code fact at `path:line`."""
    return EvidenceItem(
        id=f"c:{path}:{line}:cv",
        kind="cv",
        label="KFold",
        value="KFold",
        source=Source(kind="code", path=path, line_start=line),
        **kw,
    )


def test_claimed_cross_validation_without_cv_evidence_is_reasked_then_flagged(fake_llm: FakeLLM) -> None:
    evidence = make_evidence()
    claim = {"text": f"The model was checked with stratified cross-validation [[{AUC}]]."}
    fake_llm.reply(claim, claim, claim)
    sec = _section(evidence)
    result = write_text_block(sec, _narrative(sec), evidence, _session(fake_llm, evidence), "Doc")
    assert len(fake_llm.requests) == 2  # first answer + 1 re-ask (it fixed nothing: not repeated)
    assert "cross-validation" in fake_llm.requests[1].text.split("cannot be used")[-1]
    assert result.status == "flagged"
    assert result.flags[0].figure == "cross-validation"


def test_saying_cross_validation_was_not_found_is_fine(fake_llm: FakeLLM) -> None:
    evidence = make_evidence()
    fake_llm.reply({"text": f"No cross-validation was found in the code; the AUC is 0.8731 [[{AUC}]]."})
    sec = _section(evidence)
    result = write_text_block(sec, _narrative(sec), evidence, _session(fake_llm, evidence), "Doc")
    assert (result.status, result.flags, len(fake_llm.requests)) == ("written", [], 1)
    assert result.content.citations == [AUC]


def test_cross_validation_backed_by_evidence_is_not_flagged(fake_llm: FakeLLM) -> None:
    evidence = make_evidence()
    evidence.items.append(_kfold("train.py", 30, topics=["validation"]))
    fake_llm.reply({"text": "The model is validated with cross-validation [[c:train.py:30:cv]]."})
    sec = _section(evidence)
    result = write_text_block(
        sec, _narrative(sec, ["c:train.py:30:cv"]), evidence, _session(fake_llm, evidence), "Doc"
    )
    assert (result.status, result.flags) == ("written", [])


def test_cv_only_in_legacy_code_does_not_back_a_claim_but_a_logged_cv_metric_does() -> None:
    from autodoc.write.claims import unsupported_claims

    evidence = make_evidence()
    evidence.items.append(_kfold("old.py", 3, live=False))
    claim = "The model was checked with cross-validation."
    assert unsupported_claims(claim, evidence)[0]
    evidence.items.append(
        EvidenceItem(
            id="r:b1b2c3d4:metric:cv_auc",
            kind="run_metric",
            label="cv_auc",
            value=0.85,
            source=Source(kind="mlflow", run_id="b1b2c3d4"),
        )
    )
    assert unsupported_claims(claim, evidence) == ([], [])


def test_unknown_citations_are_reasked_then_stripped(fake_llm: FakeLLM) -> None:
    evidence = make_evidence()
    bad = {"text": f"AUC is 0.8731 [[{AUC}]] and the data is clean [[c:made_up.py:1:fact]]."}
    fake_llm.reply(bad, bad, bad)
    sec = _section(evidence)
    result = write_text_block(sec, _narrative(sec), evidence, _session(fake_llm, evidence), "Doc")
    assert len(fake_llm.requests) == 2
    assert "made_up" not in result.content.text
    assert result.content.citations == [AUC]


def test_list_blocks_become_items_with_their_citations(fake_llm: FakeLLM) -> None:
    evidence = make_evidence()
    fake_llm.reply({"text": f"- AUC 0.8731 [[{AUC}]]\n- Split of 0.25 [[c:train.py:5:split]]"})
    sec = _section(evidence)
    block = Block(
        id="validation.b2", plan=ListPlan(guidance="facts", evidence_ids=[AUC, "c:train.py:5:split"])
    )
    result = write_text_block(sec, block, evidence, _session(fake_llm, evidence), "Doc")
    assert [i.evidence_ids for i in result.content.items] == [[AUC], ["c:train.py:5:split"]]


def test_prompt_carries_the_block_ids_then_a_capped_section_selection(fake_llm: FakeLLM) -> None:
    evidence = make_evidence(models=False)
    sec = _section(evidence, "executive-summary")
    block = _narrative(sec, ["c:train.py:10:estimator"])
    request = build_write_request(sec, block, evidence, "Doc", feedback="shorter")
    shared = {item.id for item in context_for("Doc", evidence).items}
    own = [i for i in request.evidence_ids if i not in shared]
    assert "c:train.py:10:estimator" in request.evidence_ids
    assert len(own) <= 1 + WRITE_SECTION_ITEMS
    prompt = request.messages[0].content
    assert "Reviewer feedback: shorter" in prompt and "Section 1: Executive Summary" in prompt
    assert request.task is not None and request.task.feedback == "shorter"


def test_a_wrong_key_fails_at_once_with_a_config_error(fake_llm: FakeLLM, tmp_path: Path) -> None:
    from autodoc import pipeline
    from autodoc.pipeline.cache import cache_path

    fake_llm.fault("401", count=50)
    settings = llm_settings(fake_llm, "openai", output_dir=str(tmp_path))
    with pytest.raises(LLMConfigError):
        pipeline.plan_and_write(make_spec(), make_evidence(), settings)
    assert len(fake_llm.requests) <= settings.planning_workers  # no call after the first 401s
    assert cache_path(tmp_path).is_file()


def test_egress_counts_the_redactions_behind_what_was_sent(fake_llm: FakeLLM) -> None:
    from autodoc.evidence import Redaction

    evidence = make_evidence()
    evidence.redactions = [
        Redaction(kind="aws_access_key", place="train.py:12", count=2),
        Redaction(kind="url_password", place="MLflow run b1b2c3d4 param db_url", count=1),
        Redaction(kind="sk_token", place="other.py:3", count=5),
    ]
    sec = _section(evidence)
    session = _session(fake_llm, evidence)
    write_text_block(sec, _narrative(sec, [AUC, "c:train.py:5:split"]), evidence, session, "Doc")
    (record,) = session.egress
    assert record.files == ["train.py"] and AUC in record.evidence_ids
    assert record.redactions_applied == 3
    assert record.chars > 500  # counts, ids and files: the record holds no prompt text
    assert "Describe the testing done" not in record.model_dump_json()


def test_every_call_shares_one_context_and_carries_nothing_twice_within_its_budget() -> None:
    evidence = make_evidence()
    sec = _section(evidence, "executive-summary")
    one = build_write_request(sec, _narrative(sec, []), evidence, "Doc")
    other = build_write_request(_section(evidence), _narrative(_section(evidence), []), evidence, "Doc")
    assert one.context == other.context and one.context.startswith("Document: Doc")
    assert "\nS1 | " in one.context  # the document's facts, by S handle
    prompt = one.messages[0].content
    lines = [ln for ln in prompt.splitlines() if " | " in ln]
    assert lines and not any(ln.startswith("S") for ln in lines)  # no shared fact repeated
    assert len({ln.split(" | ", 1)[1] for ln in lines}) == len(lines)
    budget = (one.prompt_chars() - 50) // 4  # a call that must leave out an evidence line
    small = build_write_request(sec, _narrative(sec, []), evidence, "Doc", budget_tokens=budget)
    assert small.prompt_chars() <= budget * 4 and len(small.evidence_ids) < len(one.evidence_ids)


@pytest.mark.parametrize("slip", ["{low}{n}", "{up}0{n}", "{up} {n}"])
def test_a_handle_copied_with_a_slip_still_cites_its_item_without_a_reask(
    fake_llm: FakeLLM, slip: str
) -> None:
    import json
    import re

    from tests.support.fake_llm import prompt_text

    def answer(body: dict[str, Any]) -> str:
        handle = re.search(r"^([SE])(\d+) \| [^\n]*\| 0\.8731$", prompt_text(body), re.M)
        assert handle is not None, "the AUC is listed by its handle"
        letter, n = handle.groups()
        return json.dumps(
            {"text": f"The AUC is 0.8731 [[{slip.format(low=letter.lower(), up=letter, n=n)}]]."}
        )

    fake_llm.responder = answer
    evidence = make_evidence()
    sec = _section(evidence)
    result = write_text_block(sec, _narrative(sec), evidence, _session(fake_llm, evidence), "Doc")
    assert len(fake_llm.requests) == 1
    assert (result.status, result.content.citations) == ("written", [AUC])


def test_a_monitoring_claim_needs_monitoring_code_and_advice_is_not_a_claim(fake_llm) -> None:
    from autodoc.write.claims import unsupported_claims

    evidence = make_evidence()  # no monitoring code
    for claim in (
        "The model is continuously monitored for data drift.",
        "A PSI check runs every month.",
        "Data drift is tracked, which can catch shifts early.",  # a modal after the claim: still one
    ):
        errors, flags = unsupported_claims(claim, evidence)
        assert [f.reason for f in flags] == ["describes monitoring, which the evidence does not show"], claim
        assert "no monitoring was found in the code or MLflow" in errors[0]
    for advice in (
        "Drift should be monitored after release.",
        "We recommend drift detection on new data.",
        "No drift monitoring was found.",
        "Cross-validation could strengthen the validation.",
    ):
        assert unsupported_claims(advice, evidence) == ([], []), advice
    evidence.items.append(
        EvidenceItem(
            id="c:watch.py:9:monitoring:drift",
            kind="monitoring",
            label="drift test: PSI",
            value="PSI",
            source=Source(kind="code", path="watch.py", line_start=9),
            live=True,
        )
    )
    assert unsupported_claims(
        "A PSI check runs every month [[c:watch.py:9:monitoring:drift]].", evidence
    ) == (
        [],
        [],
    )


def test_a_writer_is_told_the_registry_tags_and_description_people_wrote() -> None:
    """The owner, risk tier and validation status a registry holds, and its description, reach the
    LLM writer with the registered model's id; MLflow's own mlflow.* tags do not."""
    evidence = make_evidence()
    model = evidence.get("m:fraud_model")
    assert model is not None
    model.attrs["tags"] = {"owner": "risk-team", "risk_tier": "high", "mlflow.source.type": "LOCAL"}
    model.text = "Scores card transactions for fraud review."
    sec = _section(evidence, "executive-summary")
    request = build_write_request(sec, _narrative(sec, ["m:fraud_model"]), evidence, "Doc")
    prompt = "\n".join([request.system_text(), *(m.content for m in request.messages)])
    line = next(row for row in prompt.splitlines() if "registered model fraud_model" in row)
    assert "owner=risk-team" in line and "risk_tier=high" in line, line
    assert "Scores card transactions for fraud review." in line, line
    assert "mlflow.source" not in prompt
