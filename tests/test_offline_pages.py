"""What a validator reads in the offline writer's sections: each fact named for what it is, once."""

from __future__ import annotations

from autodoc.evidence import EvidenceItem, Source
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.writer import write_block


def _code(eid: str, kind: str, value: object, label: str | None = None, **attrs) -> EvidenceItem:
    path, line = eid.split(":")[1], int(eid.split(":")[2])
    src = Source(kind="code", path=path, line_start=line)
    return EvidenceItem(
        id=eid, kind=kind, label=label or f"{kind} {value}", value=value, attrs=attrs, source=src, live=True
    )


def _task(name: str, evidence: list[EvidenceItem]) -> WriteTask:
    return WriteTask(document_title="Doc", section_id="s", section_name=name, heading=name, evidence=evidence)


ONE_SPLIT = _code(
    "c:split.py:26:cv:GroupShuffleSplit", "cv", "GroupShuffleSplit", scheme="single split", role="production"
)
FOLDS = _code("c:tune.py:156:cv:GroupKFold", "cv", "GroupKFold", folds=5)
SPLIT_PARAMS = [
    _code("c:split.py:26:param:n_splits", "param", 1, owner=ONE_SPLIT.id),
    _code("c:split.py:26:param:test_size", "param", 0.2, owner=ONE_SPLIT.id),
    _code("c:tune.py:156:param:n_splits", "param", 5, owner=FOLDS.id),
]


def test_a_shuffle_splitter_asked_for_one_split_is_a_hold_out_not_cross_validation():
    evidence = [ONE_SPLIT, FOLDS, *SPLIT_PARAMS]
    text = write_block(_task("Validation Results", evidence)).text
    assert (
        "A hold-out split is made by `GroupShuffleSplit` (`split.py`, line 26)"
        " [[c:split.py:26:cv:GroupShuffleSplit]] with test_size = 0.2 [[c:split.py:26:param:test_size]]."
        in text
    )
    assert (
        "Cross-validation uses `GroupKFold` (`tune.py`, line 156) [[c:tune.py:156:cv:GroupKFold]]"
        " with n_splits = 5 [[c:tune.py:156:param:n_splits]]." in text
    )
    training = write_block(_task("Training Pipeline", evidence)).text
    assert "GroupShuffleSplit" not in training  # the split is stated in the Summary, never as CV
