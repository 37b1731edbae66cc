"""Reviewer feedback the offline writer can honour, and a plain word when it cannot.

The offline writer follows a fixed set of requests: shorter, more detail, a table instead of
prose, include parameter values, and leave out X. Anything else needs an LLM: `read_feedback`
says so in `note`, which the app and the run report show (never the document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SHORTER = re.compile(r"\b(short|shorter|brief|briefer|concise|condense|less detail|too long|trim)", re.I)
_DETAIL = re.compile(r"\b(more detail|more details|detailed|expand|elaborate|longer|too short)", re.I)
_TABLE = re.compile(r"\b(table|tabular)\b", re.I)
_PARAMS = re.compile(
    r"\b(parameter|hyperparameter|param|setting)s?\b.*\b(value|values)\b|\binclude\b.*\bparam", re.I
)
_LEAVE_OUT = re.compile(r"\b(?:leave out|omit|remove|drop|do not mention|don't mention|without)\s+(.+)", re.I)
NEEDS_LLM = (
    "The offline writer follows only these requests: shorter, more detail, table instead of prose, "
    "include parameter values, leave out X. This request needs an LLM provider: "
)


@dataclass
class Feedback:
    shorter: bool = False
    more_detail: bool = False
    table: bool = False
    parameter_values: bool = False
    leave_out: list[str] = field(default_factory=list)
    note: str | None = None  # set when (part of) the request needs an LLM

    @property
    def understood(self) -> bool:
        return self.shorter or self.more_detail or self.table or self.parameter_values or bool(self.leave_out)


def read_feedback(text: str | None) -> Feedback:
    """The requests the offline writer can follow in a reviewer's feedback."""
    if not text or not text.strip():
        return Feedback()
    out = Feedback(
        shorter=bool(_SHORTER.search(text)),
        more_detail=bool(_DETAIL.search(text)),
        table=bool(_TABLE.search(text)),
        parameter_values=bool(_PARAMS.search(text)),
    )
    for match in _LEAVE_OUT.finditer(text):
        words = re.split(r"[.;,]| and ", match.group(1))[0].strip(" \"'")
        if words:
            out.leave_out.append(words)
    if not out.understood:
        out.note = NEEDS_LLM + f"\u201c{' '.join(text.split())[:200]}\u201d."
    return out


def apply_feedback(paras: list[str], feedback: Feedback) -> list[str]:
    """Leave out what was asked to be left out; keep the leading passages when asked for less."""
    if feedback.leave_out:
        lowered = [w.lower() for w in feedback.leave_out]
        paras = [p for p in paras if not any(w in p.lower() for w in lowered)]
    if feedback.shorter:
        paras = paras[:2]
    return paras
