"""Which tracked run's logged values stand for the model, and why that one.

With registered versions: the runs behind them, the one a production alias points to first. With
none: the latest finished run of the experiment the production code logs to (its
``mlflow.set_experiment("churn")``), or of the store's only experiment with runs; the document
says so (``the latest of 4 runs of experiment churn; no version is registered``), since nothing
in the store marks that run as the model's.
"""

from __future__ import annotations

from dataclasses import dataclass

from autodoc.evidence import EvidenceItem, has_production_alias
from autodoc.plan.topics import is_production_code


@dataclass(frozen=True)
class StandingRuns:
    order: list[str]  # run ids, the one whose values stand for the model first
    why: str = ""  # why the first one does, when no registered version says so


def standing_runs(items: list[EvidenceItem]) -> StandingRuns:
    """The runs whose logged values stand for the model, in order, and why the first does."""
    versions = [i for i in items if i.kind == "model_version"]
    if versions:
        aliased = [v for v in versions if has_production_alias(v.attrs.get("aliases"))]
        return StandingRuns([str(v.attrs.get("run_id")) for v in aliased + versions if v.attrs.get("run_id")])
    experiment = _code_experiment(items)
    if experiment is None:
        return StandingRuns([])
    name = str(experiment.value)
    runs = [r for r in items if r.kind == "run" and str(r.attrs.get("experiment")) == name]
    finished = [r for r in runs if r.attrs.get("status") == "FINISHED" and r.attrs.get("run_id")]
    if not finished:
        return StandingRuns([])
    # latest first; runs started in the same second keep the scan's order (by the millisecond)
    finished = [r for _, r in sorted(enumerate(finished), key=_started, reverse=True)]
    count = _finished_count(experiment, len(finished))
    which = "the only run" if count == 1 else f"the latest of {count} finished runs"
    why = f"{which} of experiment {name}; no version is registered"
    return StandingRuns([str(r.attrs["run_id"]) for r in finished], why)


def _started(indexed: tuple[int, EvidenceItem]) -> tuple[str, int]:
    return str(indexed[1].attrs.get("start_time") or ""), indexed[0]


def _code_experiment(items: list[EvidenceItem]) -> EvidenceItem | None:
    """The experiment production code sets (``mlflow.set_experiment("churn")``), else the only
    experiment that holds runs; None when the store does not say which."""
    experiments = [i for i in items if i.kind == "experiment" and isinstance(i.value, str)]
    named = {
        i.value.casefold()
        for i in items
        if i.kind == "mlflow_call"
        and i.attrs.get("function") == "set_experiment"
        and isinstance(i.value, str)
        and is_production_code(i)
    }
    chosen = [e for e in experiments if str(e.value).casefold() in named]
    if len(chosen) == 1:
        return chosen[0]
    holding = [e for e in experiments if _finished_count(e, 0)]
    return holding[0] if not chosen and len(holding) == 1 else None


def _finished_count(experiment: EvidenceItem, seen: int) -> int:
    """How many finished runs the experiment holds (the scan's count, else the runs seen)."""
    counts = experiment.attrs.get("status_counts")
    finished = counts.get("FINISHED") if isinstance(counts, dict) else None
    return finished if isinstance(finished, int) else seen
