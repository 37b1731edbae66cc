"""Value wording and the passages several sections share (purpose, registry, model summary, estimators...)."""

from __future__ import annotations

import re

from autodoc.document import archive_words, cite, figure_text, join_words, setting_text
from autodoc.evidence import EvidenceItem, config_key
from autodoc.llm.offline.facts import Facts, version_of
from autodoc.plan.lineage import estimator_part, estimator_rank
from autodoc.plan.offers import item_key
from autodoc.plan.readme import template_sentence
from autodoc.plan.topics import (
    is_data_metric,
    is_exploratory_code,
)
from autodoc.plan.value_origin import logged_run
from autodoc.plan.values import (
    UNNAMED_FILE,
    by_caller_words,
    logged_value,
    resolve_param,
    unpacked_settings,
    unpacked_words,
)
from autodoc.scan.code.rules.selection import reads_params
from autodoc.write.fit_rows_words import loop_choice_words, threshold_opening
from autodoc.write.split_files import run_condition


def para(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def fmt(value: object) -> str:
    """A value as prose: figures as `figure_text` words them, names as code."""
    if isinstance(value, bool | int | float) or value is None:
        return figure_text(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {fmt(v)}" for k, v in list(value.items())[:8])
    if isinstance(value, list):
        shown = ", ".join(fmt(v) for v in value[:8])
        return shown + (", …" if len(value) > 8 else "")
    return code_span(str(value))


def num(value: object) -> str:
    """A setting (a code or config literal, a logged param such as "0.1") exactly as written."""
    if isinstance(value, str):
        return value if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value) else code_span(value)
    if isinstance(value, float):
        return setting_text(value)
    return fmt(value)


def code_span(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > 80:
        text = text[:77] + "…"
    return (
        f"`{text}`"
        if re.fullmatch(r"[\w./:\-\[\]]+", text) and not re.fullmatch(r"-?\d+(\.\d+)?", text)
        else text
    )


def code_where(item: EvidenceItem) -> str:
    src = item.source
    if src.kind != "code" or not src.path:
        return ""
    where = f"`{src.path}`"
    if src.cell is not None:
        where += f", cell {src.cell}"
    if src.line_start and src.line_start > 1:
        where += f", line {src.line_start}"
    return where


def sentences(text: str | None, limit: int = 2) -> str | None:
    """The first sentences of a text, without Markdown headings or code fences."""
    if not text:
        return None
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("#", "```", "- ", "* ", "|"))]
    clean = " ".join(" ".join(lines).replace("`", "").split())
    said = re.findall(r".+?[.!?](?=\s|$)", clean)
    found = [s for s in said if not template_sentence(s)]
    if (said and not found) or (not said and template_sentence(clean)):
        return None  # only a project template's words: nothing of this project
    out = " ".join(f.strip() for f in found[:limit]) if found else clean[:300]
    return out if len(out) >= 15 else None


def metric_phrase(metrics: list[EvidenceItem], limit: int = 4) -> str:
    return join_words([f"{item_key(m)} {fmt(m.value)} {cite(m)}" for m in metrics[:limit]])


def headline(metrics: list[EvidenceItem]) -> list[EvidenceItem]:
    """Quality metrics only (no row counts), headline first."""
    return [m for m in metrics if not is_data_metric(item_key(m)) and isinstance(m.value, int | float)]


def purpose(f: Facts) -> str:
    # the README nearest the root speaks for the project; a notebook only for itself
    docs = sorted(
        f.kind("readme", "notebook_markdown", live=None),
        key=lambda i: (i.kind != "readme", (i.source.path or "").count("/"), i.source.line_start or 0),
    )
    for item in docs[:2]:  # the opening the Summary quotes from, never a later section's rules
        text = sentences(item.text)
        if text:
            f.used.add(item.id)
            who = (
                "The project README"
                if item.kind == "readme"
                else f"The notebook {code_span(item.source.path or '')}"
            )
            return f"{who} describes its purpose: \u201c{text}\u201d {cite(item)}"
    return ""


def registry(f: Facts, describe: bool = True) -> list[str]:
    out = []
    for m in f.fresh(f.models()):
        name = str(m.value or m.id[2:])
        sentence = f"The model {code_span(name)} is registered in MLflow {cite(m)}."
        desc = m.text or (m.attrs.get("description") if isinstance(m.attrs.get("description"), str) else None)
        if describe and desc:
            sentence += (
                f" Its registry description reads: \u201c{' '.join(str(desc).split())[:400]}\u201d {cite(m)}"
            )
        out.append(sentence)
    return out


