"""The typed evidence every phase shares.

The scan phase returns one `EvidenceStore`. Every fact in it is an `EvidenceItem` with a
stable `id` that later phases cite; nothing downstream states a figure that is not the
`value` of some item. MLflow entities are also kept in a structured form
(`MlflowSnapshot`) because tables, charts and per-model sections walk them.

Id conventions (short, because ids are sent to LLMs many times):
- code facts: ``c:<relpath>:<line>:<kind>[:<name>]`` e.g. ``c:train.py:42:estimator``,
  ``c:train.py:42:param:max_depth`` (one item per keyword argument of an estimator).
- MLflow: ``m:<model>`` (registered model), ``mv:<model>:<version>``,
  ``x:<experiment_id>`` (experiment), ``r:<run8>`` (run; first 8 hex of the run id,
  lengthened if two runs collide), ``r:<run8>:metric:<key>``, ``r:<run8>:param:<key>``,
  ``r:<run8>:tag:<key>``, ``r:<run8>:hist:<key>``, ``r:<run8>:art:<path>``,
  ``lm:<model_id>`` (MLflow 3 logged model).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
# registry aliases that mark the version in use, in the order a reader looks for them
PRODUCTION_ALIASES = ("champion", "production", "prod", "best")


def has_production_alias(aliases: object) -> bool:
    """Whether a version's aliases include one that marks it as the version in use."""
    return isinstance(aliases, list | tuple | set) and any(a in PRODUCTION_ALIASES for a in aliases)


SHORT_RUN_ID = 8  # hex digits of a run id in its evidence id (r:<run8>) and wherever a run is named

Scalar = str | int | float | bool | None
JSONValue = Scalar | list[Any] | dict[str, Any]

# What a code fact is about; section routing and the offline writer key on these.
# fmt: off
CodeKind = Literal[
    "module", "class", "function", "import", "readme", "notebook_markdown", "config",
    "estimator", "param", "fit", "split", "cv", "metric", "threshold", "preprocessing", "feature",
    "dropped_column", "target", "data_source", "seed", "mlflow_call", "hyperparameter_search",
    "entry_point",
    "pipeline",  # the ordered call chain of a production entry point
    "excerpt",  # source text of a function, method, cell or block on a production or serving path
    "route",  # a web route: method and path
    "schema",  # a request/response (pydantic) schema and its fields
    "deployment",  # Dockerfile, compose, Kubernetes, CI workflow, DVC stages
    "monitoring",  # drift tests with thresholds, alerting
    "data_check",  # data validation checks
    "join",  # a merge/join: keys and how
    "label",  # how the target is built (map, replace, condition)
    "ensemble",  # a weighted blend of predictions
    "class_weight",  # class weighting (class_weight, scale_pos_weight, sample weights)
    "resampling",  # over/under-sampling (imblearn)
    "layer",  # a network layer and its sizes
    "loss",  # the training loss
    "optimizer",  # the optimizer and its settings
    "scheduler",  # a learning-rate schedule
    "early_stopping",  # when training stops early
    "logged_metric",  # a key a training loop logs (Lightning self.log)
    "search_space",  # one dimension of a hyperparameter search space
    "setting",  # a script-level training setting (learning_rate = 6e-4)
    "model_load",  # a trained model or artifact loaded from a file (joblib, torch, keras, onnx)
    "model_save",  # a trained model saved to a file (joblib, pickle, torch, keras), followed to its estimator
    "data_write",  # a data file written (to_csv, to_parquet, np.save, json.dump): linked to its readers
    "prediction",  # a column assigned a model's predictions (model.predict(...)): output, not a feature
    "in_sample",  # a model's predictions on the rows it was fitted on (predict reads the fit's input)
    "model_selection",  # the rule that picks the run or version registered, promoted or loaded
]
# fmt: on
# fmt: off
MlflowKind = Literal[
    "registered_model", "model_version", "alias", "experiment", "run", "run_metric", "run_param",
    "run_tag", "metric_history", "artifact", "logged_model",
]
# fmt: on

# What part of the project a code fact belongs to; production values are the model's values.
# production: reached from a production entry point (what trains/registers the model);
# serving: reached from a serving app (routes, hooks); exploratory: notebooks, scratch work;
# test: test code; legacy: reached from nothing.
Role = Literal["production", "serving", "exploratory", "test", "legacy"]
# Order in which evidence is presented: the model's own values first, exploratory and dead code last.
# MLflow items (role None) record the model itself and rank with production code.
ROLE_RANK: dict[str | None, int] = {
    "production": 0,
    None: 0,
    "serving": 1,
    "exploratory": 2,
    "legacy": 3,
    "test": 4,
}


# Topics used to send each section only the evidence it needs.
# fmt: off
Topic = Literal[
    "overview", "data", "features", "model", "training", "evaluation", "validation", "deployment",
    "monitoring", "mlflow", "code", "risk",
]
# fmt: on


