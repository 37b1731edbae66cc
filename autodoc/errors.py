"""One family of errors whose messages a user can act on.

Front ends (CLI, app) catch `AutodocError` and show `str(err)`; anything else is a bug
and may show a traceback.
"""

from __future__ import annotations


class AutodocError(Exception):
    """Base of every error a user should read (never a bug)."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ConfigError(AutodocError):
    """A setting (flag, environment variable, .env entry) has a bad value."""


class SpecError(AutodocError):
    """The YAML spec is invalid; the message names file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = path or "<spec>"
        if line is not None:
            where += f":{line}"
        prefix = f"{where}: " + (f"{field}: " if field else "")
        super().__init__(prefix + message, hint=hint)
        self.path, self.line, self.field = path, line, field


class ScanError(AutodocError):
    """The code root or MLflow server cannot be read at all."""


class MlflowUnavailableError(ScanError):
    """The MLflow tracking server is unreachable or misconfigured."""


class LLMError(AutodocError):
    """An LLM call failed for good (after the retry policy)."""

    def __init__(
        self, message: str, *, hint: str | None = None, retryable: bool = False, status: int | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.retryable = retryable
        self.status = status


class LLMConfigError(LLMError):
    """401/403/404/400: a key, model name or base URL is wrong; never retried."""


class LLMOutputError(LLMError):
    """The answer stayed unusable after the bounded re-asks."""

    def __init__(self, message: str, *, attempts: int = 0, last_output: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output


class CacheError(AutodocError):
    """The cache file is missing, corrupt or from an incompatible version."""


class PathNotAllowedError(AutodocError):
    """A path lies outside the allowed root (app deployments)."""


class Cancelled(AutodocError):
    """The user asked to stop; finished work is kept."""

    exit_code = 130
