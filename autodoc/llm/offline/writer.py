"""The offline writer: plans and narratives from the evidence alone, no LLM.

Deterministic and sober: it states facts with their figures as the evidence holds them
(floats rounded to four decimals, which the grounding check accepts), puts a ``[[id]]``
citation after each claim, says what was looked for and not found, and marks legacy code
(not reached from an entry point) as such. It never guesses, so a hint such as "do not
describe validation that was not implemented" is followed by construction: only what the
evidence holds is described.

Each section is written by the writer of its primary topic (`_SECTION_WRITERS`), which
reads the task's evidence through `_Facts` (models, versions, runs, metrics, code facts).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from autodoc.document import (
    ChartPlan,
    ImagePlan,
    NarrativePlan,
    NarrativeReply,
    PlanReply,
    SeriesSource,
    TablePlan,
    TableSource,
)
from autodoc.evidence import EvidenceItem, run_evidence_id
from autodoc.llm.base import PlanTask, WriteTask
from autodoc.plan.offers import item_key
from autodoc.plan.select import metric_rank, section_topics

_DATA_METRICS = re.compile(r"^(n_rows|n_columns|n_samples|n_features|positive_rate|class_balance|rows)$")
_NARRATIVE_IDS = 40


# ----------------------------------------------------------------------------- planning
def plan_section(task: PlanTask) -> PlanReply:
    """A fixed plan per section: a narrative, then the tables/charts/images its data serves."""
    topics = section_topics(task.section_name, task.hint)
    primary = topics[0] if topics else "overview"
    narrative = NarrativePlan(
        guidance=_guidance(task, primary), evidence_ids=_narrative_ids(task.evidence, primary)
    )
    blocks: list = [narrative, *_extra_blocks(task, primary)]
    return PlanReply(blocks=blocks[:5])


def _guidance(task: PlanTask, primary: str) -> str:
    text = f"Describe {task.heading} from the evidence ({primary})."
    if task.hint:
        text += " Hint: " + " ".join(task.hint.split())[:400]
    return text


_PLAN_KINDS: dict[str, tuple[str, ...]] = {
    "overview": (
        "readme",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
        "estimator",
        "notebook_markdown",
    ),
    "model": (
        "estimator",
        "param",
        "config",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_param",
        "preprocessing",
    ),
    "data": (
        "data_source",
        "target",
        "split",
        "config",
        "feature",
        "dropped_column",
        "preprocessing",
        "run",
        "run_param",
        "run_metric",
    ),
    "features": ("feature", "dropped_column", "preprocessing", "artifact", "run", "target", "data_source"),
    "training": (
        "entry_point",
        "fit",
        "split",
        "cv",
        "seed",
        "hyperparameter_search",
        "config",
        "experiment",
        "run",
        "run_param",
    ),
    "evaluation": (
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
        "metric",
        "threshold",
        "config",
        "artifact",
    ),
    "validation": (
        "split",
        "cv",
        "param",
        "config",
        "metric",
        "threshold",
        "hyperparameter_search",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
    ),
    "deployment": ("registered_model", "alias", "model_version", "threshold", "config", "entry_point", "run"),
    "monitoring": (
        "metric",
        "threshold",
        "config",
        "registered_model",
        "alias",
        "model_version",
        "run",
        "run_metric",
        "metric_history",
    ),
    "mlflow": ("registered_model", "alias", "model_version", "experiment", "run"),
    "code": ("entry_point", "module", "config", "readme", "data_source", "estimator", "mlflow_call"),
    "risk": ("threshold", "split", "cv", "config", "estimator", "run", "dropped_column"),
}


def _narrative_ids(items: list[EvidenceItem], primary: str) -> list[str]:
    """The items the narrative should draw on: the primary topic's kinds first, in order."""
    kinds = _PLAN_KINDS.get(primary, ())
    rank = {k: n for n, k in enumerate(kinds)}
    wanted = [i for i in items if i.kind in rank and i.attrs.get("owner_kind") != "argparse"]
    wanted.sort(key=lambda i: (rank[i.kind], metric_rank(item_key(i)) if i.kind == "run_metric" else ()))
    per_kind: dict[str, int] = {}
    out = []
    for item in wanted:  # a few of each kind, so one kind (run metrics) cannot crowd out the rest
        per_kind[item.kind] = per_kind.get(item.kind, 0) + 1
        if per_kind[item.kind] <= _PER_KIND:
            out.append(item.id)
    return out[:_NARRATIVE_IDS]


_PER_KIND = 12


