"""The offline planner: a fixed plan per section.

A narrative, then the tables, charts and images its data serves. The LLM path may use
`plan_section` as its fallback plan."""

from __future__ import annotations

from autodoc.document import (
    ChartPlan,
    ImagePlan,
    NarrativePlan,
    PlanReply,
    SeriesSource,
    TablePlan,
    TableSource,
)
from autodoc.evidence import (
    SHORT_RUN_ID,
    EvidenceItem,
    has_production_alias,
    run_evidence_id,
)
from autodoc.llm.base import PlanTask
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.feedback import read_feedback
from autodoc.llm.offline.plain import metric_words
from autodoc.plan.offers import item_key
from autodoc.plan.topics import (
    TOPIC_KINDS,
    is_exploratory_code,
    is_feature_importance,
    is_production_code,
    metric_rank,
    section_topics,
)

_NARRATIVE_IDS = 40


def plan_section(task: PlanTask) -> PlanReply:
    """A fixed plan per section: a narrative, then the tables/charts/images its data serves."""
    topics = section_topics(task.section_name, task.hint)
    primary = topics[0] if topics else "overview"
    narrative = NarrativePlan(
        guidance=_guidance(task, primary), evidence_ids=_narrative_ids(task.evidence, primary)
    )
    blocks: list = [narrative, *_extra_blocks(task, primary)]
    if read_feedback(task.feedback).table and "evidence" in task.table_kinds and narrative.evidence_ids:
        table = TablePlan(  # the reviewer asked for a table instead of prose: the narrative's facts
            title=f"{task.heading}: the facts in a table",
            source=TableSource(kind="evidence", evidence_ids=narrative.evidence_ids[:20]),
        )
        blocks.insert(1, table)
    return PlanReply(blocks=blocks[:5])


def _guidance(task: PlanTask, primary: str) -> str:
    text = f"Describe {task.heading} from the evidence ({primary})."
    if task.hint:
        text += " Hint: " + " ".join(task.hint.split())[:400]
    return text


def _narrative_ids(items: list[EvidenceItem], primary: str) -> list[str]:
    """The items the narrative should draw on: the primary topic's kinds first, in order, each kind
    heard (its first few kept before the earlier kinds fill the rest), so that many entry points or
    README sections cannot crowd out the few metrics an executive summary states."""
    kinds = TOPIC_KINDS.get(primary, ())
    rank = {k: n for n, k in enumerate(kinds)}
    wanted = [i for i in items if i.kind in rank and i.attrs.get("owner_kind") != "argparse"]
    wanted.sort(  # exploratory work last: a notebook's settings never crowd out the model's own
        key=lambda i: (
            rank[i.kind],
            is_exploratory_code(i),
            metric_rank(item_key(i)) if i.kind == "run_metric" else (),
        )
    )
    per_kind: dict[str, int] = {}
    chosen, floor = [], []
    for item in wanted:  # a few of each kind, so one kind (run metrics) cannot crowd out the rest
        per_kind[item.kind] = per_kind.get(item.kind, 0) + 1
        if per_kind[item.kind] <= _PER_KIND:
            chosen.append(item.id)
        if per_kind[item.kind] <= _EACH_KIND:
            floor.append(item.id)
    kept = set(floor[:_NARRATIVE_IDS])
    kept |= set([i for i in chosen if i not in kept][: _NARRATIVE_IDS - len(kept)])
    return [i for i in chosen if i in kept]


_PER_KIND = 12
_EACH_KIND = 3  # of each kind present, before the earlier kinds fill the rest


def _extra_blocks(task: PlanTask, primary: str) -> list:
    """The tables, charts and images the section's primary topic is served by."""
    kinds = set(task.table_kinds)
    if primary == "evaluation":
        return _evaluation_blocks(task, kinds, _models(task))
    build = _BLOCKS_BY_TOPIC.get(primary)
    return build(task, kinds, primary) if build else []


def _model_blocks(task: PlanTask, kinds: set[str], primary: str) -> list:
    if task.model and "model_params" in kinds:
        source = TableSource(kind="model_params", model=task.model)
        return [TablePlan(title=f"Parameters of {task.model}", source=source)]
    if "estimators" in kinds:
        return [TablePlan(title="Hyperparameters of the estimators", source=TableSource(kind="estimators"))]
    return []


def _facts_table(
    task: PlanTask, kinds: set[str], title: str, wanted: tuple[str, ...], limit: int, training: bool = False
) -> list:
    """A table of at most `limit` rows of the production code facts of these kinds (exploratory work
    never enters it; the target is not listed among the features it is built beside, nor a derived
    column twice; the same fact stated in several places is one row citing them all, so repeats do
    not take the rows of other facts). A `training` table leaves out the serving code's facts (a
    scoring script's input is not training data)."""
    targets = {str(i.value) for i in task.evidence if i.kind == "target"} if "target" not in wanted else set()
    ids, shown, rows = [], set(targets), set()  # a derived column once, at its first place
    for i in task.evidence:
        if training and i.role == "serving":
            continue
        if i.kind in wanted and is_production_code(i) and not (i.kind == "feature" and str(i.value) in shown):
            row = (i.label, repr(i.value))  # the table folds the places of one fact into its row
            if row in rows or len(rows) < limit:
                ids.append(i.id)
                rows.add(row)
            shown |= {str(i.value)} if i.kind == "feature" else set()
    if not ids or "code_facts" not in kinds:
        return []
    return [TablePlan(title=title, source=TableSource(kind="code_facts", evidence_ids=ids))]


