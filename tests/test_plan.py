"""Section expansion and planning (per_model numbering, headings, stable ids, plan checks)."""

from __future__ import annotations

from autodoc.plan.planner import expand_sections, slug
from autodoc.spec import SectionSpec, Spec
from tests.support.builders.evidence import (
    make_evidence,
    make_spec,
)


def test_per_model_section_expands_to_numbered_subsections_headed_by_model() -> None:
    sections = expand_sections(make_spec(), make_evidence())
    assert [(s.number, s.heading) for s in sections] == [
        ("1", "Executive Summary"),
        ("2", "Model Performance"),
        ("2.1", "churn_model"),
        ("2.2", "fraud_model"),
        ("3", "Validation"),
    ]
    parent = sections[1]
    assert parent.is_container and not parent.blocks
    assert [s.level for s in sections[2:4]] == [2, 2]
    assert [s.model for s in sections[2:4]] == ["churn_model", "fraud_model"]


def test_section_ids_are_stable_slugs_and_unique() -> None:
    first = [s.id for s in expand_sections(make_spec(), make_evidence())]
    second = [s.id for s in expand_sections(make_spec(), make_evidence())]
    assert first == second
    assert first == [
        "executive-summary",
        "model-performance",
        "model-performance--churn_model",
        "model-performance--fraud_model",
        "validation",
    ]
    assert slug("Data & Features (v2)") == "data-features-v2"


def test_no_two_identical_headings_even_when_a_model_is_named_like_a_section() -> None:
    spec = Spec(
        title="t",
        sections=[
            SectionSpec(name="churn_model"),
            SectionSpec(name="Perf", per_model=True),
            SectionSpec(name="Perf", per_model=True),
        ],
    )
    headings = [s.heading.casefold() for s in expand_sections(spec, make_evidence())]
    assert len(headings) == len(set(headings))


def test_per_model_section_without_models_says_none_were_found() -> None:
    sections = expand_sections(make_spec(), make_evidence(models=False))
    perf = sections[1]
    assert (perf.number, perf.heading, perf.is_container) == ("2", "Model Performance", False)
    assert perf.status == "written"
    assert "No registered models were found" in perf.blocks[0].content.text
    assert [s.number for s in sections] == ["1", "2", "3"]
    code_only = make_evidence(models=False).model_copy(update={"mlflow": None})
    text = expand_sections(make_spec(), code_only)[1].blocks[0].content.text
    assert text.startswith("No MLflow tracking server was configured") and text.count("MLflow") == 1


def _plan(fake_llm, *replies, feedback=None):  # type: ignore[no-untyped-def]
    from autodoc.llm.registry import get_provider
    from autodoc.pipeline.schedule import Session
    from autodoc.plan.planner import assign_evidence, plan_section
    from autodoc.progress import Progress
    from tests.support.llm_fixtures import llm_settings

    evidence = make_evidence()
    section = expand_sections(make_spec(), evidence)[2]  # 2.1 churn_model
    assign_evidence(section, evidence)
    fake_llm.reply(*replies)
    session = Session(get_provider(llm_settings(fake_llm, "openai")), Progress(), evidence)
    return plan_section(section, evidence, session, "Doc", feedback=feedback, mode="llm")


INVENTED = {"type": "narrative", "guidance": "x", "evidence_ids": ["c:nope.py:1:fact"]}
TABLE = {"type": "table", "title": "Versions", "kind": "model_versions", "model": "churn_model"}


def test_the_plan_request_names_evidence_by_handle_and_offers_only_what_exists(fake_llm) -> None:  # type: ignore[no-untyped-def]
    from tests.support.fake_llm import request_schema

    _plan(fake_llm, {"blocks": [TABLE]}, feedback="add a versions table")
    first = fake_llm.requests[0]
    assert (
        "Section 2.1: churn_model" in first.text and "Reviewer feedback: add a versions table" in first.text
    )
    evidence = first.text.split("Evidence (handle")[-1]
    assert "\nE1 | " in evidence and "mv:" not in evidence and "fraud_model" not in evidence
    defs = request_schema(first.body)["$defs"]
    assert defs["ModelName"]["enum"] == ["churn_model"]  # a subsection may name its own model only
    assert defs["EvidenceHandle"]["enum"][0] == "E1"


def test_an_invalid_block_is_dropped_alone_and_said(fake_llm) -> None:  # type: ignore[no-untyped-def]
    result = _plan(fake_llm, {"blocks": [INVENTED, TABLE]}, feedback="add a versions table")
    assert len(fake_llm.requests) == 1  # one usable block: no re-ask
    assert [b.plan.type for b in result.blocks] == ["narrative", "table"]  # prose from the default plan
    assert result.blocks[1].plan.source.model == "churn_model"
    assert [b.id for b in result.blocks] == [
        "model-performance--churn_model.b1",
        "model-performance--churn_model.b2",
    ]
    assert result.error and "1 planned block(s) the evidence cannot fill were left out" in result.error
    assert result.usage.dropped_blocks == 1 and result.usage.plan_fallbacks == 0


def test_a_plan_with_no_usable_block_is_reasked_then_the_deterministic_plan_is_used(fake_llm) -> None:  # type: ignore[no-untyped-def]
    result = _plan(fake_llm, *[{"blocks": [INVENTED]}] * 3)  # never corrected
    assert len(fake_llm.requests) == 2  # the re-ask fixed nothing: it is not repeated
    assert "cannot be used" in fake_llm.requests[1].text
    assert result.blocks and result.blocks[0].plan.type == "narrative"
    assert result.error and "the deterministic plan was used" in result.error
    assert result.usage.plan_fallbacks == 1 and result.usage.reasks == 1
