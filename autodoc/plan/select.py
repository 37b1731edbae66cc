"""Send each section only the evidence it needs, compactly.

A section's name and hint map to evidence `Topic`s (`section_topics`, name first).
`select_evidence` keeps the items on those topics and returns them most relevant first
(callers may keep only a prefix):
- a per_model subsection keeps only its own model: its registry entry, aliases, versions,
  the runs behind them with their metrics/params/artifacts, and the code of its estimator
  family when the model's names, tags, run names or params point to one (logreg ->
  LogisticRegression, gbm -> GradientBoosting...);
- code files ranked at or beyond `max_files` are dropped;
- what the section's primary topic cannot do without (`topics.TOPIC_KINDS`: for a summary
  the README, registry, champion versions, their runs and headline metrics, the live
  estimators) comes first; then items by topic overlap, kind and liveness, each further
  item of the same kind or run worth a little less, so hundreds of run metrics cannot
  crowd out the rest;
- dead code (``live is False``: no entry point reaches it) is never presented as live: it
  is left out, except in code-oriented sections (appendix, developer guide, limitations)
  and as a bare legacy estimator in model sections, and `compact` marks it ``legacy``.

Rendering items for prompts lives in `plan.compact`; what is absent and what the data can
serve (`missing_for`, `table_kinds`, `image_ids`) in `plan.offers`; which runs, versions and
estimator classes belong to a model in `plan.lineage`.
"""

from __future__ import annotations

from autodoc.document import Section
from autodoc.evidence import EvidenceItem, EvidenceStore, run_evidence_id
from autodoc.plan.lineage import (
    estimator_families,
    estimator_name,
    linked_run_eids,
    model_run_eids,
    primary_version,
    production_model,
    run_by_eid,
    saved_models,
    version_run,
)
from autodoc.plan.topics import TOPIC_KINDS, in_epoch_loop, item_topics, metric_rank, section_topics

# Base priority of a kind inside a section (higher is sent first).
_KIND_PRIORITY: dict[str, float] = {
    "registered_model": 8,
    "model_version": 6,
    "estimator": 8,
    "run_metric": 6,
    "split": 7,
    "cv": 7,
    "target": 7,
    "data_source": 7,
    "metric": 5,
    "threshold": 6,
    "hyperparameter_search": 6,
    "feature_importance": 5,
    "param": 4,
    "run_param": 4,
    "preprocessing": 5,
    "feature": 4,
    "dropped_column": 4,
    "seed": 4,
    "fit": 4,
    "entry_point": 5,
    "readme": 5,
    "experiment": 4,
    "run": 3,
    "alias": 5,
    "logged_model": 2,
    "artifact": 2,
    "metric_history": 2,
    "config": 2,
    "notebook_markdown": 2,
    "mlflow_call": 1,
    "module": 1,
    "class": 1,
    "function": 0,
    "run_tag": -2,
    "import": -3,
}
_CODE_TOPICS = {"code", "risk"}  # sections where legacy code may be shown, marked as such


# ----------------------------------------------------------------------- selection
def select_evidence(
    section: Section, evidence: EvidenceStore, *, max_items: int = 80, max_files: int | None = None
) -> list[EvidenceItem]:
    """The items a section needs: on its topics, its model only, live code first, capped."""
    topics = section_topics(section.spec_name, section.hint)
    weights = {t: len(topics) - i for i, t in enumerate(topics)}
    allow_legacy = bool(_CODE_TOPICS & set(topics[:2]))
    # a model section may mention a legacy estimator (marked legacy), never its settings
    legacy_kinds = {"estimator"} if topics[:1] == ["model"] else set()
    ranks = _file_ranks(evidence)
    owner = _ModelScope(evidence, section.model) if section.model else None
    linked = linked_run_eids(evidence)
    latest = _primary_run_eids(evidence)
    focus = model_run_eids(evidence, section.model) if section.model else latest
    essential = _Essentials(evidence, topics[0] if topics else "overview", focus, linked)
    model = production_model(evidence)
    own = model.source.path if model else None  # the production model's own script
    scored: list[tuple[float, int, EvidenceItem]] = []
    for pos, item in enumerate(evidence.items):
        overlap = item_topics(item) & weights.keys()
        if not overlap or _beyond_rank(item, ranks, max_files):
            continue
        if item.live is False and not allow_legacy and item.kind not in legacy_kinds:
            continue
        if owner is not None and not owner.keeps(item):
            continue
        score = 3.0 * sum(weights[t] for t in overlap) + _KIND_PRIORITY.get(item.kind, 0)
        score += _item_bonus(item, ranks, linked, latest)
        if own and item.kind in _COLUMN_KINDS and item.source.path == own:
            score += _OWN_FILE_BONUS  # its columns before other places that state them (a report)
        if item.live is False and allow_legacy:
            score += 28.0  # code sections show legacy code (marked), just after the live code
        score += _essential_score(item, essential, allow_legacy)
        if essential.of_production(item):
            score += _ESSENTIAL_BOOST
        scored.append((score, pos, item))
    chosen = _diverse(scored, max_items)  # most relevant first: callers may keep only a prefix
    return [item for _, _, item in chosen]


