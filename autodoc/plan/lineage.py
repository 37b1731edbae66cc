"""A registered model's lineage in the evidence: its versions, the runs behind them, their
image artifacts, and the code estimator classes its MLflow data points to.

Selection (`plan.select`), what the data offers (`plan.offers`) and the writers of tables,
charts and checks (`write/`) all ask these questions the same way.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from autodoc.evidence import PRODUCTION_ALIASES, EvidenceItem, EvidenceStore, ModelVersionInfo, RunInfo
from autodoc.plan.topics import production_facts

_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


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


def documented_version(aliases_by_version: Mapping[str, Collection[str]]) -> str | None:
    """The one rule for the version a document describes, given each version's aliases: the
    version a production alias points to (in `PRODUCTION_ALIASES` order), else the newest version
    that carries any alias, else the newest version. Versions are compared as numbers."""
    for alias in PRODUCTION_ALIASES:
        hit = [v for v, aliases in aliases_by_version.items() if alias in aliases]
        if hit:
            return max(hit, key=_version_key)
    aliased = [v for v, aliases in aliases_by_version.items() if aliases]
    candidates = aliased or list(aliases_by_version)
    return max(candidates, key=_version_key) if candidates else None


def _version_key(version: str) -> int:
    return int(version) if version.isdigit() else -1


def primary_version(evidence: EvidenceStore, model: str) -> ModelVersionInfo | None:
    """The registered model's documented version (`documented_version`)."""
    rm = evidence.model(model)
    if rm is None or not rm.versions:
        return None
    aliases: dict[str, set[str]] = {v.version: set(v.aliases) for v in rm.versions}
    for alias, ver in rm.aliases.items():
        if str(ver) in aliases:
            aliases[str(ver)].add(alias)
    chosen = documented_version(aliases)
    return next(v for v in rm.versions if v.version == chosen)


def champions(evidence: EvidenceStore) -> list[tuple[str, ModelVersionInfo, RunInfo | None]]:
    """(model name, its documented version, the run behind it) for every registered model."""
    out = []
    for name in evidence.model_names():
        mv = primary_version(evidence, name)
        if mv is not None:
            out.append((name, mv, version_run(evidence, mv)))
    return out


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


def estimator_part(item: EvidenceItem) -> str:
    """What an estimator is to the production model, as the scan followed it: ``production model``
    (its object is saved or logged), ``part of the production model`` (the saved model is built on
    it: a calibrator's or an ensemble's model), ``compared, not saved`` (``compared`` when the same
    code saves a model the scan does not follow to one estimator), ``saved instead when a setting selects
    it``, ``also saved`` (saved too, while code loads another saved model's file) or ``prepares the
    data upstream``; empty when the scan could not tell."""
    attrs = item.attrs
    if attrs.get("saved_besides"):
        return "also saved"
    if attrs.get("saved_by"):
        return "production model"
    if attrs.get("part_of"):
        return "part of the production model"
    if attrs.get("compared_with"):
        return "compared" if attrs.get("untraced_save") else "compared, not saved"
    if attrs.get("option_of"):
        return "saved instead when a setting selects it"
    if attrs.get("upstream"):
        return "prepares the data upstream"
    return ""


def is_production_model(item: EvidenceItem) -> bool:
    """The estimator saved or logged as the production model (not one saved besides another): of two
    estimators of one class, the one the documents name (readmission-lr: the pipeline's, not the
    tuning script's)."""
    return estimator_part(item) == "production model"


_PART_ORDER = ("production model", "also saved", "saved instead when a setting selects it", "")


def estimator_rank(item: EvidenceItem) -> int:
    """Where an estimator stands when the code's estimators are listed: the production model first,
    then what is also saved or saved instead, then the rest (compared, upstream)."""
    part = estimator_part(item)
    return _PART_ORDER.index(part) if part in _PART_ORDER else len(_PART_ORDER)