class Source(BaseModel):
    """Where a fact comes from: a code location or an MLflow entity."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["code", "mlflow"]
    path: str | None = None  # relative to the code root, posix separators
    line_start: int | None = None
    line_end: int | None = None
    commit: str | None = None  # git commit of the code root, if any
    cell: int | None = None  # notebook cell index (0-based), lines are within the cell
    uri: str | None = None  # tracking URI or a link to the entity in the MLflow UI
    run_id: str | None = None
    experiment_id: str | None = None
    model_name: str | None = None
    model_version: str | None = None

    def cite(self) -> str:
        """Human-readable location, e.g. ``train.py:42-48`` or ``run 3f2a…``."""
        if self.kind == "code":
            loc = self.path or "?"
            if self.cell is not None:
                loc += f" [cell {self.cell}]"
            if self.line_start:
                loc += f":{self.line_start}"
                if self.line_end and self.line_end != self.line_start:
                    loc += f"-{self.line_end}"
            return loc + (f" @ {self.commit[:10]}" if self.commit else "")
        parts = []
        if self.model_name:
            parts.append(
                f"model {self.model_name}" + (f" v{self.model_version}" if self.model_version else "")
            )
        if self.run_id:
            parts.append(f"run {self.run_id}")
        if self.experiment_id and not self.run_id:
            parts.append(f"experiment {self.experiment_id}")
        return "MLflow " + (", ".join(parts) or (self.uri or ""))


class EvidenceItem(BaseModel):
    """One citable fact."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str  # a CodeKind or MlflowKind
    label: str  # short human name, e.g. "XGBClassifier (train.py)" or "auc of run 3f2a1b9c"
    value: JSONValue = None  # the fact itself; figures live here and only here
    attrs: dict[str, JSONValue] = Field(default_factory=dict)  # structured extras
    text: str | None = None  # redacted snippet, docstring or markdown (kept short)
    topics: list[str] = Field(default_factory=list)  # Topic values
    source: Source
    live: bool | None = None  # code: reached from an entry point (True) / dead or legacy (False)
    role: Role | None = None  # code: which part of the project it belongs to (None: MLflow)


def role_rank(item: EvidenceItem) -> int:
    """0 for production code and MLflow items, then serving, exploratory, legacy, test."""
    return ROLE_RANK.get(item.role, 2)


def config_key(item: EvidenceItem) -> str:
    """``model_trainer.x_train_path``: a configuration item's key, dotted from its file's top."""
    _, found, key = item.id.partition(":config:")
    return key if found else str(item.attrs.get("key") or item.id.rsplit(":", 1)[-1])


def by_role(items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    """`items` with production first (stable: the order within a role is kept)."""
    return sorted(items, key=role_rank)


class FileRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    sha256: str
    size: int
    kind: Literal["python", "notebook", "databricks", "readme", "config"]
    rank: int  # relevance order, 0 = most relevant; --max-files keeps the first N
    role: str = ""  # entry_point, training, features, evaluation, config, test, docs, setup, other
    facts: int = 0


class SkippedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    # "syntax error at line 3", "not UTF-8", "binary", "over 1 MB", "over 50 MB (a notebook's limit...)"
    reason: str


class Redaction(BaseModel):
    """A secret removed before any text is handed on. Never holds the value."""

    model_config = ConfigDict(extra="forbid")

    kind: str  # aws_access_key, sk_token, url_password, assigned_secret, private_key, ...
    place: str  # "train.py:12" or "MLflow run 3f2a1b9c param db_url"
    count: int = 1


def user_tags(tags: object) -> dict[str, str]:
    """The tags people set on a registered model, a version or an experiment (owner, risk tier,
    validation status ...), sorted by key; MLflow's own ``mlflow.*`` bookkeeping tags left out."""
    if not isinstance(tags, dict):
        return {}
    return {
        str(k): str(v) for k, v in sorted(tags.items()) if not str(k).startswith("mlflow.") and str(v).strip()
    }


class ModelVersionInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    run_id: str | None = None
    source: str | None = None
    status: str | None = None
    description: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    aliases: list[str] = Field(default_factory=list)
    created_at: str | None = None  # ISO 8601
    model_id: str | None = None  # MLflow 3 logged model id, if any
    evidence_id: str  # mv:<model>:<version>


class RegisteredModelInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    aliases: dict[str, str] = Field(default_factory=dict)  # alias -> version
    versions: list[ModelVersionInfo] = Field(default_factory=list)  # ascending by version
    evidence_id: str  # m:<model>


class RunInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: str
    run_name: str | None = None
    experiment_id: str
    status: str  # FINISHED, FAILED, KILLED, RUNNING
    start_time: str | None = None
    end_time: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)  # mlflow.* system tags included
    metric_history: dict[str, list[tuple[int, float]]] = Field(default_factory=dict)  # only if >1 step
    artifacts: list[str] = Field(default_factory=list)  # relative artifact paths
    image_artifacts: list[str] = Field(default_factory=list)
    logged_model_ids: list[str] = Field(default_factory=list)
    evidence_id: str  # r:<run8>


