"""What only people know, and the change log, on the demo project (offline writer, real store)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document

from autodoc import pipeline
from autodoc.cli.main import main
from autodoc.errors import SpecError
from autodoc.pipeline.cache import load_state
from autodoc.settings import Settings
from autodoc.spec import load_spec
from tests.support.mlflow_fixtures import clone_store

REPO = Path(__file__).resolve().parent.parent
ANSWERS = {
    "intended_use": "Ranks fine-needle aspirates for pathologist review; it never makes a diagnosis.",
    "business_owner": "Oncology Analytics (Dr. Ana Ruiz).",
    "limitations": "Trained on 569 samples from one hospital; not validated on other populations.",
}


@pytest.fixture(scope="module")
def project(
    demo_store_uri: str, demo_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("people")
    shutil.copytree(demo_project, base / "code")
    shutil.copy(REPO / "doc_spec.yaml", base / "doc_spec.yaml")
    uri = clone_store(demo_store_uri, base / "store")
    return {"base": base, "spec": base / "doc_spec.yaml", "code": base / "code", "uri": uri}


def generate(project: dict[str, Any], out: Path) -> None:
    settings = Settings(code_root=str(project["code"]), mlflow_uri=project["uri"], output_dir=str(out))
    pipeline.generate(load_spec(project["spec"]), settings)


def questions(spec: Path, capsys: pytest.CaptureFixture) -> dict[str, Any]:
    assert main(["questions", "--spec", str(spec)]) == 0
    return yaml.safe_load(capsys.readouterr().out)


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_questions_then_answers_are_stated_with_their_source(project, tmp_path: Path, capsys) -> None:
    asked = questions(project["spec"], capsys)
    by_topic = {q["topic"]: q for q in asked["facts"]}
    assert {"intended_use", "business_owner", "limitations"} <= set(by_topic)
    assert by_topic["intended_use"]["section"] == "Executive Summary"
    assert by_topic["limitations"]["section"] == "Conclusion"
    for topic, answer in ANSWERS.items():  # the model owner fills in the questionnaire
        by_topic[topic].update(statement=answer, stated_by="Dr. Ana Ruiz", date="2026-11-20")
    (project["base"] / "autodoc_facts.yaml").write_text(yaml.safe_dump(asked, sort_keys=False))
    try:
        left = {q["topic"] for q in questions(project["spec"], capsys)["facts"]}
        assert left.isdisjoint(ANSWERS)  # nothing left for Executive Summary or Conclusion
        assert not [q for q in questions(project["spec"], capsys)["facts"] if q["section"] == "Conclusion"]
        generate(project, tmp_path / "out")
    finally:
        (project["base"] / "autodoc_facts.yaml").unlink()
    text = docx_text(tmp_path / "out" / "model_documentation.docx")
    for answer in ANSWERS.values():
        assert f"{answer} (stated by Dr. Ana Ruiz, 2026-11-20)" in text
    state = load_state(tmp_path / "out" / ".autodoc_cache.json")
    block = state.section("executive-summary").blocks[-1]
    assert block.id == "executive-summary.facts" and block.content.citations == []  # never mixed


def test_a_bad_facts_file_names_file_line_and_field(project, tmp_path: Path) -> None:
    spec = tmp_path / "doc_spec.yaml"
    shutil.copy(project["spec"], spec)
    (tmp_path / "autodoc_facts.yaml").write_text(
        "facts:\n  - topic: limitations\n    statement: small sample\n"
        "    stated_by: me\n    date: last week\n"
    )
    with pytest.raises(SpecError) as err:
        load_spec(spec)
    assert "autodoc_facts.yaml:5:" in str(err.value)
    assert "facts[1].date" in str(err.value)


def test_check_reports_statements_older_than_the_review_cadence(project, tmp_path: Path, capsys) -> None:
    spec = tmp_path / "doc_spec.yaml"
    shutil.copy(project["spec"], spec)
    (tmp_path / "autodoc_facts.yaml").write_text(
        "review:\n  owner: Dr. Ana Ruiz\n  last_reviewed: 2026-11-01\n  next_review: 2099-01-01\n"
        "  cadence: 12 months\nfacts:\n  - topic: limitations\n    statement: Small sample.\n"
        "    stated_by: J. Smith\n    date: 2020-01-15\n"
    )
    generate({**project, "spec": spec}, tmp_path / "out")
    argv = ["check", "--cache", str(tmp_path / "out" / ".autodoc_cache.json"), "--spec", str(spec)]
    assert main([*argv, "--mlflow-uri", project["uri"], "-c", str(project["code"])]) == 1
    out = capsys.readouterr().out
    assert "limitations: the statement stated by J. Smith, 2020-01-15 is older than the review cadence" in out
    text = docx_text(tmp_path / "out" / "model_documentation.docx")
    assert "Document owner" in text and "Dr. Ana Ruiz" in text and "2099-01-01" in text


def test_the_change_log_records_what_changed_between_builds(project, tmp_path: Path) -> None:
    code = tmp_path / "code"
    shutil.copytree(project["code"], code)
    run = {**project, "code": code}
    out = tmp_path / "out"
    generate(run, out)
    shutil.copytree(out, tmp_path / "v1")
    config = code / "config.yaml"
    config.write_text(config.read_text().replace("max_depth: 3", "max_depth: 4"))
    generate(run, out)
    caches = [str(tmp_path / "v1" / ".autodoc_cache.json"), str(out / ".autodoc_cache.json")]
    assert main(["diff", *caches, "--out", str(tmp_path / "redline.md")]) == 0
    text = (tmp_path / "redline.md").read_text()
    changed = [line for line in text.splitlines() if line.startswith("- ")]
    change = "model: gbm.max_depth: 3 -> 4 (config.yaml:20)"
    entry = f"v1.0 | {date.today().isoformat()} | {change} | Data Science Team"
    assert (
        changed
        == [  # exactly the changes made: the figure where it is stated, the log entry, the evidence
            # (the estimator's prose keeps the champion run's logged values: the config is a default)
            "- `config.yaml` sets logreg.C = 1.0, logreg.max_iter = 500, gbm.n_estimators = 120 "
            "(run gbm-shallow overrode it: 200), gbm.learning_rate = 0.1 and gbm.max_depth = ~~3~~ **4** "
            "(run gbm-shallow overrode it: 2).",
            f"- **{entry}**",
            "- hyperparameter: gbm.max_depth: 3 -> 4 (config.yaml:20)",
        ]
    )
    assert main(["diff", *caches, "--out", str(tmp_path / "r.docx")]) == 0
    body = Document(str(tmp_path / "r.docx")).element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    deleted = ["".join(t.text for t in d.iter(f"{w}delText")) for d in body.iter(f"{w}del")]
    inserted = ["".join(t.text for t in i.iter(f"{w}t")) for i in body.iter(f"{w}ins")]
    assert deleted == ["3 "]  # Word tracked changes a reviewer can accept or reject
    assert inserted[:1] == ["4 "] and len(inserted) == 2
    generate(run, out)  # nothing changed since: no new entry
    rows = load_state(out / ".autodoc_cache.json").section("change-log").blocks[0].content.rows
    assert [[c.value for c in r][2] for r in rows] == [
        "model: gbm.max_depth: 3 -> 4 (config.yaml:20)",
        "Initial documentation",
    ]
    assert (out / ".autodoc_snapshot.prev.json").is_file()
    assert "gbm.max_depth: 3 -> 4" in docx_text(out / "model_documentation.docx")


def test_a_secret_pasted_into_a_statement_never_reaches_the_document() -> None:
    from autodoc.check.people import fact_line
    from autodoc.facts import Fact

    key = "AKIA" + "IOSFODNN7EXAMPLE"
    line = fact_line(
        Fact(topic="approvals", statement=f"Approved; bucket key {key}", stated_by="me", date="2026-01-01")
    )
    assert key not in line and "Approved" in line and "(stated by me, 2026-01-01)" in line


def test_a_statement_for_a_section_the_spec_lacks_is_placed_by_topic() -> None:
    from autodoc.facts import Fact, section_for

    fact = Fact(topic="limitations", statement="s", stated_by="me", date="2026-01-01", section="Gone")
    assert section_for(fact, ["Executive Summary", "Conclusion"]) == "Conclusion"
