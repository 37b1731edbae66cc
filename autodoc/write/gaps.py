"""What the evidence does not show: the document-level list that replaces a "Not found" in every
section. One sentence per topic the summary (`write.summary`) could not state."""

from __future__ import annotations

from autodoc.document import SummaryFact
from autodoc.evidence import EvidenceStore
from autodoc.plan.offers import NO_REGISTERED_MODELS
from autodoc.write.summary import summary_facts


def summary_gaps(evidence: EvidenceStore, facts: list[SummaryFact] | None = None) -> list[str]:
    """What a validator looks for and the evidence does not show, one sentence each."""
    shown = {f.topic for f in (facts if facts is not None else summary_facts(evidence))}
    wording = dict(_GAPS) | (_CODE_ONLY_GAPS if evidence.mlflow is None else {})
    if evidence.mlflow is None and evidence.mlflow_set_aside:  # a store was found, not "configured"
        wording |= {"model": _SET_ASIDE_MODEL_GAP, "tracking": f"{evidence.no_mlflow_words()}."}
    gaps = [wording[topic] for topic, _ in _GAPS if topic not in shown]
    if evidence.mlflow is not None and not evidence.mlflow.registered_models and "tracking" in shown:
        gaps.insert(1 if "purpose" not in shown else 0, NO_REGISTERED_MODELS)  # the model line leaves it here
    return list(dict.fromkeys(gaps))


def known_gap(sentence: str) -> bool:
    """A section's gap the summary already covers: on a topic the summary either states or lists
    among its gaps (every summary topic is one or the other), so the reader has read it once."""
    said = sentence.lower().replace("production ", "")
    if any(said == gap.lower().replace("production ", "") for _, gap in _GAPS):
        return True
    return any(word in said for word in _GAP_WORDS)


# the words that name a summary topic in a section's gap sentence
_GAP_WORDS = ("target", "split", "data source", "search", "decision threshold", "metric computation")


_GAPS = [
    ("purpose", "No README or registry description states the model's purpose."),
    ("model", "No registered model version identifies the production model."),
    ("target", "No target column was identified in the code."),
    ("data", "No data source (file, table or query read) was found in the production code."),
    ("split", "No train/test split was found in the production code."),
    ("hyperparameters", "No hyperparameters were logged by the production model's training run."),
    ("tuning", "No hyperparameter search was found in the code."),
    ("metrics", "No held-out (test or validation) metric was logged for the production model."),
    ("threshold", "No decision threshold was found in the code or its configuration."),
    ("tracking", "No MLflow experiment or registered model was found."),
    ("serving", "No serving code (an API or batch scoring entry point) was identified."),
]
# Written from code alone, a gap is not that a run logged nothing: no run was read at all.
_SET_ASIDE_MODEL_GAP = (
    "No registered model version identifies the production model (no MLflow store of this code was read)."
)
_CODE_ONLY_GAPS = {
    "model": "No registered model version identifies the production model (no MLflow tracking server "
    "was configured).",
    "hyperparameters": "No hyperparameter value was found in the code or its configuration.",
    # said only when the summary states no metric: the production code computes none
    "metrics": "No metric computation was found in the code, and no MLflow run was read.",
    "tracking": "No MLflow tracking server was configured.",
}
