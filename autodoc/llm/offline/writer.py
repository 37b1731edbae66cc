"""The offline writer: plans and narratives from the evidence alone, no LLM.

Deterministic and sober: it states facts with their figures as the evidence holds them
(floats rounded to four decimals, which the grounding check accepts), puts a ``[[id]]``
citation after each claim, says what was looked for and not found, and never describes legacy code
(not reached from an entry point) as such. It never guesses, so a hint such as "do not
describe validation that was not implemented" is followed by construction: only what the
evidence holds is described.

Each section is written by the writer of its primary topic (`SECTION_WRITERS`: sections.py,
results.py), which reads the task's evidence through `facts.Facts` and words it with prose.py.
The planner (planner.py) decides which blocks a section gets.
"""

from __future__ import annotations

import re

from autodoc.document import NarrativeReply, cite, join_words
from autodoc.evidence import EvidenceItem
from autodoc.llm.base import WriteTask
from autodoc.llm.offline.facts import Facts
from autodoc.llm.offline.feedback import Feedback, apply_feedback, read_feedback
from autodoc.llm.offline.monitoring import write_monitoring
from autodoc.llm.offline.plain import write_plain_conclusion, write_plain_overview
from autodoc.llm.offline.prose import code_where, estimators, fact_phrase
from autodoc.llm.offline.results import (
    validation_steps,
    write_deployment,
    write_evaluation,
    write_mlflow,
    write_risk,
    write_validation,
)
from autodoc.llm.offline.sections import (
    SectionWriter,
    write_code,
    write_data,
    write_features,
    write_model,
    write_training,
)
from autodoc.plan.topics import TOPIC_KINDS, is_production_code, section_topics


def write_block(task: WriteTask) -> NarrativeReply:
    """Sentences built from the evidence, each with its citation; then what was not found."""
    facts = Facts(task.evidence)
    topics = section_topics(task.section_name, task.hint)
    primary = topics[0] if topics else "overview"
    if task.block_type == "list":
        sentences = _list_sentences(facts, primary)
        lines = [f"- {s}" for s in sentences] or [f"- {m}" for m in task.missing] or ["- Nothing was found."]
        return NarrativeReply(text=_fit("\n".join(lines)))
    wanted = read_feedback(task.feedback)
    writer = _section_writer(task, primary)
    paras = [p for p in writer(facts, task) if p]
    if wanted.more_detail or wanted.parameter_values:
        paras += [p for p in _more(facts, task, wanted) if p]
    if not task.model:  # a per-model subsection keeps to its model; shared code is stated once elsewhere
        paras += [p for p in _write_leftovers(facts, primary, task.section_name) if p]
    paras = apply_feedback(_unique(paras), wanted)
    if not paras:  # one sentence naming what was looked for; the gaps are listed once in the summary
        paras.append(_nothing_found(task))
    return NarrativeReply(text=_fit("\n\n".join(paras)))


def _nothing_found(task: WriteTask) -> str:
    """The one sentence naming what this section looked for (its own gap, not a neighbour's)."""
    stems = [w[:6] for w in re.findall(r"[a-z]{4,}", task.heading.lower())]
    own = [m for m in task.missing if any(stem in m.lower() for stem in stems)]
    if own:
        return own[0]
    return f"The code and MLflow hold no evidence about {task.heading.lower()}."


def _unique(paras: list[str]) -> list[str]:
    """No passage twice (two writers may build the same sentence from the same facts)."""
    seen: set[str] = set()
    return [p for p in paras if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


_DETAIL_KINDS = (
    "data_source",
    "split",
    "cv",
    "feature",
    "preprocessing",
    "metric",
    "threshold",
    "fit",
    "seed",
)


def _more(facts: Facts, task: WriteTask, wanted: Feedback) -> list[str]:
    """What a reviewer asking for detail or parameter values gets beyond the section's passages."""
    out = estimators(facts, with_settings=True) if wanted.parameter_values else []
    if wanted.more_detail:
        rest = [i for i in facts.kind(*_DETAIL_KINDS) if i.id not in facts.used]
        facts.used.update(i.id for i in rest[:10])
        if rest:
            out.append("The evidence also shows " + join_words([fact_phrase(i) for i in rest[:10]]) + ".")
    return out


def _fit(text: str, limit: int = 5800) -> str:
    """Keep within the reply limit, cutting at a paragraph or sentence boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: max(cut.rfind("\n"), cut.rfind(". ") + 1)].rstrip()


def _list_sentences(f: Facts, primary: str) -> list[str]:
    if primary == "validation":
        return validation_steps(f)
    return [
        p
        for p in _SECTION_WRITERS.get(primary, _write_generic)(
            f, WriteTask(document_title="", section_id="", section_name="", heading="")
        )
        if p
    ]


def _write_generic(f: Facts, task: WriteTask) -> list[str]:
    return write_plain_overview(f, task)


_SECTION_WRITERS: dict[str, SectionWriter] = {
    "overview": write_plain_overview,
    "model": write_model,
    "data": write_data,
    "features": write_features,
    "training": write_training,
    "evaluation": write_evaluation,
    "validation": write_validation,
    "deployment": write_deployment,
    "monitoring": write_monitoring,
    "mlflow": write_mlflow,
    "code": write_code,
    "risk": write_risk,
}


def _write_leftovers(f: Facts, primary: str, name: str) -> list[str]:
    """Facts of the section's main kinds that no passage used (so nothing given is lost).

    Kinds another section is the home of stay there: a data section leaves features to the
    features section unless its name covers both."""
    kinds = set(TOPIC_KINDS.get(primary, ())) - {
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
    if primary == "data" and not re.search(r"feature", name, re.I):
        kinds -= {"feature", "dropped_column", "preprocessing"}
    if primary != "data":  # where the data come from is the data section's to say, once
        kinds -= {"data_source", "join", "target"}
    if primary == "code":  # estimators and entry points have their sections: the appendix adds MLflow calls
        kinds &= {"mlflow_call"}
    if primary == "risk":  # the model and its columns are not limitations: their sections state them
        kinds -= {"estimator", "dropped_column"}
    rest = [i for i in f.items if i.kind in kinds and i.id not in f.used and is_production_code(i)]
    if not rest or primary in ("overview",):
        return []
    f.used.update(i.id for i in rest)
    if primary == "code":  # what the code records first, the client's set-up after
        calls = sorted(rest, key=lambda i: not _RECORDS.match(_call_name(i)))
        return ["The code calls MLflow's " + join_words([_mlflow_call(i) for i in calls[:8]]) + "."]
    return ["The scan also found " + join_words([fact_phrase(i) for i in rest[:8]]) + "."]


_RECORDS = re.compile(r"log_|register|autolog|save_model")  # calls that record a run's values or a model


def _call_name(item: EvidenceItem) -> str:
    return str(item.attrs.get("function") or item.label.removeprefix("mlflow "))


def _mlflow_call(item: EvidenceItem) -> str:
    """``log_metric for cv_fold_roc_auc (train.py, line 112) [n]``: the function, what it is given, where."""
    name = _call_name(item)
    given = f" for {item.value}" if isinstance(item.value, str) and item.value else ""
    return f"{name}{given} ({code_where(item)}) {cite(item)}"


# the conclusion is an overview that adds nothing new
_CONCLUSION = re.compile(r"conclu|recommend|summary of findings", re.I)


def _section_writer(task: WriteTask, primary: str) -> SectionWriter:
    if _CONCLUSION.search(task.section_name):
        return write_plain_conclusion
    return _SECTION_WRITERS.get(primary, _write_generic)
