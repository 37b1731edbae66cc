"""The MLflow entities the direct readers return: the attributes the scanner reads, by MLflow's names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class Page(list[Any]):
    """One page of a search, with MLflow's `token` for the next (None on the last page)."""

    def __init__(self, items: list[Any], token: str | None) -> None:
        super().__init__(items)
        self.token = token


@dataclass(frozen=True)
class Metric:
    key: str
    value: float
    timestamp: int
    step: int


@dataclass
class Experiment:
    experiment_id: str
    name: str
    artifact_location: str | None
    lifecycle_stage: str
    tags: dict[str, str]


@dataclass
class RegisteredModel:
    name: str
    description: str | None
    creation_timestamp: int | None
    tags: dict[str, str]
    aliases: dict[str, int]


@dataclass
class ModelVersion:
    name: str
    version: int
    creation_timestamp: int | None
    description: str | None
    source: str | None
    run_id: str | None
    status: str | None
    current_stage: str | None
    tags: dict[str, str] = field(default_factory=dict)
    model_id: str | None = None  # MLflow's sqlite store leaves it unset too (the source names it)


@dataclass
class RunInfo:
    run_id: str
    run_name: str | None
    experiment_id: str
    user_id: str | None
    status: str
    start_time: int | None
    end_time: int | None
    lifecycle_stage: str
    artifact_uri: str | None


@dataclass
class RunData:
    params: dict[str, str]
    metrics: dict[str, float]
    tags: dict[str, str]
    _metric_objs: list[Metric]


@dataclass(frozen=True)
class ModelOutput:
    model_id: str
    step: int


@dataclass
class RunOutputs:
    model_outputs: list[ModelOutput]


@dataclass
class Run:
    info: RunInfo
    data: RunData
    outputs: RunOutputs


@dataclass
class LoggedModel:
    model_id: str
    experiment_id: str
    name: str | None
    creation_timestamp: int | None
    status: str
    model_type: str | None
    source_run_id: str | None
    tags: dict[str, str] | None


@dataclass(frozen=True)
class FileInfo:
    path: str
    is_dir: bool
    file_size: int | None
