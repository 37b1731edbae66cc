"""The offline writer: plans and narratives from the evidence alone, no LLM.

Deterministic and sober: it states facts with their figures as the evidence holds them
(floats rounded to four decimals), puts a ``[[id]]`` citation after each claim, says what
was looked for and not found, and marks legacy code (not reached from an entry point) as
such. It never guesses, so a hint such as "do not describe validation that was not
implemented" is followed by construction: only what the evidence holds is described.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from autodoc.document import (
    ChartPlan,
    ImagePlan,
    ListPlan,
    NarrativePlan,
    NarrativeReply,
    PlanReply,
    SeriesSource,
    TablePlan,
    TableSource,
)
from autodoc.evidence import EvidenceItem
from autodoc.llm.base import PlanTask, WriteTask
from autodoc.select import section_topics

_PREFERRED_METRICS = ("roc_auc", "auc", "test_roc_auc", "accuracy", "f1", "r2", "rmse", "mae", "log_loss",
                      "precision", "recall")
_NARRATIVE_IDS = 40
_CODE_KINDS_FOR = {
    "data": ("data_source", "target", "split", "dropped_column"),
    "features": ("feature", "preprocessing", "dropped_column"),
    "training": ("fit", "seed", "split", "cv", "hyperparameter_search"),
    "risk": ("threshold", "split", "cv"),
    "code": ("entry_point", "data_source", "config"),
}


# ----------------------------------------------------------------------------- planning
def plan_section(task: PlanTask) -> PlanReply:
    """A fixed plan per section: a narrative, then the tables/charts/images its data serves."""
    topics = section_topics(task.section_name, task.hint)
    primary = topics[0] if topics else "overview"
    blocks: list = [NarrativePlan(guidance=_guidance(task, primary), evidence_ids=_narrative_ids(task.evidence))]
    blocks += _extra_blocks(task, primary)
    return PlanReply(blocks=blocks[:5])


def _guidance(task: PlanTask, primary: str) -> str:
    text = f"Describe {task.heading} from the evidence ({primary})."
    if task.hint:
        text += " Hint: " + " ".join(task.hint.split())[:400]
    return text


def _narrative_ids(items: list[EvidenceItem]) -> list[str]:
    """The items worth writing about (no system tags or imports), at most the plan's limit."""
    useful = [i for i in items if i.kind not in ("import", "run_tag", "metric_history", "mlflow_call")]
    return [i.id for i in useful[:_NARRATIVE_IDS]]


def _extra_blocks(task: PlanTask, primary: str) -> list:
    kinds = set(task.table_kinds)
    models = _models(task)
    out: list = []
    if primary == "model" and "estimators" in kinds and not task.model:
        out.append(TablePlan(title="Estimators constructed in the code", source=TableSource(kind="estimators")))
    if primary == "model" and task.model and "model_params" in kinds:
        out.append(TablePlan(title=f"Parameters of {task.model}",
                             source=TableSource(kind="model_params", model=task.model)))
    if primary == "evaluation":
        out += _evaluation_blocks(task, kinds, models)
    if primary == "validation":
        ids = _ids_of(task.evidence, ("split", "cv", "hyperparameter_search", "metric", "seed"))
        if ids:
            out.append(ListPlan(title="Validation steps found in the code", evidence_ids=ids[:20],
                                guidance="One bullet per validation step found in the code."))
    if primary in _CODE_KINDS_FOR and "code_facts" in kinds:
        ids = _ids_of(task.evidence, _CODE_KINDS_FOR[primary])
        if ids:
            out.append(TablePlan(title=f"{task.heading}: facts from the code",
                                 source=TableSource(kind="code_facts", evidence_ids=ids[:30])))
    if primary == "training" and "experiment_runs" in kinds:
        exp = next((i.id for i in task.evidence if i.kind == "experiment"), None)
        if exp or task.model:
            out.append(TablePlan(title="MLflow runs", source=TableSource(
                kind="experiment_runs", experiment=exp[2:] if exp else None, model=task.model)))
    if primary in ("deployment", "mlflow") and "model_versions" in kinds:
        for name in ([task.model] if task.model else models)[:3]:
            out.append(TablePlan(title=f"Versions of {name}", source=TableSource(kind="model_versions", model=name)))
    if primary == "features":
        fi = [i for i in task.evidence if i.kind == "feature_importance" or ":fi:" in i.id]
        if fi:
            out.append(ChartPlan(title="Feature importance", series=SeriesSource(
                kind="feature_importance", model=task.model, run_id=_run8(fi[0].id))))
    return out


