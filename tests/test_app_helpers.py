"""The app's pure helpers: spec rows <-> YAML, Markdown of narratives, background jobs."""

from __future__ import annotations

import threading
import time

from autodoc.document import FigureFlag
from autodoc.errors import AutodocError, Cancelled
from autodoc.spec import parse_spec
from autodoc.ui.checks import AUTODOC_CHECKOUT, check_code_root, check_mlflow_uri, check_output_dir
from autodoc.ui.citations import reader_text, stored_text, unknown_references
from autodoc.ui.jobs import harvest, start_job
from autodoc.ui.plan_words import describe
from autodoc.ui.spec_form import check, move_row, rows_from_spec, spec_extra
from autodoc.ui.view import escape_md, narrative_markdown
from tests.support.sample import sample_document


def test_rows_round_trip_through_yaml() -> None:
    rows = [
        {"uid": 0, "name": "Executive Summary", "per_model": False, "required": True, "hint": "Short."},
        {
            "uid": 1,
            "name": "Model Performance",
            "per_model": True,
            "required": True,
            "hint": "Quote 'AUC' and \"F1\"\nper version.",
        },
        {"uid": 2, "name": "Appendix", "per_model": False, "required": False, "hint": ""},
    ]
    result = check("Churn: v2", "Risk # Team", rows)
    assert result.error is None
    assert result.spec.title == "Churn: v2" and result.spec.authors == "Risk # Team"
    assert rows_from_spec(result.spec) == rows
    assert rows_from_spec(parse_spec(result.spec.to_yaml())) == rows


def test_version_and_description_survive_the_editor() -> None:
    rows = [{"uid": 0, "name": "A", "per_model": False, "hint": ""}]
    spec = check("T", "", rows, {"version": "2.1", "description": "Quarterly"}).spec
    assert spec.version == "2.1" and spec.description == "Quarterly"
    assert "description: Quarterly" in spec.to_yaml()


SPEC_WITH_EVERYTHING = """\
title: Churn
authors: Risk
version: "3.0"
description: Quarterly churn model
sections:
  - name: Executive Summary
    required: true
  - "Model Performance: per_model"
  - Appendix
hints:
  Appendix: Links only.
review:
  owner: Dana
  cadence: 3 months
facts:
  - topic: intended_use
    statement: Retention offers only.
    stated_by: Dana
    date: "2026-01-05"
"""


def test_every_field_of_a_spec_survives_the_editor() -> None:
    spec = parse_spec(SPEC_WITH_EVERYTHING)
    result = check(spec.title, spec.authors, rows_from_spec(spec), spec_extra(spec))
    assert result.error is None
    back = result.spec
    assert [s.required for s in back.sections] == [True, False, False]
    assert back.sections[1].per_model and back.sections[2].hint == "Links only."
    assert back.review == spec.review and back.review.owner == "Dana"
    assert [f.statement for f in back.facts] == ["Retention offers only."]
    assert (back.version, back.description) == ("3.0", "Quarterly churn model")
    assert parse_spec(back.to_yaml()).to_data() == back.to_data() == spec.to_data()


def test_move_row_clamps() -> None:
    rows = [{"name": n} for n in "abc"]
    assert [r["name"] for r in move_row(rows, 0, -1)] == ["a", "b", "c"]
    assert [r["name"] for r in move_row(rows, 0, 1)] == ["b", "a", "c"]
    assert [r["name"] for r in move_row(rows, 2, 5)] == ["a", "b", "c"]


def test_hint_error_points_at_its_row() -> None:
    rows = [{"name": "A", "per_model": False, "hint": ""}, {"name": "a", "per_model": False, "hint": "x"}]
    result = check("T", "", rows)
    assert result.place == "sections" and result.row == 1


def test_reference_sources_show_on_hover_and_hold_no_html() -> None:
    sources = {3: 'auc of run "a"> <img src=x onerror=alert(1)>. MLflow: run r1', 4: "Code: train.py line 12"}
    md = narrative_markdown("<b>AUC</b> 0.8 [[m:auc]] [[c:cv]].", {"m:auc": 3, "c:cv": 4}, sources=sources)
    assert md.startswith("\\<b\\>AUC\\</b\\> 0.8 <span title=")  # the text's own HTML is shown, not run
    assert "<img" not in md and "&quot;a&quot;&gt; &lt;img" in md
    assert "&#10;[4] Code: train.py line 12" in md and ">\\[3, 4\\]</span>." in md


def test_markdown_escapes_math_and_links_and_numbers_citations() -> None:
    md = narrative_markdown("Costs $5 and $6 [see](x) [[m:churn]].", {"m:churn": 3})
    assert "\\$5" in md and "\\[see\\]" in md and ":gray[\\[3\\]]" in md and "[[" not in md


def test_flag_highlights_the_figure_not_a_longer_number() -> None:
    md = narrative_markdown("AUC 0.91 and 10.913 and 0.91.", {}, [FigureFlag(figure="0.91", context="")])
    assert md.count(":red-background[**0.91** ⚠]") == 2 and "10.913" in md


