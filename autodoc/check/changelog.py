"""The Change Log section, written from evidence at every build.

The previous build's snapshot (beside the cache) is compared with this build's; when the
model, data, features, evaluation or registry changed, an entry is added (version, date,
what changed with where it was and is now, author from the spec or git). The history
travels inside the snapshot, so a rebuilt cache keeps it. The section also carries the
review fields (document owner, last and next review) when the spec has them.
"""

from __future__ import annotations

import subprocess
from datetime import date

from autodoc.check.compare import Change, compare
from autodoc.check.impact import DocIndex
from autodoc.check.snapshot import ChangeLogEntry, EvidenceSnapshot
from autodoc.document import Block, Cell, DocumentState, Section, TableContent, TablePlan, TableSource
from autodoc.facts import Review

CHANGE_LOG_ID = "change-log"
CHANGE_LOG_HEADING = "Change Log"
GROUPS = {  # change category -> what the change log calls it
    "hyperparameter": "model",
    "code": "model",
    "entry_point": "model",
    "threshold": "model",
    "data": "data",
    "split": "data",
    "feature": "features",
    "evaluation": "evaluation",
    "metric": "evaluation",
    "registry": "registry",
}
MAX_LINES = 12


def next_history(
    previous: EvidenceSnapshot | None, current: EvidenceSnapshot, state: DocumentState, today: date
) -> list[ChangeLogEntry]:
    """The history with this build's entry added when something changed (or on the first build)."""
    history = list(previous.change_log) if previous else []
    author = state.authors or git_author(current.code_root) or ""
    if previous is None:
        if not history:
            history.append(_entry(state, today, ["Initial documentation"], author))
        return history
    changes = [c for c in compare(previous, current, DocIndex.of(state)) if c.category in GROUPS]
    if changes:
        history.append(_entry(state, today, describe(changes), author))
    return history


def _entry(state: DocumentState, today: date, changes: list[str], author: str) -> ChangeLogEntry:
    return ChangeLogEntry(version=state.version, date=today.isoformat(), changes=changes, author=author)


def describe(changes: list[Change]) -> list[str]:
    """One line per change: '<group>: <what> (was at <old place>)'."""
    lines = [f"{GROUPS[c.category]}: {c.summary()}" for c in changes]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"... and {len(lines) - MAX_LINES} more changes"]
    return lines


def git_author(root: str | None) -> str | None:
    if not root:
        return None
    try:
        done = subprocess.run(
            ["git", "-C", root, "log", "-1", "--format=%an"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def place_change_log(state: DocumentState, history: list[ChangeLogEntry], review: Review | None) -> None:
    """Replace the Change Log section at the end of the document."""
    state.sections = [s for s in state.sections if s.id != CHANGE_LOG_ID]
    top = [s for s in state.sections if s.level == 1]
    number = str(int(top[-1].number) + 1) if top and top[-1].number.isdigit() else str(len(top) + 1)
    blocks = [
        _table_block(
            "b1",
            "Changes to this document (source: the build history kept with the document)",
            ["Version", "Date", "Changes", "Author"],
            _rows(history),
        )
    ]
    if review is not None:
        rows = [
            [Cell(value=label), Cell(value=value or "not recorded")]
            for label, value in (
                ("Document owner", review.owner),
                ("Last reviewed", review.last_reviewed),
                ("Next review", review.next_review),
                ("Review cadence", review.cadence),
            )
        ]
        blocks.append(_table_block("b2", "Review (source: the stated facts file)", ["Field", "Value"], rows))
    state.sections.append(
        Section(
            id=CHANGE_LOG_ID,
            number=number,
            heading=CHANGE_LOG_HEADING,
            spec_name=CHANGE_LOG_HEADING,
            status="written",
            blocks=blocks,
        )
    )


def _rows(history: list[ChangeLogEntry]) -> list[list[Cell]]:
    return [
        [Cell(value=value) for value in (f"v{e.version}", e.date, "\n".join(e.changes), e.author)]
        for e in reversed(history)  # newest first
    ]


def _table_block(suffix: str, caption: str, columns: list[str], rows: list[list[Cell]]) -> Block:
    return Block(
        id=f"{CHANGE_LOG_ID}.{suffix}",
        plan=TablePlan(title=caption, source=TableSource(kind="evidence")),
        content=TableContent(caption=caption, columns=columns, rows=rows),
        status="written",
    )