_ESSENTIAL_BOOST = 40.0


def _essential_score(item: EvidenceItem, essential: _Essentials, code_section: bool) -> float:
    """The boost of what the section cannot do without, the model's own code first: outside the code
    sections (which describe all the code, labelled), serving code comes after production code, and
    exploratory or test code is never essential (a notebook that re-derives the model's columns must
    not take their places). Legacy code keeps its own rules (`live is False`), and a notebook's
    markdown is its author's words, no value of the model's."""
    kept = essential.keeps(item)
    if code_section or item.source.kind != "code" or item.kind == "notebook_markdown":
        return _ESSENTIAL_BOOST if kept else 0.0
    step = _ROLE_STEPS.get(item.role, 0)
    return (_ESSENTIAL_BOOST if kept and step < _ROLE_STEPS["exploratory"] else 0.0) - _ROLE_STEP * step


_HEADLINE_METRICS = 4  # per run, for the runs a section is about
# A section cannot do without the kinds of its primary topic (`TOPIC_KINDS`). "primary" restricts
# MLflow items to the runs/versions the section is about (the champion's, or a per_model section's model).
_PRIMARY_ONLY = {"model_version", "run", "run_metric", "run_param", "artifact"}


class _Essentials:
    """Which items a section's primary topic cannot do without (they are sent first)."""

    def __init__(self, evidence: EvidenceStore, primary: str, focus: set[str], linked: set[str]) -> None:
        self.kinds = set(TOPIC_KINDS.get(primary, ()))
        self.primary = primary
        self.focus = focus  # r:<run8> of the runs the section is about
        self.versions = {
            mv.evidence_id
            for name in evidence.model_names()
            for mv in (evidence.model(name).versions if evidence.model(name) else [])
            if (run := version_run(evidence, mv)) and run.evidence_id in focus
        }
        self.headline = _headline_ids(evidence, focus)
        self.production = {e.id for e in saved_models(evidence)}

    def of_production(self, item: EvidenceItem) -> bool:
        """A setting of the production model, in a section about the model: sent before any other
        estimator's (a tuning script may write hundreds)."""
        return self.primary == "model" and item.kind == "param" and item.attrs.get("owner") in self.production

    def keeps(self, item: EvidenceItem) -> bool:
        kind = item.kind
        if kind not in self.kinds or item.attrs.get("owner_kind") == "argparse":
            return self.primary == "training" and in_epoch_loop(item)
        if kind == "run" and self.primary in ("training", "mlflow", "risk", "validation"):
            return True  # every run, FAILED and KILLED included, belongs to the training story
        if kind == "model_version":
            return item.id in self.versions or not self.versions
        if kind == "run_metric":
            return item.id in self.headline
        if kind == "artifact":
            return run_evidence_id(item.id) in self.focus and (
                bool(item.attrs.get("image")) or "importance" in item.id
            )
        if kind in _PRIMARY_ONLY:
            return run_evidence_id(item.id) in self.focus
        return item.live is not False or kind == "estimator"


def _headline_ids(evidence: EvidenceStore, runs: set[str]) -> set[str]:
    """The few headline metrics (test/cv AUC, accuracy...) of each run."""
    per_run: dict[str, list[EvidenceItem]] = {}
    for item in evidence.by_kind("run_metric"):
        run = run_evidence_id(item.id)
        key = item.id.rsplit(":metric:", 1)[-1]
        if run in runs and metric_rank(key)[0] < 50:
            per_run.setdefault(run, []).append(item)
    out: set[str] = set()
    for items in per_run.values():
        items.sort(key=lambda i: metric_rank(i.id.rsplit(":metric:", 1)[-1]))
        out.update(i.id for i in items[:_HEADLINE_METRICS])
    return out


def _diverse(
    scored: list[tuple[float, int, EvidenceItem]], limit: int
) -> list[tuple[float, int, EvidenceItem]]:
    """The best `limit` items, each further item of a kind worth a little less.

    Without this, a store with hundreds of run metrics would fill every section with
    metrics and leave out the few registry, alias and code facts a reader needs.
    """
    scored = _restated_later(scored)
    seen: dict[str, int] = {}
    adjusted = []
    for score, pos, item in scored:
        n = seen.get(item.kind, 0)
        seen[item.kind] = n + 1
        run = run_evidence_id(item.id)
        m = seen.get(run or "", 0) if run else 0
        if run:
            seen[run] = m + 1  # and each further fact of the same run, so several runs are heard
        adjusted.append((score - _REPEAT_PENALTY * n - _RUN_PENALTY * m, pos, item))
    adjusted.sort(key=lambda s: (-s[0], s[1]))
    return adjusted[:limit]


