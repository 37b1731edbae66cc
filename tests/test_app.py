"""The Streamlit app driven headlessly with AppTest: sidebar, review flows, safety.

Each `at.run()` is one script run. Review states are reached by seeding
`at.session_state` with a document; pipeline runs are in tests/test_app_flows.py.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from autodoc.demo import DEMO_PROJECT
from autodoc.errors import PathNotAllowedError, SpecError
from autodoc.paths import check_allowed
from autodoc.pipeline.cache import cache_path, save_state
from autodoc.render.text import block_citations, citation_numbers, cite_label
from autodoc.spec import list_templates
from autodoc.ui.state import MAX_SPEC_BYTES, spec_from_upload
from autodoc.ui.view import escape_md
from tests.support.sample import sample_document

APP = str(Path(__file__).resolve().parent.parent / "app.py")
KEY_VARS = (
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "AUTODOC_ANTHROPIC_API_KEY",
    "AUTODOC_OPENAI_API_KEY",
    "LLM_PROVIDER",
    "AUTODOC_LLM_PROVIDER",
    "AUTODOC_ALLOWED_ROOT",
    "CODE_ROOT",
    "OUTPUT_DIR",
    "DOMINO_PROJECT_NAME",
    "DOMINO_RUN_ID",
    "DOMINO_PROJECT_ID",
    "DOMINO_PROJECT_OWNER",
)


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory without .env or doc_spec.yaml, and no keys in the environment."""
    for name in KEY_VARS:
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_sequence(at: AppTest) -> list:
    """Sidebar elements in page order (nested blocks flattened)."""
    out: list = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is None:
            out.append(node)
            return
        for key in sorted(children):
            walk(children[key])

    walk(at.sidebar)
    return out


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def section_labels(at: AppTest) -> list[str]:
    """The Write review's sections as shown: one fold per section, labelled number, heading, status."""
    return [e.label for e in at.main.expander if e.label.startswith("**")]


# ------------------------------------------------------------------------------ sidebar
def test_defaults_outside_domino_and_offline_writer_notice(clean_env: Path) -> None:
    at = new_app()
    # no code root configured: the demo project and its local store, said in one line
    assert at.text_input(key="opt_code_root").value == str(DEMO_PROJECT)
    assert at.text_input(key="opt_mlflow_uri").value == f"sqlite:///{clean_env / 'mlflow.db'}"
    assert any(
        c.startswith("No code root configured: showing the bundled demo project") for c in texts(at.caption)
    )
    assert any("first run creates it by training the demo models" in c for c in texts(at.caption))
    assert at.text_input(key="opt_output_dir").value == "./output"
    assert not at.button(key="act_generate").disabled
    assert at.selectbox(key="opt_provider").value == "offline"
    assert any("offline writer will be used" in t for t in texts(at.info))
    # every field the manual names is on the page
    labels = {w.label for w in [*at.text_input, *at.number_input, *at.checkbox, *at.selectbox]}
    for label in (
        "Code root",
        "Output directory",
        "MLflow tracking URI",
        "Provider",
        "Generation workers",
        "Planning workers",
        "Max files",
        "Timeout (s)",
        "Max retries",
        "Initial backoff (s)",
        "Max backoff (s)",
        "Backoff jitter",
        "Generate notebook",
        "Notebook path",
        "Verbose",
        "Model names",
        "Experiment names",
        "Latest only",
        "Domino project filtering",
        "Spec file",
        "Title",
        "Authors",
    ):
        assert label in labels, label
    assert at.file_uploader[0].label == "Upload spec"


