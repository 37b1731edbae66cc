"""One typed settings object, built at the edge (CLI flags > environment > .env > defaults).

Field names are the contract every phase uses. `load_settings()` (below) builds it; the
loading rules are documented there.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEFAULT_MODELS = {"anthropic": "claude-sonnet-4-5", "openai": "gpt-4.1", "offline": "offline"}


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
        """Settings safe to write to a file or show: no keys, ever."""
        return self.model_dump(mode="json", exclude={"anthropic_api_key", "openai_api_key"})
