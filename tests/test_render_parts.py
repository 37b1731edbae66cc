"""Value formatting, narrative parsing, references and chart drawing."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

import pytest

from autodoc.document import ChartContent, Series
from autodoc.evidence import EvidenceItem, Source
from autodoc.render.charts import _cached_png, chart_png
from autodoc.render.format import format_cell, format_value
from autodoc.render.text import citation_numbers, parse_narrative, reference_text, strip_citations
from tests.support.builders.state import make_state


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.8374628173, "0.8375"),  # a measured value: 4 significant digits
        (0.5, "0.5"),
        (-0.25, "-0.25"),
        (0.00123456, "0.001235"),
        (0.00001234, "1.234e-05"),
        (2.768561872909699, "2.769"),
        (0.99996, "0.99996"),  # never "1": that would read as a perfect score
        (-0.99996, "-0.99996"),
        (12.3456, "12.35"),
        (999.96, "1,000"),
        (1234.56, "1,235"),
        (100.0, "100"),
        (1234567, "1,234,567"),
        (0, "0"),
        (0.0, "0"),
        (2.5e16, "2.5e+16"),
        (float("nan"), "NaN"),
        (True, "True"),  # as written, the word the summary uses too
        (False, "False"),
        (None, "—"),
        ("0.8374628173", "0.8374628173"),  # strings (MLflow params) are shown as logged
        ([1, 0.5], "1, 0.5"),
        ({"a": 1}, "a=1"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def test_a_setting_reads_exactly_as_written_and_a_short_one_reads_the_same_as_a_measure():
    from autodoc.render.format import format_setting

    assert format_setting(0.10471234) == "0.10471234" and format_value(0.10471234) == "0.1047"
    assert format_setting(0.1047) == format_value(0.1047) == "0.1047"  # was "0.105" in tables
    assert format_setting("2.768561872909699") == "2.768561872909699"
    assert format_setting(1e-05) == "1e-05" and format_setting([0.1, 3]) == "0.1, 3"
    assert format_setting(1000) == "1000" and format_value(1000) == "1,000"  # a setting as written


def test_formatting_never_changes_the_number_beyond_rounding():
    for value in [0.8374628173, 0.0012345, 12.3456, 1234.56, 0.31234, 3.14159, 271.828]:
        shown = float(format_value(value).replace(",", ""))
        assert abs(shown - value) <= abs(value) * 0.006


def test_only_tables_truncate_long_text():
    text = "x" * 500
    assert format_value(text) == text
    assert len(format_cell(text)) == 400 and format_cell(text).endswith("…")


def test_parse_narrative_blocks_and_inline_marks():
    paras = parse_narrative("Intro **bold** and `code` [[a]][[b]].\n\n- one [[c]]\n- two\n1. first")
    assert [p.kind for p in paras] == ["para", "bullet", "bullet", "number"]
    spans = paras[0].spans
    assert [(s.text, s.bold, s.code, s.ids) for s in spans] == [
        ("Intro ", False, False, ()),
        ("bold", True, False, ()),
        (" and ", False, False, ()),
        ("code", False, True, ()),
        (" ", False, False, ()),
        ("", False, False, ("a", "b")),
        (".", False, False, ()),
    ]
    assert strip_citations("AUC 0.9 [[r:1:metric:auc]].") == "AUC 0.9."


def test_citation_numbers_follow_first_use_across_block_types():
    numbers = citation_numbers(make_state())
    assert list(numbers)[:4] == [
        "c:train.py:42:estimator",
        "r:3f2a1b9c:metric:auc",
        "c:train.py:42:param:max_depth",
        "r:3f2a1b9c:param:n_estimators",
    ]
    assert numbers["r:3f2a1b9c:art:plots/roc.png"] == len(numbers)  # the image is cited last


def test_reference_text_names_code_location_or_mlflow_entity():
    code = EvidenceItem(
        id="c:a.py:3:seed",
        kind="seed",
        label="random seed",
        value=42,
        source=Source(kind="code", path="a.py", line_start=3, commit="abcdef1234567890"),
    )
    version = EvidenceItem(
        id="mv:m:2",
        kind="model_version",
        label="m version 2",
        value="2",
        source=Source(kind="mlflow", model_name="m", model_version="2", run_id="ff" * 16),
    )
    assert reference_text(code) == "random seed. Code: a.py, line 3, commit abcdef123456"
    assert reference_text(version) == f"m version 2. MLflow: registered model m version 2, run {'ff' * 16}"


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def _chart(kind: str, offset: float) -> ChartContent:
    return ChartContent(
        caption="c",
        chart_type=kind,
        x_label="x",
        y_label="y",
        series=[
            Series(name="a", x=[1, 2, 3], y=[offset, offset + 1, offset + 0.5]),
            Series(name="b", x=[1, 2, 3], y=[offset + 2, offset, offset + 1]),
        ],
    )


def test_chart_png_at_print_resolution():
    assert _png_size(chart_png(_chart("bar", 0.1), dpi=200)) == (1300, 680)
    assert _png_size(chart_png(_chart("line", 0.1), dpi=100)) == (650, 340)


def test_charts_drawn_in_threads_match_serial_drawing():
    charts = [_chart(kind, i / 10) for i, kind in enumerate(["bar", "line", "scatter", "bar"])]
    _cached_png.cache_clear()  # draw for real in both runs
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = list(pool.map(lambda c: chart_png(c, dpi=60), charts))
    _cached_png.cache_clear()
    serial = [chart_png(c, dpi=60) for c in charts]
    assert threaded == serial


def test_chart_without_data_still_draws():
    empty = ChartContent(caption="c", chart_type="line", series=[], note="no runs logged auc")
    categorical = ChartContent(
        caption="c", chart_type="scatter", series=[Series(name="s", x=["a", "b"], y=[1.0, 2.0])]
    )
    assert _png_size(chart_png(empty, dpi=50))[0] == 325
    assert _png_size(chart_png(categorical, dpi=50))[0] == 325


def test_many_bars_of_one_series_are_drawn_horizontally_and_taller():
    names = [f"feature number {i}" for i in range(25)]
    chart = ChartContent(
        caption="c",
        chart_type="bar",
        series=[Series(name="importance", x=names, y=[1 / (i + 1) for i in range(25)])],
    )
    width, height = _png_size(chart_png(chart, dpi=50))
    assert width == 325 and height > 170  # 3.4 in is the normal height


def test_citation_labels_write_runs_as_ranges_and_read_back():
    from autodoc.render.text import cite_label, cited_numbers

    numbers = {f"e{n}": n for n in (1, 2, 4, 5, 6, 7, 9)}
    label = cite_label(list(numbers), numbers)
    assert label == "[1, 2, 4–7, 9]"
    assert cited_numbers(label) == set(numbers.values())


def test_provenance_of_an_offline_document_claims_no_llm_call():
    from autodoc.render.provenance import provenance_rows
    from tests.support.builders.state import make_state

    state = make_state()
    state.provenance = state.provenance.model_copy(update={"provider": "offline", "model": "offline"})
    state.usage.calls = 22  # the offline writer's answers are not LLM calls
    rows = dict(provenance_rows(state))
    assert rows["Text written by"] == "the offline writer (no LLM)"
    assert rows["LLM calls / tokens in / out"].startswith("none")


def test_a_boolean_setting_reads_the_same_in_the_summary_and_the_tables(tmp_path) -> None:
    """One word for a boolean in the whole document: ``bootstrap=False`` reads "False" in the
    summary's prose and in the hyperparameter table (never "No" in one and "False" in the other)."""
    from pathlib import Path

    from docx import Document

    from autodoc import pipeline
    from autodoc.settings import Settings
    from autodoc.spec import load_spec

    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text(
        "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n\n"
        "if __name__ == '__main__':\n    frame = pd.read_csv('data.csv')\n"
        "    model = RandomForestClassifier(n_estimators=10, bootstrap=False)\n"
        "    model.fit(frame[['a']], frame['y'])\n"
    )
    settings = Settings(code_root=str(code), output_dir=str(tmp_path / "out"), provider="offline")
    spec = load_spec(Path(__file__).resolve().parent.parent / "doc_spec.yaml")
    doc = Document(str(pipeline.generate(spec, settings).outputs.docx))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert [r[2] for r in rows if r[:2] == ["RandomForestClassifier", "bootstrap"]] == ["False"], rows
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "bootstrap = False" in text and "bootstrap = No" not in text
