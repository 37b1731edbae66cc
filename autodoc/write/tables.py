"""Tables filled by our code from evidence values: each cell copies a value and cites the item holding it."""

from __future__ import annotations

from collections.abc import Callable

from autodoc.document import Cell, Section, TableContent, TablePlan, TableSource
from autodoc.evidence import EvidenceItem, EvidenceStore, RegisteredModelInfo, RunInfo, run_label, user_tags
from autodoc.plan.lineage import (
    champions,
    estimator_families,
    estimator_name,
    estimator_part,
    estimator_rank,
    model_run_eids,
    primary_version,
    run_by_eid,
    version_run,
)
from autodoc.plan.topics import is_exploratory_code
from autodoc.plan.values import (
    UNRESOLVED,
    by_caller_words,
    options_read,
    owned_params,
    param_name,
    resolve_param,
    saved_words,
    stratify_columns,
    stratify_target,
    unpacked_from,
    unpacked_settings,
    written_none,
)
from autodoc.write.built_rows import config_rows
from autodoc.write.cells import (
    MAX_RUN_ROWS,
    as_written,
    derivation,
    empty_table,
    evidence_cell,
    fact_name,
    find_experiment,
    inline_value,
    location,
    merged_rows,
    metric_eid,
    metric_keys,
    model_or_note,
    param_eid,
    per_caller,
    plain,
    scoped_to_model,
    table_content,
    text_cell,
    versions_with_runs,
)
from autodoc.write.fit_rows_words import loop_choice_words
from autodoc.write.lineage_words import searched
from autodoc.write.places import where


def fill_table(plan: TablePlan, evidence: EvidenceStore, section: Section) -> TableContent:
    """Fill the table a plan names, from evidence values only."""
    source = scoped_to_model(plan.source, section)
    model_filler = _MODEL_FILLERS.get(source.kind)
    if model_filler is None:
        return _TABLE_FILLERS[source.kind](plan.title, source, evidence, section)
    if (note := model_or_note(evidence, source.model, plan.title)) is not None:
        return note
    rm = evidence.model(source.model or "")
    assert rm is not None  # model_or_note found it
    return model_filler(plan.title, source, evidence, rm)


def _model_params(
    caption: str, src: TableSource, evidence: EvidenceStore, rm: RegisteredModelInfo
) -> TableContent:
    mv = (
        next((v for v in rm.versions if v.version == src.version), None)
        if src.version
        else (primary_version(evidence, rm.name))
    )
    if mv is None:
        wanted = f"version {src.version} of " if src.version else "a version of "
        return empty_table(caption, f"No {wanted}{rm.name} was found in MLflow.")
    run = version_run(evidence, mv)
    if run is None:
        return empty_table(caption, f"Version {mv.version} of {rm.name} is not linked to an MLflow run.")
    if not run.params:
        return empty_table(caption, f"The run behind version {mv.version} of {rm.name} logged no parameters.")
    rows = [
        [text_cell(key), evidence_cell(evidence, param_eid(run, key), value, run.evidence_id)]
        for key, value in sorted(run.params.items())
    ]
    return table_content(
        caption,
        ["Parameter", "Value"],
        rows,
        note=f"Parameters of the run behind {rm.name} version {mv.version}.",
    )


def _model_versions(
    caption: str, src: TableSource, evidence: EvidenceStore, rm: RegisteredModelInfo
) -> TableContent:
    if not rm.versions:
        return empty_table(caption, f"No versions of {rm.name} were found in MLflow.")
    aliases: dict[str, list[str]] = {}
    for alias, ver in rm.aliases.items():
        aliases.setdefault(str(ver), []).append(alias)
    rows = []
    tagged = any(user_tags(mv.tags) for mv in rm.versions)  # a Tags column only when some version has one
    for mv, run in versions_with_runs(evidence, rm.name):
        tags = ", ".join(f"{k} = {v}" for k, v in user_tags(mv.tags).items()) or None
        rows.append(
            [
                Cell(value=mv.version, evidence_id=mv.evidence_id),
                Cell(
                    value=", ".join(sorted(aliases.get(mv.version, mv.aliases))) or None,
                    evidence_id=rm.evidence_id if mv.version in aliases else None,
                ),
                Cell(value=mv.status, evidence_id=mv.evidence_id),
                Cell(
                    value=run_label(run) if run else mv.run_id,
                    evidence_id=run.evidence_id if run else None,
                ),
                Cell(value=(mv.created_at or "")[:10] or None, evidence_id=mv.evidence_id),
                *([Cell(value=tags, evidence_id=mv.evidence_id if tags else None)] if tagged else []),
            ]
        )
    return table_content(
        caption, ["Version", "Aliases", "Status", "Run", "Created", *(["Tags"] if tagged else [])], rows
    )


