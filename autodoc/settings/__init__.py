"""One typed settings object, built at the edge (CLI flags > environment > .env > defaults).

`model` holds `Settings` (the contract every phase reads, with each field's valid range);
`load` builds it from flags, the environment and a `.env` file (`dotenv`).
"""

from autodoc.settings.dotenv import parse_dotenv, read_dotenv
from autodoc.settings.load import (
    BASE_URL_VARS,
    FLAG_NAMES,
    KEY_VARS,
    PREFIX,
    PROVIDERS,
    in_domino,
    load_settings,
    provider_was_chosen,
)
from autodoc.settings.model import (
    BACKOFF_JITTER,
    DEFAULT_MODELS,
    INITIAL_BACKOFF,
    MAX_BACKOFF,
    MAX_RETRIES,
    URL_FIELDS,
    Settings,
    without_password,
)

__all__ = [
    "BACKOFF_JITTER",
    "BASE_URL_VARS",
    "DEFAULT_MODELS",
    "FLAG_NAMES",
    "INITIAL_BACKOFF",
    "KEY_VARS",
    "MAX_BACKOFF",
    "MAX_RETRIES",
    "PREFIX",
    "PROVIDERS",
    "URL_FIELDS",
    "Settings",
    "in_domino",
    "load_settings",
    "parse_dotenv",
    "provider_was_chosen",
    "read_dotenv",
    "without_password",
]
