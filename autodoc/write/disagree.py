"""Settings the configuration files disagree on: the same key with another value in another file
that no composition settles (``full.yaml`` sets ``n_estimators: 2000``, ``quick.yaml`` sets ``2``
and the code picks the file at run time). The Summary states the value it shows and the others,
never one of them as if it were the only one."""

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
