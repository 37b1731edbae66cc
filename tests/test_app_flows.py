"""The app running the real pipeline (offline writer) on the demo project and MLflow store."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from autodoc import pipeline
from autodoc.settings import Settings
from autodoc.spec import load_spec, parse_spec, template_text
from autodoc.ui.jobs import Job

from .test_app import APP, isolate, section_labels, texts

pytestmark = pytest.mark.slow


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


def configured(demo_project: Path, store: str, out: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="opt_code_root").input(str(demo_project))
    at.text_input(key="opt_output_dir").input(str(out))
    at.text_input(key="opt_mlflow_uri").input(store)
    at.run()
    assert not at.exception, at.exception
    return at


def finish(at: AppTest, timeout: float = 120) -> None:
    """Wait for the session's job thread, then run the script once (as the poller would)."""
    job = at.session_state["job"]
    assert job is not None, "no job was started"
    assert job.join(timeout), f"{job.label} did not finish in {timeout} s"
    at.run()
    assert not at.exception, at.exception


def open_all(at: AppTest, view: str = "wr") -> None:
    """Press "Open every section" (a long document shows only the section left to review)."""
    at.button(key=f"{view}_open_all").click().run()
    assert not at.exception, at.exception


def stop(at: AppTest, job: Job, now: bool = False) -> None:
    """Press Stop (and with `now`, Stop now): the job ends and the page says it stopped."""
    at.button(key="act_stop").click().run()
    assert not at.exception, at.exception
    if now:
        assert any("running ones may finish within 10 s" in c for c in texts(at.caption))
        assert not job.progress.stop_expired  # the calls in flight are given the grace period
        at.button(key="act_stop_now").click().run()
        assert job.progress.stop_expired  # no longer waited for
    assert job.join(120), "the job did not stop"
    at.run()
    assert any("stopped" in t for t in texts(at.warning))
    assert not any("hint:" in t or "command" in t for t in texts(at.warning))  # the app's words
    assert any(":orange-badge[stopped]" in m for m in texts(at.markdown))
    assert not any("[finished]" in m for m in texts(at.markdown))


@pytest.fixture(scope="module")
def generated(demo_project: Path, demo_store_uri: str, tmp_path_factory: pytest.TempPathFactory):
    """A document generated once with the offline writer (seeds the review tests)."""
    out = tmp_path_factory.mktemp("generated")
    spec = parse_spec(template_text("default"), "default")
    settings = Settings(code_root=str(demo_project), output_dir=str(out), mlflow_uri=demo_store_uri)
    return pipeline.generate(spec, settings)


def test_generate_offline_finishes_with_downloads(
    clean_env: Path, demo_project: Path, demo_store_uri: str
) -> None:
    out = clean_env / "out"
    at = configured(demo_project, demo_store_uri, out)
    uid = at.session_state["spec_rows"][0]["uid"]
    at.text_area(key=f"sec_hint_{uid}").input("Two sentences for executives.").run()
    at.button(key="act_generate").click().run()
    assert at.session_state["job"].running or at.session_state["job"].done
    finish(at)
    assert any("Generate documentation finished" in t for t in texts(at.success))
    labels = [b.label for b in at.download_button]
    for label in ("⬇ Word document", "⬇ Cache", "⬇ Evidence", "⬇ Run report"):
        assert label in labels
    outputs = at.session_state["outputs"]
    assert outputs.docx.is_file() and outputs.docx.stat().st_size > 10_000
    doc = at.session_state["doc"]
    assert doc.sections[0].hint == "Two sentences for executives."
    assert any("offline writer" in n for n in doc.notes)
    # the run's progress shows the four phases with their counts
    bars = [p.proto.text for p in at.get("progress")]
    assert [b.split()[0] for b in bars] == ["Scanning", "Planning", "Generating", "Building"]
    assert all("/" in b for b in bars)
    assert any(e.label.startswith("Logs (") for e in at.expander)
    assert at.radio(key="view_pick").value == "Write review"
    assert section_labels(at)[0].startswith("**1 Executive Summary**")
    # the scan overview lists registered models and runs, failed ones included
    at.radio(key="view_pick").set_value("Scan overview").run()
    frames = [f.value for f in at.main.dataframe]
    runs = next(f for f in frames if "status" in f.columns and "experiment" in f.columns)
    assert "FAILED" in set(runs["status"])
    models = next(f for f in frames if "aliases" in f.columns)
    assert {"breast_cancer_logreg", "breast_cancer_gbm"} <= set(models["model"])


def _seed(at: AppTest, result: pipeline.RunResult) -> None:
    at.session_state["doc"] = result.state.model_copy(deep=True)
    at.session_state["evidence"] = result.evidence
    at.session_state["view"] = "Write review"
    at.run()


