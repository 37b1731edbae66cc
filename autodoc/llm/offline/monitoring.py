"""The offline writer's Ongoing Monitoring: the monitoring code the scan found (drift tests,
alerting), else that none was found, once, and the evaluation metrics as what a monitoring
plan could track. Metrics computed on the test split when the model is trained are never
presented as monitoring."""

from __future__ import annotations

from autodoc.document import cite, join_words
from autodoc.evidence import EvidenceItem
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.prose import code_span, code_where, fact_phrase, model_summary, para

NO_MONITORING = "No monitoring code (drift or performance tracking) was found."


def write_monitoring(f: Facts, task: WriteTask) -> list[str]:
    f.fresh(f.thresholds())  # set out under validation, pointed to from deployment: not a third time
    checks = f.fresh(f.kind("monitoring"))
    models = para(*[model_summary(f, m, 3) for m in f.model_names()])
    if checks:
        found = join_words([_check_phrase(c) for c in checks[:6]])
        return [f"The monitoring code runs {found}.", models]
    return [para(_no_monitoring(task), _could_track(f)), models]


def _check_phrase(item: EvidenceItem) -> str:
    """``a drift test: KS test ... (monitoring/drift.py, line 9) [n]``: what the check does, where."""
    article = "an" if item.label[:1].lower() in "aeiou" else "a"
    return f"{article} {code_span(item.label)} ({code_where(item)}) {cite(item)}"


def _no_monitoring(task: WriteTask) -> str:
    return next((m for m in task.missing if "monitoring code" in m.lower()), NO_MONITORING)


def _could_track(f: Facts) -> str:
    """The evaluation metrics, each once, as measures a monitoring plan could track after release."""
    metrics: list[EvidenceItem] = []
    for item in f.fresh(f.kind("metric")):
        if not any(m.value == item.value for m in metrics):
            metrics.append(item)
    if not metrics:
        return ""
    named = join_words([fact_phrase(m) for m in metrics[:6]])
    split = " on the test split" if all(m.attrs.get("on") == "test" for m in metrics) else ""
    return (
        f"The evaluation code computes {named}{split} once, when the model is trained; "
        "a monitoring plan could track these measures on new data after release."
    )
