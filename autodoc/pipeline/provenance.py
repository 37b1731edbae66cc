"""Provenance, models covered, cited items and notes: what the cache alone must hold."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import autodoc
from autodoc.document import DocumentState, Provenance
from autodoc.evidence import EvidenceStore
from autodoc.plan.offers import missing_for
from autodoc.scan.code.files import LINES_LEFT_OUT
from autodoc.settings import Settings
from autodoc.write import narrative as write
from autodoc.write.gaps import known_gap, summary_gaps
from autodoc.write.summary import summary_facts

OFFLINE_NOTE = "Written by the offline writer: no LLM key was configured."
OFFLINE_CHOSEN_NOTE = "Written by the offline writer (deterministic wording from the evidence, no LLM)."

LIBRARY_KEY = re.compile(
    r"(^|[._\-])(version|ver)$|^(python|sklearn|scikit-learn|xgboost|lightgbm|"
    r"pandas|numpy|torch|tensorflow|mlflow)([._\-]version)?$",
    re.I,
)


def finalize(state: DocumentState, evidence: EvidenceStore, settings: Settings) -> None:
    """Provenance, models covered, cited items and notes: what the cache alone must hold."""
    spec_h = state.provenance.spec_hash if state.provenance else ""
    state.models_covered = models_covered(state, evidence)
    state.summary = summary_facts(evidence)
    state.gaps = gaps(state, evidence)
    ids = [eid for fact in state.summary for eid in fact.evidence_ids]
    ids += [eid for _, blk in state.blocks() for eid in write.cited_ids(blk)]
    for entry in state.models_covered:
        ids += [entry["evidence_id"], *entry["version_ids"]]
    items = {}
    for eid in ids:  # the current fact, or the one a reused block was written from
        item = evidence.get(eid) or state.evidence_items.get(eid)
        if item is not None:
            items[eid] = item
    state.evidence_items = items
    state.provenance = provenance(state, evidence, settings, spec_h)
    state.notes = notes(state, evidence, settings)


def gaps(state: DocumentState, evidence: EvidenceStore) -> list[str]:
    """What the evidence does not show: the summary's gaps, then each section's, each once."""
    out = summary_gaps(evidence, state.summary)
    for section in state.sections:
        if not section.is_container:
            out += [g for g in missing_for(section, evidence) if g not in out and not known_gap(g)]
    return out


def models_covered(state: DocumentState, evidence: EvidenceStore) -> list[dict[str, Any]]:
    names = {sec.model for sec in state.sections if sec.model}
    out = []
    for model in evidence.mlflow.registered_models if evidence.mlflow else []:
        if names and model.name not in names:
            continue
        out.append(
            {
                "name": model.name,
                "evidence_id": model.evidence_id,
                "versions": [v.version for v in model.versions],
                "version_ids": [v.evidence_id for v in model.versions],
                "aliases": dict(model.aliases),
                "description": model.description,
            }
        )
    return out


def provenance(state: DocumentState, evidence: EvidenceStore, settings: Settings, spec_h: str) -> Provenance:
    code = evidence.code
    items = state.evidence_items.values()
    runs = sorted({i.source.run_id for i in items if i.source.run_id})
    versions = sorted(
        {
            f"{i.source.model_name} v{i.source.model_version}"
            for i in items
            if i.source.model_name and i.source.model_version
        }
    )
    for entry in state.models_covered:
        model = evidence.model(entry["name"])
        for ver in model.versions if model else []:
            versions.append(f"{model.name} v{ver.version}")
            if ver.run_id:
                runs.append(ver.run_id)
    runs = sorted(set(runs))
    return Provenance(
        generator_version=autodoc.__version__,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        spec_hash=spec_h,
        spec_path=settings.spec_path,
        code_root=code.root if code else settings.code_root,
        code_commit=code.commit if code else None,
        code_dirty=code.dirty if code else None,
        files_scanned=len(code.files) if code else 0,
        files_skipped=[f"{s.path} ({s.reason})" for s in code.unread()] if code else [],
        mlflow_uri=(evidence.mlflow.origin or evidence.mlflow.tracking_uri)
        if evidence.mlflow
        else settings.mlflow_uri,
        runs_used=runs,
        model_versions_used=sorted(set(versions)),
        library_versions=library_versions(evidence, runs),
        provider=settings.provider,
        model=settings.model_name,
        evidence_hash=evidence.content_hash(),
    )


def library_versions(evidence: EvidenceStore, runs: list[str]) -> dict[str, str]:
    """Version-like tags and params of the runs used (e.g. sklearn_version)."""
    found: dict[str, str] = {}
    for run_id in runs:
        run = evidence.run(run_id)
        if run is None:
            continue
        for key, value in {**run.params, **run.tags}.items():
            if LIBRARY_KEY.search(key) and not key.startswith("mlflow.source") and len(str(value)) < 60:
                found.setdefault(key, str(value))
    return dict(sorted(found.items()))


def notes(state: DocumentState, evidence: EvidenceStore, settings: Settings) -> list[str]:
    notes: list[str] = []
    if settings.provider == "offline":
        keyed = settings.anthropic_api_key or settings.openai_api_key
        notes.append(OFFLINE_CHOSEN_NOTE if keyed else OFFLINE_NOTE)
    if evidence.mlflow_note:
        notes.append(evidence.mlflow_note)
    notes += [sec.plan_note for sec in state.sections if sec.plan_note]
    if evidence.redactions:
        count = sum(r.count for r in evidence.redactions)
        notes.append(f"{count} secret(s) found in the scanned material were redacted before any use.")
    unread = evidence.code.unread() if evidence.code else []
    if unread:
        shown = ", ".join(f"{s.path} ({s.reason})" for s in unread[:5])
        more = f" and {len(unread) - 5} more" if len(unread) > 5 else ""
        notes.append(f"{len(unread)} file(s) could not be read and are not in the evidence: {shown}{more}.")
    left_out = [w for w in (evidence.code.warnings if evidence.code else []) if w.endswith(LINES_LEFT_OUT)]
    if left_out:  # a line of newer syntax: the rest of its file is in the evidence
        notes.append(f"Not in the evidence: {'; '.join(left_out[:5])}.")
    return notes