def test_bullets_stay_one_list() -> None:
    assert narrative_markdown("Intro.\n\n- a\n- b", {}) == "Intro.\n\n- a\n- b"


def test_escape_md() -> None:
    assert escape_md("a*b_c") == "a\\*b\\_c"


def test_job_result_error_and_cancel_are_harvested_once() -> None:
    applied: list[object] = []
    state: dict = {}
    ok = start_job("x", "Ok", lambda p: 42, apply=lambda s, r: applied.append(r))
    ok.join(5)
    assert harvest(ok, state) and not harvest(ok, state)
    assert applied == [42] and ok.error is None

    def fail(p):
        raise AutodocError("bad input", hint="fix it")

    bad = start_job("x", "Bad", fail, apply=lambda s, r: applied.append(r))
    bad.join(5)
    harvest(bad, state)
    assert bad.error == "bad input\n  hint: fix it" and applied == [42]

    gate = threading.Event()

    def slow(p):
        while not p.cancelled:
            gate.wait(0.01)
        raise Cancelled("stopped")

    stopped = start_job("x", "Slow", slow, on_cancel=lambda s, r: applied.append("cancel"))
    assert stopped.running
    stopped.stop()
    assert stopped.join(2)
    harvest(stopped, state)
    assert stopped.cancelled and applied == [42, "cancel"]


def test_a_stop_after_the_last_block_leaves_a_finished_run() -> None:
    """A Stop while the files are built: the work returns normally, and that run finished."""
    for complete, outcome in ((True, "built"), (False, "cancel")):
        applied: list = []
        started = threading.Event()

        def late_stop(p, started=started):
            started.set()
            while not p.cancelled:
                time.sleep(0.01)
            return "built"  # the build does not stop halfway

        job = start_job(
            "generate",
            "Generate",
            late_stop,
            apply=lambda s, r, out=applied: out.append(r),
            on_cancel=lambda s, r, out=applied: out.append("cancel"),
            returns_complete=complete,
        )
        assert started.wait(5)
        job.stop()
        assert job.join(5)
        harvest(job, {})
        assert job.cancelled is not complete and applied == [outcome]


def test_a_bug_in_a_job_becomes_a_short_message() -> None:
    job = start_job("x", "Boom", lambda p: 1 / 0)
    job.join(5)
    assert job.crashed and "internal error" in job.error and "ZeroDivision" not in job.error


def test_edit_box_shows_numbered_references_and_saves_evidence_ids() -> None:
    numbers = {"r:a:metric:auc": 1, "r:b:param:C": 2, "c:train.py:12": 3}
    stored = "AUC 0.91 [[r:a:metric:auc]] [[r:b:param:C]]. Fits `LogisticRegression` [[c:train.py:12]]."
    shown = reader_text(stored, numbers)
    assert shown == "AUC 0.91 [1, 2]. Fits LogisticRegression [3]."
    back = stored_text(shown.replace("0.91", "0.910"), numbers, stored)
    assert back == "AUC 0.910 [[r:a:metric:auc]][[r:b:param:C]]. Fits `LogisticRegression` [[c:train.py:12]]."
    assert stored_text("See [1–3].", numbers) == "See [[r:a:metric:auc]][[r:b:param:C]][[c:train.py:12]]."
    assert unknown_references("Cites [7] and [1].", numbers) == ["[7]"]


def test_plans_are_described_in_words() -> None:
    doc = sample_document(2)
    words = [describe(b) for b in doc.section("section-1").blocks]
    assert all("evidence_ids" not in w and "[[" not in w for w in words)
    assert any(w.startswith(("Table of", "Paragraph", "Bar chart", "Line chart")) for w in words)


def test_code_root_checks_name_the_problem(tmp_path) -> None:
    assert check_code_root(str(tmp_path / "missing"), None) == (
        "error",
        f"{tmp_path / 'missing'} does not exist.",
    )
    (tmp_path / "f.txt").write_text("x")
    assert check_code_root(str(tmp_path / "f.txt"), None)[0] == "error"
    (tmp_path / "plain.py").write_text("print('hello')\n")
    level, text = check_code_root(str(tmp_path), None)
    assert level == "warning" and "No ML code" in text
    (tmp_path / "train.py").write_text("from sklearn.linear_model import LogisticRegression\n")
    assert check_code_root(str(tmp_path), None) is None
    level, text = check_code_root(str(AUTODOC_CHECKOUT), None)
    assert level == "warning" and "autodoc's own source" in text
    assert check_output_dir(str(tmp_path / "f.txt"), None)[0] == "error"
    assert check_mlflow_uri("http://127.0.0.1:9")[0] == "error"
    assert check_mlflow_uri(f"sqlite:///{tmp_path}/none.db")[0] == "error"


def test_a_phase_started_twice_is_logged_once() -> None:
    from autodoc.progress import Progress

    progress = Progress()
    progress.start_phase("scanning")
    progress.start_phase("scanning", total=2)
    started = [e for e in progress.snapshot().events if e.message == "scanning started"]
    assert len(started) == 1 and progress.snapshot().phases["scanning"].total == 2