def _metric_across_versions(
    caption: str, src: TableSource, evidence: EvidenceStore, rm: RegisteredModelInfo
) -> TableContent:
    pairs = versions_with_runs(evidence, rm.name)
    runs = [run for _, run in pairs if run]
    keys = metric_keys(runs, src.metric)
    if not runs or not keys or not any(k in r.metrics for r in runs for k in keys):
        what = f"metric {src.metric}" if src.metric else "any metric"
        return empty_table(caption, f"No run behind a version of {rm.name} logged {what}.")
    rows = []
    for mv, run in pairs:
        row = [Cell(value=mv.version, evidence_id=mv.evidence_id)]
        for key in keys:
            if run and key in run.metrics:
                row.append(evidence_cell(evidence, metric_eid(run, key), run.metrics[key], run.evidence_id))
            else:
                row.append(Cell(value=None))
        rows.append(row)
    gaps = [f"v{mv.version}" for mv, run in pairs if not run or any(k not in run.metrics for k in keys)]
    note = f"Not logged for {', '.join(gaps)} (shown empty)." if gaps else None
    return table_content(caption, ["Version", *keys], rows, note)


def _metric_across_models(
    caption: str, src: TableSource, evidence: EvidenceStore, section: Section
) -> TableContent:
    if evidence.mlflow is None or not evidence.mlflow.registered_models:
        return empty_table(caption, "No registered models were found in MLflow.")
    chosen = champions(evidence)
    runs = [run for _, _, run in chosen if run]
    keys = metric_keys(runs, src.metric)
    if not keys or not any(k in r.metrics for r in runs for k in keys):
        what = f"metric {src.metric}" if src.metric else "any metric"
        return empty_table(caption, f"No registered model's run logged {what}.")
    rows = []
    for name, mv, run in chosen:
        row = [
            Cell(value=name, evidence_id=f"m:{name}" if evidence.has(f"m:{name}") else None),
            Cell(value=mv.version, evidence_id=mv.evidence_id),
        ]
        for key in keys:
            ok = run is not None and key in run.metrics
            row.append(
                evidence_cell(evidence, metric_eid(run, key), run.metrics[key], run.evidence_id)
                if ok and run
                else Cell(value=None)
            )
        rows.append(row)
    return table_content(
        caption,
        ["Model", "Version", *keys],
        rows,
        note="Each model's champion/production alias version, else its latest version.",
    )


def _experiment_runs(
    caption: str, src: TableSource, evidence: EvidenceStore, section: Section
) -> TableContent:
    if evidence.mlflow is None:
        return empty_table(caption, f"{evidence.no_mlflow_words()}, so there are no runs.")
    exp = find_experiment(evidence, src.experiment)
    if exp is None and src.experiment:
        return empty_table(caption, f"No experiment {src.experiment} was found in MLflow.")
    runs: list[RunInfo]
    if exp is not None:
        runs = list(exp.runs)
    elif src.model:
        runs = [run_by_eid(evidence)[r] for r in sorted(model_run_eids(evidence, src.model))]
    elif len(evidence.mlflow.experiments) == 1:
        runs = list(evidence.mlflow.experiments[0].runs)
    else:
        names = ", ".join(e.name for e in evidence.mlflow.experiments[:8])
        return empty_table(caption, f"No experiment was named for this table (experiments: {names}).")
    if not runs:
        return empty_table(caption, "No runs were found in this experiment.")
    runs.sort(key=lambda r: r.start_time or "", reverse=True)
    keys = metric_keys(runs, src.metric)[:4]
    rows = []
    for run in runs[:MAX_RUN_ROWS]:
        row = [
            Cell(value=run_label(run), evidence_id=run.evidence_id),
            Cell(value=run.status, evidence_id=run.evidence_id),
            Cell(value=(run.start_time or "")[:16].replace("T", " ") or None, evidence_id=run.evidence_id),
        ]
        for key in keys:
            row.append(
                evidence_cell(evidence, metric_eid(run, key), run.metrics[key], run.evidence_id)
                if key in run.metrics
                else Cell(value=None)
            )
        rows.append(row)
    note = None
    if len(runs) > MAX_RUN_ROWS:
        note = f"The {MAX_RUN_ROWS} most recent of {len(runs)} runs are shown."
    bad = [r for r in runs if r.status in ("FAILED", "KILLED")]
    if bad:
        note = (note + " " if note else "") + "FAILED and KILLED runs are listed with their status."
    return table_content(caption, ["Run", "Status", "Started", *keys], rows, note)