def _extra_blocks(task: PlanTask, primary: str) -> list:
    kinds = set(task.table_kinds)
    models = _models(task)
    out: list = []
    if primary == "model":
        if task.model and "model_params" in kinds:
            out.append(
                TablePlan(
                    title=f"Parameters of {task.model}",
                    source=TableSource(kind="model_params", model=task.model),
                )
            )
        elif "estimators" in kinds:
            out.append(
                TablePlan(title="Estimators constructed in the code", source=TableSource(kind="estimators"))
            )
    elif primary == "evaluation":
        out += _evaluation_blocks(task, kinds, models)
    elif primary == "validation":
        ids = _ids_of(task.evidence, ("split", "cv", "hyperparameter_search", "threshold"))
        if ids and "code_facts" in kinds:
            out.append(
                TablePlan(
                    title="Validation steps found in the code",
                    source=TableSource(kind="code_facts", evidence_ids=ids[:20]),
                )
            )
    elif primary in ("data", "features"):
        want = (
            ("data_source", "target", "split", "dropped_column")
            if primary == "data"
            else ("feature", "preprocessing", "dropped_column")
        )
        ids = _ids_of(task.evidence, want)
        if ids and "code_facts" in kinds:
            out.append(
                TablePlan(
                    title=f"{task.heading}: facts from the code",
                    source=TableSource(kind="code_facts", evidence_ids=ids[:30]),
                )
            )
        fi = [i for i in task.evidence if _is_importance(i)]
        if primary == "features" and fi:
            out.append(
                ChartPlan(
                    title="Logged feature importance",
                    series=SeriesSource(
                        kind="feature_importance", model=task.model, run_id=run_evidence_id(fi[0].id)
                    ),
                )
            )
    elif primary == "training":
        exp = next((i.id for i in task.evidence if i.kind == "experiment"), None)
        if "experiment_runs" in kinds:  # no experiment named: the filler uses the only one, or says so
            out.append(
                TablePlan(
                    title="MLflow runs",
                    source=TableSource(
                        kind="experiment_runs", experiment=exp[2:] if exp else None, model=task.model
                    ),
                )
            )
    elif primary in ("deployment", "mlflow") and "model_versions" in kinds:
        for name in ([task.model] if task.model else models)[:4]:
            out.append(
                TablePlan(title=f"Versions of {name}", source=TableSource(kind="model_versions", model=name))
            )
    elif primary == "risk" and "code_facts" in kinds:
        ids = _ids_of(task.evidence, ("threshold", "split", "cv"))
        if ids:
            out.append(
                TablePlan(
                    title="Settings that bound the model's use",
                    source=TableSource(kind="code_facts", evidence_ids=ids[:20]),
                )
            )
    return out


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
                        title=f"{metric} of {task.model} by version",
                        series=SeriesSource(kind="metric_across_versions", model=task.model, metric=metric),
                    )
                )
        if "model_versions" in kinds:
            out.append(
                TablePlan(
                    title=f"Versions of {task.model}",
                    source=TableSource(kind="model_versions", model=task.model),
                )
            )
        images = sorted(task.image_ids, key=lambda i: ("roc" not in i.lower(), i))
        if images:
            out.append(ImagePlan(title=_image_title(images[0]), artifact_id=images[0]))
        return out
    if "metric_across_models" in kinds:
        out.append(TablePlan(title="Metrics by model", source=TableSource(kind="metric_across_models")))
        if metric:
            out.append(
                ChartPlan(
                    title=f"{metric} by model",
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


def _is_importance(item: EvidenceItem) -> bool:
    return (
        item.kind == "feature_importance"
        or ":fi:" in item.id
        or (item.kind == "artifact" and "importance" in item.id.lower() and isinstance(item.value, dict))
    )


# ------------------------------------------------------------------------- evidence view
class _Facts:
    """The task's evidence with the lookups a writer needs."""

    def __init__(self, items: list[EvidenceItem]) -> None:
        seen: set[str] = set()
        self.items = [i for i in items if not (i.id in seen or seen.add(i.id))]  # type: ignore[func-returns-value]
        self.by_id = {i.id: i for i in self.items}
        self.used: set[str] = set()  # ids already written about (each fact once per block)

    def kind(self, *kinds: str, live: bool | None = True) -> list[EvidenceItem]:
        """Items of the kinds; `live=True` skips legacy code, `False` keeps only it, None keeps all."""
        out = [i for i in self.items if i.kind in kinds]
        if live is True:
            return [i for i in out if i.live is not False]
        if live is False:
            return [i for i in out if i.live is False]
        return out

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
            if al.attrs.get("model") == _model_of(mv) and str(al.value) == _version_of(mv):
                names.append(str(al.attrs.get("alias") or al.id.rsplit("@", 1)[-1]))
        return sorted(set(names))

    def primary_version(self, model: str) -> EvidenceItem | None:
        versions = self.versions(model)
        for alias in ("champion", "production", "prod", "best"):
            hit = next((v for v in versions if alias in self.alias_of(v)), None)
            if hit:
                return hit
        hit = next((v for v in versions if self.alias_of(v)), None)
        return hit or (max(versions, key=lambda v: _int(_version_of(v))) if versions else None)

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


def _version_of(mv: EvidenceItem) -> str:
    return str(mv.source.model_version or mv.id.rsplit(":", 1)[-1])


def _int(text: str) -> int:
    return int(text) if text.isdigit() else -1


# ------------------------------------------------------------------------------ writing
def write_block(task: WriteTask) -> NarrativeReply:
    """Sentences built from the evidence, each with its citation; then what was not found."""
    facts = _Facts(task.evidence)
    topics = section_topics(task.section_name, task.hint)
    primary = topics[0] if topics else "overview"
    if task.block_type == "list":
        sentences = _list_sentences(facts, primary)
        lines = [f"- {s}" for s in sentences] or [f"- {m}" for m in task.missing] or ["- Nothing was found."]
        return NarrativeReply(text=_fit("\n".join(lines)))
    writer = _section_writer(task, primary)
    paras = [p for p in writer(facts, task) if p]
    paras += [p for p in _write_leftovers(facts, primary) if p]
    if task.feedback and _SHORTER.search(task.feedback):
        paras = paras[:2]  # the reviewer asked for less: keep the leading passages
    if task.missing:
        paras.append("Not found: " + " ".join(task.missing))
    if not paras:
        paras.append("The scan found no evidence for this section in the code or in MLflow.")
    return NarrativeReply(text=_fit("\n\n".join(paras)))


_SHORTER = re.compile(r"\b(short|shorter|brief|briefer|concise|condense|less detail|too long)", re.I)


def _fit(text: str, limit: int = 5800) -> str:
    """Keep within the reply limit, cutting at a paragraph or sentence boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: max(cut.rfind("\n"), cut.rfind(". ") + 1)].rstrip()


def _para(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


# ------------------------------------------------------------------------ value wording
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
        return ", ".join(f"{k} = {fmt(v)}" for k, v in list(value.items())[:8])
    if isinstance(value, list):
        shown = ", ".join(fmt(v) for v in value[:8])
        return shown + (", …" if len(value) > 8 else "")
    return _code(str(value))


def _num(value: object) -> str:
    """A numeric string param ("0.1") as a number, anything else via `fmt`."""
    if isinstance(value, str):
        try:
            return fmt(float(value)) if re.fullmatch(r"-?\d+\.\d+(e-?\d+)?", value) else _code(value)
        except ValueError:
            return _code(value)
    return fmt(value)


def _code(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > 80:
        text = text[:77] + "…"
    return (
        f"`{text}`"
        if re.fullmatch(r"[\w./:\-\[\]]+", text) and not re.fullmatch(r"-?\d+(\.\d+)?", text)
        else text
    )


def _c(*items: EvidenceItem) -> str:
    return " ".join(f"[[{i.id}]]" for i in items)


def _where(item: EvidenceItem) -> str:
    src = item.source
    if src.kind != "code" or not src.path:
        return ""
    where = f"`{src.path}`"
    if src.cell is not None:
        where += f", cell {src.cell}"
    if src.line_start and src.line_start > 1:
        where += f", line {src.line_start}"
    return where


def _join(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _sentences(text: str | None, limit: int = 2) -> str | None:
    """The first sentences of a text, without Markdown headings or code fences."""
    if not text:
        return None
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("#", "```", "- ", "* ", "|"))]
    clean = " ".join(" ".join(lines).replace("`", "").split())
    found = re.findall(r".+?[.!?](?=\s|$)", clean)
    out = " ".join(f.strip() for f in found[:limit]) if found else clean[:300]
    return out if len(out) >= 15 else None


def _metric_phrase(metrics: list[EvidenceItem], limit: int = 4) -> str:
    return _join([f"{item_key(m)} {fmt(m.value)} {_c(m)}" for m in metrics[:limit]])


def _headline(metrics: list[EvidenceItem]) -> list[EvidenceItem]:
    """Quality metrics only (no row counts), headline first."""
    return [m for m in metrics if not _DATA_METRICS.match(item_key(m)) and isinstance(m.value, int | float)]


# --------------------------------------------------------------------- shared passages
def _purpose(f: _Facts) -> str:
    # the README nearest the root speaks for the project; a notebook only for itself
    docs = sorted(
        f.kind("readme", "notebook_markdown", live=None),
        key=lambda i: (i.kind != "readme", (i.source.path or "").count("/"), i.source.line_start or 0),
    )
    for item in docs[:3]:
        text = _sentences(item.text)
        if text:
            f.used.add(item.id)
            who = (
                "The project README"
                if item.kind == "readme"
                else f"The notebook {_code(item.source.path or '')}"
            )
            return f"{who} describes its purpose: \u201c{text}\u201d {_c(item)}"
    return ""


def _registry(f: _Facts, describe: bool = True) -> list[str]:
    out = []
    for m in f.fresh(f.models()):
        name = str(m.value or m.id[2:])
        sentence = f"The model {_code(name)} is registered in MLflow {_c(m)}."
        desc = m.text or (m.attrs.get("description") if isinstance(m.attrs.get("description"), str) else None)
        if describe and desc:
            sentence += (
                f" Its registry description reads: \u201c{' '.join(str(desc).split())[:400]}\u201d {_c(m)}"
            )
        out.append(sentence)
    return out


def _model_summary(f: _Facts, model: str, limit: int = 4) -> str:
    """The primary version of a model, the run behind it and its headline metrics."""
    mv = f.primary_version(model)
    if mv is None:
        return ""
    f.used.add(mv.id)
    aliases = f.alias_of(mv)
    alias_items = [
        a
        for a in f.kind("alias", live=None)
        if a.attrs.get("model") == model and str(a.value) == _version_of(mv)
    ]
    f.used.update(a.id for a in alias_items)
    ver = f"version {_version_of(mv)} {_c(mv)}"
    lead = (
        f"For {_code(model)}, the alias {_join([_code(a) for a in aliases])} points to {ver}"
        if aliases
        else f"The latest version of {_code(model)} is {ver}"
    )
    run8 = f.run_of_version(mv)
    if run8 is None:
        return lead + "."
    run = f.run_item(run8)
    lead += f", trained in the MLflow run {_code(f.run_name(run8))}" + (f" {_c(run)}" if run else "")
    if run:
        f.used.add(run.id)
    metrics = f.fresh(_headline(f.metrics(run8)))
    if metrics:
        lead += f", which logged {_metric_phrase(metrics, limit)}"
    return lead + "."


def _estimators(f: _Facts, with_settings: bool) -> list[str]:
    out = []
    seen: set[str] = set()
    for est in f.fresh(f.kind("estimator")):
        name = str(est.value or est.label)
        if name in seen and not with_settings:
            continue
        seen.add(name)
        sentence = f"The code constructs {_code(name)} at {_where(est)} {_c(est)}"
        params = f.fresh(f.owned_params(est)) if with_settings else []
        literal = [p for p in params if p.value is not None]
        from_expr = [p for p in params if p.value is None and p.attrs.get("expr")]
        if literal:
            sentence += ", with " + _join([f"{item_key(p)} = {fmt(p.value)} {_c(p)}" for p in literal[:8]])
        if from_expr:
            sentence += ("; " if literal else ", with ") + _join(
                [f"{item_key(p)} set from {_code(str(p.attrs['expr']))} {_c(p)}" for p in from_expr[:8]]
            )
        out.append(sentence + ".")
    return out


def _legacy(f: _Facts) -> str:
    items = f.fresh(f.kind("estimator", "fit", "data_source", "split", "module", live=False))
    if not items:
        return ""
    parts = _join([f"{_code(str(i.value or i.label))} at {_where(i)} {_c(i)}" for i in items[:4]])
    return (
        f"Legacy code that no entry point reaches also contains {parts}; it is not part of the "
        "documented pipeline."
    )


def _config(
    f: _Facts, pattern: str | None = None, lead: str = "The configuration sets", model: str | None = None
) -> str:
    rx = re.compile(pattern, re.I) if pattern else None
    family = set(re.split(r"[^a-z0-9]+", model.lower())) if model else None
    items = [
        i
        for i in f.kind("config", live=None)
        if i.value is not None
        and not isinstance(i.value, dict | list)
        and (rx is None or rx.search(item_key(i).rsplit(":", 1)[-1]))
        and _for_model(_config_key(i), family)
    ]
    items = f.fresh(items)[:10]
    if not items:
        return ""
    files = sorted({i.source.path for i in items if i.source.path})
    who = _join([_code(p) for p in files]) + (" sets" if len(files) == 1 else " set") if files else lead
    return f"{who} " + _join([f"{_config_key(i)} = {fmt(i.value)} {_c(i)}" for i in items]) + "."


def _for_model(key: str, family: set[str] | None) -> bool:
    """A per-model section shows "gbm.max_depth" only for a model whose name has "gbm"."""
    if family is None or "." not in key:
        return True
    return key.split(".", 1)[0].lower() in family


def _config_key(item: EvidenceItem) -> str:
    return item.id.split(":config:", 1)[-1] if ":config:" in item.id else item_key(item)


def _logged_params(f: _Facts, pattern: str, lead: str) -> str:
    """Params the runs logged whose names match, from the first run that logged each."""
    rx = re.compile(pattern, re.I)
    chosen: dict[str, EvidenceItem] = {}
    for p in f.kind("run_param", live=None):
        if rx.search(item_key(p)) and item_key(p) not in chosen:
            chosen[item_key(p)] = p
    items = f.fresh(list(chosen.values()))[:10]
    if not items:
        return ""
    return lead + " " + _join([f"{item_key(p)} = {_num(p.value)} {_c(p)}" for p in items]) + "."


def _code_list(f: _Facts, kinds: tuple[str, ...], lead: str, limit: int = 8) -> str:
    items = f.fresh(f.kind(*kinds))[:limit]
    if not items:
        return ""
    return lead + " " + _join([_fact_phrase(i) for i in items]) + "."


def _fact_phrase(item: EvidenceItem) -> str:
    """A code fact as a phrase: its name or value and where it is, then its citation."""
    value = item.value
    label = re.sub(r" \([\w./-]+\)$", "", item.label)  # "train_test_split (train.py)": the file follows
    if item.kind == "fit" and item.text and len(item.text) <= 60 and not re.search(r"[`\d]", item.text):
        shown = f"`{' '.join(item.text.split())}`"  # the call as written, e.g. model.fit(X_train, y_train)
    elif isinstance(value, list):
        shown = f"{_code(label)} ({fmt(value)})"
    elif isinstance(value, str) and value:
        shown = _code(value)
    else:
        shown = _code(label)
    where = _where(item)
    if where.strip("`") == str(value):
        where = ""
    return f"{shown}" + (f" ({where})" if where else "") + f" {_c(item)}"


# ---------------------------------------------------------------------- section writers
SectionWriter = Callable[[_Facts, WriteTask], list[str]]


def _write_overview(f: _Facts, task: WriteTask) -> list[str]:
    paras = [_purpose(f)]
    models = f.model_names()
    paras.append(_para(*_registry(f, describe=True)))
    paras.append(_para(*[_model_summary(f, m, limit=3) for m in models]))
    paras.append(_para(*_estimators(f, with_settings=False), _legacy(f)))
    if not models:
        runs = f.fresh(f.kind("run", live=None))[:3]
        paras.append(_para(*[_run_sentence(f, r) for r in runs]))
    return paras


def _write_conclusion(f: _Facts, task: WriteTask) -> list[str]:
    """A conclusion restates what the document found; it adds nothing new."""
    models = f.model_names()
    f.fresh(f.models())
    summaries = [_model_summary(f, m, limit=2) for m in models]
    if summaries and summaries[0]:
        summaries[0] = "In summary, f" + summaries[0][1:] if summaries[0].startswith("For") else summaries[0]
    paras = [_para(*summaries)]
    paras.append(_para(*_estimators(f, with_settings=False)))
    return paras


def _write_model(f: _Facts, task: WriteTask) -> list[str]:
    paras = [_para(*_estimators(f, with_settings=True), _legacy(f))]
    prefix = (
        r"^(logreg|gbm|rf|xgb|lgbm|model|clf|estimator)\.|^(C|alpha|l1_ratio|max_depth|n_estimators|"
        r"learning_rate|subsample|max_iter|solver|penalty|class_weight)$"
    )
    paras.append(_config(f, prefix, "The configuration sets", model=task.model))
    paras.append(_code_list(f, ("preprocessing",), "The model's inputs are prepared by"))
    if task.model:
        paras.append(_model_summary(f, task.model, limit=3))
        mv = f.primary_version(task.model)
        run8 = f.run_of_version(mv) if mv else None
        if run8:
            params = f.fresh(f.params(run8))[:12]
            if params:
                paras.append(
                    "That run logged the parameters "
                    + _join([f"{item_key(p)} = {_num(p.value)} {_c(p)}" for p in params])
                    + "."
                )
    else:
        paras.append(_para(*_registry(f, describe=True)))
    return paras


def _write_data(f: _Facts, task: WriteTask) -> list[str]:
    paras = [
        _data_loading(f),
        _para(
            _code_list(f, ("split",), "The data are split by"),
            _config(f, r"(test_size|train_size|stratify|random_state|seed|target)", "The configuration sets"),
            _logged_params(
                f, r"(test_size|train_size|stratify|random_state|n_features)", "The training runs logged"
            ),
        ),
        _data_metrics(f),
        _para(
            _code_list(f, ("dropped_column",), "Columns are dropped by"),
            _code_list(f, ("feature",), "Columns created or selected in the code include", 10),
            _code_list(f, ("preprocessing",), "Preprocessing uses"),
        ),
    ]
    return paras


def _data_loading(f: _Facts) -> str:
    return _para(
        _code_list(f, ("data_source",), "The data are loaded by"),
        _code_list(f, ("target",), "The target is"),
    )


def _data_metrics(f: _Facts) -> str:
    chosen: dict[str, EvidenceItem] = {}
    for m in f.kind("run_metric", live=None):
        if _DATA_METRICS.match(item_key(m)) and item_key(m) not in chosen:
            chosen[item_key(m)] = m
    items = f.fresh(list(chosen.values()))
    if not items:
        return ""
    run8 = run_evidence_id(items[0].id) or ""
    return (
        f"The run {_code(f.run_name(run8))} recorded the data it was trained on: "
        + _join([f"{item_key(m)} {fmt(m.value)} {_c(m)}" for m in items])
        + "."
    )


def _write_features(f: _Facts, task: WriteTask) -> list[str]:
    paras = [
        _para(
            _code_list(f, ("feature",), "Columns created or selected in the code include", 10),
            _code_list(f, ("dropped_column",), "Columns are dropped by"),
            _code_list(f, ("preprocessing",), "Preprocessing uses"),
        ),
        _importance(f),
        _data_loading(f),
    ]
    return paras


def _importance(f: _Facts) -> str:
    items = [i for i in f.items if _is_importance(i) and i.id not in f.used]
    if not items:
        return ""
    item = items[0]
    f.used.add(item.id)
    val = item.value
    if not isinstance(val, dict):
        return ""
    top = sorted(((k, v) for k, v in val.items() if isinstance(v, int | float)), key=lambda kv: -abs(kv[1]))[
        :5
    ]
    run8 = run_evidence_id(item.id) or ""
    return (
        f"The feature importances logged by the run {_code(f.run_name(run8))} rank highest "
        + _join([f"{k} ({fmt(v)})" for k, v in top])
        + f" {_c(item)}."
    )


def _write_training(f: _Facts, task: WriteTask) -> list[str]:
    paras = [_entry_points(f)]
    paras.append(
        _para(
            _code_list(f, ("split",), "The data are split by"),
            _code_list(f, ("cv",), "Cross-validation uses"),
            _code_list(f, ("hyperparameter_search",), "Hyperparameters are searched with"),
            _code_list(f, ("seed",), "Random seeds are set by"),
            _code_list(f, ("fit",), "Models are fitted by", 4),
            _config(
                f,
                r"(test_size|stratify|random_state|seed|cv_folds|folds|n_splits|epochs|batch_size)",
                "The configuration sets",
            ),
        )
    )
    paras.append(_experiments(f))
    paras.append(_runs_passage(f))
    paras.append(_legacy(f))
    return paras


def _entry_points(f: _Facts) -> str:
    entries = f.fresh(f.kind("entry_point"))
    if not entries:
        return ""
    return (
        "The code's entry "
        + ("point is " if len(entries) == 1 else "points are ")
        + _join([f"{_code(str(e.value or e.source.path))} {_c(e)}" for e in entries])
        + "."
    )


def _runs_passage(f: _Facts, limit: int = 12) -> str:
    """Finished runs in one sentence; failed and killed runs one by one, with their reason."""
    runs = f.fresh(f.kind("run", live=None))[:limit]
    done = [r for r in runs if (r.attrs.get("status") or r.value) == "FINISHED"]
    rest = [r for r in runs if r not in done]
    out = []
    if done:
        names = _join([f"{_code(f.run_name(run_evidence_id(r.id) or r.id))} {_c(r)}" for r in done])
        out.append(f"The run{'s' if len(done) > 1 else ''} {names} ended with status FINISHED.")
    out += [_run_sentence(f, r) for r in rest]
    return _para(*out)


def _experiments(f: _Facts) -> str:
    out = []
    for exp in f.fresh(f.kind("experiment", live=None))[:3]:
        sentence = f"Runs are tracked in the MLflow experiment {_code(str(exp.value))} {_c(exp)}"
        runs, counts = exp.attrs.get("runs"), exp.attrs.get("status_counts")
        if isinstance(runs, int):
            sentence += f", which holds {runs} runs"
            if isinstance(counts, dict) and counts:
                sentence += " (" + _join([f"{n} {s}" for s, n in sorted(counts.items())]) + ")"
        out.append(sentence + ".")
    return _para(*out)


def _run_sentence(f: _Facts, run: EvidenceItem) -> str:
    run8 = run_evidence_id(run.id) or run.id
    status = run.attrs.get("status") or run.value
    sentence = f"The run {_code(f.run_name(run8))} {_c(run)} ended with status {status}"
    if status in ("FAILED", "KILLED") and run.text:
        sentence += f" (\u201c{' '.join(run.text.split())[:200]}\u201d)"
    metrics = f.fresh(_headline(f.metrics(run8)))
    if metrics:
        sentence += f" and logged {_metric_phrase(metrics, 3)}"
    return sentence + "."


def _write_evaluation(f: _Facts, task: WriteTask) -> list[str]:
    paras = []
    models = f.model_names(task.model)
    f.fresh(f.models())
    paras.append(_para(*[_model_summary(f, m, limit=4) for m in models]))
    if task.model:
        others = [v for v in f.versions(task.model) if v.id not in f.used]
        paras.append(_para(*[_version_sentence(f, v) for v in f.fresh(others)]))
    paras.append(
        _para(
            _code_list(f, ("metric",), "The evaluation code computes", 8),
            _code_list(f, ("threshold",), "The decision threshold is set by"),
            _config(f, r"(thresh|cutoff)", "The configuration sets"),
        )
    )
    by_path: dict[str, EvidenceItem] = {}
    for img in (i for i in f.kind("artifact", live=None) if i.attrs.get("image")):
        by_path.setdefault(img.id.split(":art:", 1)[-1], img)  # one mention per plot, not per run
    images = f.fresh(list(by_path.values()))[:4]
    if images:
        paras.append(
            "Plots logged with the runs include "
            + _join(
                [
                    f"{_code(item_key(i).split(':art:', 1)[-1] if ':art:' in i.id else str(i.value))} {_c(i)}"
                    for i in images
                ]
            )
            + "."
        )
    return paras


def _version_sentence(f: _Facts, mv: EvidenceItem) -> str:
    aliases = f.alias_of(mv)
    sentence = f"Version {_version_of(mv)} {_c(mv)}" + (
        f" (alias {_join([_code(a) for a in aliases])})" if aliases else ""
    )
    run8 = f.run_of_version(mv)
    if run8:
        sentence += f" comes from the run {_code(f.run_name(run8))}"
        metrics = f.fresh(_headline(f.metrics(run8)))
        if metrics:
            sentence += f", which logged {_metric_phrase(metrics, 3)}"
    return sentence + "."


def _write_validation(f: _Facts, task: WriteTask) -> list[str]:
    paras = [_para(*_validation_steps(f))]
    models = f.model_names(task.model)
    f.fresh(f.models())
    results = []
    for model in models:
        mv = f.primary_version(model)
        run8 = f.run_of_version(mv) if mv else None
        if mv is None or run8 is None:
            continue
        f.used.add(mv.id)
        metrics = _headline(f.metrics(run8))
        cv = f.fresh([m for m in metrics if item_key(m).startswith("cv_")])[:3]
        held = f.fresh([m for m in metrics if not item_key(m).startswith(("cv_", "train"))])[:3]
        if cv or held:
            results.append(
                f"For {_code(model)} version {_version_of(mv)} {_c(mv)}, the run "
                f"{_code(f.run_name(run8))} logged " + _metric_phrase(cv + held, 6) + "."
            )
    paras.append(_para(*results))
    failed = [
        r for r in f.kind("run", live=None) if (r.attrs.get("status") or r.value) in ("FAILED", "KILLED")
    ]
    paras.append(_para(*[_run_sentence(f, r) for r in f.fresh(failed)[:4]]))
    return paras


def _validation_steps(f: _Facts) -> list[str]:
    steps = [
        _code_list(f, ("split",), "A hold-out split is made by"),
        _config(f, r"(test_size|train_size|stratify|random_state)", "The configuration sets"),
        _cv_sentence(f),
        _code_list(f, ("hyperparameter_search",), "Hyperparameters are searched with"),
        _code_list(f, ("metric",), "The evaluation code computes", 8),
        _code_list(f, ("threshold",), "The decision threshold is set by"),
        _config(f, r"(thresh|cutoff)", "The configuration sets"),
    ]
    return [s for s in steps if s]


def _cv_sentence(f: _Facts) -> str:
    cvs = f.fresh(f.kind("cv"))
    if not cvs:
        return ""
    parts = []
    for cv in cvs[:3]:
        params = [p for p in f.fresh(f.owned_params(cv)) if p.value is not None]
        extra = _join([f"{item_key(p)} = {fmt(p.value)} {_c(p)}" for p in params[:4]])
        parts.append(
            f"{_code(str(cv.value or cv.label))} ({_where(cv)}) {_c(cv)}"
            + (f" with {extra}" if extra else "")
        )
    return (
        "Cross-validation uses "
        + _join(parts)
        + "."
        + (" " + _config(f, r"(cv_folds|folds|n_splits)", "The configuration sets")).rstrip()
    )


def _list_sentences(f: _Facts, primary: str) -> list[str]:
    if primary == "validation":
        return _validation_steps(f)
    return [
        p
        for p in _SECTION_WRITERS.get(primary, _write_generic)(
            f, WriteTask(document_title="", section_id="", section_name="", heading="")
        )
        if p
    ]


def _write_deployment(f: _Facts, task: WriteTask) -> list[str]:
    paras = [_para(*_registry(f, describe=False))]
    models = f.model_names(task.model)
    for model in models:
        versions = f.fresh(f.versions(model))
        labels = {_version_of(v): _version_label(f, v) for v in versions}
        # the registry entry names every version, also those not selected for this section
        reg = f.by_id.get(f"m:{model}")
        listed = reg.attrs.get("versions") if reg else None
        for number in listed if isinstance(listed, list) else []:
            labels.setdefault(str(number), f"version {number} {_c(reg)}")
        if labels:
            ordered = [labels[k] for k in sorted(labels, key=_int)]
            paras.append(f"Registered versions of {_code(model)}: " + _join(ordered) + ".")
    paras.append(
        _para(
            _code_list(f, ("threshold",), "The decision threshold is set by"),
            _config(f, r"(thresh|cutoff)", "The configuration sets"),
            _code_list(f, ("entry_point",), "The code's entry points are"),
        )
    )
    return paras


def _version_label(f: _Facts, mv: EvidenceItem) -> str:
    aliases = f.alias_of(mv)
    status = mv.attrs.get("status")
    extra = []
    if aliases:
        extra.append("alias " + _join([_code(a) for a in aliases]))
    if isinstance(status, str) and status and status != "READY":
        extra.append(f"status {status}")
    return f"version {_version_of(mv)}" + (f" ({'; '.join(extra)})" if extra else "") + f" {_c(mv)}"


def _write_monitoring(f: _Facts, task: WriteTask) -> list[str]:
    return [
        _para(
            _code_list(f, ("metric",), "The code computes the metrics", 8),
            _code_list(f, ("threshold",), "The decision threshold is set by"),
            _config(f, r"(thresh|cutoff)", "The configuration sets"),
        ),
        _para(*[_model_summary(f, m, 3) for m in f.model_names()]),
    ]


def _write_code(f: _Facts, task: WriteTask) -> list[str]:
    paras = [_entry_points(f)]
    modules = []
    for mod in f.fresh(f.kind("module", live=None))[:10]:
        doc = _sentences(mod.text, 1)
        name = _code(str(mod.source.path or mod.value))
        status = " (legacy: no entry point reaches it)" if mod.live is False else ""
        modules.append(
            f"{name}{status}: {doc.rstrip('.')} {_c(mod)}." if doc else f"{name}{status} {_c(mod)}."
        )
    paras.append(_para(*modules))
    paras.append(_config(f, None, "The configuration sets"))
    paras.append(_legacy(f))
    return paras


def _write_risk(f: _Facts, task: WriteTask) -> list[str]:
    return [
        _para(
            _code_list(f, ("threshold",), "The decision threshold is set by"),
            _config(f, r"(thresh|cutoff)", "The configuration sets"),
            _code_list(f, ("split",), "The model is validated on a split made by"),
            _cv_sentence(f),
        ),
        _legacy(f),
        _para(
            *[
                _run_sentence(f, r)
                for r in f.fresh(
                    [
                        r
                        for r in f.kind("run", live=None)
                        if (r.attrs.get("status") or r.value) in ("FAILED", "KILLED")
                    ]
                )[:4]
            ]
        ),
    ]


def _write_mlflow(f: _Facts, task: WriteTask) -> list[str]:
    return [*_write_deployment(f, task), _experiments(f)]


def _write_generic(f: _Facts, task: WriteTask) -> list[str]:
    return _write_overview(f, task)


_SECTION_WRITERS: dict[str, SectionWriter] = {
    "overview": _write_overview,
    "model": _write_model,
    "data": _write_data,
    "features": _write_features,
    "training": _write_training,
    "evaluation": _write_evaluation,
    "validation": _write_validation,
    "deployment": _write_deployment,
    "monitoring": _write_monitoring,
    "mlflow": _write_mlflow,
    "code": _write_code,
    "risk": _write_risk,
}


def _write_leftovers(f: _Facts, primary: str) -> list[str]:
    """Facts of the section's main kinds that no passage used (so nothing given is lost)."""
    kinds = set(_PLAN_KINDS.get(primary, ())) - {
        "run_param",
        "run_metric",
        "param",
        "config",
        "alias",
        "run",
        "model_version",
        "registered_model",
        "artifact",
        "readme",
    }
    rest = [i for i in f.items if i.kind in kinds and i.id not in f.used and i.live is not False]
    if not rest or primary in ("overview",):
        return []
    f.used.update(i.id for i in rest)
    return ["The scan also found " + _join([_fact_phrase(i) for i in rest[:8]]) + "."]


# the conclusion is an overview that adds nothing new
_CONCLUSION = re.compile(r"conclu|recommend|summary of findings", re.I)


def _section_writer(task: WriteTask, primary: str) -> SectionWriter:
    if _CONCLUSION.search(task.section_name):
        return _write_conclusion
    return _SECTION_WRITERS.get(primary, _write_generic)
