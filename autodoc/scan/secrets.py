"""Redact credentials from any text before it is handed on (to an item, a prompt, a log).

`redact(text, place)` returns the text with each secret replaced by ``[REDACTED:<kind>]``
and one `Redaction` per kind (with a count); the value itself is never stored anywhere.
`redact_mapping(values, place)` does the same for key/value pairs such as MLflow params,
also blanking the value of a key that is named like a secret.

How much of an unquoted value is the secret (a quoted value runs to its closing quote):
- a key that names a password, a passphrase or a credential (password, passwd, pwd, pass,
  passphrase, credential(s), alone or ending a name: DB_PASSWORD, dbPassword, smtp-pass) may hold
  words with spaces ("correct horse battery staple"), so its whole value goes:
  - as an entry that starts its line (YAML ``key: value``, ini ``key = value``, .env ``KEY=value``,
    ``export KEY=value``, a ``- key: value`` list item, or a string holding such a line): to the
    end of the line, or to an inline comment (`` #``), or to the quote the line opened with;
  - within a line (a sentence, a connection string, CLI arguments): through the words that
    follow, up to a word sentences are made of (the, was, for...), a ``--flag``, the next
    ``name=``, a quote, bracket, comma or semicolon, or the end of its sentence;
- any other secret name (token, api_key, secret...) holds one token: up to the first space.
Prose is not a secret. After ``name:``, an unquoted function word ("token: the", "Password: the
one in the vault"); within a line, a plain word that a function word of the same sentence soon
follows ("the secret: trust the data"); as a password entry on its own line, a capitalised
description that reads as a sentence (a docstring's "passphrase: Optional passphrase. If None,
..."), while lowercase words stay a passphrase. Nor is code: an expression an operator continues
(``flops_per_token = 6*N + ...``), a subscript (``tokens[i]``), a call, a dotted name, or a
``name:value`` with no space inside a string ("backend_token:offset"). In Python source (`python=True`)
an unquoted value outside strings and comments is always code (`autodoc.scan.secret_code`).
Limits: within a line, a passphrase that holds a function word ("purple monkey in dishwasher")
reads as prose after ``name:`` and stays, and after ``name=`` only the words before "in" go; a
capitalised one that ends with a full stop on its own line ("Password: Correct horse staple.")
reads as a description.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from autodoc.scan.secret_code import in_text, is_python, open_strings, quoted_annotation
from autodoc.scan.secret_hints import ASSIGN_HINT_RE, hint_positions
from autodoc.scan.secret_prose import describes, ends_phrase, reads_as_prose

if TYPE_CHECKING:  # imported when first needed: the scan's worker interpreters stay free of pydantic
    from autodoc.evidence import Redaction

PLACEHOLDER = "[REDACTED:{kind}]"
Opened = str | Callable[[], str]  # the triple quote a slice of Python source starts inside ("" if none)

# Names whose assigned string value is a secret: the name *is* or *ends with* one of these
# words (api_key, db_password, SECRET, github_token...), so token_count or pass_rate are not.
_SECRET_WORDS = (
    r"password|passwd|pwd|pass|passphrase|secret|secret_key|secret_access_key|token|api_key|apikey|"
    r"access_key|access_token|auth_token|credential|credentials|private_key|client_secret|"
    r"api-key|account_key|accountkey|sharedaccesskey|shared_access_key"  # x-api-key, Azure AccountKey=
)
_CAMEL_WORDS = (
    r"Password|Passwd|Pwd|Secret|SecretKey|Token|ApiKey|AccessKey|AccessToken|Credential|PrivateKey"
)
_NAME = (
    rf"(?:[A-Za-z0-9_.\-]*[_.\-])?(?:{_SECRET_WORDS})(?![A-Za-z0-9])"
    rf"|(?-i:[a-z][A-Za-z0-9]*(?:{_CAMEL_WORDS}))(?![A-Za-z0-9])"
)
_SECRET_NAME_RE = re.compile(rf"^(?:[A-Za-z0-9_.\-]*[_.\-])?(?:{_SECRET_WORDS})$", re.IGNORECASE)

# Token shapes that are secrets wherever they appear. Order matters: specific first.
_TOKEN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "private_key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY"
            r"(?: BLOCK)?-----|\Z)",
            re.DOTALL,
        ),
    ),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")),
    ("anthropic_key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{10,}")),
    ("sk_token", re.compile(r"\bsk-(?:proj-|live-|test-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}")),
    ("stripe_key", re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}")),
    ("hf_token", re.compile(r"\bhf_[A-Za-z0-9]{20,}")),
    ("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}")),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("databricks_token", re.compile(r"\bdapi[0-9a-f]{32}(?:-\d)?\b")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")),
    ("bearer_token", re.compile(r"(?<=\bBearer )[A-Za-z0-9_\-.=+/~]{12,}", re.IGNORECASE)),
]

# user:password@ inside a URL of any scheme (postgresql+psycopg2://u:p@h, https://u:p@h...).
# The password runs to the LAST '@' before the host: an unencoded '@' inside it (p@ss) is common.
_URL_PASSWORD_RE = re.compile(
    r"(?P<pre>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'\"]*:)(?P<val>[^\s'\"/]+)(?=@[^\s@'\"/]+)"
)

_QUOTED = r"""(?P<q>'''|\"\"\"|['"`])(?P<val>(?:(?!(?P=q)).){1,500}?)(?P=q)"""
# name = "value", name: "value", "name": "value", name="value" (kwargs), f(name='value')
_ASSIGN_QUOTED_RE = re.compile(
    rf"""(?P<pre>(?P<name>\b(?:{_NAME}))['"]?\s*(?::\s*[A-Za-z_][\w\[\]., |]*?\s*=|:=|=|:)\s*[rbuRBUf]?)"""
    + _QUOTED,
    re.IGNORECASE,
)
# Unquoted `key=value` / `key: value` text (.ini, YAML, TOML, env-like lines, CLI args).
_ASSIGN_BARE_RE = re.compile(
    rf"""(?P<pre>(?:^|(?<=[\s,;{{(&?'"`]))-{{0,2}}(?P<name>(?:{_NAME}))\s*(?:=|:)[ \t]*)"""
    r"""(?P<val>[^\s'"`,;#)}{\[\]]{3,})""",
    re.IGNORECASE | re.MULTILINE,
)
# Values that are clearly not secrets: code references, placeholders, empties.
_NOT_SECRET_VALUE_RE = re.compile(
    r"""^(?:\[REDACTED:[a-z_]+\]|(?i:none|null|true|false|changeme|your[_\- ].*|env:.*|secret:.*|vault:.*)|"""
    r"""\*+|x+|X+|<[^>]*>|\$\{?[A-Za-z_][^}]*\}?|\{[^}]*\}|\{\{.*\}\}|%\(.*\)s|"""
    r"""str|bytes|int|bool|float|dict|list|tuple|object|Path|Any|SecretStr|"""  # a type annotation
    r"""(?:Optional|Callable|Literal|Union)\[.*|os\.(?:environ|getenv).*|getenv\(.*|[A-Za-z_][A-Za-z0-9_]*\(.*|"""
    r"""[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(.*)?|\d{1,6}|[A-Z][A-Z0-9_]*_[A-Z0-9_]+|"""
    r"""[a-z][a-z0-9]*_[a-z0-9_]+|\.\.\.)$"""
)


def _placeholder(kind: str) -> str:
    return PLACEHOLDER.format(kind=kind)


_SPECIAL_TOKEN_RE = re.compile(r"^(?:\[[A-Z]{2,12}\]|<\|?/?[A-Za-z_]{1,20}\|?>)$")


def is_special_token(value: str) -> bool:
    """A tokenizer's marker (``pad_token: "[PAD]"``, ``eos_token: "</s>"``, ``<|endoftext|>``): a word
    the model reads, never a secret, though its key ends in ``token``."""
    return bool(_SPECIAL_TOKEN_RE.match(value.strip()))


def _looks_like_value(value: str) -> bool:
    """True if an assigned value could be a real secret (not a reference or a placeholder)."""
    value = value.strip()
    if len(value) < 3 or "[REDACTED:" in value or is_special_token(value):
        return False
    return not _NOT_SECRET_VALUE_RE.match(value)


_NEEDS: dict[str, tuple[str, ...]] = {
    "private_key": ("private key",),
    "aws_access_key": ("akia", "asia"),
    "anthropic_key": ("sk-ant-",),
    "sk_token": ("sk-",),
    "stripe_key": ("_live_",),
    "hf_token": ("hf_",),
    "github_token": ("gh", "github_pat_"),
    "slack_token": ("xox",),
    "google_api_key": ("aiza",),
    "databricks_token": ("dapi",),
    "jwt": ("eyj",),
    "bearer_token": ("bearer",),
}
_TOKEN_CHECKS = [(kind, pattern, _NEEDS[kind]) for kind, pattern in _TOKEN_PATTERNS]


def _sub_tokens(text: str, counts: Counter[str]) -> str:
    low = text.lower()
    for kind, pattern, needs in _TOKEN_CHECKS:
        for frag in needs:  # a plain loop: this runs for every hinted line
            if frag in low:
                break
        else:
            continue
        text, n = pattern.subn(_keep_lines(_placeholder(kind)), text)
        if n:
            counts[kind] += n
    return text


def _keep_lines(placeholder: str):
    """Replacement that keeps the line count, so line numbers after it stay true."""
    return lambda m: placeholder + "\n" * m.group(0).count("\n")


def _sub_url_passwords(text: str, counts: Counter[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        if not _looks_like_value(m.group("val")):
            return m.group(0)
        counts["url_password"] += 1
        return m.group("pre") + _placeholder("url_password")

    return _URL_PASSWORD_RE.sub(repl, text)


def _sub_assignments(text: str, counts: Counter[str], python: Opened | None = None) -> str:
    """Quoted and unquoted ``name=value`` secrets; in Python source (`python` is the triple quote a
    slice starts inside, or "", or what finds it) unquoted values only inside strings and comments:
    names are no secrets."""

    def repl_quoted(m: re.Match[str]) -> str:
        value = m.group("val")
        if (not _looks_like_value(value) and not _is_secret_literal(value)) or quoted_annotation(m):
            return m.group(0)
        counts["assigned_secret"] += 1
        q = m.group("q")
        return f"{m.group('pre')}{q}{_placeholder('assigned_secret')}{q}"

    text = _ASSIGN_QUOTED_RE.sub(repl_quoted, text)
    pieces: list[str] = []
    done = 0
    inside: Callable[[int], bool] | None = None  # found when first needed: most candidates are no secret
    for m in _ASSIGN_BARE_RE.finditer(text):
        if m.start() < done:
            continue  # inside a passphrase already redacted
        end = _bare_secret_end(m)
        if end is None:
            continue
        if python is not None:
            if inside is None:
                inside = in_text(text, python if isinstance(python, str) else python())
            if not inside(m.start("val")):
                continue  # code: token: SpanContextToken
        counts["assigned_secret"] += 1
        pieces += (text[done : m.start("val")], _placeholder("assigned_secret"))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _bare_secret_end(m: re.Match[str]) -> int | None:
    """Where the secret that an unquoted `name=value` / `name: value` assigns ends, or None if none."""
    value, name, text = m.group("val"), m.group("name"), m.string
    after = text[m.end() :]
    # `password=password` or `pwd=db_pass`: a name passed on, not a value.
    if not _looks_like_value(value) or is_secret_name(value) or value.lower() == name.lower():
        return None
    if _INFIX_AFTER_RE.match(after) or (value in _EXPRESSION_WORDS and after[:1] in " \t"):
        return None  # flops_per_token = 6*N + 12*L*H, passphrase = not flag: an expression, in code
    if after.startswith("[") and value.isidentifier():  # token = tokens[i], pwd: Optional[str]
        return None
    phrase = _PHRASE_NAME_RE.search(name) is not None
    entry = _ENTRY_START_RE.fullmatch(text, text.rfind("\n", 0, m.start()) + 1, m.start()) if phrase else None
    line_end = text.find("\n", m.end())
    rest = after[: len(after) if line_end < 0 else line_end - m.end()]
    pre = m.group("pre")
    if pre.rstrip().endswith(":"):  # prose writes no `token=the`
        if pre.endswith(":") and text[m.start() - 1 : m.start()] in _QUOTES:
            return None  # "backend_token:offset" in a string: a format, not an entry
        if describes(value, after, rest) if entry else reads_as_prose(value, after):
            return None  # "each token: the first half is kept", "passphrase: Optional. If None, ..."
    if not phrase:
        return m.end()  # a token or a key: no spaces in it
    if entry is not None:  # a whole entry on its line: the value is the rest of it
        quote = entry.group("open")
        cut = rest.find(quote) if quote and quote in rest else len(rest)
        comment = _COMMENT_RE.search(rest, 0, cut)
        return m.end() + len(rest[: comment.start() if comment else cut].rstrip())
    end = m.end()  # within a line: the words that follow, until one a sentence is made of
    while (word := _NEXT_WORD_RE.match(text, end)) and not ends_phrase(word.group(1)):
        end = word.end()
        if word.group(1)[-1] in ".!?":
            break
    return end - 1 if text[end - 1] == "." else end  # the sentence keeps its full stop


# Names whose value is a password, a passphrase or a credential: words with spaces between them.
_PHRASE_NAME_RE = re.compile(r"(?:pass|passwd|pwd|password|passphrase|credentials?)$", re.IGNORECASE)
# What may come before a key that starts its line: indentation, `export ` / `set `, a list bullet,
# an opening quote (a string that holds the line).
_ENTRY_START_RE = re.compile(r"""[ \t]*(?:(?:export|set)[ \t]+|[-*+>][ \t]+)?(?P<open>["'`]?)""")
_QUOTES = ("'", '"', "`")
_COMMENT_RE = re.compile(r"[ \t]#")  # YAML, .env, shell and ini inline comments
_NEXT_WORD_RE = re.compile(r"""[ \t]+([^\s'"`,;#)}{\[\]]+)""")


_EXPRESSION_WORDS = frozenset({"not", "lambda", "await", "yield"})  # Python words that start an expression
_INFIX_AFTER_RE = re.compile(r"[ \t]+[+*/%][ \t]+[\w(]")  # an operator that continues an expression


def _is_secret_literal(value: str) -> bool:
    """A quoted literal is a value (not a reference) even if it looks like an identifier."""
    return len(value) >= 3 and "[REDACTED:" not in value and not value.startswith(("${", "{{"))


def _to_redactions(counts: Counter[str], place: str) -> list[Redaction]:
    if not counts:
        return []
    from autodoc.evidence import Redaction

    return [Redaction(kind=kind, place=place, count=n) for kind, n in sorted(counts.items())]


_PEM_HINT = "PRIVATE KEY"  # PEM and PGP blocks: the only secrets over several lines, so the whole text


def redact(text: str, place: str) -> tuple[str, list[Redaction]]:
    """Return `text` with every secret replaced by ``[REDACTED:kind]``, and what was removed."""
    out, counts = redact_counts(text)
    return out, _to_redactions(counts, place) if counts else []


_NONE: Counter[str] = Counter()  # what `redact_counts` found in a text without secrets (never changed)


def redact_counts(text: str, python: bool = False) -> tuple[str, Counter[str]]:
    """`redact` without its records: the text and how many secrets of each kind it held (what the
    file analysis needs; it runs in worker interpreters that never load the evidence models).
    `python`: the text is Python source, whose unquoted values are names and expressions."""
    if not text:
        return text, _NONE
    counts: Counter[str] | None = None  # made only when needed: most texts hold no hint
    if _PEM_HINT in text:
        kind, pattern = _TOKEN_PATTERNS[0]
        text, n = pattern.subn(_keep_lines(_placeholder(kind)), text)
        if n:
            counts = Counter({kind: n})
    short = len(text) < 2000  # redacted whole if any secret could be in it: the first hint will do
    hits = hint_positions(text.lower(), every=not short)
    if not hits:
        return text, counts or _NONE
    counts = counts if counts is not None else Counter()
    python = python and is_python(text)
    if short:
        return _redact_span(text, counts, "" if python else None), counts
    found: list[Callable[[int], str]] = []  # the source's strings, found when a line first needs them

    def opened(pos: int) -> str:
        if not found:
            found.append(open_strings(text))
        return found[0](pos)

    # Long text: rewrite only the lines that hold a hint (keeps whole-file redaction cheap), found
    # around each hint rather than by splitting the whole text into lines.
    pieces: list[str] = []
    done = 0
    for start in sorted({text.rfind("\n", 0, h) + 1 for h in hits}):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        where = partial(opened, start) if python else None
        pieces += (text[done:start], _redact_span(text[start:end], counts, where))
        done = end
    pieces.append(text[done:])
    return "".join(pieces), counts


def _redact_span(text: str, counts: Counter[str], python: Opened | None) -> str:
    out = _sub_tokens(text, counts)
    if "://" in out:
        out = _sub_url_passwords(out, counts)
    return _sub_assignments(out, counts, python) if ASSIGN_HINT_RE.search(out) else out


def is_secret_name(name: str) -> bool:
    """True for names like ``password``, ``db_password``, ``OPENAI_API_KEY``, ``token``."""
    return bool(_SECRET_NAME_RE.match(name.strip()))


def redact_mapping(values: dict[str, str], place: str) -> tuple[dict[str, str], list[Redaction]]:
    """Redact each value; a key named like a secret has its whole value replaced."""
    out: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for key, value in values.items():
        text = "" if value is None else str(value)
        if is_secret_name(key) and _looks_like_value(text):
            out[key] = _placeholder("assigned_secret")
            counts["assigned_secret"] += 1
            continue
        redacted, found = redact(text, f"{place} {key}")
        for r in found:
            counts[r.kind] += r.count
        out[key] = redacted
    return out, _to_redactions(counts, place)


def merge(redactions: list[Redaction]) -> list[Redaction]:
    """Sum counts of redactions with the same kind and place."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in redactions:
        counts[(r.kind, r.place)] += r.count
    from autodoc.evidence import Redaction

    return [Redaction(kind=k, place=p, count=n) for (k, p), n in counts.items()]
