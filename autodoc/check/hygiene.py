"""Document hygiene: what a reviewer would reject whatever the code and registry say.

Required sections present and non-empty, every citation resolvable, commit and run
references valid, flagged figures resolved, review fields present and the next review not
past, and people's statements not older than the review cadence.
"""

from __future__ import annotations

import subprocess
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from autodoc.check.impact import block_citations
from autodoc.check.snapshot import EvidenceSnapshot
from autodoc.document import DocumentState
from autodoc.facts import Fact, Review, parse_date, stale_facts

HygieneCode = Literal["required", "citation", "reference", "flagged", "review", "facts"]
HYGIENE_CODES: tuple[str, ...] = HygieneCode.__args__  # type: ignore[attr-defined]


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: HygieneCode
    message: str
    section: str | None = None


def hygiene(
    state: DocumentState,
    required: list[str],
    review: Review | None,
    facts: list[Fact],
    current: EvidenceSnapshot | None,
    code_root: str | None,
    today: date,
) -> list[Finding]:
    return [
        *required_sections(state, required),
        *unresolved_citations(state),
        *references(state, current, code_root),
        *flagged(state),
        *review_fields(review, today),
        *[
            Finding(
                code="facts",
                message=f"{f.topic}: the statement {f.cite()} is older than the review cadence "
                f"({review.cadence if review else ''})",
                section=f.section,
            )
            for f in stale_facts(facts, review, today)
        ],
    ]


def required_sections(state: DocumentState, required: list[str]) -> list[Finding]:
    out = []
    for name in required:
        key = " ".join(name.split()).casefold()
        secs = [s for s in state.sections if " ".join(s.spec_name.split()).casefold() == key]
        if not secs:
            out.append(Finding(code="required", message=f"required section {name!r} is not in the document"))
            continue
        written = [b for s in secs for b in s.blocks if b.content is not None and b.status != "failed"]
        if not written:
            out.append(
                Finding(
                    code="required", message=f"required section {name!r} is empty", section=secs[0].number
                )
            )
    return out


def unresolved_citations(state: DocumentState) -> list[Finding]:
    out = []
    for sec, blk in state.blocks():
        missing = [eid for eid in block_citations(blk) if eid not in state.evidence_items]
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            out.append(
                Finding(
                    code="citation",
                    message=f"block {blk.id} cites evidence the document cannot resolve: {shown}",
                    section=sec.number,
                )
            )
    return out


def references(
    state: DocumentState, current: EvidenceSnapshot | None, code_root: str | None
) -> list[Finding]:
    """The code commit still exists; cited runs and model versions still exist in MLflow."""
    out = []
    prov = state.provenance
    if prov and prov.code_commit and code_root and not commit_exists(code_root, prov.code_commit):
        out.append(
            Finding(
                code="reference",
                message=f"the document cites commit {prov.code_commit[:10]}, which the repository "
                f"at {code_root} does not have",
            )
        )
    if current is None or not current.mlflow_items():
        return out
    runs = {i.run_id for i in current.items.values() if i.run_id}
    versions = {i.id for i in current.items.values() if i.kind == "model_version"}
    for eid, item in sorted(state.evidence_items.items()):
        if item.kind == "run" and item.source.run_id and item.source.run_id not in runs:
            out.append(Finding(code="reference", message=f"cited run {item.source.run_id} no longer exists"))
        elif item.kind == "model_version" and eid not in versions:
            out.append(Finding(code="reference", message=f"cited {item.label} no longer exists"))
    return out


def commit_exists(root: str, commit: str) -> bool:
    try:
        done = subprocess.run(
            ["git", "-C", root, "cat-file", "-e", f"{commit}^{{commit}}"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return True  # no git to ask: not a finding
    return done.returncode == 0


def flagged(state: DocumentState) -> list[Finding]:
    return [
        Finding(
            code="flagged",
            message=f"block {blk.id} has {len(blk.flags)} flagged figure(s) not resolved: "
            + ", ".join(f.figure for f in blk.flags[:5]),
            section=sec.number,
        )
        for sec, blk in state.flagged()
        if blk.status not in ("approved", "edited")
    ]


def review_fields(review: Review | None, today: date) -> list[Finding]:
    if review is None:
        return [
            Finding(
                code="review",
                message="the spec has no review fields (review: owner, last_reviewed, next_review)",
            )
        ]
    out = [
        Finding(code="review", message=f"review field {name} is missing")
        for name in ("owner", "last_reviewed", "next_review")
        if not getattr(review, name)
    ]
    due = parse_date(review.next_review)
    if due is not None and due < today:
        out.append(Finding(code="review", message=f"the next review was due on {review.next_review}"))
    return out