def _evaluation_blocks(task: PlanTask, kinds: set[str], models: list[str]) -> list:
    metric = _main_metric(task.evidence)
    out: list = []
    if task.model:
        if "metric_across_versions" in kinds:
            out.append(TablePlan(title=f"Metrics of {task.model} by version",
                                 source=TableSource(kind="metric_across_versions", model=task.model)))
            if metric and _version_count(task) >= 2:
                out.append(ChartPlan(title=f"{metric} of {task.model} by version", series=SeriesSource(
                    kind="metric_across_versions", model=task.model, metric=metric)))
        if "model_versions" in kinds:
            out.append(TablePlan(title=f"Versions of {task.model}",
                                 source=TableSource(kind="model_versions", model=task.model)))
        if task.image_ids:
            out.append(ImagePlan(title=_image_title(task.image_ids[0]), artifact_id=task.image_ids[0]))
        return out
    if "metric_across_models" in kinds:
        out.append(TablePlan(title="Metrics by model", source=TableSource(kind="metric_across_models")))
        if metric:
            out.append(ChartPlan(title=f"{metric} by model",
                                 series=SeriesSource(kind="metric_across_models", metric=metric)))
    elif "metric_across_versions" in kinds and models:
        out.append(TablePlan(title=f"Metrics of {models[0]} by version",
                             source=TableSource(kind="metric_across_versions", model=models[0])))
    return out


def _image_title(artifact_id: str) -> str:
    name = artifact_id.rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit(".", 1)[0]
    return name.replace("_", " ").capitalize() or "Logged plot"


def _models(task: PlanTask) -> list[str]:
    return [i.id[2:] for i in task.evidence if i.kind == "registered_model" and i.id.startswith("m:")]


def _version_count(task: PlanTask) -> int:
    return sum(1 for i in task.evidence if i.id.startswith(f"mv:{task.model}:"))


def _main_metric(items: list[EvidenceItem]) -> str | None:
    keys = [i.id.split(":metric:", 1)[1] for i in items if ":metric:" in i.id]
    for pref in _PREFERRED_METRICS:
        if pref in keys:
            return pref
    return keys[0] if keys else None


def _ids_of(items: list[EvidenceItem], kinds: tuple[str, ...]) -> list[str]:
    return [i.id for i in items if i.kind in kinds]


def _run8(item_id: str) -> str | None:
    return ":".join(item_id.split(":")[:2]) if item_id.startswith("r:") else None


# ------------------------------------------------------------------------------ writing
def write_block(task: WriteTask) -> NarrativeReply:
    """Sentences built from the evidence, each with its citation; then what was not found."""
    facts = _facts(task)
    if task.block_type == "list":
        lines = [f"- {f}" for f in facts] or [f"- {m}" for m in task.missing] or ["- Nothing was found."]
        return NarrativeReply(text=_fit("\n".join(lines)))
    paras = _paragraphs(facts)
    if task.missing:
        paras.append("Not found: " + " ".join(task.missing))
    if not paras:
        paras.append("The scan found no evidence for this section in the code or in MLflow.")
    return NarrativeReply(text=_fit("\n\n".join(paras)))