def test_domino_defaults(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOMINO_PROJECT_NAME", "churn")
    at = new_app()
    assert at.text_input(key="opt_code_root").value == "/mnt/code"
    assert at.text_input(key="opt_output_dir").value == "/mnt/data/churn"
    assert any("/mnt" in c for c in texts(at.caption))


def test_provider_without_key_says_offline_and_with_key_does_not(clean_env: Path) -> None:
    at = new_app()
    at.selectbox(key="opt_provider").set_value("openai").run()
    assert any("No API key for openai" in t for t in texts(at.info))
    key_box = at.text_input(key="opt_api_key")
    assert key_box.proto.type == key_box.proto.PASSWORD
    key_box.input("sk-test-123").run()
    assert not any("offline writer" in t for t in texts(at.info))


def rows(at: AppTest) -> list[dict]:
    return at.session_state["spec_rows"]


def test_sidebar_edits_produce_the_spec(clean_env: Path) -> None:
    at = new_app()
    at.text_input(key="spec_title").input("Churn Model").run()
    at.text_input(key="spec_authors").input("Risk Team").run()
    first, second = rows(at)[0], rows(at)[1]
    count = len(rows(at))
    at.text_area(key=f"sec_hint_{first['uid']}").input("Only business impact.").run()
    at.button(key=f"sec_del_{second['uid']}").click().run()
    at.button(key="spec_add").click().run()
    new = rows(at)[-1]["uid"]
    at.text_input(key=f"sec_name_{new}").input("Limitations").run()
    at.checkbox(key=f"sec_pm_{new}").check().run()
    at.text_area(key=f"sec_hint_{new}").input("What not to use it for.").run()
    spec = at.session_state["spec"]
    assert spec is not None
    assert spec.title == "Churn Model" and spec.authors == "Risk Team"
    assert len(spec.sections) == count  # one added, one deleted
    assert spec.sections[0].name == first["name"] and spec.sections[0].hint == "Only business impact."
    assert second["name"] not in [s.name for s in spec.sections]
    assert spec.sections[-1].name == "Limitations" and spec.sections[-1].per_model
    assert spec.sections[-1].hint == "What not to use it for."
    # the hint is a text area that wraps, one card per section
    assert at.text_area(key=f"sec_hint_{first['uid']}").label == "Hint"


def test_reorder_moves_a_section_down(clean_env: Path) -> None:
    at = new_app()
    names = [s.name for s in at.session_state["spec"].sections]
    uid = rows(at)[0]["uid"]
    at.button(key=f"sec_down_{uid}").click().run()
    moved = [s.name for s in at.session_state["spec"].sections]
    assert moved[:2] == [names[1], names[0]] and moved[2:] == names[2:]
    at.button(key=f"sec_up_{uid}").click().run()
    assert [s.name for s in at.session_state["spec"].sections] == names


def test_empty_title_error_shows_under_the_title(clean_env: Path) -> None:
    at = new_app()
    at.text_input(key="spec_title").input("").run()
    seq = sidebar_sequence(at)
    title_at = next(i for i, e in enumerate(seq) if getattr(e, "label", None) == "Title")
    assert seq[title_at + 1].type == "error" and "Title" in seq[title_at + 1].value
    assert at.session_state["spec"] is None
    assert at.button(key="act_generate").disabled


def test_section_error_shows_in_its_card(clean_env: Path) -> None:
    at = new_app()
    first, third = rows(at)[0], rows(at)[2]
    at.text_input(key=f"sec_name_{third['uid']}").input(first["name"]).run()
    seq = sidebar_sequence(at)
    name_at = next(i for i, e in enumerate(seq) if getattr(e, "key", None) == f"sec_name_{third['uid']}")
    error = next(e for e in seq[name_at:] if e.type == "error")
    assert "duplicate" in error.value
    assert at.button(key="act_generate").disabled


def test_unnamed_section_is_refused(clean_env: Path) -> None:
    at = new_app()
    at.button(key="spec_add").click().run()
    assert any("needs a name" in t for t in texts(at.sidebar.error))
    assert at.session_state["spec"] is None


def test_spec_download_keeps_every_field(clean_env: Path) -> None:
    (clean_env / "doc_spec.yaml").write_text(
        "title: T\nauthors: A\nversion: '2.1'\ndescription: Quarterly review\nsections:\n  - One\n"
    )
    at = new_app()
    text = at.session_state["spec"].to_yaml()
    assert "description: Quarterly review" in text and "version: '2.1'" in text


def test_template_replaces_the_editor(clean_env: Path) -> None:
    names = [n for n, _ in list_templates()]
    assert names, "the built-in templates are missing"
    at = new_app()
    at.text_input(key="spec_title").input("Scratch").run()
    at.selectbox(key="spec_template").set_value(names[-1]).run()
    at.button(key="spec_use_template").click().run()
    assert at.session_state["spec"].title != "Scratch"
    assert at.session_state["spec_source"] == f"template {names[-1]}"


def test_uploaded_spec_loads_and_bad_one_shows_its_line(clean_env: Path) -> None:
    at = new_app()
    good = b"title: Uploaded\nsections:\n  - A\n  - 'B: per_model'\n"
    at.file_uploader[0].set_value(("mine.yaml", good, "application/x-yaml")).run()
    spec = at.session_state["spec"]
    assert spec.title == "Uploaded" and [s.per_model for s in spec.sections] == [False, True]
    bad = b"title: Bad\nsections:\n  - A\n  - 'B: per_modle'\n"
    at.file_uploader[0].set_value(("bad.yaml", bad, "application/x-yaml")).run()
    errors = texts(at.sidebar.error)
    assert any("bad.yaml:4" in e and "per_modle" in e for e in errors)
    assert at.session_state["spec"].title == "Uploaded"  # the editor kept the last good spec


def test_upload_size_limit_and_unsafe_yaml() -> None:
    with pytest.raises(SpecError, match="limited"):
        spec_from_upload("big.yaml", b"#" * (MAX_SPEC_BYTES + 1))
    with pytest.raises(SpecError):
        spec_from_upload("evil.yaml", b"title: !!python/object/apply:os.system ['true']\nsections: [A]\n")


def test_spec_path_outside_allowed_root_refused(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTODOC_ALLOWED_ROOT", str(clean_env))
    at = new_app()
    at.text_input(key="opt_spec_path").input("/etc/passwd").run()
    at.button(key="spec_load_path").click().run()
    assert any("outside the allowed root" in t for t in texts(at.sidebar.error))


# ------------------------------------------------------------------------------- paths
def test_check_allowed_resolves_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "code").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside)
    assert check_allowed(str(root / "code"), str(root)) == (root / "code").resolve()
    with pytest.raises(PathNotAllowedError, match="outside the allowed root"):
        check_allowed(str(root / "link"), str(root))
    with pytest.raises(PathNotAllowedError):
        check_allowed(str(root / ".." / "outside"), str(root))
    with pytest.raises(PathNotAllowedError):
        check_allowed(str(tmp_path / "rootless"), str(root))  # a sibling sharing the prefix
    assert check_allowed("/etc", None) == Path("/etc")