def _validation_blocks(task: PlanTask, kinds: set[str], primary: str) -> list:
    wanted = ("split", "cv", "hyperparameter_search", "threshold")
    return _facts_table(task, kinds, "Validation steps found in the code", wanted, 20)


def _data_blocks(task: PlanTask, kinds: set[str], primary: str) -> list:
    if primary == "data":
        wanted: tuple[str, ...] = ("data_source", "target", "dropped_column")  # the split: validation
    else:
        wanted = ("feature", "preprocessing", "dropped_column")
    out = _facts_table(task, kinds, f"{task.heading}: facts from the code", wanted, 30, training=True)
    fi = [i for i in task.evidence if is_feature_importance(i)]
    if primary == "features" and fi:
        fi.sort(key=lambda i: _run_rank(task, run_evidence_id(i.id)))  # the documented versions' runs first
        run = run_evidence_id(fi[0].id)
        title = f"Feature importance of {_whose_run(task, run)}: {_importance_words(task, run, fi[0])}"
        series = SeriesSource(kind="feature_importance", model=task.model, run_id=run)
        out.append(ChartPlan(title=title, series=series))
    return out


def _training_blocks(task: PlanTask, kinds: set[str], primary: str) -> list:
    out: list = []
    if "experiment_runs" in kinds:
        found = next((i for i in task.evidence if i.kind == "experiment"), None)
        exp = found.id if found else None
        # no experiment named: the filler uses the only one, or says so
        source = TableSource(kind="experiment_runs", experiment=exp[2:] if exp else None, model=task.model)
        title = (
            f"Runs of the MLflow experiment {found.value}, with the metrics each logged"
            if found
            else "MLflow runs"
        )
        out.append(TablePlan(title=title or "MLflow runs", source=source))
    histories = [i for i in task.evidence if i.kind == "metric_history"]
    histories.sort(key=lambda i: _run_rank(task, i.id.split(":hist:", 1)[0]))  # the documented runs first
    for hist in histories[:2]:  # training curves, CV folds
        run8, key = hist.id.split(":hist:", 1)[0], str(hist.attrs.get("key") or hist.id.rsplit(":", 1)[-1])
        series = SeriesSource(kind="metric_history", run_id=run8[2:], metric=key)
        folds = "fold" in key.lower()
        title = f"{key} by {'fold' if folds else 'step'} of {_whose_run(task, run8)}"
        out.append(ChartPlan(title=title, chart_type="bar" if folds else "line", series=series))
    return out


def _version_of_run(task: PlanTask, run8: str | None) -> EvidenceItem | None:
    """The registered version trained by a run (a production alias first)."""
    if not run8:
        return None
    versions = [
        i
        for i in task.evidence
        if i.kind == "model_version" and str(i.attrs.get("run_id") or "").startswith(run8[2:])
    ]
    versions.sort(key=lambda v: not has_production_alias(v.attrs.get("aliases")))
    return versions[0] if versions else None


def _run_rank(task: PlanTask, run8: str | None) -> int:
    mv = _version_of_run(task, run8)
    if mv is None:
        return 2
    return 0 if has_production_alias(mv.attrs.get("aliases")) else 1


def _run_name(task: PlanTask, run8: str | None) -> str:
    item = next((i for i in task.evidence if run8 and i.id == run8), None)
    name = (item.attrs.get("run_name") if item else None) or next(
        (i.attrs.get("run_name") for i in task.evidence if run8 and i.id.startswith(run8 + ":")), None
    )
    return str(name or (run8[2:] if run8 else "unknown"))


def _whose_run(task: PlanTask, run8: str | None) -> str:
    """``breast_cancer_gbm version 3 (run gbm-shallow)``, or ``run gbm-baseline`` when no version."""
    mv = _version_of_run(task, run8)
    run = f"run {_run_name(task, run8)}"
    if mv is None:
        return run
    model = str(mv.attrs.get("model") or mv.id.split(":")[1])
    return f"{model} version {mv.value} ({run})"


_LINEAR = ("logreg", "logistic", "linear", "lasso", "ridge", "elastic", "sgd", "svm")


def _importance_words(task: PlanTask, run8: str | None, item: EvidenceItem) -> str:
    """What the logged values are: a linear model logs coefficients, other models importances."""
    mv = _version_of_run(task, run8)
    words = f"{_run_name(task, run8)} {mv.attrs.get('model') if mv else ''}".lower()
    if any(w in words for w in _LINEAR):
        values = item.value.values() if isinstance(item.value, dict) else []
        signed = any(isinstance(v, int | float) and v < 0 for v in values)
        return f"{'coefficients' if signed else 'coefficient magnitudes'} of the linear model, as logged"
    return "importances as logged by the training run"


