"""What changed between the evidence a document was written from and the evidence now.

`compare(old, new, index)` returns the changes the document states or rests on, each with
the sections and sentences it affects: hyperparameters, data sources, splits, features,
thresholds, the production entry point, metrics of documented runs, model versions and
aliases, the code of cited functions (by excerpt hash), and spec sections.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from autodoc.check.impact import DocIndex, Hit
from autodoc.check.snapshot import EvidenceSnapshot, SnapItem
from autodoc.evidence import JSONValue

Category = Literal[
    "hyperparameter",
    "data",
    "split",
    "feature",
    "threshold",
    "entry_point",
    "evaluation",
    "metric",
    "registry",
    "code",
    "spec",
    "other",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
_BY_KIND = {
    "data_source": "data",
    "target": "data",
    "split": "split",
    "cv": "split",
    "feature": "feature",
    "dropped_column": "feature",
    "preprocessing": "feature",
    "threshold": "threshold",
    "entry_point": "entry_point",
    "metric": "evaluation",
    "estimator": "hyperparameter",
    "param": "hyperparameter",
    "config": "hyperparameter",
    "hyperparameter_search": "hyperparameter",
    "run_param": "hyperparameter",
    "run_metric": "metric",
    "metric_history": "metric",
    "model_version": "registry",
    "alias": "registry",
    "registered_model": "registry",
    "function": "code",
    "class": "code",
}
# code facts of these categories are always part of what a document states
_STATED = {"hyperparameter", "data", "split", "feature", "threshold", "entry_point", "evaluation"}
_RUN_KINDS = {"run_metric", "run_param", "metric_history"}


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    change: Literal["changed", "added", "removed"]
    key: str  # the stable key of the fact
    label: str
    before: JSONValue = None
    after: JSONValue = None
    old_id: str | None = None
    new_id: str | None = None
    where: str = ""  # where the fact is now (or was, when removed)
    where_before: str = ""  # where it was, when it moved
    sections: list[str] = Field(default_factory=list)  # "6.1 breast_cancer_gbm"
    blocks: list[str] = Field(default_factory=list)  # block ids to regenerate
    sentences: list[str] = Field(default_factory=list)  # "6.1: <sentence>"

    def summary(self) -> str:
        if self.category == "spec":
            return self.label
        if self.change == "changed" and self.category == "code":
            return f"{self.label}: its code changed ({self.where})"
        if self.change == "changed":
            was = f"; was at {self.where_before}" if self.where_before else ""
            return f"{self.label}: {_show(self.before)} -> {_show(self.after)} ({self.where}{was})"
        return f"{self.label} {self.change} ({self.where})"


def category_of(item: SnapItem, key: str) -> str:
    low = key.lower()
    if "threshold" in low:
        return "threshold"
    if item.kind in ("config", "param", "run_param") and any(
        w in low for w in ("test_size", "split", "fold", "stratif")
    ):
        return "split"
    return _BY_KIND.get(item.kind, "other")


def compare(old: EvidenceSnapshot, new: EvidenceSnapshot, index: DocIndex) -> list[Change]:
    """Every change the document states or rests on, with what it affects."""
    changes: list[Change] = []
    for key in sorted(set(old.items) | set(new.items)):
        before, after = old.items.get(key), new.items.get(key)
        change = _item_change(key, before, after, index, new)
        if change is not None:
            _attach(change, index, before or after)  # type: ignore[arg-type]
            changes.append(change)
    return changes


def _item_change(
    key: str, before: SnapItem | None, after: SnapItem | None, index: DocIndex, new: EvidenceSnapshot
) -> Change | None:
    item = after or before
    assert item is not None
    category = category_of(item, key)
    if before is not None and after is not None:
        if item.kind in ("function", "class"):
            if before.excerpt == after.excerpt or not _function_documented(before, index):
                return None
            return _make(category, "changed", key, before, after)
        if before.digest == after.digest or not _relevant(category, before, index):
            return None
        if before.value == after.value and before.value is not None:
            return None  # only the wording of a snippet or an attribute moved
        return _make(category, "changed", key, before, after)
    if item.kind in ("function", "class"):
        return None  # new or removed functions show through the facts inside them
    if not _relevant(category, item, index):
        return None
    return _make(category, "added" if after else "removed", key, before, after)


def _relevant(category: str, item: SnapItem, index: DocIndex) -> bool:
    if index.is_documented(item.id):
        return True
    if item.kind in _RUN_KINDS:
        return item.run_id in index.runs_used()
    if category == "registry":
        return item.kind in ("model_version", "alias", "registered_model")
    if item.id.startswith("c:") and category in _STATED:
        return item.live is not False  # legacy code is only news when the document cites it
    return False


def _function_documented(func: SnapItem, index: DocIndex) -> bool:
    """A function counts as cited when it or a cited fact inside its lines is cited."""
    return index.is_documented(func.id) or bool(cited_inside(func, index))


def cited_inside(func: SnapItem, index: DocIndex) -> list[str]:
    """Cited evidence ids of facts within the lines of function `func`."""
    if not func.lines or not func.path:
        return []
    start, end = func.lines
    prefix = f"c:{func.path}:"
    out = []
    for eid in index.cited:
        line = eid[len(prefix) :].split(":", 1)[0] if eid.startswith(prefix) else ""
        if line.isdigit() and start <= int(line) <= end:
            out.append(eid)
    return out


def _make(category: str, what: str, key: str, before: SnapItem | None, after: SnapItem | None) -> Change:
    item = after or before
    assert item is not None
    return Change(
        category=category,  # type: ignore[arg-type]
        change=what,  # type: ignore[arg-type]
        key=key,
        label=_label(item),
        before=before.value if before else None,
        after=after.value if after else None,
        old_id=before.id if before else None,
        new_id=after.id if after else None,
        where=item.where,
        where_before=before.where if before and after and before.where != after.where else "",
    )


def _label(item: SnapItem) -> str:
    if item.kind in ("function", "class"):
        return f"function {item.label}" if item.kind == "function" else f"class {item.label}"
    label = item.label
    for tail in (f" = {item.value}", f" = {_show(item.value)}"):
        if isinstance(item.value, (str, int, float, bool)) and label.split(" (")[0].endswith(tail):
            return label.split(" (")[0][: -len(tail)]
    return label


def _attach(change: Change, index: DocIndex, item: SnapItem) -> None:
    ids = [i for i in (change.old_id, change.new_id, item.owner) if i]
    if change.category == "code":
        ids += cited_inside(item, index)
    model = item.model if change.category in ("registry", "metric") else None
    hits: list[Hit] = index.hits(ids, model)
    change.sections = list(dict.fromkeys(h.section for h in hits))
    change.blocks = list(dict.fromkeys(h.block_id for h in hits if h.block_id))
    change.sentences = [f"{h.section.split(' ', 1)[0]}: {h.sentence}" for h in hits if h.sentence]


def spec_changes(documented: list[str], current: list[str], index: DocIndex) -> list[Change]:
    """Sections added to or removed from the spec since the document was written."""
    norm = {" ".join(s.split()).casefold(): s for s in documented}
    now = {" ".join(s.split()).casefold(): s for s in current}
    out = []
    for key in [k for k in now if k not in norm]:
        out.append(
            Change(category="spec", change="added", key=now[key], label=f"spec section added: {now[key]}")
        )
    for key in [k for k in norm if k not in now]:
        name = norm[key]
        change = Change(category="spec", change="removed", key=name, label=f"spec section removed: {name}")
        change.sections = [f"{s.number} {s.heading}" for s in index.state.sections if s.spec_name == name]
        out.append(change)
    return out


def _show(value: JSONValue) -> str:
    if value is None:
        return "(long value)"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
