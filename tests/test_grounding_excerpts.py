"""Grounding accepts a figure written exactly as in a code excerpt the sentence cites, and only then."""

from __future__ import annotations

from pathlib import Path

from autodoc.evidence import EvidenceStore
from autodoc.scan.code.tree import scan_code
from autodoc.write.grounding import check

SERVICE = Path(__file__).parent / "fixtures" / "code" / "service"
FIT = "c:model/train.py:15:excerpt:fit_model"
PREDICT = "c:app/main.py:31:excerpt:predict"


def _store() -> EvidenceStore:
    scan = scan_code(str(SERVICE), commit_info=False)
    return EvidenceStore(created_at="2026-01-01T00:00:00", generator_version="t", items=scan.items)


def test_a_figure_in_the_cited_excerpt_is_grounded() -> None:
    store = _store()
    assert store.get(FIT) is not None and "max_iter=300" in (store.get(FIT).text or "")
    result = check(f"The solver runs at most 300 iterations [[{FIT}]].", store)
    assert result.ok, result.errors()
    assert check(f"A quarter of the rows (0.25) are held out [[{FIT}]].", store).ok


def test_the_same_figure_citing_another_excerpt_is_flagged() -> None:
    store = _store()
    result = check(f"The solver runs at most 300 iterations [[{PREDICT}]].", store)
    assert [f.figure for f in result.flags] == ["300"]


def test_an_excerpt_backs_its_literal_figures_only() -> None:
    store = _store()
    assert [f.figure for f in check(f"The solver runs 301 iterations [[{FIT}]].", store).flags] == ["301"]
    assert [f.figure for f in check(f"It holds out 25% of the rows [[{FIT}]].", store).flags] == ["25%"]
