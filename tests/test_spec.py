"""Spec loading and validation: every mistake names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from autodoc.errors import AutodocError, SpecError
from autodoc.spec import Spec, list_templates, load_spec, parse_spec, template_text

REPO = Path(__file__).resolve().parent.parent


def error_of(text: str) -> SpecError:
    with pytest.raises(SpecError) as err:
        parse_spec(text, "spec.yaml")
    return err.value


# ------------------------------------------------------------------------- good specs


def test_sections_in_all_three_forms_with_hints_merged():
    spec = parse_spec(
        "title: Credit Model\n"
        "authors: [Ann, Bo]\n"
        "sections:\n"
        "  - Executive Summary\n"
        '  - "Model Performance: per_model"\n'
        "  - name: Limitations\n"
        "    hint: inline hint\n"
        "  - Deployment Guide: per_model\n"
        "hints:\n"
        "  Executive Summary: >\n"
        "    Keep it short.\n"
        "  'Model Performance: per_model': Show AUC.\n"
        "  limitations: from the hints map\n",
        "spec.yaml",
    )
    assert spec.title == "Credit Model" and spec.authors == "Ann, Bo"
    got = [(s.name, s.per_model, s.hint, s.line) for s in spec.sections]
    assert got == [
        ("Executive Summary", False, "Keep it short.", 4),
        ("Model Performance", True, "Show AUC.", 5),
        ("Limitations", False, "inline hint\nfrom the hints map", 6),
        ("Deployment Guide", True, None, 8),
    ]


def test_colon_that_is_part_of_a_name_is_kept():
    spec = parse_spec('title: T\nsections:\n  - "Appendix: Data Dictionary"\n')
    assert spec.sections[0].name == "Appendix: Data Dictionary" and not spec.sections[0].per_model


def test_yaml_round_trip_and_hash_ignore_layout_and_path():
    text = "title: T\nauthors: A\nsections:\n  - One\n  - 'Two: per_model'\nhints:\n  One: h\n"
    spec = parse_spec(text, "a.yaml")
    again = parse_spec(spec.to_yaml(), "b.yaml")
    assert [s.model_dump(exclude={"line"}) for s in again.sections] == [
        s.model_dump(exclude={"line"}) for s in spec.sections
    ]
    assert again.hash() == spec.hash() and len(spec.hash()) == 16
    changed = parse_spec(text.replace("h\n", "other hint\n"), "a.yaml")
    assert changed.hash() != spec.hash()


def test_to_data_has_the_yaml_shape():
    spec = parse_spec("title: T\nsections:\n  - 'A: per_model'\n  - B\nhints:\n  B: hb\n")
    assert spec.to_data() == {
        "title": "T",
        "version": "1.0",
        "sections": ["A: per_model", "B"],
        "hints": {"B": "hb"},
    }


def test_repo_doc_spec_is_valid_and_shaped_like_the_manual():
    spec = load_spec(REPO / "doc_spec.yaml")
    names = [s.name for s in spec.sections]
    assert names[:5] == [
        "Executive Summary",
        "Data Overview",
        "Feature Engineering",
        "Model Architecture",
        "Training Pipeline",
    ]
    assert spec.section("Model Performance").per_model
    validation = spec.section("Validation Results").hint
    assert "not" in validation and "implemented" in validation


def test_default_template_equals_doc_spec():
    assert template_text("default") == (REPO / "doc_spec.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["default", "technical", "model_risk"])
def test_templates_load_and_validate(name):
    spec = parse_spec(template_text(name), f"template {name}")
    assert spec.title and all(s.hint for s in spec.sections)


def test_template_contents():
    listed = dict(list_templates())
    assert set(listed) == {"default", "technical", "model_risk"}
    technical = [s.name for s in parse_spec(template_text("technical")).sections]
    for wanted in (
        "System Architecture",
        "Data Pipeline",
        "Model Implementation",
        "Deployment",
        "API Specification",
        "Monitoring and Logging",
        "Troubleshooting",
        "Development Guide",
        "Change Log",
    ):
        assert wanted in technical
    risk = parse_spec(template_text("model_risk"))
    assert risk.section("Model Performance").per_model
    assert risk.section("Limitations and Assumptions") and risk.section("Ongoing Monitoring")
    assert "SR 11-7" in listed["model_risk"]


def test_unknown_template_lists_available():
    with pytest.raises(AutodocError, match="unknown template 'nope'") as err:
        template_text("nope")
    assert "technical" in str(err.value)


# -------------------------------------------------------------------------- mistakes


def test_invalid_yaml_reports_line():
    err = error_of("title: T\nsections:\n  - A\n  - [B\n")
    assert str(err).startswith("spec.yaml:5: invalid YAML:") and "line 4" in str(err)
    err = error_of("title: T\n\tsections: []\n")
    assert err.line == 2 and "invalid YAML" in str(err)


def test_empty_and_non_mapping_documents():
    assert str(error_of("")).startswith("spec.yaml:1: the spec is empty")
    assert "expected a mapping" in str(error_of("- A\n- B\n"))


def test_missing_title():
    err = error_of("authors: me\nsections:\n  - A\n")
    assert str(err).startswith("spec.yaml:1: title: missing") and err.field == "title"


def test_empty_title():
    assert str(error_of("title: ''\nsections: [A]\n")).startswith("spec.yaml:1: title: is empty")


def test_missing_sections():
    assert str(error_of("title: T\n")).startswith("spec.yaml:1: sections: missing")


@pytest.mark.parametrize("body", ["sections: []\n", "sections:\n"])
def test_empty_sections(body):
    assert str(error_of("title: T\n" + body)).startswith("spec.yaml:2: sections: is empty")


def test_sections_not_a_list():
    assert "expected a list" in str(error_of("title: T\nsections: Summary\n"))


def test_duplicate_section_names_both_lines():
    err = error_of("title: T\nsections:\n  - Summary\n  - Data\n  - summary\n")
    assert str(err).startswith("spec.yaml:5: sections[3]: duplicate section 'summary' (first on line 3)")


def test_duplicate_per_model_section():
    err = error_of("title: T\nsections:\n  - Perf\n  - 'Perf: per_model'\n")
    assert err.line == 4 and "duplicate" in str(err)


@pytest.mark.parametrize(("item", "kind"), [("42", "a number"), ("true", "true/false"), ("~", "nothing")])
def test_non_string_section(item, kind):
    err = error_of(f"title: T\nsections:\n  - A\n  - {item}\n")
    assert str(err).startswith(f"spec.yaml:4: sections[2]: a section must be a name, got {kind}")


def test_list_as_section():
    err = error_of("title: T\nsections:\n  - [A, B]\n")
    assert err.line == 3 and "got a list" in str(err)


def test_unknown_top_level_key_suggests_closest():
    err = error_of("title: T\nsectoins:\n  - A\n")
    assert str(err).startswith("spec.yaml:2: sectoins: unknown key 'sectoins'")
    assert err.hint == "did you mean 'sections'?"


def test_unknown_key_without_close_match_lists_valid_keys():
    err = error_of("title: T\nsections: [A]\ncolour: blue\n")
    assert err.line == 3 and "valid keys: title" in str(err) and err.hint is None


def test_unknown_section_key_suggests_closest():
    err = error_of("title: T\nsections:\n  - name: A\n    hnit: x\n")
    assert str(err).startswith("spec.yaml:4: sections[1].hnit: unknown key 'hnit'")
    assert err.hint == "did you mean 'hint'?"


def test_section_mapping_without_name():
    err = error_of("title: T\nsections:\n  - per_model: true\n    hint: x\n")
    assert str(err).startswith("spec.yaml:3: sections[1].name: missing")


def test_duplicate_top_level_key():
    err = error_of("title: A\ntitle: B\nsections: [S]\n")
    assert str(err).startswith("spec.yaml:2: title: 'title' is given twice (first on line 1)")


def test_hint_for_missing_section_suggests_closest():
    err = error_of("title: T\nsections:\n  - Data Overview\nhints:\n  Data Overveiw: x\n")
    assert str(err).startswith("spec.yaml:5: hints.Data Overveiw: hint for a section that does not exist")
    assert err.hint == "did you mean 'Data Overview'?"


def test_hint_for_missing_section_without_close_match_lists_sections():
    err = error_of("title: T\nsections:\n  - Data Overview\nhints:\n  Zebra: x\n")
    assert err.hint == "sections: Data Overview"


def test_hint_not_text():
    err = error_of("title: T\nsections: [A]\nhints:\n  A: [x, y]\n")
    assert str(err).startswith("spec.yaml:4: hints.A: expected text, got a list")


def test_hints_not_a_mapping():
    assert "hints: expected a mapping" in str(error_of("title: T\nsections: [A]\nhints: [A]\n"))


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("'A: per-model'", "unknown modifier 'per-model'"),
        ("'A: permodel'", "unknown modifier 'permodel'"),
        ("A: Per Model", "unknown modifier 'Per Model'"),
        ("A: yes", "after 'A:' only 'per_model' may follow"),
    ],
)
def test_per_model_given_wrongly(section, expected):
    err = error_of(f"title: T\nsections:\n  - {section}\n")
    assert err.line == 3 and expected in str(err)


def test_per_model_field_must_be_boolean():
    err = error_of("title: T\nsections:\n  - name: A\n    per_model: sometimes\n")
    assert str(err).startswith("spec.yaml:4: sections[1].per_model: expected true or false, got 'sometimes'")


def test_load_spec_missing_file(tmp_path):
    with pytest.raises(SpecError) as err:
        load_spec(tmp_path / "none.yaml")
    assert "spec file not found" in str(err.value) and "autodoc templates write" in str(err.value)


def test_load_spec_not_utf8(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"title: \xff\xfe\n")
    with pytest.raises(SpecError, match="not UTF-8"):
        load_spec(path)


def test_load_spec_names_the_file(tmp_path):
    path = tmp_path / "my_spec.yaml"
    path.write_text("title: T\nsections: []\n", encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert str(err.value).startswith(f"{path}:2: sections:")


def test_spec_model_keeps_contract_fields():
    spec = Spec(title="T", sections=[{"name": "A"}])
    assert spec.version == "1.0" and spec.sections[0].per_model is False


def test_numbers_keep_their_spelling():
    spec = parse_spec("title: 2024 Review\nversion: 1.10\nsections: [A]\n")
    assert spec.version == "1.10" and spec.title == "2024 Review"