def _regenerate(at: AppTest, section_id: str, feedback: str) -> None:
    at.button(key=f"rg_{section_id}").click().run()
    at.text_area(key=f"fb_{section_id}").input(feedback).run()
    at.button(key=f"fb_go_{section_id}").click().run()
    finish(at)


def test_regeneration_changes_only_its_section_and_keeps_approved(
    clean_env: Path, demo_project: Path, demo_store_uri: str, generated: pipeline.RunResult
) -> None:
    at = configured(demo_project, demo_store_uri, clean_env / "out")
    _seed(at, generated)
    at.session_state["outputs"] = generated.outputs  # files built before the review
    doc = at.session_state["doc"]
    first, target = doc.sections[0].id, doc.sections[1].id
    at.button(key=f"ap_{first}").click().run().run()  # the click reruns its section; then the page
    before = {s.id: s.model_dump_json() for s in at.session_state["doc"].sections}
    _regenerate(at, target, "Mention the row count first.")
    after = at.session_state["doc"]
    changed = [s.id for s in after.sections if s.model_dump_json() != before[s.id]]
    assert changed == [target]
    assert after.section(first).status == "approved"
    assert all(b.feedback == "Mention the row count first." for b in after.section(target).blocks)
    assert any(f"Regenerating {after.section(target).heading} finished" in t for t in texts(at.success))
    # the Word document is rebuilt in the background with the regenerated section
    rebuild = at.session_state["rebuild"]
    assert rebuild is not None and rebuild.rev == at.session_state["doc_rev"]
    assert rebuild.join(120) and rebuild.error is None
    assert rebuild.result.docx.parent == clean_env / "out"


def test_feedback_the_offline_writer_cannot_follow_is_said_next_to_the_section(
    clean_env: Path, demo_project: Path, demo_store_uri: str, generated: pipeline.RunResult
) -> None:
    at = configured(demo_project, demo_store_uri, clean_env / "out")
    _seed(at, generated)
    sid = at.session_state["doc"].sections[0].id  # open: the first section left to review
    _regenerate(at, sid, "Make it sound like a poem.")
    notes = [i for i in texts(at.main.info) if i.startswith("Feedback not followed.")]
    assert len(notes) == 1 and "needs an LLM provider" in notes[0] and "poem" in notes[0]
    assert at.session_state["view"] == "Write review"
    assert section_labels(at)[0].startswith("**1 ")  # the note stands in the first section
    _regenerate(at, sid, "Shorter.")  # a request it follows needs no note
    assert not [i for i in texts(at.main.info) if i.startswith("Feedback not followed.")]


def test_regenerating_one_block_leaves_the_rest_of_its_section(
    clean_env: Path, demo_project: Path, demo_store_uri: str, generated: pipeline.RunResult
) -> None:
    at = configured(demo_project, demo_store_uri, clean_env / "out")
    _seed(at, generated)
    open_all(at)
    sec = next(s for s in at.session_state["doc"].sections if len(s.blocks) > 1)
    target = sec.blocks[0].id
    before = {b.id: b.model_dump_json() for b in sec.blocks}
    at.button(key=f"rg_{sec.id}").click().run()
    at.selectbox(key=f"fb_block_{sec.id}").select(target).run()
    at.text_area(key=f"fb_{sec.id}").input("Shorter.").run()
    at.button(key=f"fb_go_{sec.id}").click().run()
    finish(at)
    after = at.session_state["doc"].section(sec.id)
    assert after.blocks[0].feedback == "Shorter."
    assert {b.id: b.model_dump_json() for b in after.blocks[1:]} == {k: before[k] for k in list(before)[1:]}


def test_regenerating_an_approved_section_keeps_its_blocks(
    clean_env: Path, demo_project: Path, demo_store_uri: str, generated: pipeline.RunResult
) -> None:
    at = configured(demo_project, demo_store_uri, clean_env / "out")
    _seed(at, generated)
    sid = at.session_state["doc"].sections[0].id
    at.button(key=f"ap_{sid}").click().run().run()  # Approve folds the section: open it again
    open_all(at)
    before = at.session_state["doc"].section(sid).model_dump_json()
    _regenerate(at, sid, "Shorter.")
    assert at.session_state["doc"].section(sid).model_dump_json() == before


