"""Whether the unquoted value after a secret-like name is prose rather than a secret: the
secrets scanner (`autodoc.scan.secrets`) asks before it redacts ("token: the first half",
"passphrase: Optional passphrase. If None, ...")."""

from __future__ import annotations

import re

# A description written as sentences (a docstring's `passphrase: Optional passphrase. If None, ...`).
_SENTENCES_RE = re.compile(r"[A-Z][a-z]+\b.*\.(?:\s+[A-Z].*)?")
# Words a sentence is made of and a password is not: after `name:`, an unquoted value that is one
# of them ("token: the"), or a plain word that one of them soon follows ("the secret: trust the
# data"), is prose, not a credential. A word with digits or inner capitals is still redacted.
_FUNCTION_TEXT = (
    "a an the this that these those its it is are was were be been being has have had do does did "
    "not no and or but nor if then than so as of to in on at by for with from into onto over under "
    "about after before between through during per via each every any all some both either neither "
    "which who whom whose what when where why how i we you he she they them their our your his her "
    "my me us can could may might must shall should will would also only just very more most such"
)
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_PLAIN_WORD_RE = re.compile(r"[A-Za-z][a-z]*")
_WORDS_AFTER_RE = re.compile(r"(?:[ \t]+[A-Za-z]+[,.;:!?]?){1,4}")  # the words that continue the line


def describes(value: str, after: str, rest: str) -> bool:
    """Is the value of a password entry on its own line a description (a docstring's argument)?

    It is if it starts with a function word, or is capitalised and reads as a sentence; lowercase
    words ("purple monkey in dishwasher") are a passphrase even with a function word among them."""
    if value.lower() in FUNCTION_WORDS:
        return True
    return value[0].isupper() and (
        reads_as_prose(value, after) or bool(_SENTENCES_RE.fullmatch((value + rest).rstrip()))
    )


def ends_phrase(word: str) -> bool:
    """Is this word where prose (or the next argument) resumes after a passphrase within a line?"""
    bare = word.rstrip(".,!?:").lower()
    return bare in FUNCTION_WORDS or not re.search(r"\w", word) or word.startswith("-") or "=" in word


def reads_as_prose(value: str, after: str) -> bool:
    """Is an unquoted `value`, with the text `after` it, a sentence rather than a secret?"""
    if not _PLAIN_WORD_RE.fullmatch(value):
        return False  # digits, symbols, inner capitals: a secret's shape
    if value.lower() in FUNCTION_WORDS:
        return True
    more = _WORDS_AFTER_RE.match(after)
    if not more:
        return False
    same_sentence = re.split(r"[.!?]", more.group(0), maxsplit=1)[0]  # "...staple. Then" ends at the stop
    return any(w.lower() in FUNCTION_WORDS for w in re.findall(r"[A-Za-z]+", same_sentence))
