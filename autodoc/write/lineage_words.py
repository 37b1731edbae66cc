"""The production model and the upstream preparation of its training file, in words.

The scan marks the estimator whose object production code saves or logs (``saved_by``), the
search that tuned it (``tuned_by``), the code that loads the saved file (``served_by``), the other
estimators the same code trains (``alternatives``), and the notebook or script that writes a file
the production code reads (``written_by``, items marked ``upstream``). These sentences say so,
each claim cited.
"""

from __future__ import annotations

from autodoc.document import SummaryFact, archive_words, cite, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.lineage import own_fit, saved_models
from autodoc.plan.offers import item_key
from autodoc.plan.topics import production_facts
from autodoc.plan.value_origin import origin_tail
from autodoc.plan.values import Resolved, owned_params, resolve_param
from autodoc.write import settings_facts as sf
from autodoc.write.data_fact import join_phrase
from autodoc.write.places import where
from autodoc.write.registration import registry_words
from autodoc.write.target_words import condition_words

_SPACE_KEYS = ("param_distributions", "param_grid", "search_spaces")
_BUDGET_KEYS = ("n_iter", "scoring", "cv", "max_evals", "n_trials")
_BY = {"optuna": "Optuna's "}  # a library a search's own name does not say (study.optimize)


def searched(evidence: EvidenceStore, search: EvidenceItem) -> tuple[list[str], list[EvidenceItem]]:
    """The hyperparameters a search chooses, and the items saying so: the keys of its grid
    (``param_grid``), else the dimensions written one call each in its file (Hyperopt's
    ``hp.quniform("max_depth", 4, 100, 1)``, Optuna's ``trial.suggest_int("max_depth", 10, 100)``;
    the literal values of a Hyperopt space are fixed, not searched), else the keys of its space."""
    settings = owned_params(search, evidence.items)
    grid = next((s for s in settings if item_key(s) in _SPACE_KEYS), None)
    if grid is not None:
        return ([str(k) for k in grid.value] if isinstance(grid.value, dict) else []), [grid]
    dims = [
        i
        for i in production_facts(evidence, "search_space", "hyperparameter_search")
        if i.source.path == search.source.path and (i.kind == "search_space" or is_search_dimension(i))
    ][:8]
    if dims:
        return [item_key(d) for d in dims], dims
    space = next((s for s in settings if isinstance(s.value, dict)), None)
    return ([str(k) for k in space.value], [space]) if space is not None else ([], [])


def tuning_fact(evidence: EvidenceStore) -> SummaryFact | None:
    """How the hyperparameters are searched: the calls that run a search (``study.optimize``,
    ``fmin``, ``GridSearchCV``), over the dimensions their space names, with their budget; a study's
    set-up and a space's one-call dimensions are not searches of their own."""
    searches = production_facts(evidence, "hyperparameter_search")
    if not searches:
        return sf.tuning_fact(evidence)
    runners = [s for s in searches if s.attrs.get("objective") or not search_part(s)] or searches
    alike: dict[str, list[EvidenceItem]] = {}  # the same search in two launchers of one flow: said once
    for search in runners:
        alike.setdefault(search.label, []).append(search)
    shown = list(alike.values())[:3]
    named = [f"{_BY.get(str(s[0].attrs.get('library')), '')}{s[0].label} {cite(*s)}" for s in shown]
    text = "Hyperparameters are searched with " + join_words(named)
    first = shown[0][0]
    keys, dims = searched(evidence, first) if first.attrs.get("objective") else ([], [])
    dims = [d for d in dims if d.kind != "param"]  # a grid's keys are in its label already
    if dims:
        text += f" over the search space of {join_words(keys)} {cite(*dims)}"
    text += sf.search_details(evidence, [s[0] for s in shown]) + "."
    return SummaryFact.citing("tuning", "Tuning", text, [x for s in shown for x in s] + dims)


def is_search_dimension(item: EvidenceItem) -> bool:
    """``trial.suggest_int("max_depth", 10, 100)``: one dimension of a search, written one call each."""
    return str(item.attrs.get("call") or "").startswith("suggest_")


def search_part(item: EvidenceItem) -> bool:
    """``trial.suggest_int(...)`` (one dimension) or ``optuna.create_study(...)`` (the set-up)."""
    return is_search_dimension(item) or str(item.attrs.get("call") or "").endswith("create_study")


