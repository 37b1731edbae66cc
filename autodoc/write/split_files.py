"""A split made by the files themselves: training and test data read from separate files
(``data/train.csv`` and ``data/test.csv``) when neither the code nor its configuration splits."""

from __future__ import annotations

import re

from autodoc.document import SummaryFact, cite
from autodoc.evidence import EvidenceStore
from autodoc.plan.topics import production_facts

_TRAIN = re.compile(r"(^|[/_.-])train(ing)?([/_.-]|$)", re.I)
_TEST = re.compile(r"(^|[/_.-])(test(ing)?|holdout|eval)([/_.-]|$)", re.I)


def file_split_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """``Training and test data are separate files: data/train.csv [c] and data/test.csv [c].``"""
    sources = [s for s in production_facts(evidence, "data_source") if isinstance(s.value, str)]
    train = next((s for s in sources if _TRAIN.search(s.value) and not _TEST.search(s.value)), None)
    test = next((s for s in sources if _TEST.search(s.value) and not _TRAIN.search(s.value)), None)
    if train is None or test is None:
        return None
    text = (
        f"Training and test data are separate files: {train.value} {cite(train)} is read for training "
        f"and {test.value} {cite(test)} for testing."
    )
    return SummaryFact.citing("split", "Split", text, [train, test])