def model_summary(f: Facts, model: str, limit: int = 4) -> str:
    """The primary version of a model, the run behind it and its headline metrics."""
    mv = f.primary_version(model)
    if mv is None:
        return ""
    f.used.add(mv.id)
    aliases = f.alias_of(mv)
    alias_items = [
        a
        for a in f.kind("alias", live=None)
        if a.attrs.get("model") == model and str(a.value) == version_of(mv)
    ]
    f.used.update(a.id for a in alias_items)
    ver = f"version {version_of(mv)} {cite(mv)}"
    lead = (
        f"For {code_span(model)}, the alias {join_words([code_span(a) for a in aliases])} points to {ver}"
        if aliases
        else f"The latest version of {code_span(model)} is {ver}"
    )
    run8 = f.run_of_version(mv)
    if run8 is None:
        return lead + "."
    run = f.run_item(run8)
    lead += f", trained in the MLflow run {code_span(f.run_name(run8))}" + (f" {cite(run)}" if run else "")
    if run:
        f.used.add(run.id)
    metrics = f.fresh(headline(f.metrics(run8)))
    if metrics:
        lead += f", which logged {metric_phrase(metrics, limit)}"
    return lead + "."


def estimators(f: Facts, with_settings: bool) -> list[str]:
    out = []
    seen: set[str] = set()
    for est in sorted(f.fresh(f.kind("estimator")), key=estimator_rank):  # the production model first
        name = str(est.value or est.label)
        if name in seen and not with_settings:
            continue
        seen.add(name)
        part = estimator_part(est)
        sentence = f"The code constructs {code_span(name)} at {code_where(est)}"
        sentence += f" ({part}) {cite(est)}" if part else f" {cite(est)}"
        params = f.fresh(f.owned_params(est)) if with_settings else []
        if params:
            sentence += ", with " + _settings_phrase(params, f.items)
            sentence += " and " + unpacked_words(est, f.items) if unpacked_settings(est) else ""
        elif with_settings and unpacked_settings(est):  # the table shows the expression as written
            sentence += ", with " + unpacked_words(est, f.items)
        out.append(sentence + ".")
    return out


def _settings_phrase(params: list[EvidenceItem], items: list[EvidenceItem]) -> str:
    """Keyword arguments as values: literals as written, the rest as the training run logged them."""
    written, logged, unresolved = [], [], []
    runs: list[str] = []
    for param in params[:10]:
        found = resolve_param(param, items)
        if found is None:
            unresolved.append(item_key(param))
        elif found.item.kind == "run_param":
            logged.append(f"{item_key(param)} = {num(found.value)} {cite(found.item)}")
            runs.append(logged_run(found) or "")
        else:
            written.append(f"{item_key(param)} = {num(found.value)} {cite(found.item)}")
    parts = written + logged
    text = join_words(parts)
    if logged:
        named = sorted(set(runs))
        text += f" (the value{'s' if len(logged) > 1 else ''} logged by run {join_words(named)})"
    if unresolved:
        text += ("; " if parts else "") + join_words(unresolved) + " set at run time"
    return text


def exploratory(f: Facts) -> str:
    """Exploratory work (notebooks, EDA), labelled as such: never the model's values."""
    items = f.fresh([i for i in f.items if is_exploratory_code(i) and i.kind in _EXPLORATORY_KINDS])
    if not items:
        return ""
    parts = join_words([f"{fact_phrase(i)}" for i in items[:6]])
    books = {str(i.source.path).endswith(".ipynb") for i in items[:6]}  # notebooks, scripts or both
    where = {(True,): "the notebooks", (False,): "the scripts"}.get(tuple(books), "the notebooks and scripts")
    return f"Exploratory work, not part of the production pipeline: {where} also contain {parts}."


_EXPLORATORY_KINDS = (
    "estimator",
    "threshold",
    "split",
    "metric",
    "data_source",
    "feature",
    "hyperparameter_search",
)


def config(
    f: Facts, pattern: str | None = None, lead: str = "The configuration sets", model: str | None = None
) -> str:
    rx = re.compile(pattern, re.I) if pattern else None
    family = set(re.split(r"[^a-z0-9]+", model.lower())) if model else None
    items = [
        i
        for i in f.kind("config")  # production only: variants, overridden and alternative options are not
        if i.value is not None
        and not i.attrs.get("variant")  # a debug, experiment or sweep variant is not the model's value
        and not isinstance(i.value, dict | list)
        and (rx is None or rx.search(item_key(i).rsplit(":", 1)[-1]))
        and _for_model(config_key(i), family)
    ]
    items = f.fresh(items)[:10]
    if not items:
        return ""
    by_file: dict[str | None, list[EvidenceItem]] = {}  # each file with its own keys: never mixed
    for item in items:
        by_file.setdefault(item.source.path, []).append(item)
    said = [
        f"{code_span(path) + ' sets' if path else lead} "
        + join_words([_config_phrase(i, f.items) for i in keys])
        for path, keys in by_file.items()
    ]
    return "; ".join(said) + "."


def _config_phrase(item: EvidenceItem, items: list[EvidenceItem]) -> str:
    """``key = value [n]``, and the value the documented model's run logged when it differs."""
    key = config_key(item)
    text = f"{key} = {num(item.value)} {cite(item)}"
    logged = logged_value(key, items)
    if logged is not None and not _same(logged.value, item.value):
        run = logged_run(logged)
        text += f" (run {run} overrode it: {num(logged.value)}) {cite(logged.item)}"
    return text


def _for_model(key: str, family: set[str] | None) -> bool:
    """A per-model section shows "gbm.max_depth" only for a model whose name has "gbm"."""
    if family is None or "." not in key:
        return True
    return key.split(".", 1)[0].lower() in family