def _local(item: EvidenceItem) -> str:
    """``cell 4, line 13``: a place inside a file already named."""
    return where(item).removeprefix(f"{item.source.path}, ")


def _linked(evidence: EvidenceStore, links: object) -> list[EvidenceItem]:
    ids = [x.get("id") if isinstance(x, dict) else x for x in links] if isinstance(links, list) else []
    found = [evidence.get(str(i)) for i in ids if i]
    return [f for f in found if f is not None]


def model_fact(evidence: EvidenceStore, est: EvidenceItem, pipeline: EvidenceItem | None) -> SummaryFact:
    """The saved estimator: how it is tuned, where it is saved and loaded, what it was compared with."""
    items = [est]
    text = f"The production model is {_named(est)} ({where(est)}) {cite(est)}"
    parts = _linked(evidence, est.attrs.get("parts"))[:3]
    if parts:  # CalibratedClassifierCV(base_model): the model it calibrates is the production model too
        text += " built on " + join_words([f"{_named(p)} ({where(p)}) {cite(p)}" for p in parts])
        items += parts
        fit = own_fit(evidence, est)
        if fit is not None:  # calibrated.fit(X_val, y_val): the rows the wrapper itself is fitted on
            rows = ", ".join(map(str, fit.attrs.get("args") or []))
            split = f", the {fit.attrs['args_split']} split," if fit.attrs.get("args_split") else ""
            text += f" and fitted on {rows}{split} at line {fit.source.line_start} {cite(fit)}"
            items.append(fit)
    search = evidence.get(str(est.attrs.get("tuned_by") or ""))
    if search is not None:
        text += f", tuned by {search.value} ({where(search)}) {cite(search)}"
        items.append(search)
    saves = _linked(evidence, est.attrs.get("saved_by"))
    done = [_saved_words(s) for s in saves]
    text += "; the code " + join_words(done)
    served = _linked(evidence, est.attrs.get("served_by"))
    served = [s for s in served if s.role not in ("exploratory", "test")] or served  # a notebook: no story
    if served:
        text += _loaded_words(served, saves)
    text += "."
    alternatives = _linked(evidence, est.attrs.get("alternatives"))[:4]
    if alternatives:
        named = join_words([f"{_named(a)} ({where(a)}) {cite(a)}" for a in alternatives])
        text += f" It is compared with {named}, which the same code also trains" + _compared_saves(
            alternatives
        )
    options = _linked(evidence, est.attrs.get("options"))[:3]
    if options:
        named = join_words([f"{_named(o)} ({where(o)}) {cite(o)}" for o in options])
        lead = (
            " The code saves this model with its default settings, and"
            if est.attrs.get("by_default")
            else (" The same code saves")
        )
        text += f"{lead} {named} instead when a setting selects it."
    others = [e for e in saved_models(evidence) if e.id != est.id][:3]
    if others:
        named = join_words([f"{_named(o)} ({where(o)}) {cite(o)}" for o in others])
        text += f" The code also saves {named}."
    if pipeline is not None:
        text += _pipeline_sentence(pipeline)
        items.append(pipeline)
    words, registered = registry_words(evidence, saves)
    text += words
    return SummaryFact.citing(
        "model",
        "Production model",
        text,
        items + saves + served + alternatives + options + others + registered,
    )


def _loaded_words(served: list[EvidenceItem], saves: list[EvidenceItem]) -> str:
    """``, and api.py (line 5) [c] loads that file to serve it``; the file by its name when the save
    names many (``saved_models/{name}_model.pkl`` in a loop): ``loads saved_models/knn_model.pkl, one
    of those files``."""
    loaders = join_words([f"{s.source.path} ({_line_called(s)}) {cite(s)}" for s in served[:3]])
    patterned = any("{" in str(s.value) for s in saves if s.kind == "model_save")
    names = list(dict.fromkeys(str(s.value) for s in served[:3]))
    what = f"{join_words(names)}, one of those files," if patterned and len(names) == 1 else "that file"
    serving = " to serve it" if any(s.role == "serving" for s in served) else ""
    return f", and {loaders} load{'s' if len(served) == 1 else ''} {what}{serving}"


def _pipeline_sentence(pipeline: EvidenceItem) -> str:
    """`` Its pipeline runs load -> split -> fit [c].``, with the steps of the flow that runs it."""
    ran = flow_words(pipeline)
    return f" Its pipeline runs {pipeline.value}{f' as {ran}' if ran else ''} {cite(pipeline)}."