_REPEAT_PENALTY = 0.6
_RUN_PENALTY = 0.4
_RESTATED_PENALTY = 2.0
_OWN_FILE_BONUS = 2.0
_ROLE_STEP = 3.0  # production code, then serving code, then exploratory and test code
_ROLE_STEPS: dict[str | None, int] = {"serving": 1, "exploratory": 2, "test": 2}
_COLUMN_KINDS = {"feature", "derived_column", "dropped_column"}


def _restated_later(
    scored: list[tuple[float, int, EvidenceItem]],
) -> list[tuple[float, int, EvidenceItem]]:
    """`scored` best first, each further place that states the same code fact (the same column derived
    again in another notebook or a dashboard) worth less, so that distinct facts, wherever in the code
    they are made, come before the repeats."""
    scored = sorted(scored, key=lambda s: (-s[0], s[1]))
    seen: dict[tuple[str, str], int] = {}
    adjusted = []
    for score, pos, item in scored:
        key = (item.kind, repr(item.value))
        n = seen.get(key, 0) if item.kind in _COLUMN_KINDS and item.source.kind == "code" else 0
        seen[key] = n + 1
        adjusted.append((score - _RESTATED_PENALTY * n, pos, item))
    return sorted(adjusted, key=lambda s: (-s[0], s[1]))


def _item_bonus(item: EvidenceItem, ranks: dict[str, int], linked: set[str], latest: set[str]) -> float:
    bonus = 0.0
    if item.attrs.get("owner_kind") == "argparse":
        bonus -= 4  # command-line plumbing rarely documents the model
    if item.source.kind == "code":
        bonus += {True: 3.0, None: 0.0, False: -30.0}[item.live]
        bonus -= 0.1 * ranks.get(item.source.path or "", 0)
        if item.kind == "run_tag" or (item.label or "").startswith("mlflow."):
            bonus -= 3
    else:
        run = run_evidence_id(item.id)
        if run:
            bonus += 5.0 if run in latest else (3.0 if run in linked else 0.0)
        if item.kind == "run_metric":
            bonus -= 0.1 * metric_rank(item.id.rsplit(":", 1)[-1])[0]  # headline metrics first
        if item.kind == "run_tag" and ":tag:mlflow." in item.id:
            bonus -= 4
    return bonus


def _primary_run_eids(evidence: EvidenceStore) -> set[str]:
    out: set[str] = set()
    for name in evidence.model_names():
        mv = primary_version(evidence, name)
        run = version_run(evidence, mv) if mv else None
        if run:
            out.add(run.evidence_id)
    return out


def _file_ranks(evidence: EvidenceStore) -> dict[str, int]:
    return {f.path: f.rank for f in evidence.code.files} if evidence.code else {}


def _beyond_rank(item: EvidenceItem, ranks: dict[str, int], max_files: int | None) -> bool:
    if max_files is None or item.source.kind != "code" or not item.source.path:
        return False
    rank = ranks.get(item.source.path)
    return rank is not None and rank >= max_files


class _ModelScope:
    """Decides which items belong to one registered model's subsection."""

    def __init__(self, evidence: EvidenceStore, model: str) -> None:
        self.model = model
        self.runs = model_run_eids(evidence, model)
        run_infos = [run_by_eid(evidence)[r] for r in self.runs]
        self.run_ids = {r.run_id for r in run_infos}
        self.experiments = {f"x:{r.experiment_id}" for r in run_infos}
        rm = evidence.model(model)
        self.logged = {f"lm:{v.model_id}" for v in (rm.versions if rm else []) if v.model_id}
        self.logged |= {f"lm:{m}" for r in run_infos for m in r.logged_model_ids}
        self.families = estimator_families(evidence, model)
        mine = [i for i in evidence.by_kind("estimator") if estimator_name(i).lower() in self.families]
        self.estimator_ids = {i.id for i in mine}
        self.estimators = {i.id.rsplit(":estimator", 1)[0] for i in mine}

    def keeps(self, item: EvidenceItem) -> bool:
        if item.source.kind == "code":
            if item.kind in ("estimator", "param"):
                return self._estimator_match(item)
            return True
        src = item.source
        if src.model_name and src.model_name != self.model:
            return False
        if src.run_id and src.run_id not in self.run_ids:
            return False
        iid = item.id
        if iid.startswith("m:"):
            return iid == f"m:{self.model}" or iid.startswith(f"m:{self.model}@")
        if iid.startswith("mv:"):
            return iid.startswith(f"mv:{self.model}:")
        if iid.startswith("r:"):
            return run_evidence_id(iid) in self.runs
        if iid.startswith("x:"):
            return iid in self.experiments
        if iid.startswith("lm:"):
            return iid in self.logged
        return src.model_name == self.model

    def _estimator_match(self, item: EvidenceItem) -> bool:
        if item.kind == "param":
            owner = item.attrs.get("owner")
            if isinstance(owner, str):
                return owner in self.estimator_ids
            return ":param:" in item.id and item.id.split(":param:", 1)[0] in self.estimators
        name = estimator_name(item)
        return bool(name) and name.lower() in self.families
