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

`compact` renders items for prompts as ``id | label | value[ | where][ | legacy]`` with
redundant labels and locations left out, and a run's metrics/params/tags on one line.
`missing_for`, `table_kinds` and `image_ids` tell the planner and writer what is absent and
what the data can serve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from autodoc.document import Section
from autodoc.evidence import EvidenceItem, EvidenceStore, ModelVersionInfo, RunInfo, run_evidence_id
from autodoc.plan.topics import TOPIC_KINDS, item_topics, metric_rank, section_topics

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
_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


# ------------------------------------------------------------------ MLflow helpers
def run_by_eid(evidence: EvidenceStore) -> dict[str, RunInfo]:
    """Runs keyed by evidence id (``r:<run8>``), full run id and run8 prefix."""
    cache = evidence.__dict__.get("_runs_by_eid")
    if cache is not None:
        return cache
    out: dict[str, RunInfo] = {}
    for exp in evidence.mlflow.experiments if evidence.mlflow else []:
        for run in exp.runs:
            out[run.evidence_id] = run
            out.setdefault(run.run_id, run)
            out.setdefault(run.evidence_id.removeprefix("r:"), run)
    evidence.__dict__["_runs_by_eid"] = out
    return out


def find_run(evidence: EvidenceStore, ref: str | None) -> RunInfo | None:
    """A run from its evidence id, full id, run8 or run name."""
    if not ref:
        return None
    runs = run_by_eid(evidence)
    ref = ref.strip()
    run = runs.get(ref) or runs.get(ref.removeprefix("r:").split(":")[0])
    if run is None:
        run = next((r for r in runs.values() if ref in (r.run_name,) or r.run_id.startswith(ref)), None)
    return run


def version_run(evidence: EvidenceStore, mv: ModelVersionInfo) -> RunInfo | None:
    return find_run(evidence, mv.run_id) if mv.run_id else None


def primary_version(evidence: EvidenceStore, model: str) -> ModelVersionInfo | None:
    """The version a reader cares about: champion/production alias, else the latest."""
    rm = evidence.model(model)
    if rm is None or not rm.versions:
        return None
    for alias in ("champion", "production", "prod", "best"):
        ver = rm.aliases.get(alias)
        if ver:
            hit = next((v for v in rm.versions if v.version == str(ver)), None)
            if hit:
                return hit
    if rm.aliases:
        first = next(iter(rm.aliases.values()))
        hit = next((v for v in rm.versions if v.version == str(first)), None)
        if hit:
            return hit
    return max(rm.versions, key=lambda v: _version_key(v.version))


