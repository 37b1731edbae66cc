"""Claims of work the evidence does not show: a written sentence that affirms cross-validation,
tuning, monitoring or another kind of work the code and MLflow hold no item of.

A sentence is a claim when it states the work as done: a negated sentence ("no cross-validation
was found") and a hedged one ("cross-validation could strengthen ...", "drift should be
monitored") say what is missing or advised, and are not checked.
"""

from __future__ import annotations

import re

from autodoc.document import CITATION_RE, FigureFlag
from autodoc.evidence import EvidenceStore

# Claims checked against the evidence: (pattern, evidence kinds that support it, what).
# (claim in the text, evidence kinds that back it, what it is, words live code would contain)
CLAIMS: list[tuple[re.Pattern[str], tuple[str, ...], str, re.Pattern[str] | None]] = [
    (re.compile(r"cross[- ]?validat|k-fold|\bkfold\b", re.I), ("cv",), "cross-validation", None),
    (
        re.compile(
            r"grid search|random(ized)? search|hyper-?parameter (tuning|search|optimi[sz])|optuna", re.I
        ),
        ("hyperparameter_search",),
        "hyperparameter search",
        None,
    ),
    (re.compile(r"\bbootstrap", re.I), (), "bootstrap resampling", re.compile(r"bootstrap|resampl", re.I)),
    (
        re.compile(r"out[- ]of[- ]time|\bOOT\b|back-?test", re.I),
        (),
        "out-of-time validation",
        re.compile(r"out_of_time|\boot\b|backtest|TimeSeriesSplit", re.I),
    ),
    (re.compile(r"\bcalibrat", re.I), (), "probability calibration", re.compile(r"calibrat", re.I)),
    (
        re.compile(
            r"\b(?:is|are|being|gets?) (?:\w+ly )?monitored\b|drift (?:detection|monitoring|tests?|checks?)|"
            r"population stability|\bPSI\b|\b(?:data|concept|prediction) drift\b|"
            r"\balerts? (?:are|is) (?:sent|raised)",
            re.I,
        ),
        ("monitoring",),
        "monitoring",
        re.compile(r"drift|monitor|evidently|\bpsi\b|alert", re.I),
    ),
    (
        re.compile(r"fairness|disparate impact|bias (test|assess|audit)", re.I),
        (),
        "fairness testing",
        re.compile(r"fairness|fairlearn|aif360|disparate", re.I),
    ),
    (
        re.compile(r"stress[- ]test|sensitivity analys", re.I),
        (),
        "stress or sensitivity testing",
        re.compile(r"stress|sensitivity", re.I),
    ),
]
NEGATION = re.compile(
    r"\b(no|not|none|without|never|neither|nor|absent|lack|lacks|missing|"
    r"unavailable|did not|does not|was not|were not)\b|n't\b",
    re.I,
)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
HEDGE = re.compile(
    r"\b(should|could|would|may|might|can|recommend\w*|suggest\w*|consider\w*|advis\w*|propos\w*|"
    r"plan(?:s|ned)? to|future|next step)\b",
    re.I,
)


def unsupported_claims(text: str, evidence: EvidenceStore) -> tuple[list[str], list[FigureFlag]]:
    """Sentences that affirm work of a kind the evidence holds no item of."""
    errors: list[str] = []
    flags: list[FigureFlag] = []
    sentences = SENTENCE.findall(text)
    for pattern, kinds, what, mention in CLAIMS:
        claims = [
            s for s in sentences if (m := pattern.search(s)) and not NEGATION.search(s) and not _advice(s, m)
        ]
        if not claims or _supported(kinds, evidence, mention):  # the text first: it is cheaper
            continue
        for sentence in claims:
            context = " ".join(re.sub(CITATION_RE, "", sentence).split())[:300]
            errors.append(
                f"The text describes {what} ({context!r}) but no {what} was found in the "
                f"code or MLflow: remove the claim or say it was not found."
            )
            flags.append(
                FigureFlag(
                    figure=what,
                    context=context,
                    reason=f"describes {what}, which the evidence does not show",
                )
            )
    return errors, flags


CV_METRIC = re.compile(r"(^|[_.])(cv|cross_?val\w*|fold\w*)([_.]|$)", re.I)


def _supported(kinds: tuple[str, ...], evidence: EvidenceStore, mention: re.Pattern[str] | None) -> bool:
    """Live code of that kind, a logged cv metric (cross-validation), or live code naming it."""
    if any(item.live is not False for item in evidence.by_kind(*kinds)):
        return True
    if "cv" in kinds:
        return any(CV_METRIC.search(item.id.rsplit(":", 1)[-1]) for item in evidence.by_kind("run_metric"))
    if mention is not None:
        return any(
            mention.search(f"{item.label} {item.value} {item.text or ''}")
            for item in evidence.items
            if item.source.kind == "code" and item.live is not False and item.kind != "readme"
        )
    return False


def _advice(sentence: str, claim: re.Match[str]) -> bool:
    """Advice, not a claim: a modal or advising word before the work it names ("we recommend drift
    detection") or as its verb ("cross-validation could strengthen ..."); one in a later clause
    ("... cross-validation, which can detect overfitting") leaves the claim standing."""
    return bool(HEDGE.search(sentence[: claim.end()]) or _MODAL_VERB.match(sentence, claim.end()))


_MODAL_VERB = re.compile(
    r"\w*(?:\s+\w+)?\s+(?:should|could|would|may|might|can)\b", re.I
)  # the rest of its word
