"""Settings the configuration files disagree on: the same key with another value in another file
that no composition settles (``full.yaml`` sets ``n_estimators: 2000``, ``quick.yaml`` sets ``2``
and the code picks the file at run time). The Summary states the value it shows and the others,
never one of them as if it were the only one. Likewise what the two branches of one ``if`` build
(an optimiser chosen by a flag): each with its condition, never both at once."""

from __future__ import annotations

from autodoc.document import cite, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts


def other_values(shown: list[EvidenceItem], evidence: EvidenceStore) -> tuple[str, list[EvidenceItem]]:
    """``; other configuration files set n_estimators = 2 (quick.yaml [c]): which file a run reads
    decides the value`` for the `shown` config settings, with the items it cites ("" when none)."""
    pool = [
        i for i in production_facts(evidence, "config") if i.value is not None and not i.attrs.get("variant")
    ]
    clauses: list[str] = []
    cited: list[EvidenceItem] = []
    for item in shown:
        if item.kind != "config":
            continue
        key = item_key(item)
        others: dict[str, list[EvidenceItem]] = {}
        for other in pool:
            if item_key(other) == key and other.source.path != item.source.path and other.value != item.value:
                others.setdefault(setting_text(other.value), []).append(other)
        for value, items in others.items():
            files = join_words([f"{o.source.path} {cite(o)}" for o in items[:3]])
            clauses.append(f"{key} = {value} ({files})")
            cited += items[:3]
    if not clauses:
        return "", []
    text = (
        f"; other configuration files set {join_words(clauses[:4])}: which file a run reads decides the value"
    )
    return text, cited


def choice_words(items: list[EvidenceItem], every: list[EvidenceItem] | None = None) -> str:
    """``Adadelta [c] when args.optimizer == "adadelta", otherwise Adam [c]`` for what the two branches
    of one ``if`` build (the scan's ``when`` / ``otherwise``), else ``A [c] and B [c]``. A class both
    branches build (of `every`, the items before each value was kept once) is said without the
    condition: ``if weighted: CrossEntropyLoss(weight=w) else: CrossEntropyLoss()`` builds it either way."""
    both = _both_branches(every or items)
    if not any((i.attrs.get("when") or i.attrs.get("otherwise")) and str(i.value) not in both for i in items):
        return join_words([f"{i.value} {cite(i)}" for i in items])
    first = sorted(items, key=lambda i: not i.attrs.get("when"))  # the chosen-when first
    words = [
        f"{i.value} {cite(i)} when {i.attrs['when']}"
        if i.attrs.get("when")
        else f"otherwise {i.value} {cite(i)}"
        if i.attrs.get("otherwise")
        else f"{i.value} {cite(i)}"
        for i in first
    ]
    return ", ".join(words)


def _both_branches(items: list[EvidenceItem]) -> set[str]:
    """The values built under a condition and again otherwise."""
    when = {str(i.value) for i in items if i.attrs.get("when")}
    return when & {str(i.value) for i in items if i.attrs.get("otherwise")}
