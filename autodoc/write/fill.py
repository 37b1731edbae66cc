"""Tables, charts and images filled by our code from evidence values.

An LLM only names what to show (a `TablePlan`, `ChartPlan` or `ImagePlan`); every number
in the result is copied here from an evidence item or the MLflow snapshot, and every cell
and point carries the evidence id it came from. When the data is missing the result
carries a `note` saying what was not found, never an invented value.

`validate_plan` checks a `PlanReply` against the evidence before anything is written; its
messages are shown to the model on a re-ask, so they name the bad value and list choices.
"""

from __future__ import annotations

import base64

from autodoc.document import (
    ImageContent,
    ImagePlan,
)
from autodoc.evidence import EvidenceStore, run_label
from autodoc.plan.lineage import (
    image_artifacts,
)
from autodoc.write.cells import Fetch, find_experiment
from autodoc.write.charts import fill_chart
from autodoc.write.tables import fill_table, resolved_settings
from autodoc.write.validate import validate_plan

_MEDIA = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


def fill_image(plan: ImagePlan, evidence: EvidenceStore, fetch: Fetch | None) -> ImageContent:
    """Fetch an MLflow image artifact's bytes (`fetch(run_id, path)`), or say why not."""
    found = image_artifacts(evidence).get(plan.artifact_id)
    base = ImageContent(caption=plan.title, artifact_id=plan.artifact_id)
    if found is None:
        base.note = f"No image artifact {plan.artifact_id} was found in MLflow."
        return base
    run, path = found
    base.media_type = _MEDIA.get("." + path.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    base.citations = [plan.artifact_id if evidence.has(plan.artifact_id) else run.evidence_id]
    if fetch is None:
        base.note = f"The artifact {path} of run {run_label(run)} was not downloaded."
        return base
    try:
        data = fetch(run.run_id, path)
    except Exception as exc:  # a broken artifact store costs this image only
        data = None
        base.note = f"The artifact {path} could not be downloaded ({type(exc).__name__})."
    if data:
        base.data_b64 = base64.b64encode(data).decode("ascii")
    elif base.note is None:
        base.note = f"The artifact {path} of run {run_label(run)} could not be downloaded."
    return base


__all__ = [
    "Fetch",
    "fill_chart",
    "fill_image",
    "fill_table",
    "find_experiment",
    "resolved_settings",
    "validate_plan",
]
