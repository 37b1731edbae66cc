"""How the code chooses the version that serves, in words: the Production model line says it.

A ``model_selection`` fact (`scan.code.rules.selection`) is a ranking (``max(scored)`` over the
runs' cv_roc_auc before ``set_registered_model_alias``) or a gate (``if auc > 0.8:`` around
``register_model``): `` The alias champion is set to the version whose run has the highest
cv_roc_auc (promote.py, line 41) [[id]].`` A gate's bound is a condition on registration, never
the model's decision threshold.
"""

from __future__ import annotations

from collections.abc import Callable

from autodoc.document import SummaryFact, cite, join_words, setting_text
from autodoc.evidence import EvidenceItem, EvidenceStore
from autodoc.plan.topics import production_facts
from autodoc.plan.values import unpacked_from
from autodoc.scan.code.rules.selection import reads_params
from autodoc.write.places import where

_OP_WORDS = {">": "above", ">=": "at least", "<": "below", "<=": "at most"}
_LIMIT = 3


def selection_facts(evidence: EvidenceStore) -> list[EvidenceItem]:
    """Production ``model_selection`` facts on a version or run that is registered, promoted or
    loaded, each rule once (a run whose parameters are read back is the Hyperparameters line's)."""
    out: dict[tuple[object, ...], EvidenceItem] = {}
    for item in production_facts(evidence, "model_selection"):
        a = item.attrs
        if reads_params(a):
            continue
        out.setdefault((a.get("action"), a.get("target"), a.get("rule"), a.get("metric"), a.get("op")), item)
    return list(out.values())[:_LIMIT]


def sentence(item: EvidenceItem) -> str:
    """One rule in words, with where it is and its citation."""
    a = item.attrs
    action, target, metric = a.get("action"), a.get("target"), a.get("metric")
    if a.get("rule") == "gate":
        conditions = a.get("conditions") or [a]
        bounds = join_words([_condition_words(c) for c in conditions if isinstance(c, dict)])
        return f"{_gated(action, target)} only when its {bounds} ({where(item)}) {cite(item)}."
    chosen = f"the {a.get('rule')} {metric}"
    if action == "alias":
        text = f"The alias {target} is set to the version whose run has {chosen}"
    elif action == "stage":
        text = f"The version whose run has {chosen} is moved to stage {target}"
    elif action == "loaded":
        text = f"The run with {chosen} is the one loaded"
    else:
        text = f"The run with {chosen} is registered" + (f" as {target}" if target else "")
    return f"{text} ({where(item)}) {cite(item)}."


def unpacked_fact(evidence: EvidenceStore, est: EvidenceItem) -> SummaryFact | None:
    """``RandomForestClassifier(**params)`` in a file that reads back the parameters of the MLflow
    run a ranking picks (``search_runs(order_by=["metrics.accuracy DESC"])[0]`` then
    ``run.data.params``): the settings are set at run time, never the library's defaults, and that
    rule says how they are chosen; None when the file reads no run's parameters."""
    unresolved = est.attrs.get("unresolved")
    expr = str(unresolved[-1]) if isinstance(unresolved, list) and unresolved else "an expression"
    source = unpacked_from(est, evidence.items) or expr
    text = f"{est.value} ({where(est)}) {cite(est)} takes its settings from {source} at run time"
    text += " (not its library's defaults)"
    reads = [
        i
        for i in production_facts(evidence, "model_selection")
        if reads_params(i.attrs) and i.source.path == est.source.path
    ][:1]
    if not reads:
        return None
    for read in reads:
        a = read.attrs
        text += (
            f"; the code reads the parameters of the MLflow run with the {a.get('rule')} {a.get('metric')} "
            f"({where(read)}) {cite(read)}, so the values are known only when it runs"
        )
    return SummaryFact.citing("hyperparameters", "Hyperparameters", text + ".", [est, *reads])


def _condition_words(c: dict[str, object]) -> str:
    """``auc is at least 0.75``, ``roc_auc is at least 0.88 (the roc_auc_min option's default, line 23)``,
    ``new_auc is above prod_auc``."""
    op = _OP_WORDS.get(str(c.get("op")), str(c.get("op")))
    if "bound" not in c:
        first = f" (or when there is no {c['unless_none']} yet)" if c.get("unless_none") else ""
        return f"{c.get('metric')} is {op} {c.get('against')}{first}"
    origin = f" (the {c['option']} option's default, line {c.get('option_line')})" if c.get("option") else ""
    return f"{c.get('metric')} is {op} {setting_text(c.get('bound'))}{origin}"


def _gated(action: object, target: object) -> str:
    if action == "alias":
        return f"The alias {target} is set" if target else "An alias is set"
    if action == "stage":
        return f"A version is moved to stage {target}" if target else "A version changes stage"
    if action == "loaded":
        return "The model is loaded"
    return "The model is registered" + (f" as {target}" if target else "")


def with_selection(
    build: Callable[[EvidenceStore], SummaryFact | None],
) -> Callable[[EvidenceStore], SummaryFact | None]:
    """`build` (the Production model line) followed by how the code chooses the version that serves."""

    def production_line(evidence: EvidenceStore) -> SummaryFact | None:
        fact = build(evidence)
        found = selection_facts(evidence)
        if not found:
            return fact
        if fact is None:  # code that promotes what another project trains: the rule is the line
            fact = SummaryFact.citing("model", "Production model", "", [])
        text = " ".join([fact.text, *(sentence(i) for i in found)]).strip()
        return fact.model_copy(
            update={"text": text, "evidence_ids": fact.evidence_ids + [i.id for i in found]}
        )

    return production_line