def production_model(evidence: EvidenceStore) -> EvidenceItem | None:
    """The estimator production code saves or logs (the deployed one), if the scan followed one; of
    several, the one whose saved file serving code loads."""
    saved = saved_models(evidence)
    return next((e for e in saved if e.attrs.get("served_by")), saved[0] if saved else None)


def model_parts(evidence: EvidenceStore, est: EvidenceItem) -> list[EvidenceItem]:
    """The estimators `est` is built on (the model a CalibratedClassifierCV calibrates), in order."""
    ids = est.attrs.get("parts")
    found = [evidence.get(str(i)) for i in ids] if isinstance(ids, list) else []
    return [f for f in found if f is not None]


def saved_models(evidence: EvidenceStore) -> list[EvidenceItem]:
    return [e for e in production_facts(evidence, "estimator") if e.attrs.get("saved_by")]


def own_first(evidence: EvidenceStore, items: list[EvidenceItem]) -> list[EvidenceItem]:
    """`items` with those written in another training script than the production model's left out
    (an experiment script's reads, preprocessing and pipeline are not the model's), unless the
    model's pipeline calls them (a loader the model's script imports from it) or runs upstream of it
    (the script that writes the files it trains on: its split and label are the model's); the model's
    own first; unchanged when the scan did not follow the production model to the script training it."""
    own, upstream, others = by_pipeline_role(evidence, items)
    return own + upstream + others


def by_pipeline_role(
    evidence: EvidenceStore, items: list[EvidenceItem]
) -> tuple[list[EvidenceItem], list[EvidenceItem], list[EvidenceItem]]:
    """(the production model's own: its script's, what its pipeline calls and the modules no script
    of their own; those of the scripts upstream of it; those of other scripts that train nothing),
    in the order given; another training script's items are in none. All are the model's own when
    the scan did not follow the production model to the script training it (`own_first`)."""
    model = production_model(evidence)
    entry = str(model.attrs.get("live_reason") or "").split(" (", 1)[0] if model else ""
    pipelines = {str(p.source.path): p for p in production_facts(evidence, "pipeline")}
    if entry not in pipelines:
        return items, [], []
    steps = pipelines[entry].attrs.get("steps")
    called = {str(s.get("id")) for s in steps if isinstance(s, dict)} if isinstance(steps, list) else set()
    upstream = {
        str(s.get("path")) for s in steps or [] if isinstance(s, dict) and "upstream" in str(s.get("step"))
    }
    scripts = {str(e.source.path) for e in production_facts(evidence, "entry_point")} - {entry}
    own = [i for i in items if i.source.path == entry or i.id in called]
    rest = [i for i in items if i not in own]
    apart = pipelines.keys() | scripts | upstream
    own += [i for i in rest if i.source.path not in apart]  # its helpers: modules no script of their own
    return (
        own,
        [i for i in rest if i.source.path in upstream],
        [i for i in rest if i.source.path in scripts - upstream - pipelines.keys()],
    )


def production_first(estimators: list[EvidenceItem]) -> list[EvidenceItem]:
    """The estimators without those saved besides the served production model (an experiment
    script's logged models), then those; each group keeps its order."""
    return sorted(estimators, key=lambda est: bool(est.attrs.get("saved_besides")))


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


def own_fit(evidence: EvidenceStore, est: EvidenceItem) -> EvidenceItem | None:
    """The fit of an estimator in its file: on the name it is bound to, after it
    (``calibrated.fit(...)``), or chained to its construction (``Calibrated(...).fit(...)``)."""
    name, line = est.attrs.get("bound_to"), est.source.line_start or 0
    for fit in production_facts(evidence, "fit"):
        at = fit.source.line_start or 0
        same = fit.source.path == est.source.path and fit.source.cell == est.source.cell
        if same and (at == line or (name and fit.attrs.get("on") == name and at > line)):
            return fit
    return None
