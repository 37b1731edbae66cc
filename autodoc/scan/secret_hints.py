"""Where a secret could start in a text: cheap substring checks before the secrets scanner's patterns.

Substring searches on the lowered text are far faster than the patterns; only the lines that hold a
token's prefix, or a secret-like name assigned a value, go through the full passes
(`autodoc.scan.secrets`).
"""

from __future__ import annotations

import re

# A secret word right before `=` / `:` (optionally closing a quote or after a type annotation).
ASSIGN_HINT_RE = re.compile(
    r"(?:pass\w*|pwd|secret|token|key|credentials?)['\"]?\s*(?::|=|:=)", re.IGNORECASE
)

_TOKEN_HINTS = (  # AWS access keys, OpenAI/Anthropic, Hugging Face, Slack, Google, Databricks, JWT, Stripe
    "akia", "asia", "sk-", "hf_", "xox", "aiza", "dapi", "eyj", "bearer", "_live_", "private key", "://",
    "github_pat_",
)  # fmt: skip
_GITHUB_HINT_RE = re.compile(r"gh[pousr]_")  # one search with a literal prefix, not five
_NAME_HINTS = ("pass", "pwd", "secret", "token", "key", "credential")  # where an ASSIGN_HINT_RE match starts


def hint_positions(low: str, every: bool = True) -> list[int]:
    """Where a secret could start in the lowered text (only the first place found unless `every`)."""
    out: list[int] = []
    find = low.find
    for frag in _TOKEN_HINTS:
        if frag in low:  # presence first: one fast scan per fragment
            idx = find(frag)
            if not every:
                return [idx]
            while idx >= 0:
                out.append(idx)
                idx = find(frag, idx + 1)
    if "gh" in low:
        out.extend(m.start() for m in _GITHUB_HINT_RE.finditer(low))
    assigned = ASSIGN_HINT_RE.match
    for frag in _NAME_HINTS:
        if out and not every:
            return out
        if frag in low:
            idx = find(frag)
            while idx >= 0:
                if assigned(low, idx):  # `key=`, `token: "..."`: not every `key` or `pass`
                    out.append(idx)
                    if not every:
                        break
                idx = find(frag, idx + 1)
    return out
