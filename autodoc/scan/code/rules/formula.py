"""The inputs of a model written as a formula (statsmodels' formula API, patsy syntax).

``"ClaimNb ~ VehPower + C(Region) + np.log(Density) + VehAge:DrivAge - 1"``: what is left of ``~``
is the target; the terms right of it are the model's inputs, said in words ("Region
(categorical)", "the log of Density", "the interaction of VehAge and DrivAge"). The intercept
terms (``1``, ``0``, ``- 1``) are no inputs.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z_]\w*$")
_CALL = re.compile(r"^([\w.]+)\((.*)\)$", re.S)
# one function of one column in words (patsy formulas, per-row arguments)
FUNCTION_WORDS = {
    "log": "the log of ",
    "log1p": "the log of one plus ",
    "sqrt": "the square root of ",
    "exp": "the exponential of ",
    "center": "centred ",
    "standardize": "standardised ",
    "scale": "standardised ",
}


def formula_inputs(formula: str) -> list[str]:
    """The right-hand side terms of `formula` in words, each once, in the formula's order."""
    if "~" not in formula:
        return []
    out: list[str] = []
    for sign, term in _split(formula.split("~", 1)[1], "+-"):
        if sign == "-" or term in ("0", "1", ""):
            continue
        for said in _term_words(term):
            if said not in out:
                out.append(said)
    return out


def _term_words(term: str) -> list[str]:
    """``a*b`` is a, b and their interaction (patsy's expansion); ``a:b`` the interaction alone."""
    if "**" in _outer(term):  # (a + b) ** 2: interactions up to an order, as written
        return [" ".join(term.split())]
    factors = [t for _, t in _split(term, "*")]
    if len(factors) > 1:
        return [*(_factor_words(f) for f in factors), _interaction(factors)]
    factors = [t for _, t in _split(term, ":")]
    return [_interaction(factors)] if len(factors) > 1 else [_factor_words(term)]


def _interaction(factors: list[str]) -> str:
    said = [_factor_words(f) for f in factors]
    return "the interaction of " + ", ".join(said[:-1]) + " and " + said[-1]


def _factor_words(factor: str) -> str:
    factor = factor.strip()
    call = _CALL.match(factor)
    if not call or _split_depth_ok(call.group(2)) is False:
        return factor
    func, inner = call.group(1).rsplit(".", 1)[-1], call.group(2).strip()
    first = _split(inner, ",")[0][1] if inner else ""
    if func == "C" and first:
        return f"{_factor_words(first)} (categorical)"
    if func == "Q" and first[:1] in "\"'":
        return first.strip("\"'")
    if func == "I":
        return " ".join(inner.split())
    if func in FUNCTION_WORDS and _NAME.match(first) and first == inner:
        return FUNCTION_WORDS[func] + first
    return factor


def _split_depth_ok(text: str) -> bool:
    """Whether the brackets of `text` balance (``f(a) + g(b)`` is two calls, not one)."""
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _outer(text: str) -> str:
    """The characters of `text` outside any bracket."""
    depth, kept = 0, []
    for ch in text:
        depth += ch in "([{"
        kept += [ch] if depth == 0 else []
        depth -= ch in ")]}"
    return "".join(kept)


def _split(text: str, signs: str) -> list[tuple[str, str]]:
    """`text` cut at the top-level characters of `signs` (outside brackets and quotes): (sign, part)."""
    parts: list[tuple[str, str]] = []
    depth, quote, sign, start = 0, "", "+", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in signs:
            parts.append((sign, text[start:i].strip()))
            sign, start = ch, i + 1
    parts.append((sign, text[start:].strip()))
    return [(s, p) for s, p in parts if p]