def _code_facts(caption: str, src: TableSource, evidence: EvidenceStore, section: Section) -> TableContent:
    return _items_table(caption, src.evidence_ids, evidence, code_only=True)


def _evidence_rows(caption: str, src: TableSource, evidence: EvidenceStore, section: Section) -> TableContent:
    return _items_table(caption, src.evidence_ids, evidence, code_only=False)


def _items_table(caption: str, ids: list[str], evidence: EvidenceStore, code_only: bool) -> TableContent:
    if not ids:
        return empty_table(caption, "No evidence items were named for this table.")
    items = [evidence.get(i) for i in ids]
    known = [i for i in items if i is not None and (i.source.kind == "code" or not code_only)]
    unknown = [i for i, it in zip(ids, items, strict=True) if it is None]
    rows = [
        [
            Cell(value=fact_name(it), evidence_id=it.id),
            Cell(
                value=resolved_settings(it, evidence)
                or derivation(it)
                or by_caller_words(it)
                or saved_words(it)
                or loop_choice_words(it)
                or (UNRESOLVED if it.value is None and it.attrs.get("unresolved") else None)
                or as_written(it, plain(it.value)),
                evidence_id=it.id,
            ),
            Cell(value=location(it), evidence_id=it.id),
        ]
        for it in known
    ]
    notes = [f"Not found in the evidence: {', '.join(unknown[:5])}."] if unknown else []
    legacy = [it for it in known if it.live is False]
    if legacy:
        notes.append("Rows marked legacy come from code not reached from an entry point.")
        for row, it in zip(rows, known, strict=True):
            if it.live is False:
                row[0] = Cell(value=f"{fact_name(it)} (legacy)", evidence_id=it.id)
    if not rows:
        return empty_table(caption, " ".join(notes) or "No matching evidence was found.")
    rows, folded = merged_rows(rows)
    table = table_content(caption, ["Fact", "Value", "Source"], rows, " ".join(notes) or None)
    table.citations += [i for i in folded if i not in table.citations]
    return table


def _estimators(caption: str, src: TableSource, evidence: EvidenceStore, section: Section) -> TableContent:
    all_est = evidence.by_kind("estimator")
    if src.evidence_ids:
        all_est = [i for i in all_est if i.id in set(src.evidence_ids)] or all_est
    model = src.model or section.model
    families = estimator_families(evidence, model) if model else set()
    if families:  # a per_model section shows its own model's estimator family only
        all_est = [i for i in all_est if estimator_name(i).lower() in families or i.live is False]
    live = sorted((i for i in all_est if i.live is not False), key=estimator_rank)  # production first
    legacy = [i for i in all_est if i.live is False]
    exploratory = [i for i in live if is_exploratory_code(i)]
    if len(exploratory) < len(live):  # exploratory work never shares the model's table
        live = [i for i in live if i not in exploratory]
    else:
        exploratory = []
    if not live:
        note = "No estimator construction was found in live code."
        if legacy:
            note += f" Legacy code no entry point reaches is not described ({_estimator_count(legacy)})."
        return empty_table(caption, note)
    rows = [row for est in live for row in _hyperparameter_rows(est, evidence)]
    notes = []
    if exploratory:
        notes.append(f"Not listed (exploratory, not the model): {_estimator_count(exploratory)}.")
    if legacy:
        notes.append(f"Not listed (legacy code not reached from an entry point): {_estimator_count(legacy)}.")
    note = " ".join(notes) or None
    return table_content(caption, ["Estimator", "Parameter", "Value", "Origin"], rows, note)


def _estimator_count(items: list[EvidenceItem]) -> str:
    """``1 estimator in legacy_train.py``, ``2 estimators in eda.ipynb``: where, never what it builds."""
    files = sorted({i.source.path or "?" for i in items})
    return f"{len(items)} estimator{'s' if len(items) > 1 else ''} in {', '.join(files[:3])}"


