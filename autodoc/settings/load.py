"""Loading: CLI flags (only those passed) > environment > .env file > defaults."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from autodoc.errors import ConfigError
from autodoc.settings.dotenv import read_dotenv
from autodoc.settings.model import INITIAL_BACKOFF, MAX_BACKOFF, Settings

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
    "stop_grace": "--stop-grace",
    "max_prompt_chars": "--max-prompt-chars",
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


def _range(field: str) -> tuple[float | None, float | None, bool]:
    """(low, high, low is exclusive) from the field's own constraints: one home for each range."""
    low = high = None
    open_low = False
    for rule in Settings.model_fields[field].metadata:
        if getattr(rule, "ge", None) is not None:
            low = rule.ge
        if getattr(rule, "gt", None) is not None:
            low, open_low = rule.gt, True
        if getattr(rule, "le", None) is not None:
            high = rule.le
    return low, high, open_low


def _number(field: str) -> Parser:
    """A parser for a numeric field that accepts what the field's type and range accept."""
    whole = Settings.model_fields[field].annotation is int
    low, high, open_low = _range(field)
    bound = "" if low is None else (f" > {low:g}" if open_low else f" >= {low:g}")
    accepted = ("a whole number" if whole else "a number") + bound
    accepted += f" and <= {high:g}" if high is not None else ""

    def parse(raw: object) -> int | float:
        if isinstance(raw, bool):
            raise ValueError(accepted)
        try:
            if whole:
                value: float = raw if isinstance(raw, int) else int(_text(raw))
            else:
                value = float(raw) if isinstance(raw, int | float) else float(_text(raw))
        except ValueError:
            raise ValueError(accepted) from None
        too_low = low is not None and (value <= low if open_low else value < low)
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
    "max_files": (("MAX_FILES",), _number("max_files")),
    "generation_workers": (("PARALLEL_WORKERS", "GENERATION_WORKERS"), _number("generation_workers")),
    "planning_workers": (("PLANNING_WORKERS",), _number("planning_workers")),
    "plan": (("!PLAN",), _plan_mode),
    "call_budget_tokens": (("!CALL_BUDGET",), _number("call_budget_tokens")),
    "model": (("LLM_MODEL",), _opt_text),
    "max_retries": (("LLM_MAX_RETRIES",), _number("max_retries")),
    "initial_backoff": (("LLM_INITIAL_BACKOFF",), _number("initial_backoff")),
    "max_backoff": (("LLM_MAX_BACKOFF",), _number("max_backoff")),
    "backoff_jitter": (("LLM_BACKOFF_JITTER",), _number("backoff_jitter")),
    "timeout": (("LLM_TIMEOUT", "!TIMEOUT"), _number("timeout")),
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
    "stop_grace": (("!STOP_GRACE",), _number("stop_grace")),
    "max_spec_bytes": (("!MAX_SPEC_BYTES",), _number("max_spec_bytes")),
    "max_sections": (("!MAX_SECTIONS",), _number("max_sections")),
    "max_hint_chars": (("!MAX_HINT_CHARS",), _number("max_hint_chars")),
    "max_title_chars": (("!MAX_TITLE_CHARS",), _number("max_title_chars")),
    "max_prompt_chars": (("!MAX_PROMPT_CHARS",), _number("max_prompt_chars")),
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
    """A rule across two fields (each field holds its own range)."""
    initial = float(values.get("initial_backoff", INITIAL_BACKOFF))  # type: ignore[arg-type]
    maximum = float(values.get("max_backoff", MAX_BACKOFF))  # type: ignore[arg-type]
    if maximum < initial:
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