def test_plan_then_write_step_by_step(clean_env: Path, demo_project: Path, demo_store_uri: str) -> None:
    at = configured(demo_project, demo_store_uri, clean_env / "out")
    at.button(key="act_plan").click().run()
    finish(at)
    doc = at.session_state["doc"]
    assert at.radio(key="view_pick").value == "Plan review"
    planned = [s for s in doc.sections if not s.is_container]
    assert planned and all(b.content is None for s in planned for b in s.blocks)
    open_all(at, "pl")
    assert at.button(key=f"rm_{planned[0].blocks[0].id}").disabled == (len(planned[0].blocks) == 1)
    sec = next(s for s in planned if len(s.blocks) > 1)
    removed = sec.blocks[-1].id
    at.button(key=f"rm_{removed}").click().run()
    assert at.button(key=f"pa_{sec.id}")  # the click reran its section (AppTest holds only that)
    at.run()
    at.button(key="act_write").click().run()
    finish(at)
    doc = at.session_state["doc"]
    assert removed not in [b.id for b in doc.section(sec.id).blocks]
    assert all(b.content is not None for s in doc.sections for b in s.blocks if b.status != "failed")
    at.checkbox(key="opt_notebook").check().run()
    at.button(key="act_build").click().run()
    finish(at)
    labels = [b.label for b in at.download_button]
    assert "⬇ Word document" in labels and "⬇ Notebook" in labels
    assert (clean_env / "out" / "model_docs_notebook.ipynb").is_file()


def test_stop_returns_quickly_and_leaves_no_partial_files(
    clean_env: Path, demo_project: Path, demo_store_uri: str, fake_llm
) -> None:
    fake_llm.latency = 0.5  # the offline writer finishes the demo in under half a second: too soon to stop
    out = clean_env / "out"
    at = _llm_app(demo_project, demo_store_uri, out, fake_llm)
    at.button(key="act_generate").click().run()
    job = at.session_state["job"]
    time.sleep(0.3)
    assert job.running
    stop(at, job)
    assert job.seconds < 10  # the calls in flight (0.5 s each) end; no new one starts
    stopped = next(t for t in texts(at.warning) if "stopped after" in t)
    if (out / ".autodoc_cache.json").is_file():  # stopped after some work was saved
        assert "Finished work is kept" in stopped and "Press **Generate documentation** again" in stopped
    else:  # stopped during the scan: nothing to keep, nothing to resume
        assert "nothing was written" in stopped and "Finished work" not in stopped
    assert not (out / "model_documentation.docx").exists()
    assert not list(out.glob("*.tmp")) if out.exists() else True
    assert not at.exception


def test_unreachable_mlflow_is_refused_as_typed(clean_env: Path, demo_project: Path) -> None:
    at = configured(demo_project, "http://127.0.0.1:9", clean_env / "out")
    assert any(
        "Cannot reach the MLflow tracking server at http://127.0.0.1:9" in e for e in texts(at.sidebar.error)
    )
    assert at.button(key="act_scan").disabled and at.button(key="act_generate").disabled
    assert at.session_state["job"] is None


def test_failed_job_shows_failed_and_its_timer_stops(clean_env: Path, demo_project: Path) -> None:
    code = clean_env / "code"
    code.mkdir()
    (code / "train.py").write_text("import sklearn\n")
    at = configured(code, "", clean_env / "out")
    code.joinpath("train.py").unlink()
    code.rmdir()  # gone after it was checked: the scan itself fails
    at.button(key="act_scan").click().run()
    finish(at)
    assert not at.exception
    job = at.session_state["job"]
    assert job.error and not job.cancelled
    assert any(m.startswith("**Scan** :red-badge[failed]") for m in texts(at.markdown))
    assert any("Scan failed after" in e for e in texts(at.main.error))
    assert any("Scanning failed" in p.proto.text for p in at.get("progress")), [
        p.proto.text for p in at.get("progress")
    ]
    elapsed = next(c for c in texts(at.caption) if c.startswith("Elapsed"))
    time.sleep(0.3)
    at.run()
    assert next(c for c in texts(at.caption) if c.startswith("Elapsed")) == elapsed  # the timer stopped
    assert at.session_state["evidence"] is None


def test_doc_spec_file_is_the_starting_point(clean_env: Path) -> None:
    (clean_env / "doc_spec.yaml").write_text("title: From File\nsections:\n  - Only One\n")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.session_state["spec_source"] == "doc_spec.yaml"
    assert [s.name for s in at.session_state["spec"].sections] == ["Only One"]
    assert at.session_state["spec"].title == load_spec(clean_env / "doc_spec.yaml").title


SECRET_KEY = "sk-test-APPKEY-never-written-0123456789"


def _llm_app(demo_project: Path, store: str, out: Path, fake_llm) -> AppTest:
    at = configured(demo_project, store, out)
    at.selectbox(key="opt_provider").set_value("openai").run()
    at.text_input(key="opt_api_key").input(SECRET_KEY)
    at.text_input(key="opt_base_url").input(fake_llm.openai_url)
    at.number_input(key="opt_timeout").set_value(10.0)
    at.number_input(key="opt_initial_backoff").set_value(0.1)
    at.number_input(key="opt_max_backoff").set_value(0.2)
    at.run()
    assert not any("offline writer" in t for t in texts(at.info))
    return at