def _hyperparameter_rows(est: EvidenceItem, evidence: EvidenceStore) -> list[list[Cell]]:
    """One row per keyword argument: its value for the documented model and where that comes from."""
    part = estimator_part(est)
    shown = plain(est.value) or est.label
    name = Cell(value=f"{shown} ({part})" if part else shown, evidence_id=est.id)
    params = owned_params(est, evidence.items) or options_read(est, evidence.items)  # Net(args)
    if not params and (built := config_rows(name, est, evidence.items)):
        return built  # Hydra's _target_ builds the class with the configuration's settings
    if not params:
        unpacked = unpacked_settings(est)  # said in words: '**' would read as leftover markup
        what = "(unpacked from an expression)" if unpacked else "(defaults)"
        said = (unpacked_from(est, evidence.items) or "not resolved from the code") if unpacked else None
        value = text_cell(said)
        return [[name, text_cell(what), value, Cell(value=location(est), evidence_id=est.id)]]
    rows = []
    for param in params:
        found = resolve_param(param, evidence.items)
        written = found is None and written_none(param)  # class_weight=None, as the code writes it
        value = (
            Cell(value=as_written(found.item, found.value), evidence_id=found.item.id)
            if found
            else Cell(value="None", evidence_id=param.id)
            if written
            else text_cell(UNRESOLVED)
        )
        origin = found.origin if found else where(param)  # the value cell says when it is not resolved
        rows.append([name, Cell(value=param_name(param), evidence_id=param.id), value, text_cell(origin)])
    return rows + _tuned_row(name, est, evidence)


def _tuned_row(name: Cell, est: EvidenceItem, evidence: EvidenceStore) -> list[list[Cell]]:
    """A tuned model's searched hyperparameters: the search chooses them, the constructor does not."""
    search = evidence.get(str(est.attrs.get("tuned_by") or ""))
    keys, space = searched(evidence, search) if search else ([], [])
    if search is None or not keys:
        return []
    named = Cell(value=", ".join(keys), evidence_id=space[0].id)
    chosen = Cell(value=f"chosen by {search.value}", evidence_id=search.id)
    return [[name, named, chosen, text_cell(f"{search.source.path}, line {search.source.line_start}")]]


def resolved_settings(item: EvidenceItem, evidence: EvidenceStore) -> str | None:
    """A call's settings as values ("test_size=0.2, stratify=True"), never the expressions setting them."""
    params = owned_params(item, evidence.items)
    if not params:
        return None
    parts = []
    for param in params:
        found = resolve_param(param, evidence.items)
        if found and found.item.kind == "target":  # stratify=y: the labels the split keeps in proportion
            parts.append(f"stratified by the target ({inline_value(found.value)})")
            continue
        columns = stratify_columns(param) if not found else []
        if columns:  # stratify=df[["month"]]: a column of the data, not a run-time setting
            target = stratify_target(param, evidence.items)
            named = f"the column{'s' if len(columns) > 1 else ''} {', '.join(columns)}"
            parts.append(f"stratified by {f'the target ({target.value})' if target else named}")
            continue
        callers = per_caller(param) if found and found.item is param else None
        if callers:  # each call site's value: never one joined sentence cut short
            parts.append(f"{param_name(param)} by caller: {callers}")
            continue
        text = f"{param_name(param)}={inline_value(found.value) if found else 'set at run time'}"
        target = stratify_target(param, evidence.items) if found else None  # y if <setting> else None
        parts.append(f"{text} (by the target, {inline_value(target.value)})" if target is not None else text)
    return ", ".join(parts)


# Tables about one registered model: called only once the model is known to exist.
_MODEL_FILLERS: dict[str, Callable[[str, TableSource, EvidenceStore, RegisteredModelInfo], TableContent]] = {
    "model_params": _model_params,
    "model_versions": _model_versions,
    "metric_across_versions": _metric_across_versions,
}
_TABLE_FILLERS: dict[str, Callable[[str, TableSource, EvidenceStore, Section], TableContent]] = {
    "metric_across_models": _metric_across_models,
    "experiment_runs": _experiment_runs,
    "code_facts": _code_facts,
    "estimators": _estimators,
    "evidence": _evidence_rows,
}