def _fit(text: str, limit: int = 5800) -> str:
    """Keep within the reply limit, cutting at a paragraph or line boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: max(cut.rfind("\n"), cut.rfind(". ") + 1)].rstrip()


def _paragraphs(facts: list[str], per_para: int = 4) -> list[str]:
    return [" ".join(facts[i:i + per_para]) for i in range(0, len(facts), per_para)]


def _facts(task: WriteTask) -> list[str]:
    """One sentence per fact group, in the order the section's topics care about."""
    items = _dedupe(task.evidence)
    by_kind: dict[str, list[EvidenceItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    topics = section_topics(task.section_name, task.hint)
    order = _kind_order(topics)
    out: list[str] = []
    done: set[str] = set()
    for kind in order:
        writer = _WRITERS.get(kind)
        if writer and kind in by_kind and kind not in done:
            done.add(kind)
            out += writer(by_kind[kind], by_kind)
    return [s for s in out if s]


def _dedupe(items: list[EvidenceItem]) -> list[EvidenceItem]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


_TOPIC_KINDS: dict[str, tuple[str, ...]] = {
    "overview": ("readme", "notebook_markdown", "registered_model", "estimator", "model_version", "run"),
    "model": ("estimator", "registered_model", "model_version", "run_param"),
    "data": ("data_source", "target", "dropped_column", "split"),
    "features": ("feature", "preprocessing", "dropped_column", "feature_importance"),
    "training": ("entry_point", "fit", "split", "cv", "hyperparameter_search", "seed", "experiment", "run",
                 "run_param"),
    "evaluation": ("metric", "threshold", "run", "model_version", "run_metric", "artifact"),
    "validation": ("split", "cv", "hyperparameter_search", "metric", "seed"),
    "deployment": ("registered_model", "model_version", "alias", "threshold", "logged_model"),
    "monitoring": ("metric", "threshold", "run_metric"),
    "mlflow": ("registered_model", "model_version", "experiment", "run", "mlflow_call"),
    "code": ("entry_point", "module", "config", "readme", "class", "function"),
    "risk": ("threshold", "split", "cv", "estimator"),
}


def _kind_order(topics: list[str]) -> list[str]:
    order: list[str] = []
    for topic in topics:
        order += [k for k in _TOPIC_KINDS.get(topic, ()) if k not in order]
    return order


# ----------------------------------------------------------------------- value wording
def fmt(value: object) -> str:
    """A value as prose: floats rounded to 4 decimals (grounding accepts the rounding)."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        if value != 0 and abs(value) < 0.001:
            return f"{value:.3g}"
        if abs(value) >= 1000:
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        if "$ref" in value or "$cfg" in value or "$expr" in value:
            ref = value.get("$cfg") or value.get("$ref") or value.get("$expr")
            return f"`{ref}`"
        return ", ".join(f"{k} = {fmt(v)}" for k, v in list(value.items())[:8])
    if isinstance(value, list):
        shown = ", ".join(fmt(v) for v in value[:8])
        return shown + (", …" if len(value) > 8 else "")
    return _code(str(value))


def _code(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > 80:
        text = text[:77] + "…"
    return f"`{text}`" if re.fullmatch(r"[\w./:\-\[\]]+", text) else text


def _cite(item: EvidenceItem) -> str:
    return f"[[{item.id}]]"


def _where(item: EvidenceItem) -> str:
    src = item.source
    if src.kind != "code" or not src.path:
        return ""
    where = f"`{src.path}`"
    if src.cell is not None:
        where += f" (cell {src.cell})"
    if src.line_start:
        where += f", line {src.line_start}"
    return where


def _legacy(item: EvidenceItem) -> str:
    return " (legacy code, not reached from any entry point)" if item.live is False else ""


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _name(item: EvidenceItem) -> str:
    return fmt(item.value) if isinstance(item.value, str) and item.value else _code(item.label)


def _first_sentence(text: str | None) -> str | None:
    if not text:
        return None
    clean = " ".join(re.sub(r"[#*`>]", "", text).split())
    match = re.match(r"(.{20,300}?[.!?])(\s|$)", clean)
    return match.group(1) if match else (clean[:200] if len(clean) >= 20 else None)


# -------------------------------------------------------------------- fact writers
Writer = Callable[[list[EvidenceItem], dict[str, list[EvidenceItem]]], list[str]]


def _w_readme(items: list[EvidenceItem], _: dict) -> list[str]:
    out = []
    for item in items[:2]:
        sentence = _first_sentence(item.text) or (item.value if isinstance(item.value, str) else None)
        if sentence:
            out.append(f"The project documentation ({_where(item) or _code(item.label)}) states: "
                       f"\u201c{sentence.rstrip('.')}.\u201d {_cite(item)}")
    return out


def _w_entry(items: list[EvidenceItem], _: dict) -> list[str]:
    names = [f"{_code(str(i.source.path or i.value or i.label))} {_cite(i)}" for i in items[:5]]
    noun = "entry point is" if len(names) == 1 else "entry points are"
    return [f"The code's {noun} {_join(names)}."]


def _w_estimator(items: list[EvidenceItem], by_kind: dict[str, list[EvidenceItem]]) -> list[str]:
    params = by_kind.get("param", [])
    out = []
    for est in sorted(items, key=lambda i: i.live is False)[:6]:
        prefix = est.id.rsplit(":estimator", 1)[0] + ":param:"
        own = [p for p in params if p.id.startswith(prefix)]
        settings = _join([f"{p.id[len(prefix):].split(':')[0]} = {fmt(p.value)} {_cite(p)}" for p in own[:8]])
        if est.live is False:
            out.append(f"Legacy code not reached from any entry point constructs {_name(est)} at {_where(est)} "
                       f"{_cite(est)}; it is not part of the documented pipeline.")
            continue
        sentence = f"The code constructs {_name(est)} at {_where(est)} {_cite(est)}"
        out.append(sentence + (f", with {settings}." if settings else "."))
    return out


def _w_simple(lead: str, limit: int = 6) -> Writer:
    def write(items: list[EvidenceItem], _: dict) -> list[str]:
        live = [i for i in items if i.live is not False]
        legacy = [i for i in items if i.live is False]
        out = []
        if live:
            parts = [f"{_describe(i)} {_cite(i)}" for i in live[:limit]]
            out.append(f"{lead} {_join(parts)}.")
        if legacy:
            parts = [f"{_describe(i)} at {_where(i)} {_cite(i)}" for i in legacy[:3]]
            out.append(f"Legacy code not reached from any entry point also has {_join(parts)}; "
                       "it is not part of the documented pipeline.")
        return out

    return write


def _describe(item: EvidenceItem) -> str:
    """A code fact as a short phrase: its value where it has one, else its label."""
    value = item.value
    if value is None or value == "" or isinstance(value, dict) and not value:
        text = _code(item.label)
    elif isinstance(value, str) and value in item.label:
        text = _code(item.label)
    else:
        text = f"{_code(item.label)} ({fmt(value)})"
    extras = {k: v for k, v in item.attrs.items()
              if k in ("test_size", "n_splits", "cv", "stratify", "random_state", "shuffle", "scoring", "tables")}
    if extras:
        text += " with " + fmt(extras)
    return text


def _w_registered(items: list[EvidenceItem], by_kind: dict[str, list[EvidenceItem]]) -> list[str]:
    out = []
    for item in items[:8]:
        name = item.id[2:] if item.id.startswith("m:") else item.label
        sentence = f"The model {_code(name)} is registered in MLflow {_cite(item)}"
        aliases = item.attrs.get("aliases")
        if isinstance(aliases, dict) and aliases:
            parts = [f"{_code(str(a))} on v{v}" for a, v in aliases.items()]
            sentence += f", with the alias{'es' if len(parts) > 1 else ''} {_join(parts)}"
        out.append(sentence + ".")
        desc = item.attrs.get("description") or (item.value if isinstance(item.value, str) else None)
        if isinstance(desc, str) and desc.strip() and desc.strip() != name:
            out.append(f"Its registry description reads: \u201c{' '.join(desc.split())[:300]}\u201d {_cite(item)}.")
    return out


def _w_versions(items: list[EvidenceItem], by_kind: dict[str, list[EvidenceItem]]) -> list[str]:
    groups: dict[str, list[EvidenceItem]] = {}
    for item in items:
        model = item.source.model_name or (item.id.split(":")[1] if item.id.startswith("mv:") else "")
        groups.setdefault(model, []).append(item)
    out = []
    for model, versions in list(groups.items())[:6]:
        parts = []
        for mv in versions[-6:]:
            ver = mv.source.model_version or mv.id.rsplit(":", 1)[-1]
            extra = []
            aliases = mv.attrs.get("aliases")
            if isinstance(aliases, list) and aliases:
                extra.append("alias " + ", ".join(_code(str(a)) for a in aliases))
            status = mv.attrs.get("status")
            if isinstance(status, str) and status and status != "READY":
                extra.append(f"status {status}")
            parts.append(f"v{ver}" + (f" ({'; '.join(extra)})" if extra else "") + f" {_cite(mv)}")
        noun = "version" if len(parts) == 1 else "versions"
        out.append(f"{_code(model)} has the registered {noun} {_join(parts)}.")
    return out


def _w_runs(items: list[EvidenceItem], by_kind: dict[str, list[EvidenceItem]]) -> list[str]:
    out = []
    for run in items[:6]:
        name = run.attrs.get("run_name") or (run.value if isinstance(run.value, str) else None) or run.label
        status = run.attrs.get("status")
        sentence = f"MLflow run {_code(str(name))} {_cite(run)}"
        if isinstance(status, str) and status:
            sentence += f" ended with status {status}"
        metrics = [m for m in by_kind.get("run_metric", []) if m.id.startswith(run.id + ":metric:")]
        if metrics:
            sentence += (", logging " if status else " logged ") + _metric_list(metrics)
        out.append(sentence + ".")
    return out


def _metric_list(metrics: list[EvidenceItem], limit: int = 8) -> str:
    parts = [f"{m.id.split(':metric:', 1)[-1]} {fmt(m.value)} {_cite(m)}" for m in _rank_metrics(metrics)[:limit]]
    return _join(parts)


def _rank_metrics(metrics: list[EvidenceItem]) -> list[EvidenceItem]:
    def key(m: EvidenceItem) -> tuple[int, str]:
        name = m.id.split(":metric:", 1)[-1]
        return (_PREFERRED_METRICS.index(name) if name in _PREFERRED_METRICS else 99, name)

    return sorted(metrics, key=key)


def _w_metrics(items: list[EvidenceItem], by_kind: dict[str, list[EvidenceItem]]) -> list[str]:
    """Metrics of runs that have no run item in the evidence (others are written with their run)."""
    runs = {r.id for r in by_kind.get("run", [])}
    orphans: dict[str, list[EvidenceItem]] = {}
    for m in items:
        run = _run8(m.id) or ""
        if run not in runs:
            orphans.setdefault(run, []).append(m)
    out = []
    for run, metrics in list(orphans.items())[:6]:
        out.append(f"Run {_code(run[2:]) if run else 'metrics'} logged {_metric_list(metrics)}.")
    return out


def _w_params(items: list[EvidenceItem], _: dict) -> list[str]:
    groups: dict[str, list[EvidenceItem]] = {}
    for p in items:
        groups.setdefault(_run8(p.id) or "", []).append(p)
    out = []
    for run, params in list(groups.items())[:3]:
        parts = [f"{p.id.split(':param:', 1)[-1]} = {fmt(p.value)} {_cite(p)}" for p in params[:10]]
        out.append(f"The parameters logged by run {_code(run[2:])} include {_join(parts)}.")
    return out


def _w_experiments(items: list[EvidenceItem], _: dict) -> list[str]:
    parts = [f"{_code(str(i.value or i.label))} {_cite(i)}" for i in items[:5]]
    noun = "experiment" if len(parts) == 1 else "experiments"
    return [f"Runs are tracked in the MLflow {noun} {_join(parts)}."]


def _w_artifacts(items: list[EvidenceItem], _: dict) -> list[str]:
    parts = [f"{_code(i.id.split(':art:', 1)[-1])} {_cite(i)}" for i in items[:6]]
    return [f"Logged artifacts include {_join(parts)}."]


def _w_module(items: list[EvidenceItem], _: dict) -> list[str]:
    out = []
    for item in items[:6]:
        doc = _first_sentence(item.text)
        name = _code(str(item.source.path or item.value or item.label))
        out.append(f"{name}{_legacy(item)}: {doc} {_cite(item)}" if doc else "")
    return out


def _w_importance(items: list[EvidenceItem], _: dict) -> list[str]:
    parts = []
    for item in items[:8]:
        if isinstance(item.value, int | float):
            parts.append(f"{_code(item.label)} {fmt(item.value)} {_cite(item)}")
    return [f"Logged feature importances include {_join(parts)}."] if parts else []


_WRITERS: dict[str, Writer] = {
    "readme": _w_readme,
    "notebook_markdown": _w_readme,
    "entry_point": _w_entry,
    "estimator": _w_estimator,
    "registered_model": _w_registered,
    "model_version": _w_versions,
    "run": _w_runs,
    "run_metric": _w_metrics,
    "run_param": _w_params,
    "experiment": _w_experiments,
    "artifact": _w_artifacts,
    "module": _w_module,
    "feature_importance": _w_importance,
    "data_source": _w_simple("Data are read by"),
    "target": _w_simple("The target is"),
    "dropped_column": _w_simple("Columns dropped before modelling:"),
    "feature": _w_simple("Features built in the code include"),
    "preprocessing": _w_simple("Preprocessing steps in the code are"),
    "split": _w_simple("The data are split by"),
    "cv": _w_simple("Cross-validation is performed with"),
    "hyperparameter_search": _w_simple("Hyperparameters are searched with"),
    "seed": _w_simple("Random seeds are fixed by"),
    "fit": _w_simple("Models are fitted by"),
    "metric": _w_simple("The code computes the metrics"),
    "threshold": _w_simple("Decision thresholds in the code are"),
    "config": _w_simple("Configuration is read from"),
    "alias": _w_simple("MLflow aliases:"),
    "logged_model": _w_simple("MLflow logged models are"),
    "mlflow_call": _w_simple("Results are recorded in MLflow through", 4),
    "class": _w_simple("Classes defined in the code include", 5),
    "function": _w_simple("Functions defined in the code include", 5),
}
