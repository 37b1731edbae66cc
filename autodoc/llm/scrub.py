"""What an LLM server returns is scrubbed before it is printed, logged or stored.

A server may echo the API key (an HTTP 400 body quoting the request's headers) or answer
with something secret-shaped. `Scrubber` removes the configured keys and anything the
secrets scanner would redact from error messages and answers (text and parsed fields).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from autodoc.errors import AutodocError
from autodoc.scan.secrets import redact

KEY_PLACEHOLDER = "[REDACTED:api_key]"
MIN_KEY_CHARS = 6  # shorter "keys" (tests' "x") would blank ordinary words


class Scrubber:
    def __init__(self, keys: list[str | None]) -> None:
        self.keys = sorted({k for k in keys if k and len(k) >= MIN_KEY_CHARS}, key=len, reverse=True)

    @classmethod
    def from_settings(cls, settings: Any) -> Scrubber:
        secrets = (settings.anthropic_api_key, settings.openai_api_key)
        return cls([s.get_secret_value() for s in secrets if s is not None])

    def text(self, text: str) -> str:
        if not text:
            return text
        for key in self.keys:
            text = text.replace(key, KEY_PLACEHOLDER)
        return redact(text, "LLM server")[0]

    def data(self, value: Any) -> Any:
        """Every string inside `value` (dicts, lists) scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        return value

    def model(self, parsed: Any) -> Any:
        """A parsed answer with its strings scrubbed (the same instance when nothing changed)."""
        if not isinstance(parsed, BaseModel):
            return parsed
        data = parsed.model_dump()
        clean = self.data(data)
        return parsed if clean == data else type(parsed).model_validate(clean)

    def error(self, err: AutodocError) -> AutodocError:
        """`err` with its message and hint scrubbed, in place."""
        err.message = self.text(err.message)
        err.hint = self.text(err.hint) if err.hint else err.hint
        err.args = (err.message, *err.args[1:])
        return err
