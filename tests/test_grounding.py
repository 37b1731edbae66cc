"""Grounding: every figure in a narrative must match an evidence value."""

from __future__ import annotations

import pytest

from autodoc.write.grounding import check, strip_unknown_citations
from tests.support.builders.store import sample_store


@pytest.fixture(scope="module")
def store():
    return sample_store()


def figures(text: str, store) -> list[str]:
    return [f.figure for f in check(text, store).flags]


def test_fabricated_figure_is_flagged_with_its_sentence(store):
    text = "The logistic model reaches an AUC of 0.993 [[r:a1b2c3d4:metric:roc_auc]]. Its recall is 0.91."
    result = check(text, store)
    assert [f.figure for f in result.flags] == ["0.91"]
    assert result.flags[0].context == "Its recall is 0.91."
    assert result.errors() == [
        "The figure 0.91 in 'Its recall is 0.91.' matches no evidence value; "
        "cite the evidence it comes from or remove it."
    ]


@pytest.mark.parametrize(
    "written", ["0.9934628", "0.9935", "0.993", "0.99", "99.3%", "99.35%", "99%", "99.3 percent", "0.99346"]
)
def test_rounded_and_percentage_forms_of_a_real_value_pass(store, written):
    assert figures(f"The AUC is {written} [[r:a1b2c3d4:metric:roc_auc]].", store) == []


@pytest.mark.parametrize("written", ["0.9936", "0.98", "98.1%", "0.994"])
def test_wrong_roundings_are_flagged(store, written):
    # 0.9934628 rounds to 0.9935 / 0.99 / 99.3%, never to these
    assert figures(f"The AUC is {written}.", store) == [written]


def test_params_given_as_strings_and_attrs_count(store):
    assert figures("C was 0.1 and the test share 20% of the rows, with 5 folds.", store) == []
    assert figures("The learning rate was 0.05.", store) == []
    assert figures("The learning rate was 0.07.", store) == ["0.07"]


def test_small_integers_must_be_evidence_values_or_counts(store):
    # 2 registered models, 3 versions in all, 4 runs; 5-fold CV is an attr; 7 is nothing
    assert figures("There are 2 models with 3 versions from 4 runs and 5-fold CV.", store) == []
    assert figures("The team trained 7 candidate models.", store) == ["7"]
    assert figures("Two models were trained.", store) == []  # words are not figures


def test_identifiers_versions_sections_and_citations_are_not_figures(store):
    text = (
        "Version 2 of breast_cancer_logreg (v2) is the champion; see Section 4.2 and Table 3. "
        "Run a1b2c3d4 logged it [[r:a1b2c3d4:metric:roc_auc]]. It is defined in train.py:76 "
        "(line 204). The model was created on 2026-11-20."
    )
    assert figures(text, store) == []


def test_versions_and_lines_that_do_not_exist_are_flagged(store):
    assert figures("Version v9 is the champion.", store) == ["9"]
    assert figures("The split is at line 7777.", store) == ["7777"]


def test_thousands_separators_and_scientific_notation(store):
    big = store.model_copy(deep=True)
    big.items[0].attrs["rows"] = 123456.7
    big.items[0].attrs["tol"] = 0.00012
    assert figures("It has 123,457 rows and a tolerance of 1.2e-4.", big) == []
    assert figures("It has 123,999 rows and a tolerance of 3e-4.", big) == ["123,999", "3e-4"]


def test_unknown_citations_are_reported_and_stripped(store):
    text = "AUC 0.9871 [[r:b2c3d4e5:metric:roc_auc]] and F1 [[r:nope:metric:f1]]."
    result = check(text, store)
    assert result.citations == ["r:b2c3d4e5:metric:roc_auc"]
    assert result.unknown_citations == ["r:nope:metric:f1"]
    assert "[[r:nope:metric:f1]]" in result.errors()[-1]
    assert strip_unknown_citations(text, store) == "AUC 0.9871 [[r:b2c3d4e5:metric:roc_auc]] and F1."


def test_allowed_ids_restrict_which_values_count(store):
    text = "The GBM reaches 0.9905."
    assert figures(text, store) == []
    assert check(text, store, allowed_ids=["r:a1b2c3d4:metric:roc_auc"]).flags[0].figure == "0.9905"
    cited = "The GBM reaches 0.9905 [[r:c3d4e5f6:metric:roc_auc]]."
    assert check(cited, store, allowed_ids=["r:a1b2c3d4:metric:roc_auc"]).flags == []


def test_split_share_complement_and_documentation_text(store):
    # test_size 0.2 -> "80/20"; the README says "569 samples"
    assert (
        figures("An 80/20 split [[c:train.py:204:split]] of 569 samples [[c:README.md:1:readme]].", store)
        == []
    )
    # a figure must come from what its sentence cites: the README does not back the split
    assert figures("An 80/20 split of 569 samples [[c:README.md:1:readme]].", store) == ["80", "20"]
    assert figures("A 70/30 split.", store) == ["70", "30"]


def test_a_value_of_other_evidence_beside_a_citation_says_the_citation_is_wrong(store):
    # 0.9905 is the GBM's AUC, but the sentence cites the logistic model's run
    text = "The logistic model reaches 0.9905 [[r:a1b2c3d4:metric:roc_auc]]. Its recall is 0.91."
    result = check(text, store)
    assert [(f.figure, f.reason) for f in result.flags] == [
        ("0.9905", "not a value of the evidence its sentence cites"),
        ("0.91", "matches no evidence value"),
    ]
    assert result.errors()[0] == (
        "The figure 0.9905 in 'The logistic model reaches 0.9905 .' is not a value of the evidence "
        "its sentence cites; cite the evidence it comes from or remove it."
    )


def test_list_numbering_is_not_a_figure_but_list_content_is(store):
    text = "1. The split keeps 20% for testing.\n2. The model reaches 0.9871.\n12) It uses 0.77 as a cut."
    assert figures(text, store) == ["0.77"]
    assert figures("0.91 is the AUC.\n5 folds were used.\n6.1 Results", store) == ["0.91"]


@pytest.mark.parametrize("written", ["1.0", "100%", "100.0%"])
def test_rounding_up_to_a_perfect_score_is_flagged(store, written):
    # 0.9934628 rounds to 1.0 at one decimal, but "1.0" / "100%" claims perfection
    assert figures(f"The AUC is {written} [[r:a1b2c3d4:metric:roc_auc]].", store) == [written]


def test_a_v_inside_a_file_name_is_not_a_version_label(store):
    assert (
        figures("The prototype lives in `legacy/train_v7.py`, line 12 [[c:README.md:1:readme]].", store) == []
    )


@pytest.mark.parametrize(
    "written",
    ["on 20 November 2026", "on November 20, 2026", "on Nov. 20 2026", "in November 2026", "in 2026"],
)
def test_a_date_in_words_passes_when_an_evidence_date_is_that_day_month_or_year(store, written):
    # the sample store's runs and versions were created on 2026-11-20
    assert figures(f"The model was registered {written}.", store) == []


@pytest.mark.parametrize(
    ("written", "flagged"),
    [
        ("on 21 November 2026", ["21", "2026"]),  # no evidence date is that day
        ("in December 2026", ["2026"]),
        ("in 2019", ["2019"]),
        ("as version 2026", ["2026"]),  # a year's digits are not a date without a date's words
    ],
)
def test_a_date_in_words_no_evidence_date_matches_is_flagged(store, written, flagged):
    assert figures(f"The model was registered {written}.", store) == flagged