def logged_params(f: Facts, pattern: str, lead: str) -> str:
    """Params the runs logged whose names match, from the first run that logged each."""
    rx = re.compile(pattern, re.I)
    chosen: dict[str, EvidenceItem] = {}
    for p in f.kind("run_param", live=None):
        if rx.search(item_key(p)) and item_key(p) not in chosen:
            chosen[item_key(p)] = p
    items = f.fresh(list(chosen.values()))[:10]
    if not items:
        return ""
    return lead + " " + join_words([f"{item_key(p)} = {num(p.value)} {cite(p)}" for p in items]) + "."


def code_list(f: Facts, kinds: tuple[str, ...], lead: str, limit: int = 8) -> str:
    """``lead a (file, line) [n], b ...``: a named fact (a metric, a call) once, at its first place."""
    return facts_list(f, f.kind(*kinds), lead, limit)


def facts_list(f: Facts, found: list[EvidenceItem], lead: str, limit: int = 8) -> str:
    """`code_list` over the items given (not yet written about)."""
    items: list[EvidenceItem] = []
    for item in f.fresh(found):
        if not (isinstance(item.value, str) and any(i.value == item.value for i in items)):
            items.append(item)
    items = items[:limit]
    if not items:
        return ""
    return lead + " " + join_words([fact_phrase(i) for i in items]) + "."


def fact_phrase(item: EvidenceItem, named: bool = True) -> str:
    """A code fact as a phrase: its name or value and where it is, then its citation (`named` False:
    its name, never its value: a read whose file a sentence says is not resolved)."""
    value = item.value
    label = re.sub(r" \([\w./-]+\)$", "", item.label)  # "train_test_split (train.py)": the file follows
    if not named:
        shown = code_span(label)
    elif item.kind == "fit" and item.text and len(item.text) <= 60 and not re.search(r"[`\d]", item.text):
        shown = f"`{' '.join(item.text.split())}`"  # the call as written, e.g. model.fit(X_train, y_train)
    elif isinstance(value, list):
        shown = f"{code_span(label)} ({fmt(value)})"
    elif by_caller_words(item):
        shown = f"{code_span(label)} with {by_caller_words(item)}"  # never one caller's value
    elif item.kind == "target" and isinstance(value, str) and " " in value:
        shown = value  # a target said in words (a data dictionary's row, the next token): never cut
    elif isinstance(value, str) and value and "transforms" not in item.attrs:  # Compose: its label says more
        shown = code_span(value) + archive_words(item)
    elif item.kind == "data_source":  # the file is not known: never the call as if it were the file
        shown = f"{UNNAMED_FILE}, with {code_span(label)}"
    else:
        shown = code_span(label)
    where = code_where(item)
    if where.strip("`") == str(value):
        where = ""
    cond = run_condition(item) if item.kind == "split" else ""  # a split a flag turns on
    return f"{shown}" + (f" ({where})" if where else "") + f" {cite(item)}" + (f" (only {cond})" * bool(cond))


def _same(a: object, b: object) -> bool:
    """Equal as numbers when both read as numbers ("1.0" logged, 1 configured), else as text."""
    try:
        return float(str(a)) == float(str(b))
    except ValueError:
        return str(a).strip().lower() == str(b).strip().lower()


# The split and the threshold are stated in the Summary and set out in depth by the validation
# writer; other sections point back in one cited sentence instead of repeating their values.
def split_reference(f: Facts) -> str:
    """One sentence pointing to where the split is stated, citing the code that makes it."""
    splits = f.fresh(f.hold_outs())
    if not splits:
        return ""
    return f"How the data are split into training and test sets is stated in the Summary {cite(splits[0])}."


def threshold_reference(f: Facts) -> str:
    """The threshold is stated in the Summary and set out with the validation: here, one pointer."""
    rules = f.thresholds()
    if not (found := f.fresh(rules)):
        return ""
    return f"The decision threshold applied to the model's scores is stated in the Summary {cite(found[0])}."


def selection_reference(f: Facts) -> str:
    """How the code chooses the version that serves (a ranking on a metric, a gate) is in the
    Summary's Production model line: here, one pointer."""
    chosen = [i for i in f.kind("model_selection") if not reads_params(i.attrs)]
    if not (found := f.fresh(chosen)):
        return ""
    said = "How the code chooses the version that is registered or promoted is stated in the Summary"
    return f"{said} {cite(*found[:2])}."


def threshold_sentence(f: Facts) -> str:
    """``The decision threshold is 0.35 (config.yaml, line 10) [n].``: the value, then where it is set."""
    found = f.fresh(f.thresholds())
    valued = [t for t in found if isinstance(t.value, int | float) and not isinstance(t.value, bool)]
    if valued:
        rule = valued[0]
        if loop_choice_words(rule):  # its value is where a loop starts: the rule it is chosen by
            return threshold_opening(rule)
        return f"The decision threshold is {setting_text(rule.value)} ({code_where(rule)}) {cite(rule)}."
    return f"The decision threshold is set at {code_where(found[0])} {cite(found[0])}." if found else ""