def run_evidence_id(item_id: str) -> str | None:
    """The run's evidence id (``r:<run8>``) of any run item id (``r:<run8>:metric:auc``), else None."""
    return ":".join(item_id.split(":")[:2]) if item_id.startswith("r:") else None


def run_label(run: RunInfo) -> str:
    """How a run is named to a reader: its name, else the first 8 hex of its id."""
    return run.run_name or run.run_id[:SHORT_RUN_ID]


class ExperimentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiment_id: str
    name: str
    tags: dict[str, str] = Field(default_factory=dict)
    runs: list[RunInfo] = Field(default_factory=list)
    evidence_id: str  # x:<experiment_id>


class MlflowSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tracking_uri: str
    origin: str | None = None  # the store committed in the code root that was read (through a copy)
    ui_base_url: str | None = None  # http(s) server base for links, None for sqlite
    registered_models: list[RegisteredModelInfo] = Field(default_factory=list)
    experiments: list[ExperimentInfo] = Field(default_factory=list)
    client_calls: int = 0  # how many MlflowClient calls the scan made
    warnings: list[str] = Field(default_factory=list)


class CodeReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: str
    commit: str | None = None
    dirty: bool | None = None
    files: list[FileRecord] = Field(default_factory=list)  # ordered by rank
    skipped: list[SkippedFile] = Field(default_factory=list)
    entry_points: list[str] = Field(default_factory=list)  # relative paths
    warnings: list[str] = Field(default_factory=list)

    def unread(self) -> list[SkippedFile]:
        """Skipped files the code could not be read from (not those left out on purpose: git-ignored,
        key files, our own output): what the document must say it is missing."""
        return [s for s in self.skipped if not s.reason.startswith(_DELIBERATE_SKIPS)]


_DELIBERATE_SKIPS = ("ignored by git", "secret or key file", "autodoc output", "training log")


class EvidenceStore(BaseModel):
    """Everything the scan found, cited. Serialisable to and from JSON."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    created_at: str
    generator_version: str
    code: CodeReport | None = None
    mlflow: MlflowSnapshot | None = None
    mlflow_note: str | None = None  # e.g. "no MLflow configured: written from code alone"
    mlflow_set_aside: str | None = None  # a store found in the working directory, not used: not this code's
    items: list[EvidenceItem] = Field(default_factory=list)
    redactions: list[Redaction] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)

    # -- lookups -----------------------------------------------------------------
    def index(self) -> dict[str, EvidenceItem]:
        idx = self.__dict__.get("_index")
        if idx is None or len(idx) != len(self.items):
            idx = {item.id: item for item in self.items}
            self.__dict__["_index"] = idx
        return idx

    def get(self, evidence_id: str) -> EvidenceItem | None:
        return self.index().get(evidence_id)

    def has(self, evidence_id: str) -> bool:
        return evidence_id in self.index()

    def by_kind(self, *kinds: str) -> list[EvidenceItem]:
        """Items of these kinds, production first."""
        return by_role(item for item in self.items if item.kind in kinds)

    def by_topic(self, *topics: str) -> list[EvidenceItem]:
        """Items on any of these topics, production first."""
        wanted = set(topics)
        return by_role(item for item in self.items if wanted.intersection(item.topics))

    def model(self, name: str) -> RegisteredModelInfo | None:
        if not self.mlflow:
            return None
        return next((m for m in self.mlflow.registered_models if m.name == name), None)

    def run(self, run_id: str) -> RunInfo | None:
        if not self.mlflow:
            return None
        for exp in self.mlflow.experiments:
            for run in exp.runs:
                if run.run_id == run_id:
                    return run
        return None

    def no_mlflow_words(self) -> str:
        """Why there is no MLflow evidence, as a sentence without its full stop."""
        if self.mlflow_set_aside:
            return (
                "The MLflow store found in the working directory was not used, "
                "as nothing in it relates to this code"
            )
        return "No MLflow tracking server was configured"

    def model_names(self) -> list[str]:
        return [m.name for m in self.mlflow.registered_models] if self.mlflow else []

    # -- identity ----------------------------------------------------------------
    def content_hash(self, ids: Iterable[str] | None = None) -> str:
        """Hash of the items (all, or only `ids`): changes iff those facts change."""
        idx = self.index()
        chosen = sorted(idx) if ids is None else sorted(set(ids) & set(idx))
        digest = hashlib.sha256()
        for eid in chosen:
            digest.update(idx[eid].model_dump_json(exclude={"source": {"commit"}}).encode())
        return digest.hexdigest()[:16]

    def to_json(self) -> str:
        return self.model_dump_json(indent=1)

    @classmethod
    def from_json(cls, text: str) -> EvidenceStore:
        return cls.model_validate(json.loads(text))