def _version_key(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (10**9, version)


def model_run_eids(evidence: EvidenceStore, model: str) -> set[str]:
    """Evidence ids (``r:<run8>``) of the runs that produced the model's versions."""
    rm = evidence.model(model)
    out: set[str] = set()
    for mv in rm.versions if rm else []:
        run = version_run(evidence, mv)
        if run:
            out.add(run.evidence_id)
    return out


def linked_run_eids(evidence: EvidenceStore) -> set[str]:
    """Runs that produced any registered model version."""
    out: set[str] = set()
    for name in evidence.model_names():
        out |= model_run_eids(evidence, name)
    return out


def image_artifacts(evidence: EvidenceStore) -> dict[str, tuple[RunInfo, str]]:
    """Every image artifact: evidence id -> (run, artifact path)."""
    out: dict[str, tuple[RunInfo, str]] = {}
    runs = run_by_eid(evidence)
    for exp in evidence.mlflow.experiments if evidence.mlflow else []:
        for run in exp.runs:
            for path in run.image_artifacts:
                out[f"{run.evidence_id}:art:{path}"] = (run, path)
    for item in evidence.by_kind("artifact"):
        path = str(item.attrs.get("path") or item.id.split(":art:", 1)[-1])
        if ":art:" in item.id and path.lower().endswith(_IMAGE_EXT) and item.id not in out:
            run = runs.get(item.id.split(":art:", 1)[0]) or find_run(evidence, item.source.run_id)
            if run:
                out[item.id] = (run, path)
    return out


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
        if item.live is False and allow_legacy:
            score += 28.0  # code sections show legacy code (marked), just after the live code
        if essential.keeps(item):
            score += _ESSENTIAL_BOOST
        scored.append((score, pos, item))
    chosen = _diverse(scored, max_items)  # most relevant first: callers may keep only a prefix
    return [item for _, _, item in chosen]


_ESSENTIAL_BOOST = 40.0
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

    def keeps(self, item: EvidenceItem) -> bool:
        kind = item.kind
        if kind not in self.kinds or item.attrs.get("owner_kind") == "argparse":
            return False
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
    scored = sorted(scored, key=lambda s: (-s[0], s[1]))
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


def estimator_name(item: EvidenceItem) -> str:
    """Class name of an estimator fact (or of the estimator a param fact belongs to)."""
    if item.kind == "param":
        owner = item.attrs.get("owner_name") or item.attrs.get("estimator")
        return str(owner).rsplit(".", 1)[-1] if owner else ""
    value = item.value if isinstance(item.value, str) else item.attrs.get("class") or item.attrs.get("name")
    return str(value or "").rsplit(".", 1)[-1].split("(")[0]


# Abbreviations people use in model names, tags and run names -> class-name fragments.
_FAMILY_ABBREV: dict[str, tuple[str, ...]] = {
    "logreg": ("logisticregression",),
    "logistic": ("logisticregression",),
    "lr": ("logisticregression",),
    "linreg": ("linearregression",),
    "gbm": ("gradientboosting", "lgbm"),
    "gbt": ("gradientboosting",),
    "gbdt": ("gradientboosting", "lgbm"),
    "boosting": ("boosting",),
    "rf": ("randomforest",),
    "forest": ("forest",),
    "xgb": ("xgb",),
    "xgboost": ("xgb",),
    "lgbm": ("lgbm",),
    "lightgbm": ("lgbm",),
    "catboost": ("catboost",),
    "svm": ("svc", "svr"),
    "svc": ("svc",),
    "knn": ("kneighbors",),
    "tree": ("decisiontree",),
    "dt": ("decisiontree",),
    "mlp": ("mlp",),
    "nn": ("mlp",),
    "ridge": ("ridge",),
    "lasso": ("lasso",),
    "elasticnet": ("elasticnet",),
    "nb": ("nb",),
    "bayes": ("nb",),
    "adaboost": ("adaboost",),
    "extratrees": ("extratrees",),
    "glm": ("regression", "glm"),
}


def family_matches(token: str, class_name: str) -> bool:
    """Does a name or prefix ("gbm", "logreg") point to an estimator class (GradientBoostingClassifier)?"""
    token, name = token.lower(), class_name.lower()
    return bool(token) and (token in name or any(f in name for f in _FAMILY_ABBREV.get(token, ())))


def estimator_families(evidence: EvidenceStore, model: str) -> set[str]:
    """Lower-cased class names of code estimators that the model's MLflow data points to.

    A class matches when its name appears in the model's names, tags, run names or params,
    or when an abbreviation there (logreg, gbm, rf, xgb...) names its family.
    """
    rm = evidence.model(model)
    if rm is None:
        return set()
    texts = [rm.name, rm.description or "", *rm.tags.values()]
    for mv in rm.versions:
        texts += [mv.description or "", *mv.tags.values()]
        run = version_run(evidence, mv)
        if run:
            texts += [*run.tags.values(), *run.params.values(), *run.params.keys(), run.run_name or ""]
    blob = " ".join(texts).lower()
    tokens = set(re.split(r"[^a-z0-9]+", blob))
    fragments = {f for tok in tokens for f in _FAMILY_ABBREV.get(tok, ())}
    out = set()
    for item in evidence.by_kind("estimator"):
        name = estimator_name(item).lower()
        if not name:
            continue
        if re.search(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])", blob) or any(
            f in name for f in fragments
        ):
            out.add(name)
    return out


# --------------------------------------------------------------------------- compact
_MAX_VALUE = 70
_MAX_LABEL = 40


_GROUPABLE = {"run_metric": "metric", "run_param": "param", "run_tag": "tag"}