def flow_words(pipeline: EvidenceItem) -> str:
    """``the steps start -> tune -> save -> end of the Metaflow flow ChurnFlow (flows/churn.py, line 12),
    launched by run.py``: the orchestrator flow a pipeline's entry point runs ("" when it runs none)."""
    flow = pipeline.attrs.get("flow")
    if not isinstance(flow, dict) or not flow.get("steps"):
        return ""
    kind = f"{flow['orchestrator']} flow" if flow.get("orchestrator") else "flow"
    steps = " -> ".join(map(str, flow["steps"]))
    place = f"{flow.get('name')} ({flow.get('path')}, line {flow.get('line')})"
    return f"the steps {steps} of the {kind} {place}, launched by {pipeline.attrs.get('entry_point')}"


def _named(est: EvidenceItem) -> str:
    """``Sequential built by get_lstm``: a network is named with the function that builds it."""
    return f"{est.value} built by {est.attrs['built_by']}" if est.attrs.get("built_by") else str(est.value)


def _line_called(load: EvidenceItem) -> str:
    """``line 17, called from main.py, line 40``: the load's line, and the other file whose call gives
    the load its path."""
    path, _, line = str(load.attrs.get("via") or "").rpartition(":")
    caller = line.isdigit() and path and path != load.source.path
    return f"line {load.source.line_start}" + (f", called from {path}, line {line}" if caller else "")


def _saved_words(save: EvidenceItem) -> str:
    call = str(save.attrs.get("call") or save.label)
    if save.kind == "model_save" and isinstance(save.value, str) and (named := archive_words(save)):
        return f"saves it with {call} to {save.value}{named} ({where(save)}) {cite(save)}"  # named in x.yaml
    if save.kind == "model_save" and isinstance(save.value, str):
        return f"saves it to {save.value} with {call} ({where(save)}) {cite(save)}"
    if save.kind == "model_save":
        return f"saves it with {call} ({where(save)}) {cite(save)}"
    registered = save.attrs.get("registered_model_name")
    named = f" and registers it as {registered}" if isinstance(registered, str) and registered else ""
    return f"logs it with {call}{named} ({where(save)}) {cite(save)}"


def tuned_fact(evidence: EvidenceStore, est: EvidenceItem) -> SummaryFact | None:
    """A tuned model's hyperparameters are the search's choice, not its constructor's defaults."""
    search = evidence.get(str(est.attrs.get("tuned_by") or ""))
    if search is None:
        return None
    own = [(p, r) for p in owned_params(est, evidence.items) if (r := resolve_param(p, evidence.items))]
    settings = owned_params(search, evidence.items)
    budget = [s for s in settings if item_key(s) in _BUDGET_KEYS and s.value is not None]
    keys, space = searched(evidence, search)
    items = [est, search, *(r.item for _, r in own), *space, *budget]
    text = f"{est.value} ({where(est)}) {cite(est)}: "
    if own:
        text += join_words([f"{item_key(p)} = {setting_text(r.value)} {cite(r.item)}" for p, r in own[:6]])
        text += f" {origin_tail([r for _, r in own[:6]])}; "
    chosen = join_words(keys[:8]) if keys else "the tuned values"
    text += (
        f"{chosen} {'are' if len(keys) != 1 else 'is'} chosen by {search.value} "
        f"({where(search)}) {cite(search)}"
    )
    if space:
        text += f" from its search space {cite(*space)}"
    if budget:
        text += (
            " (" + join_words([f"{item_key(b)} = {setting_text(b.value)} {cite(b)}" for b in budget]) + ")"
        )
    logged = _logged_params(evidence, est)
    unknown = (
        "without an MLflow store, not known" if evidence.mlflow is None else "no logged run of it was found"
    )
    if logged is not None:
        text += (
            f"; the chosen values are logged as run parameters ({where(logged)}) "
            f"{cite(logged)} and, {unknown}"
        )
        items.append(logged)
    else:
        text += "; the chosen values are not recorded by the code"
    return SummaryFact.citing("hyperparameters", "Hyperparameters", text + ".", items)


def _logged_params(evidence: EvidenceStore, est: EvidenceItem) -> EvidenceItem | None:
    calls = production_facts(evidence, "mlflow_call")
    same = [c for c in calls if c.attrs.get("function") in ("log_params", "log_param")]
    return next((c for c in same if c.source.path == est.source.path), same[0] if same else None)