def test_code_root_outside_allowed_root_refused(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTODOC_ALLOWED_ROOT", str(clean_env))
    at = new_app()
    at.text_input(key="opt_code_root").input("/etc").run()
    # refused as typed, next to the field; Generate waits for a usable code root
    assert any("outside the allowed root" in t for t in texts(at.sidebar.error))
    assert at.button(key="act_generate").disabled
    assert any("Fix Code root" in c for c in texts(at.caption))
    assert at.session_state["job"] is None
    assert not at.exception


# ------------------------------------------------------------------------------ review
def seeded(sections: int = 6, view: str = "Write review") -> AppTest:
    at = new_app()
    at.session_state["doc"] = sample_document(sections)
    at.session_state["view"] = view
    at.run()
    assert not at.exception, at.exception
    return at


def test_write_review_shows_sections_with_references_tables_and_charts(clean_env: Path) -> None:
    at = seeded(6)
    md = texts(at.markdown)
    assert section_labels(at)[0] == "**1 Section 1** :green-badge[approved]"
    # citations are numbered references, never raw [[ids]]
    assert not any("[[" in m for m in md)
    # each reference shows its source on hover
    hover = '0.801 <span title="[1] auc of run 1. MLflow: run run0001&#10;[2] f1 of run 1. MLflow: '
    assert any(hover in m and "\\[1, 2\\]</span>" in m for m in md)
    assert all(m.proto.allow_html for m in at.markdown if "<span title=" in m.value)
    # a table per section, charts in sections 3 and 6, a logged image in section 5
    assert len(at.main.table) == 6 and len(at.main.image) == 3
    assert any(m.startswith("*ROC curve logged by run 5*") for m in md)
    # the flagged figure of section 2 is highlighted where it stands, and listed
    assert any(":red-background[**0.999** ⚠]" in m for m in md)
    assert any("0.999" in t for t in texts(at.warning))
    assert at.main.table[0].value.iloc[0, 1] == "0.801"  # formatted like the document
    # the list of references is drawn once its expander is opened
    refs = next(e for e in at.main.expander if e.label.startswith("References ("))
    assert not refs.children
    at.session_state["wr_refs_open"] = True  # as a click on it does
    at.run()
    refs = next(e for e in at.main.expander if e.label.startswith("References ("))
    assert refs.markdown[0].value.startswith("\\[1\\] auc of run 1")


def test_approve_section(clean_env: Path) -> None:
    at = seeded(3)
    doc = at.session_state["doc"]
    assert doc.section("section-2").status == "flagged"
    at.button(key="ap_section-2").click().run()
    doc = at.session_state["doc"]
    assert doc.section("section-2").status == "approved"
    # the click reran that section (now folded), the counts and the downloads, not the others
    assert section_labels(at) == ["**2 Section 2** :green-badge[approved]"]
    assert "Sections: :green-badge[approved] 3" in texts(at.caption)
    assert at.session_state["wrx_section-2"] is False
    at.run()
    assert len(section_labels(at)) == 3
    assert not any(b.key == "ap_section-2" for b in at.button)  # folded: open it to read it again


def test_a_long_document_opens_the_section_to_review_and_approve_moves_on(clean_env: Path) -> None:
    at = new_app()
    doc = sample_document(12)
    for i, sec in enumerate(doc.sections):
        sec.status = "approved" if i < 2 else "written"  # sections 1-2 reviewed, 3-12 left to review
    at.session_state["doc"] = doc
    at.session_state["view"] = "Write review"
    at.run()
    labels = section_labels(at)
    assert len(labels) == 12 and labels[2] == "**3 Section 3** :green-badge[written]"
    # only the first section left to review is drawn: one table, one set of buttons
    assert len(at.main.table) == 1 and [b.key for b in at.button if b.key.startswith("ap_")] == [
        "ap_section-3"
    ]
    at.button(key="ap_section-3").click().run()
    assert at.session_state["doc"].section("section-3").status == "approved"
    at.run()
    # Approve folded the section and opened the next one left to review
    assert [b.key for b in at.button if b.key.startswith("ap_")] == ["ap_section-4"]
    at.button(key="wr_open_all").click().run()
    assert len(at.main.table) == 12
    at.button(key="wr_fold_all").click().run()
    assert len(at.main.table) == 0 and len(section_labels(at)) == 12


def test_a_section_a_stopped_run_left_in_flight_says_stopped(clean_env: Path) -> None:
    at = new_app()
    doc = sample_document(3)
    doc.sections[2].status = "writing"  # as saved when Stop cut the run short
    at.session_state["doc"] = doc
    at.session_state["view"] = "Write review"
    at.run()
    assert section_labels(at)[2] == "**3 Section 3** :orange-badge[stopped]"
    assert any(c.startswith("Sections:") and ":orange-badge[stopped] 1" in c for c in texts(at.caption))
    assert not any("writing" in label for label in section_labels(at))


def test_edit_text_marks_block_edited(clean_env: Path) -> None:
    at = seeded(3)
    at.button(key="ed_section-1").click().run()
    box = at.text_area(key="edit_section-1.b1")
    box.input("A rewritten paragraph citing [[r:run0001:metric:auc]].").run()
    at.button(key="edit_save_section-1").click().run()
    sec = at.session_state["doc"].section("section-1")
    assert sec.status == "edited" and sec.blocks[0].status == "edited"
    assert sec.blocks[0].content.citations == ["r:run0001:metric:auc"]
    assert any(m.startswith("A rewritten paragraph") for m in texts(at.markdown))


def test_plan_review_remove_block_edit_guidance_approve(clean_env: Path) -> None:
    at = seeded(2, view="Plan review")
    assert any("Metrics" in m for m in texts(at.markdown))
    at.button(key="rm_section-1.b2").click().run()
    assert [b.id for b in at.session_state["doc"].section("section-1").blocks] == ["section-1.b1"]
    at.button(key="pg_section-1.b1").click().run()
    at.text_area(key="guide_section-1.b1").input("Cover only the holdout AUC.").run()
    at.button(key="guide_save_section-1.b1").click().run()
    assert (
        at.session_state["doc"].section("section-1").blocks[0].plan.guidance == "Cover only the holdout AUC."
    )
    at.session_state["doc"].section("section-2").plan_approved = False
    at.run()
    at.button(key="pa_section-2").click().run()
    assert at.session_state["doc"].section("section-2").plan_approved


def test_step_buttons_refuse_a_folder_another_run_writes(clean_env: Path) -> None:
    out = clean_env / "out"
    out.mkdir()
    holder = {"pid": os.getppid(), "host": socket.gethostname(), "started": "2026-12-03T01:00:00+00:00"}
    (out / ".autodoc.lock").write_text(json.dumps(holder))  # a live CLI run holds the folder
    at = seeded(3)
    at.text_input(key="opt_output_dir").input(str(out)).run()
    for key in ("act_plan", "act_write", "act_build", "act_generate"):
        at.button(key=key).click().run()
        errors = texts(at.main.error)
        busy = f"Not started: the output folder {out} is in use by another autodoc run (PID {os.getppid()}"
        assert any(e.startswith(busy) and "choose another **Output directory**" in e for e in errors), (
            key,
            errors,
        )
        assert at.session_state["job"] is None
    (out / ".autodoc.lock").unlink()
    at.button(key="act_build").click().run()
    assert at.session_state["job"] is not None and at.session_state["job"].join(60)


def test_restores_a_cached_document(clean_env: Path) -> None:
    out = clean_env / "out"
    save_state(sample_document(4), cache_path(out))
    (out / "model_documentation.docx").write_bytes(b"PK from an earlier build")
    at = new_app()
    at.text_input(key="opt_output_dir").input(str(out)).run()
    doc = at.session_state["doc"]
    assert doc is not None and len(doc.sections) == 4
    assert any("Opened the document saved in" in t for t in texts(at.info))
    assert [b.label for b in at.main.download_button] == ["⬇ Word document", "⬇ Cache"]
    assert section_labels(at)[3].startswith("**4 Section 4**")


def test_corrupt_cache_is_a_message_not_a_traceback(clean_env: Path) -> None:
    out = clean_env / "out"
    out.mkdir()
    cache_path(out).write_text("{not json")
    at = new_app()
    at.text_input(key="opt_output_dir").input(str(out)).run()
    assert not at.exception
    assert any("corrupt" in t for t in texts(at.warning))
    assert at.session_state["doc"] is None


def test_two_sessions_share_nothing(clean_env: Path) -> None:
    one, two = new_app(), new_app()
    one.selectbox(key="opt_provider").set_value("anthropic").run()
    one.text_input(key="opt_api_key").input("sk-ant-secret").run()
    one.session_state["doc"] = sample_document(2)
    one.run()
    assert two.session_state["doc"] is None
    assert "opt_api_key" not in two.session_state or two.session_state["opt_api_key"] == ""
    assert one.session_state["png_cache"] is not two.session_state["png_cache"]


# ------------------------------------------------------------------------------- pages
def test_previous_documents_page_lists_and_opens_a_document(clean_env: Path) -> None:
    out = clean_env / "out"
    save_state(sample_document(3), cache_path(out))
    (out / "model_documentation.docx").write_bytes(b"PK fake")
    at = new_app()
    at.text_input(key="opt_code_root").input(str(clean_env)).run()
    at.text_input(key="opt_output_dir").input(str(out / "elsewhere")).run()
    at.switch_page("pages/1_Previous_documents.py").run()
    assert not at.exception, at.exception
    at.text_input(key="prev_folder").input(str(out)).run()
    files = list(at.dataframe[0].value["file"])
    assert set(files) == {"model_documentation.docx", ".autodoc_cache.json"}
    assert "⬇ model_documentation.docx" in [b.label for b in at.download_button]
    assert any("Sample Model Documentation" in m for m in texts(at.markdown))
    at.button(key="prev_open").click().run()
    assert at.session_state["doc"].title == "Sample Model Documentation"
    at.switch_page("pages/0_Write_documentation.py").run()
    assert not at.exception, at.exception
    # the settings typed before leaving the main page are still there
    assert at.text_input(key="opt_code_root").value == str(clean_env)
    assert section_labels(at)[2].startswith("**3 Section 3**")


def test_help_page(clean_env: Path) -> None:
    at = new_app()
    at.switch_page("pages/2_Help.py").run()
    assert not at.exception
    assert any("offline writer" in m for m in texts(at.markdown))


def test_bad_settings_are_a_message_next_to_the_actions(clean_env: Path) -> None:
    at = new_app()
    at.number_input(key="opt_initial_backoff").set_value(5.0)
    at.number_input(key="opt_max_backoff").set_value(1.0)
    at.run()
    at.button(key="act_generate").click().run()
    assert not at.exception
    assert any("max backoff" in t and "initial backoff" in t for t in texts(at.main.error))
    assert at.session_state["job"] is None


# ------------------------------------------------------------ a daily tool (issue 12)
def test_page_switch_keeps_settings_spec_and_view(clean_env: Path) -> None:
    at = seeded(3, view="Build")
    at.text_input(key="spec_title").input("Kept Title").run()
    at.text_input(key="opt_code_root").input(str(clean_env)).run()
    uid = rows(at)[0]["uid"]
    at.text_area(key=f"sec_hint_{uid}").input("A hint typed before leaving.").run()
    for page in ("pages/2_Help.py", "pages/1_Previous_documents.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        at.switch_page("pages/0_Write_documentation.py").run()
        assert at.text_input(key="spec_title").value == "Kept Title"
        assert at.text_input(key="opt_code_root").value == str(clean_env)
        assert at.text_area(key=f"sec_hint_{uid}").value == "A hint typed before leaving."
        assert at.session_state["spec"].sections[0].hint == "A hint typed before leaving."
        assert not at.button(key="act_generate").disabled
        # the selector and the view shown agree
        assert at.radio(key="view_pick").value == "Build" == at.session_state["view"]
        assert any("Press **4 · Build**" in i for i in texts(at.info))


def test_previous_documents_starts_from_the_sessions_output_folder(clean_env: Path) -> None:
    out = clean_env / "mine"
    at = new_app()
    at.text_input(key="opt_output_dir").input(str(out)).run()
    at.switch_page("pages/1_Previous_documents.py").run()
    assert at.text_input(key="prev_folder").value == str(out)


def test_edit_box_reads_like_the_document_and_flags_an_uncited_figure(clean_env: Path) -> None:
    at = seeded(3)
    at.button(key="ed_section-1").click().run()
    box = at.text_area(key="edit_section-1.b1")
    assert "[[" not in box.value and "[1, 2]" in box.value
    assert box.label == "Text of Overview (Section 1)"
    box.input("The AUC is 0.801 [1]. The F1 score is 0.801 as well.").run()
    at.button(key="edit_save_section-1").click().run()
    block = at.session_state["doc"].section("section-1").blocks[0]
    assert block.content.text.startswith("The AUC is 0.801 [[r:run0001:metric:auc]].")
    assert [(f.figure, f.reason.split(":")[0]) for f in block.flags] == [("0.801", "no source")]
    assert any("**0.801** (no source" in w for w in texts(at.warning))
    assert any(":red-background[**0.801** ⚠]" in m for m in texts(at.markdown))
    # the edit dropped a reference: the other open sections are redrawn with the new numbers
    doc = at.session_state["doc"]
    second = doc.section("section-2").blocks[0]
    renumbered = escape_md(cite_label(block_citations(second), citation_numbers(doc)))
    assert any(renumbered in m for m in texts(at.markdown)), renumbered


def test_a_reference_the_document_lacks_is_refused(clean_env: Path) -> None:
    at = seeded(2)
    at.button(key="ed_section-1").click().run()
    at.text_area(key="edit_section-1.b1").input("As shown [99].").run()
    at.button(key="edit_save_section-1").click().run()
    assert any("[99] is not a reference of this document" in e for e in texts(at.main.error))
    assert at.session_state["doc"].section("section-1").blocks[0].status != "edited"


def test_plan_review_after_a_one_click_generate_shows_plans_used(clean_env: Path) -> None:
    at = seeded(3, view="Plan review")
    for sec in at.session_state["doc"].sections:
        sec.plan_approved = False  # as after Generate documentation: no plan review happened
    at.run()
    assert any("0 of 3 section plans approved, 3 used to write their section" in c for c in texts(at.caption))
    assert any(":blue-badge[plan used]" in label for label in section_labels(at))
    assert any(e.label.startswith("Evidence behind it") for e in at.expander)


def test_downloads_say_out_of_date_when_they_cannot_be_rebuilt(clean_env: Path) -> None:
    from autodoc import pipeline
    from autodoc.settings import Settings

    out = clean_env / "out"
    pipeline.build(sample_document(3), Settings(output_dir=str(out)))
    at = new_app()
    at.text_input(key="opt_output_dir").input(str(out)).run()
    holder = {"pid": os.getppid(), "host": socket.gethostname(), "started": "2026-12-03T01:00:00+00:00"}
    (out / ".autodoc.lock").write_text(json.dumps(holder))  # another run writes the folder
    at.button(key="ap_section-2").click().run()
    assert at.session_state["doc"].section("section-2").status == "approved"
    assert at.session_state.get("rebuild") is None
    assert "⬇ Word document (before your last change)" in [b.label for b in at.main.download_button]
    assert any("out of date" in c and "4 · Build" in c for c in texts(at.caption))


def test_downloads_are_rebuilt_after_an_edit(clean_env: Path) -> None:
    import docx

    from autodoc import pipeline
    from autodoc.settings import Settings

    out = clean_env / "out"
    doc = sample_document(3)
    outputs = pipeline.build(doc.model_copy(deep=True), Settings(output_dir=str(out)))
    at = new_app()
    at.text_input(key="opt_output_dir").input(str(out)).run()  # opens the saved document
    assert at.session_state["outputs"] is not None
    assert [b.label for b in at.main.download_button][:1] == ["⬇ Word document"]
    assert any("up to date" in m for m in texts(at.markdown) + texts(at.caption))
    at.button(key="ed_section-1").click().run()
    at.text_area(key="edit_section-1.b1").input("Edited after the build [1].").run()
    at.button(key="edit_save_section-1").click().run()
    rebuild = at.session_state["rebuild"]
    assert rebuild is not None
    # while it is rebuilt the Word document cannot be downloaded (it would be the old one)
    word = next(b for b in at.main.download_button if b.label.startswith("⬇ Word document"))
    assert word.label == "⬇ Word document (updating…)" and word.disabled
    assert any("updating" in c for c in texts(at.caption))
    assert rebuild.join(60) and rebuild.error is None
    at.run()
    assert "⬇ Word document" in [b.label for b in at.main.download_button]
    assert any("up to date" in c for c in texts(at.caption))
    text = "\n".join(p.text for p in docx.Document(str(outputs.docx)).paragraphs)
    assert "Edited after the build" in text