def compact(items: Iterable[EvidenceItem]) -> str:
    """One short line per item: ``id | label | value[ | where][ | legacy]``.

    The label is left empty when the id already says it; `where` appears only when the id
    does not already encode the location (code ids carry file:line). A run's metrics,
    params and tags share one line, ``r:<run8>:metric:<key> | | auc=0.91; f1=0.8``, which
    stands for the ids ``r:<run8>:metric:auc`` and ``r:<run8>:metric:f1`` (a first line
    says so): this halves the characters a prompt spends on MLflow runs.
    """
    order: list[EvidenceItem | tuple[str, str]] = []
    groups: dict[tuple[str, str], list[EvidenceItem]] = {}
    for item in items:
        part, run = _GROUPABLE.get(item.kind), run_evidence_id(item.id)
        if part and run and item.id.startswith(f"{run}:{part}:"):
            key = (run, part)
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(item)
        else:
            order.append(item)
    lines: list[str] = []
    example = ""
    seen: dict[tuple[str, str], str] = {}  # (part, pairs) -> first run with exactly these values
    for entry in order:
        if isinstance(entry, EvidenceItem):
            lines.append(compact_line(entry))
        elif len(groups[entry]) == 1:
            lines.append(compact_line(groups[entry][0]))
        else:
            line = _group_line(entry, groups[entry])
            pairs = line.split(" | | ", 1)[1]
            first = seen.setdefault((entry[1], pairs), entry[0])
            if first != entry[0]:  # runs often log identical params: say so instead of repeating
                line = f"{entry[0]}:{entry[1]}:<key> | | same keys and values as {first}:{entry[1]}:<key>"
            lines.append(line)
            example = example or groups[entry][0].id
    if example:
        lines.insert(0, f"(an id ending in :<key> stands for one id per key=value listed, e.g. {example})")
    return "\n".join(lines)


def _group_line(key: tuple[str, str], members: list[EvidenceItem]) -> str:
    run, part = key
    prefix = f"{run}:{part}:"
    pairs = [f"{m.id[len(prefix) :]}={clip(fmt_compact(m.value), 40)}" for m in members]
    return f"{prefix}<key> | | " + "; ".join(pairs)


_RUN_PARTS = {"run_metric", "run_param", "run_tag", "metric_history", "artifact"}


def compact_line(item: EvidenceItem) -> str:
    # a run's parts are named by their id; the run's own line carries its name and status
    label = "" if item.kind in _RUN_PARTS or _label_redundant(item) else clip(item.label, _MAX_LABEL)
    if item.kind == "param" and item.attrs.get("owner_name"):
        label = f"argument of {item.attrs['owner_name']}"
    elif item.kind == "param" and item.attrs.get("owner_kind") == "argparse":
        label = "command-line option"
    line = f"{item.id} | {label} | {short_value(item)}".replace(" |  | ", " | | ")
    where = _where(item)
    if where:
        line += f" | {where}"
    if item.live is False:
        line += " | legacy (not reached from an entry point)"
    return line


def short_value(item: EvidenceItem, limit: int = _MAX_VALUE) -> str:
    """The item's value (and its few most useful attrs) in at most `limit` characters."""
    text = fmt_compact(item.value)
    if text == item.id.rsplit(":", 1)[-1]:
        text = ""  # e.g. the version number of mv:<model>:<version>
    extras = {
        k: clip(fmt_compact(v), 30)
        for k, v in item.attrs.items()
        if k in _USEFUL_ATTRS
        and v not in (None, "", [], {})
        and v != item.value
        and not (k == "status" and item.kind in _RUN_PARTS)
    }
    if item.kind == "param" and item.value is None and "expr" in extras:
        text, extras = "= " + str(extras.pop("expr")), {}  # set from an expression, not a literal
    if extras and len(text) < limit - 10:
        text = (text + " " if text else "") + "{" + ", ".join(f"{k}={v}" for k, v in extras.items()) + "}"
    if not text and item.text:
        text = '"' + " ".join(item.text.split()) + '"'
    return clip(text, limit)


# attrs worth their characters in a prompt (the rest, such as liveness reasons, owners and
# MLflow plumbing, is kept in the evidence file but not sent)
_USEFUL_ATTRS = {
    "status",
    "aliases",
    "created_at",
    "expr",
    "steps",
    "tables",
    "sql",
    "n_splits",
    "test_size",
    "train_size",
    "stratify",
    "random_state",
    "shuffle",
    "scoring",
    "runs",
    "status_counts",
    "n_features",
    "keys",
    "args",
    "alias",
    "version",
    "metric",
    "on",
    "epochs",
    "batch_size",
    "artifact_path",
    "registered_model_name",
    "experiment_name",
}
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?$")


