""".env files: KEY=VALUE lines (quotes, comments, `export`), never evaluated."""

from __future__ import annotations

import re
from pathlib import Path

from autodoc.errors import ConfigError

_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def _unquote(value: str, path: str, lineno: int, key: str) -> str:
    """Strip quotes (and an inline comment after an unquoted value)."""
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        while quote == '"' and end > 0 and value[end - 1] == "\\":
            end = value.find(quote, end + 1)
        if end < 0:
            raise ConfigError(f"{path}:{lineno}: {key}: the quoted value is not closed")
        inner = value[1:end]
        if quote == '"':
            inner = inner.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        return inner
    return re.split(r"\s+#", value, maxsplit=1)[0].strip()


def parse_dotenv(text: str, path: str = ".env") -> dict[str, tuple[str, int]]:
    """KEY=VALUE lines (quotes, comments, `export`) -> {key: (value, line)}. Never evaluates."""
    values: dict[str, tuple[str, int]] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        if not match:
            # The line's content may be a secret: name the place, never echo it.
            raise ConfigError(f"{path}:{lineno}: expected KEY=VALUE (a comment starts with #)")
        key, value = match.group(1), match.group(2).strip()
        values[key] = (_unquote(value, path, lineno, key), lineno)
    return values


def read_dotenv(path: str | None) -> dict[str, tuple[str, int]]:
    """The .env file at `path`, or nothing if it is absent."""
    if not path:
        return {}
    file = Path(path)
    if not file.is_file():
        return {}
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the .env file ({type(err).__name__})") from None
    return parse_dotenv(text, str(path))
