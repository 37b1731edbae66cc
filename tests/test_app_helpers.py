"""The app's pure helpers: spec rows <-> YAML, Markdown of narratives, background jobs."""

from __future__ import annotations

import threading

from autodoc.document import FigureFlag
from autodoc.errors import AutodocError, Cancelled
from autodoc.spec import parse_spec
from autodoc.ui.jobs import harvest, start_job
from autodoc.ui.spec_form import check, clean_rows, move_row, rows_from_spec
from autodoc.ui.view import escape_md, narrative_markdown


def test_rows_round_trip_through_yaml() -> None:
    rows = [
        {"name": "Executive Summary", "per_model": False, "hint": "Short: no jargon."},
        {"name": "Model Performance", "per_model": True, "hint": "Quote 'AUC' and \"F1\"\nper version."},
        {"name": "Appendix", "per_model": False, "hint": ""},
    ]
    result = check("Churn: v2", "Risk # Team", rows)
    assert result.error is None
    assert result.spec.title == "Churn: v2" and result.spec.authors == "Risk # Team"
    assert rows_from_spec(result.spec) == rows
    assert rows_from_spec(parse_spec(result.spec.to_yaml())) == rows


def test_clean_rows_handles_blank_cells() -> None:
    rows = clean_rows([{"name": " A ", "per_model": float("nan"), "hint": None}])
    assert rows == [{"name": "A", "per_model": False, "hint": ""}]


def test_move_row_clamps() -> None:
    rows = [{"name": n} for n in "abc"]
    assert [r["name"] for r in move_row(rows, 0, -1)] == ["a", "b", "c"]
    assert [r["name"] for r in move_row(rows, 0, 1)] == ["b", "a", "c"]
    assert [r["name"] for r in move_row(rows, 2, 5)] == ["a", "b", "c"]


def test_hint_error_points_at_its_row() -> None:
    rows = [{"name": "A", "per_model": False, "hint": ""}, {"name": "a", "per_model": False, "hint": "x"}]
    result = check("T", "", rows)
    assert result.place == "sections" and result.row == 1


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


def test_a_bug_in_a_job_becomes_a_short_message() -> None:
    job = start_job("x", "Boom", lambda p: 1 / 0)
    job.join(5)
    assert job.crashed and "internal error" in job.error and "ZeroDivision" not in job.error