def fmt_compact(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, str) and _ISO.match(value):
        return value[:10]  # the date is what a document states; the time only costs characters
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={fmt_compact(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(fmt_compact(v) for v in value[:12]) + (", …" if len(value) > 12 else "") + "]"
    return " ".join(str(value).split())


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FILLER = {
    "of",
    "run",
    "the",
    "in",
    "model",
    "version",
    "v",
    "for",
    "at",
    "param",
    "metric",
    "tag",
    "registered",
    "experiment",
    "history",
    "on",
    "a",
    "an",
    "by",
}


def _label_redundant(item: EvidenceItem) -> bool:
    """True when every word of the label is already in the id or the value."""
    words = re.findall(r"[a-z0-9_.\-]+", item.label.lower())
    known = item.id.lower() + " " + fmt_compact(item.value).lower()
    return all(w in known or w in _FILLER for w in words)


def _where(item: EvidenceItem) -> str:
    src = item.source
    if src.kind != "code":
        return ""
    if src.path and src.line_start and f"{src.path}:{src.line_start}" in item.id and not src.cell:
        if src.line_end and src.line_end != src.line_start:
            return f"to line {src.line_end}"
        return ""
    return src.cite()


# ----------------------------------------------------------------- what is missing
def missing_for(section: Section, evidence: EvidenceStore) -> list[str]:
    """What the section's topics look for and the evidence does not hold, as sentences."""
    # the name says what the section is about; a long hint would make every section report
    # every gap, so only the name's topics are checked
    topics = set(section_topics(section.spec_name, None))
    out: list[str] = []
    wants_mlflow = topics & {"model", "evaluation", "mlflow", "deployment", "training", "monitoring"}
    if wants_mlflow and evidence.mlflow is None:
        out.append(_no_mlflow(evidence))
    elif wants_mlflow and not evidence.mlflow.registered_models and topics & {"model", "deployment"}:
        out.append("No registered models were found in MLflow.")
    if section.model:
        out += _missing_for_model(section.model, evidence, topics)
    elif "evaluation" in topics and evidence.mlflow is not None and not _any_metrics(evidence):
        out.append("No metrics were logged to MLflow.")
    for topic, what, sentence in _CHECKS:
        if topic in topics and not found(evidence, what) and (section.model is None or topic != "model"):
            out.append(sentence)
    if "monitoring" in topics and not any("monitoring" in i.topics for i in evidence.items):
        out.append("No monitoring code (drift or performance tracking) was found.")
    if (
        "deployment" in topics
        and evidence.mlflow
        and evidence.mlflow.registered_models
        and not any(m.aliases for m in evidence.mlflow.registered_models)
    ):
        out.append("No model aliases (such as champion or production) are set in MLflow.")
    return out


# What a section's topic looks for: the kinds of fact, or settings (config keys, estimator
# keyword arguments, MLflow params) whose names show the same thing was done.
_LOOK_FOR: dict[str, tuple[set[str], str | None]] = {
    "data_source": ({"data_source"}, None),
    "target": ({"target"}, r"^(target|label)(_col(umn)?)?$"),
    "features": ({"preprocessing", "feature"}, None),
    "split": ({"split"}, r"(^|[._])(test_size|train_size|holdout|validation_split)$"),
    "cv": ({"cv"}, r"(^|[._])(cv|cv_folds|n_splits|folds|n_folds)$"),
    "hyperparameter_search": ({"hyperparameter_search"}, None),
    "seed": ({"seed"}, r"(^|[._])(random_state|seed|random_seed)$"),
    "estimator": ({"estimator"}, None),
    "metric": ({"metric"}, None),
    "threshold": ({"threshold"}, r"(thresh|cutoff|cut_off)"),
}
_CHECKS: list[tuple[str, str, str]] = [
    ("data", "data_source", "No data source (file, table or query read) was found in the code."),
    ("data", "target", "No target column was identified in the code."),
    ("features", "features", "No feature transformation was found in the code."),
    ("validation", "split", "No train/test split was found in the code."),
    ("validation", "cv", "No cross-validation was found in the code."),
    ("training", "hyperparameter_search", "No hyperparameter search was found in the code."),
    ("training", "seed", "No random seed was found in the code or the logged parameters."),
    ("model", "estimator", "No estimator construction was found in live code."),
    ("evaluation", "metric", "No metric computation was found in the code."),
    ("risk", "threshold", "No decision threshold was found in the code or the logged parameters."),
]


def found(evidence: EvidenceStore, what: str) -> bool:
    """Does live evidence show `what` (a key of `_LOOK_FOR`)?"""
    cache = evidence.__dict__.setdefault("_found_cache", {})
    key = (id(evidence), len(evidence.items), what)
    if key not in cache:
        kinds, names = _LOOK_FOR[what]
        rx = re.compile(names, re.I) if names else None
        cache[key] = any(
            i.live is not False
            and (
                i.kind in kinds
                or (rx is not None and i.kind in ("config", "param", "run_param") and rx.search(item_key(i)))
            )
            for i in evidence.items
        )
    return cache[key]


def item_key(item: EvidenceItem) -> str:
    """The key of a param, metric or config item (its `key` attr, else the id's last part)."""
    key = item.attrs.get("key")
    return str(key) if key else item.id.rsplit(":", 1)[-1]


def _no_mlflow(evidence: EvidenceStore) -> str:
    note = (evidence.mlflow_note or "").strip()
    if note and "configur" not in note.lower():
        return f"No MLflow data is available ({note.rstrip('.')})."
    return "No MLflow tracking server was configured."


def _any_metrics(evidence: EvidenceStore) -> bool:
    return any(r.metrics for e in evidence.mlflow.experiments for r in e.runs) if evidence.mlflow else False


def _missing_for_model(model: str, evidence: EvidenceStore, topics: set[str]) -> list[str]:
    rm = evidence.model(model)
    if rm is None:
        return [f"No registered model named {model} was found in MLflow."] if evidence.mlflow else []
    out = []
    runs = [run_by_eid(evidence)[r] for r in model_run_eids(evidence, model)]
    if not runs:
        out.append(f"No MLflow run is linked to the versions of {model}.")
    elif "evaluation" in topics and not any(r.metrics for r in runs):
        out.append(f"No metrics were logged by the runs behind {model}.")
    if topics & {"model", "training"} and not estimator_families(evidence, model):
        out.append(f"The estimator class of {model} could not be linked to the code.")
    if "evaluation" in topics and runs and not any(r.image_artifacts for r in runs):
        out.append(f"No plots were logged as artifacts for {model}.")
    return out


# ------------------------------------------------------------ what the data serves
def table_kinds(section: Section, evidence: EvidenceStore) -> list[str]:
    """Table sources the evidence can fill for this section."""
    kinds: list[str] = []
    models = [section.model] if section.model else evidence.model_names()
    versioned = [m for m in models if evidence.model(m) and evidence.model(m).versions]
    with_runs = [m for m in versioned if model_run_eids(evidence, m)]
    metric_models = [
        m for m in with_runs if any(run_by_eid(evidence)[r].metrics for r in model_run_eids(evidence, m))
    ]
    if any(any(run_by_eid(evidence)[r].params for r in model_run_eids(evidence, m)) for m in with_runs):
        kinds.append("model_params")
    if versioned:
        kinds.append("model_versions")
    if metric_models:
        kinds.append("metric_across_versions")
    if not section.model and len(metric_models) >= 2:
        kinds.append("metric_across_models")
    if evidence.mlflow and any(e.runs for e in evidence.mlflow.experiments):
        kinds.append("experiment_runs")
    code = [i for i in evidence.items if i.source.kind == "code"]
    if code:
        kinds.append("code_facts")
    if any(i.kind == "estimator" and i.live is not False for i in code):
        kinds.append("estimators")
    if evidence.items:
        kinds.append("evidence")
    return kinds


def image_ids(section: Section, evidence: EvidenceStore) -> list[str]:
    """Image artifact ids this section may show (a per_model section: its model's runs only)."""
    images = image_artifacts(evidence)
    if not section.model:
        return sorted(images)
    runs = model_run_eids(evidence, section.model)
    return sorted(eid for eid, (run, _) in images.items() if run.evidence_id in runs)
