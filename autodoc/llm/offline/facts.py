"""The offline writer's view of a task's evidence: models, versions, runs, metrics and code facts."""

from __future__ import annotations

import re

from autodoc.evidence import EvidenceItem, run_evidence_id
from autodoc.plan.lineage import documented_version
from autodoc.plan.offers import item_key
from autodoc.plan.topics import (
    hold_out_splits,
    is_decision_key,
    is_production_code,
    is_single_split,
    metric_rank,
    serving_thresholds_first,
)

_THRESHOLD_KEY = re.compile(r"thresh|cutoff|cut_off", re.I)
_CONTAINERS = frozenset({"Pipeline", "make_pipeline"})  # hold the preparation steps; not one of them


class Facts:
    """The task's evidence with the lookups a writer needs."""

    def __init__(self, items: list[EvidenceItem]) -> None:
        seen: set[str] = set()
        self.items = [i for i in items if not (i.id in seen or seen.add(i.id))]  # type: ignore[func-returns-value]
        self.by_id = {i.id: i for i in self.items}
        self.used: set[str] = set()  # ids already written about (each fact once per block)

    def kind(self, *kinds: str, live: bool | None = True) -> list[EvidenceItem]:
        """Items of the kinds; `live=True` keeps production code only (no legacy, test or exploratory
        code), `False` keeps only legacy code, None keeps all."""
        out = [i for i in self.items if i.kind in kinds]
        if live is True:
            return [i for i in out if is_production_code(i)]
        if live is False:
            return [i for i in out if i.live is False]
        return out

    def thresholds(self) -> list[EvidenceItem]:
        """Production decision thresholds: threshold facts, then configuration keys naming one."""
        keyed = [
            c
            for c in self.kind("config")
            if _THRESHOLD_KEY.search(item_key(c))
            and is_decision_key(item_key(c))
            and isinstance(c.value, int | float)
            and not isinstance(c.value, bool)
        ]
        found = [t for t in self.kind("threshold") if is_decision_key(item_key(t))]
        return serving_thresholds_first(found) + keyed

    def preparation_steps(self) -> list[EvidenceItem]:
        """Production preprocessing steps; the Pipeline holding them is no step of its own (marked used)."""
        steps = self.kind("preprocessing")
        self.used.update(i.id for i in steps if i.value in _CONTAINERS)
        return [i for i in steps if i.value not in _CONTAINERS]

    def hold_outs(self) -> list[EvidenceItem]:
        """Production hold-out splits (`plan.topics.hold_out_splits`)."""
        return hold_out_splits(self.items)

    def cross_validations(self) -> list[EvidenceItem]:
        """Production cross-validation: the cv facts that make more than one split."""
        return [c for c in self.kind("cv") if not is_single_split(c)]

    def fresh(self, items: list[EvidenceItem]) -> list[EvidenceItem]:
        out = [i for i in items if i.id not in self.used]
        self.used.update(i.id for i in out)
        return out

    def models(self) -> list[EvidenceItem]:
        return self.kind("registered_model", live=None)

    def model_names(self, only: str | None = None) -> list[str]:
        """Registered models the evidence shows (from their items or their versions' items)."""
        if only:
            return [only]
        names = [str(m.value or m.id[2:]) for m in self.models()]
        for mv in self.kind("model_version", live=None):
            if _model_of(mv) not in names:
                names.append(_model_of(mv))
        return names

    def versions(self, model: str) -> list[EvidenceItem]:
        return [i for i in self.kind("model_version", live=None) if _model_of(i) == model]

    def alias_of(self, mv: EvidenceItem) -> list[str]:
        aliases = mv.attrs.get("aliases")
        names = [str(a) for a in aliases] if isinstance(aliases, list) else []
        for al in self.kind("alias", live=None):
            if al.attrs.get("model") == _model_of(mv) and str(al.value) == version_of(mv):
                names.append(str(al.attrs.get("alias") or al.id.rsplit("@", 1)[-1]))
        return sorted(set(names))

    def primary_version(self, model: str) -> EvidenceItem | None:
        """The model's documented version (`plan.lineage.documented_version`)."""
        versions = {version_of(v): v for v in self.versions(model)}
        chosen = documented_version({ver: self.alias_of(mv) for ver, mv in versions.items()})
        return versions.get(chosen) if chosen else None

    def run_of_version(self, mv: EvidenceItem) -> str | None:
        """Evidence id (r:<run8>) of the run behind a version, if that run is in the evidence."""
        run_id = mv.attrs.get("run_id") or mv.source.run_id
        if not run_id:
            return None
        for item in self.items:
            if item.id.startswith("r:") and (
                item.attrs.get("run_id") == run_id or item.source.run_id == run_id
            ):
                return run_evidence_id(item.id)
        return None

    def run_item(self, run8: str) -> EvidenceItem | None:
        return self.by_id.get(run8)

    def run_name(self, run8: str) -> str:
        item = self.by_id.get(run8)
        name = item.attrs.get("run_name") if item else None
        if not name:
            name = next(
                (
                    i.attrs.get("run_name")
                    for i in self.items
                    if i.id.startswith(run8 + ":") and i.attrs.get("run_name")
                ),
                None,
            )
        return str(name or run8[2:])

    def metrics(self, run8: str) -> list[EvidenceItem]:
        found = [i for i in self.items if i.id.startswith(run8 + ":metric:")]
        return sorted(found, key=lambda m: metric_rank(item_key(m)))

    def params(self, run8: str) -> list[EvidenceItem]:
        return [i for i in self.items if i.id.startswith(run8 + ":param:")]

    def owned_params(self, owner: EvidenceItem) -> list[EvidenceItem]:
        prefix = owner.id.rsplit(":", 2)[0] + ":"
        return [
            i
            for i in self.items
            if i.kind == "param"
            and (
                i.attrs.get("owner") == owner.id
                or (
                    not i.attrs.get("owner")
                    and i.id.startswith(prefix + "param:")
                    and owner.kind == "estimator"
                )
            )
        ]


def _model_of(mv: EvidenceItem) -> str:
    return str(mv.attrs.get("model") or mv.source.model_name or mv.id.split(":")[1])


def version_of(mv: EvidenceItem) -> str:
    return str(mv.source.model_version or mv.id.rsplit(":", 1)[-1])


def version_number(text: str) -> int:
    return int(text) if text.isdigit() else -1
