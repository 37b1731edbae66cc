"""The typed settings object every phase reads: field names are the contract, ranges live on the fields.

`Settings(generation_workers=0)` or `Settings(backoff_jitter=7)` is rejected wherever it is
built; `load_settings` (autodoc.settings.load) turns the same rule into a message naming the
flag or variable.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEFAULT_MODELS = {"anthropic": "claude-sonnet-5-5", "openai": "gpt-5.5", "offline": "offline"}

# The transport retry policy's defaults (llm/retry.py and the CLI's help read these).
MAX_RETRIES, INITIAL_BACKOFF, MAX_BACKOFF, BACKOFF_JITTER = 3, 3.0, 30.0, 0.2


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
    timeout: float = Field(120.0, gt=0)
    max_retries: int = Field(MAX_RETRIES, ge=0, le=20)
    initial_backoff: float = Field(INITIAL_BACKOFF, ge=0)
    max_backoff: float = Field(MAX_BACKOFF, ge=0)
    backoff_jitter: float = Field(BACKOFF_JITTER, ge=0, le=1)

    # who plans a section: offline = the deterministic plan (the LLM only writes); llm = the
    # LLM plans on top of it; auto = llm for sections with much evidence, else offline
    plan: Literal["auto", "offline", "llm"] = "auto"
    call_budget_tokens: int = Field(default=4000, ge=500)  # what one writing call may carry

    # work
    generation_workers: int = Field(4, ge=1, le=64)
    planning_workers: int = Field(4, ge=1, le=64)
    max_files: int = Field(50, ge=1)
    verbose: bool = False
    stop_grace: float = Field(10.0, ge=0, le=600)  # seconds running calls may finish after a stop

    # bounds on the input, checked before any work (README: "Limits")
    max_spec_bytes: int = Field(1_000_000, ge=1)
    max_sections: int = Field(200, ge=1)
    max_hint_chars: int = Field(4_000, ge=1)
    max_title_chars: int = Field(300, ge=1)
    max_prompt_chars: int = Field(400_000, ge=1_000)  # one LLM call: system prompt + messages

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