def upstream_label(evidence: EvidenceStore, target: EvidenceItem) -> tuple[str, list[EvidenceItem]]:
    """`` The label is built upstream in prep.ipynb: ...`` when another file writes the training file."""
    readers = [
        r
        for r in production_facts(evidence, "data_source")
        if r.source.path == target.source.path and isinstance(r.attrs.get("written_by"), dict)
    ]
    written_by = readers[0].attrs["written_by"] if readers else None
    writer = evidence.get(str(written_by.get("id"))) if isinstance(written_by, dict) else None
    if writer is None:
        return "", []
    reader, path = readers[0], writer.source.path
    up = [i for i in evidence.items if i.source.path == path and i.attrs.get("upstream")]
    made = [i for i in up if i.kind in ("feature", "label", "target") and i.value == target.value][:1]
    models = [i for i in up if i.kind == "estimator"][:2]
    joins = [i for i in up if i.kind == "join"][:2]
    steps, items = [], [*made, *models, *joins]
    if made:
        rule = condition_words(made[0]).removeprefix(": ")  # 1 when recency > 90, else 0
        steps.append(
            f"{target.value} is set at {_local(made[0])} {cite(made[0])}" + (f" as {rule}" if rule else "")
        )
    for model in models:
        params = [p for p in owned_params(model, evidence.items) if p.value is not None][:3]
        values = join_words([f"{item_key(p)} = {setting_text(p.value)} {cite(p)}" for p in params])
        steps.append(f"using {model.value} {cite(model)}" + (f" with {values}" if values else ""))
        items += params
    if joins:
        steps.append(join_words([f"{join_phrase(j)} {cite(j)}" for j in joins]))
    how = f": {', '.join(steps)}" if steps else ""
    text = (
        f" The label is built upstream in {path}{how}; {path} writes {writer.value} ({_local(writer)}) "
        f"{cite(writer)}, which {reader.source.path} reads (line {reader.source.line_start}) {cite(reader)}."
    )
    return text, [*items, writer, reader]


def options_words(est: EvidenceItem, options: list[EvidenceItem]) -> str:
    """``CNN (model.py, line 6) [c] is built from the command-line options --dropout = 0.5 [c] (set in
    main.py)``: a network class whose constructor reads the parsed options (`options` holds what a
    launcher passes in place of an option's default)."""
    values = join_words([f"{item_key(o)} = {setting_text(o.value)} {cite(o)}" for o in options])
    files = join_words(sorted({where(o).split(",", 1)[0] for o in options}))
    return (
        f"{est.value} ({where(est)}) {cite(est)} is built from the command-line options {values} "
        f"(set in {files})"
    )


def _compared_saves(compared: list[EvidenceItem]) -> str:
    """`` but does not save.``, or where that code saves models the scan does not follow to one."""
    untraced = sorted({str(a.attrs["untraced_save"]) for a in compared if a.attrs.get("untraced_save")})
    if not untraced:
        return " but does not save."
    places = join_words([f"{p.rsplit(':', 1)[0]}, line {p.rsplit(':', 1)[1]}" for p in untraced[:2]])
    return f"; it also saves models ({places}) that the scan does not follow to one of them."


def value_words(param: EvidenceItem, owner: EvidenceItem, found: Resolved) -> str:
    """``n_estimators = 20 (from configs/rf.yaml, line 11) [n]``: a hyperparameter, its value, cited."""
    at = written_in(param, owner, found.item, found.origin)
    return f"{item_key(param)} = {setting_text(found.value)}{at} {cite(found.item)}"


def written_in(param: EvidenceItem, owner: EvidenceItem, holder: EvidenceItem, said: str) -> str:
    """`` (from config.json, line 3)`` when a value is written in another file than its estimator
    (the scan's origin, or the config key that gives it); `` (passed by Makefile, line 2; the
    default is 100 ...)`` when a launcher passes it."""
    if holder.attrs.get("owner_kind") == "launcher":
        return f" ({said})"
    origin = param.attrs.get("origin") or {}
    path, line = origin.get("path"), origin.get("line")
    if not path and holder.kind == "config":  # clf_params.n_estimators: the config file's key
        path, line = holder.source.path, holder.source.line_start
    if not path or path == owner.source.path:
        return ""
    return f" (from {path}" + (f", line {line})" if line else ")")
