"""A quotation from a README or a registry description: its opening prose, in plain words."""

from __future__ import annotations

import re

from autodoc.plan.readme import template_sentence

_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")  # a badge or picture: nothing to quote
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")  # [text](url): its text
# a front-matter field about the author, not about the model: "**Email:** name@host", "Tel: +52 ..."
_CONTACT = re.compile(
    r"^\W*(?:autho?r|autora?|e-?mail|correo|tel|tel[eé]fono|phone|mobile|linkedin|github|twitter|website|"
    r"portfolio|portafolio|cv|resume|ubicaci[oó]n|location|contact|contacto)\b[^:]{0,30}:",
    re.I,
)

_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")  # a horizontal rule: ---, ***, ___
# a notice about the repository, not what it is for: "**Update Nov 2025** ...", "Note: moved to ...",
# "> **Deprecated:** ..." (the whole paragraph it opens is skipped)
_NOTICE = re.compile(
    r"^[\s>]*(?:\*\*|__)?\W*(?:update[sd]?|news|note|notice|announcement|deprecat\w*|warning|important|"
    r"disclaimer|edit|archived|caution)\b[^:*_]{0,30}(?::|\*\*|__)",
    re.I,
)


def first_sentences(text: str, limit: int = 2) -> str:
    """The first sentences of the opening prose (headings, code, tables and lists are not prose: a
    list ends the opening text, so "1. Kim's implementation" is never quoted as a sentence "1.";
    a Markdown link is quoted as its text, a hard line break ``\\`` is no character of it); a project
    template's sentences ("This is your new Kedro project") are not the project's, nor are the
    author's contact fields ("**Email:** ..."), horizontal rules, a notice paragraph ("**Update
    Nov 2025** this repository is deprecated") or a heading written as a line of its own ("Overview")."""
    lines: list[str] = []
    notice = False
    given = text.splitlines()
    for at, ln in enumerate(given):
        if lines and _LIST_ITEM.match(ln):
            break
        notice = bool(ln.strip()) and (notice or bool(_NOTICE.match(ln)))  # to the paragraph's end
        if notice or _RULE.match(ln) or _CONTACT.match(ln) or _plain_heading(given, at):
            continue  # the author's contact, a notice, a rule, a heading: never the purpose
        if ln.strip() and not ln.lstrip().startswith(("#", "```", "|")) and not _LIST_ITEM.match(ln):
            lines.append(ln.rstrip().removesuffix("\\"))  # a Markdown hard line break: "text.\"
    words = " ".join(_LINK.sub(r"\1", _IMAGE.sub("", " ".join(lines))).replace("`", "").split())
    said = [s for s in words.replace("! ", ". ").split(". ") if s]
    cut = [s for s in said if not template_sentence(s)][:limit]
    text = ". ".join(cut).rstrip(".")
    return text + ("" if text.endswith(("!", "?")) else ".") if cut else ""


def _plain_heading(lines: list[str], at: int) -> bool:
    """A heading written without ``#``: a paragraph of one short line (at most 4 words) with no
    sentence punctuation, with more text after it ("Overview", then the prose)."""
    words = lines[at].split()
    if not words or len(words) > 4 or re.search(r"[.!?:;,]", lines[at]):
        return False
    above = lines[at - 1].strip() if at else ""
    alone = (not above or above.startswith("#")) and (at + 1 == len(lines) or not lines[at + 1].strip())
    return alone and any(ln.strip() for ln in lines[at + 1 :])
