"""The app's "Update document" panel and the questions form, on the demo project (offline writer)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autodoc.pipeline.cache import load_state

from .test_app import isolate, texts
from .test_app_flows import configured, finish

pytestmark = pytest.mark.slow


def test_check_then_update_rewrites_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_project: Path, demo_store_uri: str
) -> None:
    clean = isolate(tmp_path, monkeypatch)
    code = clean / "code"
    shutil.copytree(demo_project, code)
    out = clean / "out"
    at = configured(code, demo_store_uri, out)
    at.button(key="act_generate").click().run()
    finish(at)
    config = code / "config.yaml"
    config.write_text(config.read_text().replace("learning_rate: 0.1", "learning_rate: 0.2"))
    at.button(key="upd_check").click().run()
    finish(at)
    shown = texts(at.markdown)
    assert any("gbm.learning_rate: 0.1 -> 0.2" in t for t in shown)
    assert any("block(s) rewritten" in t for t in shown)
    before = {b.id: b.content for _, b in load_state(out / ".autodoc_cache.json").blocks()}
    at.button(key="upd_go").click().run()
    finish(at)
    after = load_state(out / ".autodoc_cache.json")
    assert any("0.2" in (b.content.model_dump_json() if b.content else "") for _, b in after.blocks())
    kept = [b.id for _, b in after.blocks() if b.id in before and b.content == before[b.id]]
    assert kept  # the blocks whose evidence did not change are reused as they were
    assert (out / ".autodoc_cache.prev.json").is_file()


def test_answers_in_the_form_reach_the_spec_and_the_facts_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_project: Path, demo_store_uri: str
) -> None:
    clean = isolate(tmp_path, monkeypatch)
    out = clean / "out"
    out.mkdir()
    at = configured(demo_project, demo_store_uri, out)
    at.text_area(key="q_intended_use_text").input("Triage of aspirates before pathologist review.")
    at.text_input(key="q_intended_use_who").input("Dr. Ana Ruiz")
    at.button[[b.label for b in at.button].index("Save answers")].click().run()
    assert not at.exception, at.exception
    facts = at.session_state["spec"] and at.session_state["people_facts"]
    assert [f.topic for f in facts] == ["intended_use"]
    assert "Dr. Ana Ruiz" in (out / "autodoc_facts.yaml").read_text()
    assert not any("What is the model intended to be used for" in t.label for t in at.text_area)