def test_generate_with_an_llm_key_never_writes_the_key(
    clean_env: Path, demo_project: Path, demo_store_uri: str, fake_llm
) -> None:
    out = clean_env / "out"
    at = _llm_app(demo_project, demo_store_uri, out, fake_llm)
    at.button(key="act_generate").click().run()
    finish(at)
    assert any("Generate documentation finished" in t for t in texts(at.success)), texts(at.error)
    assert fake_llm.requests, "the LLM was never called"
    written = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".docx" for p in written)
    for path in written:
        assert SECRET_KEY.encode() not in path.read_bytes(), path
    # the page shows token counts from the provider
    assert any("tokens in" in c and "tokens in 0 " not in c for c in texts(at.caption))


def test_stop_with_llm_calls_in_flight(
    clean_env: Path, demo_project: Path, demo_store_uri: str, fake_llm, generated: pipeline.RunResult
) -> None:
    fake_llm.latency = 1.0
    out = clean_env / "out"
    at = _llm_app(demo_project, demo_store_uri, out, fake_llm)
    _seed(at, generated)  # a document built in another folder was under review
    at.session_state["outputs"] = generated.outputs
    at.button(key="act_generate").click().run()
    job = at.session_state["job"]
    cache = out / ".autodoc_cache.json"
    deadline = time.monotonic() + 60
    while not cache.exists() and time.monotonic() < deadline:
        time.sleep(0.1)  # wait until the first plans are saved; more calls are in flight
    at.run()  # what the poller shows meanwhile: the sections as saved so far
    fake_llm.latency = 8.0  # the calls starting now are still running when Stop is pressed
    time.sleep(0.5)
    assert job.running
    assert any(m.startswith("Sections: 1 ") and "-badge[" in m for m in texts(at.markdown))
    stop(at, job, now=True)
    assert not (out / "model_documentation.docx").exists()
    assert not list(out.rglob("*.tmp"))
    # what was finished before the stop is back in the session for review
    kept = at.session_state["doc"]
    assert kept is not None and any(s.blocks for s in kept.sections)
    assert any("Press **Generate documentation** again to resume" in t for t in texts(at.warning))
    # it is not offered with the other folder's Word document (that one holds another document)
    assert not any(b.label.startswith("⬇ Word document") for b in at.main.download_button)


def test_replan_with_feedback_redoes_only_that_section(
    clean_env: Path, demo_project: Path, demo_store_uri: str, generated: pipeline.RunResult
) -> None:
    at = configured(demo_project, demo_store_uri, clean_env / "out")
    _seed(at, generated)
    at.radio(key="view_pick").set_value("Plan review").run()
    open_all(at, "pl")  # after Generate every plan was used: none is left open to review
    doc = at.session_state["doc"]
    target = next(s for s in doc.sections if not s.is_container and s.blocks).id
    before = {s.id: s.model_dump_json() for s in doc.sections}
    at.button(key=f"prf_{target}").click().run()
    at.text_area(key=f"fb_{target}").input("Add a table of the metrics.").run()
    at.button(key=f"fb_go_{target}").click().run()
    finish(at)
    after = at.session_state["doc"]
    assert at.radio(key="view_pick").value == "Plan review"
    assert [s.id for s in after.sections if s.model_dump_json() != before[s.id]] == [target]
    assert all(b.content is not None for b in after.section(target).blocks)


def test_approval_is_saved_and_survives_generating_again(
    clean_env: Path, demo_project: Path, demo_store_uri: str
) -> None:
    out = clean_env / "out"
    at = configured(demo_project, demo_store_uri, out)
    at.button(key="act_generate").click().run()
    finish(at)
    sid = at.session_state["doc"].sections[2].id
    open_all(at)
    at.button(key=f"ap_{sid}").click().run().run()  # the click reruns its section; then the page
    at.button(key="ed_" + at.session_state["doc"].sections[0].id).click().run()
    first = at.session_state["doc"].sections[0]
    at.text_area(key=f"edit_{first.blocks[0].id}").input("Reviewed by hand.").run()
    at.button(key=f"edit_save_{first.id}").click().run().run()
    at.button(key="act_generate").click().run()
    finish(at)
    doc = at.session_state["doc"]
    assert doc.section(sid).status == "approved"
    assert doc.sections[0].blocks[0].content.text == "Reviewed by hand."
    assert doc.sections[0].blocks[0].status == "edited"
