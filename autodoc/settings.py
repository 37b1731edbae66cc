"""One typed settings object, built at the edge (CLI flags > environment > .env > defaults).

Field names are the contract every phase uses. `load_settings()` (below) builds it; the
loading rules are documented there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from autodoc.errors import ConfigError

DEFAULT_MODELS = {"anthropic": "claude-sonnet-5-5", "openai": "gpt-5.5", "offline": "offline"}


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # paths
    spec_path: str | None = None
    code_root: str = "."
    output_dir: str = "./output"
    notebook: bool = False
    notebook_path: str | None = None  # default <output>/model_docs_notebook.ipynb
    docx_path: str | None = None  # default <output>/model_documentation.docx
    docx_template: str | None = None
    allowed_root: str | None = None  # app: code root and output must lie below it
    exclude: list[str] = Field(default_factory=list)  # extra glob patterns to skip in the scan

    # LLM
    provider: str = "offline"  # anthropic | openai | offline
    model: str | None = None  # None -> DEFAULT_MODELS[provider]
    base_url: str | None = None
    anthropic_api_key: SecretStr | None = None
    openai_api_key: SecretStr | None = None
    timeout: float = 120.0
    max_retries: int = 3
    initial_backoff: float = 3.0
    max_backoff: float = 30.0
    backoff_jitter: float = 0.2

    # who plans a section: offline = the deterministic plan (the LLM only writes); llm = the
    # LLM plans on top of it; auto = llm for sections with much evidence, else offline
    plan: Literal["auto", "offline", "llm"] = "auto"
    call_budget_tokens: int = Field(default=4000, ge=500)  # what one writing call may carry

    # work
    generation_workers: int = 4
    planning_workers: int = 4
    max_files: int = 50
    verbose: bool = False

    # MLflow
    mlflow_uri: str | None = None
    experiment_name: str | None = None  # MLFLOW_EXPERIMENT_NAME: default experiment filter
    models: list[str] = Field(default_factory=list)  # patterns with * and ?
    experiments: list[str] = Field(default_factory=list)
    latest_only: bool = False
    project_filtering: bool = True  # Domino project filtering (only inside Domino)
    domino_project: str | None = None  # DOMINO_PROJECT_NAME when inside Domino

    @property
    def model_name(self) -> str:
        return self.model or DEFAULT_MODELS.get(self.provider, "")

    def api_key(self) -> str | None:
        secret = {"anthropic": self.anthropic_api_key, "openai": self.openai_api_key}.get(self.provider)
        return secret.get_secret_value() if secret else None

    def public(self) -> dict[str, object]:
        """Settings safe to write to a file or show: no keys, ever (nor a password in a URL)."""
        data = self.model_dump(mode="json", exclude={"anthropic_api_key", "openai_api_key"})
        for name in URL_FIELDS:
            if data.get(name):
                data[name] = without_password(str(data[name]))
        return data


URL_FIELDS = ("mlflow_uri", "base_url")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def without_password(uri: str) -> str:
    """``scheme://user:secret@host/...`` -> ``scheme://user:***@host/...`` (any scheme).

    MLflow stores (postgresql://, mysql://, https://) and proxies take credentials in the
    URI; they must not reach the cache, a document or the console.
    """
    scheme = _SCHEME_RE.match(uri)
    if scheme is None:
        return uri
    rest = uri[scheme.end() :]
    netloc, sep, path = rest.partition("/")
    if "@" not in netloc:
        return uri
    userinfo, host = netloc.rsplit("@", 1)  # a password may itself hold '@'
    if ":" not in userinfo:
        return uri
    user = userinfo.split(":", 1)[0]
    return f"{scheme.group(0)}{user}:***@{host}{sep}{path}"


# ---------------------------------------------------------------------------------------
# Loading: CLI flags (only those passed) > environment > .env file > defaults.
# ---------------------------------------------------------------------------------------

PROVIDERS = ("anthropic", "openai", "offline")
KEY_VARS = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}
BASE_URL_VARS = {"anthropic": "ANTHROPIC_BASE_URL", "openai": "OPENAI_BASE_URL"}
DOMINO_VARS = ("DOMINO_PROJECT_NAME", "DOMINO_RUN_ID", "DOMINO_PROJECT_ID", "DOMINO_PROJECT_OWNER")
PREFIX = "AUTODOC_"

# Flags as the CLI spells them, so a bad override names what the user typed.
FLAG_NAMES = {
    "spec_path": "--spec",
    "code_root": "--code-root",
    "output_dir": "--output",
    "notebook": "--notebook",
    "notebook_path": "--notebook-path",
    "docx_path": "--docx-path",
    "docx_template": "--docx-template",
    "provider": "--provider",
    "model": "--model",
    "base_url": "--base-url",
    "timeout": "--timeout",
    "max_retries": "--max-retries",
    "initial_backoff": "--initial-backoff",
    "max_backoff": "--max-backoff",
    "backoff_jitter": "--backoff-jitter",
    "generation_workers": "--generation-workers",
    "planning_workers": "--planning-workers",
    "plan": "--plan",
    "call_budget_tokens": "--call-budget",
    "max_files": "--max-files",
    "verbose": "--verbose",
    "mlflow_uri": "--mlflow-uri",
    "models": "--models",
    "experiments": "--experiments",
    "latest_only": "--latest-only",
    "exclude": "--exclude",
    "project_filtering": "--disable-project-filtering",
    "api_key": "--api-key",
    "anthropic_api_key": "--api-key",
    "openai_api_key": "--api-key",
}


@dataclass(frozen=True)
class Value:
    """A raw setting and where it came from (for error messages)."""

    raw: object
    origin: str  # "--max-files", "environment variable AUTODOC_MAX_FILES", ".env:3 MAX_FILES"


Parser = Callable[[object], object]


def _text(raw: object) -> str:
    return str(raw).strip()


def _opt_text(raw: object) -> str | None:
    text = _text(raw) if raw is not None else ""
    return text or None


def _int_at_least(low: int, high: int | None = None) -> Parser:
    accepted = f"a whole number >= {low}" + (f" and <= {high}" if high is not None else "")

    def parse(raw: object) -> int:
        if isinstance(raw, bool):
            raise ValueError(accepted)
        try:
            value = raw if isinstance(raw, int) else int(_text(raw))
        except ValueError:
            raise ValueError(accepted) from None
        if value < low or (high is not None and value > high):
            raise ValueError(accepted)
        return value

    return parse


def _float_in(low: float, high: float | None = None, *, open_low: bool = False) -> Parser:
    bound = f"> {low:g}" if open_low else f">= {low:g}"
    accepted = f"a number {bound}" + (f" and <= {high:g}" if high is not None else "")

    def parse(raw: object) -> float:
        if isinstance(raw, bool):
            raise ValueError(accepted)
        try:
            value = float(raw) if isinstance(raw, int | float) else float(_text(raw))
        except ValueError:
            raise ValueError(accepted) from None
        too_low = value <= low if open_low else value < low
        if value != value or too_low or (high is not None and value > high):  # NaN fails too
            raise ValueError(accepted)
        return value

    return parse


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("one of true/false, yes/no, on/off, 1/0")


def _provider(raw: object) -> str:
    text = _text(raw).lower()
    if text in PROVIDERS:
        return text
    from autodoc.llm.registry import available  # plug-ins register providers by name

    names = [*PROVIDERS, *(name for name in available() if name not in PROVIDERS)]
    if text not in names:
        raise ValueError("one of " + ", ".join(names))
    return text


def _plan_mode(raw: object) -> str:
    text = _text(raw).lower()
    if text not in ("auto", "offline", "llm"):
        raise ValueError("one of auto, offline, llm")
    return text


def _patterns(raw: object) -> list[str]:
    """Comma-separated patterns (or a list of them) -> list without blanks."""
    parts = raw if isinstance(raw, list | tuple) else _text(raw).split(",")
    return [p.strip() for p in (str(x) for x in parts) if p.strip()]


def _secret(raw: object) -> SecretStr | None:
    if isinstance(raw, SecretStr):
        raw = raw.get_secret_value()
    text = _text(raw) if raw is not None else ""
    return SecretStr(text) if text else None


def _url(raw: object) -> str | None:
    text = _opt_text(raw)
    if text is not None and not re.match(r"^https?://\S+$", text):
        raise ValueError("an http:// or https:// URL")
    return text


# field -> (variable names without prefix, parser). Each name is honoured as NAME and as
# AUTODOC_NAME; names listed with a leading "!" are only honoured with the prefix because
# the bare name is too generic to claim.
ENV_FIELDS: dict[str, tuple[tuple[str, ...], Parser]] = {
    "provider": (("LLM_PROVIDER",), _provider),
    "code_root": (("CODE_ROOT",), _opt_text),
    "output_dir": (("OUTPUT_DIR",), _opt_text),
    "max_files": (("MAX_FILES",), _int_at_least(1)),
    "generation_workers": (("PARALLEL_WORKERS", "GENERATION_WORKERS"), _int_at_least(1, 64)),
    "planning_workers": (("PLANNING_WORKERS",), _int_at_least(1, 64)),
    "plan": (("!PLAN",), _plan_mode),
    "call_budget_tokens": (("!CALL_BUDGET",), _int_at_least(500)),
    "model": (("LLM_MODEL",), _opt_text),
    "max_retries": (("LLM_MAX_RETRIES",), _int_at_least(0, 20)),
    "initial_backoff": (("LLM_INITIAL_BACKOFF",), _float_in(0.0)),
    "max_backoff": (("LLM_MAX_BACKOFF",), _float_in(0.0)),
    "backoff_jitter": (("LLM_BACKOFF_JITTER",), _float_in(0.0, 1.0)),
    "timeout": (("LLM_TIMEOUT", "!TIMEOUT"), _float_in(0.0, open_low=True)),
    "anthropic_api_key": (("ANTHROPIC_API_KEY",), _secret),
    "openai_api_key": (("OPENAI_API_KEY",), _secret),
    "mlflow_uri": (("MLFLOW_TRACKING_URI",), _opt_text),
    "experiment_name": (("MLFLOW_EXPERIMENT_NAME",), _opt_text),
    "allowed_root": (("!ALLOWED_ROOT",), _opt_text),
    "models": (("!MODELS",), _patterns),
    "experiments": (("!EXPERIMENTS",), _patterns),
    "latest_only": (("!LATEST_ONLY",), _bool),
    "notebook": (("!NOTEBOOK",), _bool),
    "verbose": (("!VERBOSE",), _bool),
    "docx_template": (("!DOCX_TEMPLATE",), _opt_text),
    "exclude": (("!EXCLUDE",), _patterns),
}

# Fields only flags (or the app) set; parsed the same way as the environment's.
OVERRIDE_ONLY: dict[str, Parser] = {
    "spec_path": _opt_text,
    "notebook_path": _opt_text,
    "docx_path": _opt_text,
    "base_url": _url,
    "project_filtering": _bool,
    "domino_project": _opt_text,
}


def _names(field: str) -> list[str]:
    """Variable names for a field, most specific (prefixed) first."""
    names: list[str] = []
    for name in ENV_FIELDS[field][0]:
        bare = name.lstrip("!")
        names.append(PREFIX + bare)
        if not name.startswith("!"):
            names.append(bare)
    return names


# ---------------------------------------------------------------------------------------
# .env files
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# Domino
# ---------------------------------------------------------------------------------------


def in_domino(env: Mapping[str, str]) -> bool:
    """True when Domino's environment variables are present."""
    return any(env.get(name) for name in DOMINO_VARS)


def _defaults(env: Mapping[str, str]) -> dict[str, object]:
    """Path defaults: Domino's mounts inside Domino, the working directory elsewhere."""
    if not in_domino(env):
        return {"code_root": ".", "output_dir": "./output"}
    project = env.get("DOMINO_PROJECT_NAME") or "autodoc"
    return {
        "code_root": "/mnt/code",
        "output_dir": f"/mnt/data/{project}",
        "allowed_root": "/mnt",
        "domino_project": env.get("DOMINO_PROJECT_NAME") or None,
    }


# ---------------------------------------------------------------------------------------
# The loader
# ---------------------------------------------------------------------------------------


class _Layers:
    """Looks a variable up in the environment, then the .env file."""

    def __init__(self, env: Mapping[str, str], dotenv: dict[str, tuple[str, int]], dotenv_path: str) -> None:
        self.env, self.dotenv, self.dotenv_path = env, dotenv, dotenv_path

    def get(self, names: list[str]) -> Value | None:
        for name in names:
            if self.env.get(name, "") != "":
                return Value(self.env[name], f"environment variable {name}")
        for name in names:
            if name in self.dotenv and self.dotenv[name][0] != "":
                value, line = self.dotenv[name]
                return Value(value, f"{name} in {self.dotenv_path}:{line}")
        return None


def _parse(field: str, value: Value, parser: Parser) -> object:
    try:
        return parser(value.raw)
    except ValueError as err:
        shown = "" if "api_key" in field else f" = {_text(value.raw)!r}"
        raise ConfigError(f"{value.origin}{shown} is not valid: expected {err}") from None


def _collect(overrides: Mapping[str, object], layers: _Layers) -> dict[str, object]:
    """Every field the user set somewhere, parsed; flags first, then environment, then .env."""
    values: dict[str, object] = {}
    for field, (_, parser) in ENV_FIELDS.items():
        if field in overrides:
            values[field] = _parse(field, Value(overrides[field], FLAG_NAMES.get(field, field)), parser)
        elif (found := layers.get(_names(field))) is not None:
            values[field] = _parse(field, found, parser)
    for field, parser in OVERRIDE_ONLY.items():
        if field in overrides:
            values[field] = _parse(field, Value(overrides[field], FLAG_NAMES.get(field, field)), parser)
    unknown = set(overrides) - set(ENV_FIELDS) - set(OVERRIDE_ONLY) - {"api_key"}
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return {k: v for k, v in values.items() if v is not None}


def _guess_provider(key: str) -> str:
    return "anthropic" if key.startswith("sk-ant-") else "openai"


def _resolve_provider(values: dict[str, object], overrides: Mapping[str, object]) -> str:
    """Explicit choice, else the provider whose key is configured, else offline."""
    flag_key = _secret(overrides.get("api_key"))
    if "provider" in values:
        provider = str(values["provider"])
    elif flag_key is not None:
        provider = _guess_provider(flag_key.get_secret_value())
    elif values.get("anthropic_api_key"):
        provider = "anthropic"
    elif values.get("openai_api_key"):
        provider = "openai"
    else:
        provider = "offline"
    if flag_key is not None and provider in KEY_VARS:
        values[f"{provider}_api_key"] = flag_key  # --api-key wins over env for the chosen provider
    return provider


def _resolve_base_url(values: dict[str, object], provider: str, layers: _Layers) -> None:
    """--base-url, else the chosen provider's own *_BASE_URL (never the other provider's)."""
    if "base_url" in values or provider not in BASE_URL_VARS:
        return
    var = BASE_URL_VARS[provider]
    for names in ([PREFIX + var, var], [PREFIX + "LLM_BASE_URL", "LLM_BASE_URL"]):
        found = layers.get(names)
        if found is not None:
            values["base_url"] = _parse("base_url", found, _url)
            return


def _check_key(provider: str, values: dict[str, object]) -> None:
    if provider == "openai" and values.get("base_url"):
        return  # a self-hosted OpenAI-compatible server (vLLM, Ollama, llama.cpp) needs no key
    if provider in KEY_VARS and not values.get(f"{provider}_api_key"):
        var = KEY_VARS[provider]
        raise ConfigError(
            f"the {provider} provider needs an API key: set {var} (or {PREFIX}{var}) in the "
            f"environment or in a .env file",
            hint="to write without an LLM, run with --provider offline (no key needed); a local "
            "OpenAI-compatible server that ignores keys still needs any non-empty value",
        )


def _check_backoff(values: dict[str, object]) -> None:
    initial = values.get("initial_backoff", 3.0)
    maximum = values.get("max_backoff", 30.0)
    if isinstance(initial, float) and isinstance(maximum, float) and maximum < initial:
        raise ConfigError(
            f"max backoff ({maximum:g} s) is below the initial backoff ({initial:g} s): "
            "expected LLM_MAX_BACKOFF / --max-backoff >= LLM_INITIAL_BACKOFF / --initial-backoff"
        )


def load_settings(
    overrides: Mapping[str, object] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    dotenv_path: str | None = ".env",
) -> Settings:
    """Build `Settings` from flags > environment > .env > defaults.

    `overrides` holds only what the user actually passed (field names, plus `api_key` for
    the chosen provider); a flag left out never hides the environment. Every variable is
    read as NAME or AUTODOC_NAME (the prefixed one wins). Without LLM_PROVIDER the provider
    is the one whose key is configured (anthropic first), else `offline`. Bad values raise
    `ConfigError` naming the flag or variable and what is accepted; key values are never shown.
    """
    # None means "not given" (the app passes empty widgets that way): it never hides env.
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    env = os.environ if env is None else env
    layers = _Layers(env, read_dotenv(dotenv_path), str(dotenv_path or ".env"))
    values = _collect(overrides, layers)
    provider = _resolve_provider(values, overrides)
    values["provider"] = provider
    _resolve_base_url(values, provider, layers)
    _check_key(provider, values)
    _check_backoff(values)
    merged = {**_defaults({**{k: v for k, (v, _) in layers.dotenv.items()}, **env}), **values}
    return Settings(**merged)


def provider_was_chosen(
    overrides: Mapping[str, object] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    dotenv_path: str | None = ".env",
) -> bool:
    """True if the user named a provider (flag, environment or .env) rather than the default."""
    if overrides and overrides.get("provider"):
        return True
    layers = _Layers(os.environ if env is None else env, read_dotenv(dotenv_path), str(dotenv_path))
    return layers.get(_names("provider")) is not None