def _registry_blocks(task: PlanTask, kinds: set[str], primary: str) -> list:
    if "model_versions" not in kinds:
        return []
    names = ([task.model] if task.model else _models(task))[:4]
    return [
        TablePlan(title=f"Versions of {name}", source=TableSource(kind="model_versions", model=name))
        for name in names
    ]


def _risk_blocks(task: PlanTask, kinds: set[str], primary: str) -> list:
    wanted = ("threshold", "split", "cv")
    return _facts_table(task, kinds, "Settings that bound the model's use", wanted, 20)


_BLOCKS_BY_TOPIC = {
    "model": _model_blocks,
    "validation": _validation_blocks,
    "data": _data_blocks,
    "features": _data_blocks,
    "training": _training_blocks,
    "deployment": _registry_blocks,
    "mlflow": _registry_blocks,
    "risk": _risk_blocks,
}


def _evaluation_blocks(task: PlanTask, kinds: set[str], models: list[str]) -> list:
    metric = _main_metric(task.evidence)
    out: list = []
    if task.model:
        if "metric_across_versions" in kinds:
            out.append(
                TablePlan(
                    title=f"Metrics of {task.model} by version",
                    source=TableSource(kind="metric_across_versions", model=task.model),
                )
            )
            if metric and _version_count(task) >= 2:
                out.append(
                    ChartPlan(
                        title=f"{_metric_named(metric)} of {task.model} by registered version, "
                        "as logged by each version's training run",
                        series=SeriesSource(kind="metric_across_versions", model=task.model, metric=metric),
                    )
                )
        out += _version_images(task)
        return out
    if "metric_across_models" in kinds:
        out.append(TablePlan(title="Metrics by model", source=TableSource(kind="metric_across_models")))
        if metric:
            out.append(
                ChartPlan(
                    title=f"{_metric_named(metric)} of each model's documented version",
                    series=SeriesSource(kind="metric_across_models", metric=metric),
                )
            )
    elif "metric_across_versions" in kinds and models:
        out.append(
            TablePlan(
                title=f"Metrics of {models[0]} by version",
                source=TableSource(kind="metric_across_versions", model=models[0]),
            )
        )
    return out


_ACRONYMS = {"roc": "ROC", "auc": "AUC", "pr": "PR", "shap": "SHAP", "ks": "KS"}
_IMAGE_ORDER = ("roc", "pr_curve", "precision_recall", "confusion", "calibration")


def _version_images(task: PlanTask) -> list:
    """The documented version's plots (ROC/PR curves, confusion matrix), named by model, version, run."""
    mv = _documented_version(task)
    run_id = str(mv.attrs.get("run_id") or "") if mv is not None else ""
    run8 = f"r:{run_id[:SHORT_RUN_ID]}" if run_id else None
    images = [i for i in task.image_ids if run8 is None or i.startswith(run8 + ":")]
    rank = {i: next((n for n, k in enumerate(_IMAGE_ORDER) if k in i.lower()), 9) for i in images}
    chosen = sorted(images, key=lambda i: (rank[i], i))[:2]
    whose = f" of {task.model}" + (f" version {mv.value}" if mv is not None else "")
    run = f" (run {_run_name(task, run8)})" if run8 else ""
    return [ImagePlan(title=f"{_image_title(i)}{whose}{run}", artifact_id=i) for i in chosen]


def _documented_version(task: PlanTask) -> EvidenceItem | None:
    """The subsection model's documented version item (`plan.lineage.documented_version`)."""
    return Facts(task.evidence).primary_version(task.model) if task.model else None


def _metric_named(key: str) -> str:
    """``test_roc_auc (ROC AUC on the test split)``: a caption names the metric and its split."""
    words = metric_words(key)
    return key if words == key.replace("_", " ") else f"{key} ({words})"


def _image_title(artifact_id: str) -> str:
    name = artifact_id.rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit(".", 1)[0]
    words = [_ACRONYMS.get(w.lower(), w) for w in name.replace("_", " ").replace("-", " ").split()]
    title = " ".join(words)
    return (title[:1].upper() + title[1:]) if title else "Logged plot"


def _models(task: PlanTask) -> list[str]:
    return [i.id[2:] for i in task.evidence if i.kind == "registered_model" and i.id.startswith("m:")]


def _version_count(task: PlanTask) -> int:
    """How many versions (or runs with metrics) of the subsection's model the evidence shows."""
    versions = sum(1 for i in task.evidence if i.id.startswith(f"mv:{task.model}:"))
    runs = {run_evidence_id(i.id) for i in task.evidence if i.kind == "run_metric"}
    return max(versions, len(runs))


def _main_metric(items: list[EvidenceItem]) -> str | None:
    keys = sorted({item_key(i) for i in items if i.kind == "run_metric"}, key=metric_rank)
    return keys[0] if keys else None


def _ids_of(items: list[EvidenceItem], kinds: tuple[str, ...]) -> list[str]:
    return [i.id for i in items if i.kind in kinds]
