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


def test_a_plan_naming_missing_evidence_is_reasked(fake_llm) -> None:  # type: ignore[no-untyped-def]
    from autodoc.llm.registry import get_provider
    from autodoc.pipeline.schedule import Session
    from autodoc.plan.planner import assign_evidence, plan_section
    from autodoc.progress import Progress
    from tests.support.llm_fixtures import llm_settings

    evidence = make_evidence()
    section = expand_sections(make_spec(), evidence)[2]  # 2.1 churn_model
    assign_evidence(section, evidence)
    invented = {"type": "narrative", "guidance": "x", "evidence_ids": ["c:nope.py:1:fact"]}
    table = {
        "type": "table",
        "title": "Versions",
        "source": {"kind": "model_versions", "model": "churn_model"},
    }
    fake_llm.reply({"blocks": [invented, table]}, {"blocks": [table]})
    session = Session(get_provider(llm_settings(fake_llm, "openai")), Progress(), evidence)
    result = plan_section(section, evidence, session, "Doc", feedback="add a versions table")
    assert len(fake_llm.requests) == 2
    assert "c:nope.py:1:fact" in fake_llm.requests[1].text.split("cannot be used")[-1]
    assert [b.plan.type for b in result.blocks] == ["table"]
    assert [b.id for b in result.blocks] == ["model-performance--churn_model.b1"]
    first = fake_llm.requests[0].text
    assert "Section 2.1: churn_model" in first and "Reviewer feedback: add a versions table" in first
    assert "mv:churn_model:2" in first and "fraud_model" not in first.split("Evidence")[-1]
    assert result.usage.reasks == 1


def test_blocks_still_naming_missing_evidence_after_reasks_are_dropped_and_said(fake_llm) -> None:  # type: ignore[no-untyped-def]
    from autodoc.llm.registry import get_provider
    from autodoc.pipeline.schedule import Session
    from autodoc.plan.planner import assign_evidence, plan_section
    from autodoc.progress import Progress
    from tests.support.llm_fixtures import llm_settings

    evidence = make_evidence()
    section = expand_sections(make_spec(), evidence)[2]
    assign_evidence(section, evidence)
    invented = {"type": "narrative", "guidance": "x", "evidence_ids": ["c:nope.py:1:fact"]}
    table = {
        "type": "table",
        "title": "Versions",
        "source": {"kind": "model_versions", "model": "churn_model"},
    }
    fake_llm.reply(*[{"blocks": [invented, table]}] * 3)  # never corrected
    session = Session(get_provider(llm_settings(fake_llm, "openai")), Progress(), evidence)
    result = plan_section(section, evidence, session, "Doc")
    assert [b.plan.type for b in result.blocks] == ["table"]
    assert result.error and "1 planned block(s) named evidence that does not exist" in result.error
