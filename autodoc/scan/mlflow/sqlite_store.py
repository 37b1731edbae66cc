"""Read a local MLflow sqlite store directly, without importing MLflow (about 3 s of start-up).

`SqliteStore` answers the few `MlflowClient` calls the scanner makes (the same names,
arguments, paging and order) from the tables of MLflow's schema, with records that carry
the attributes the scanner reads. Only a schema revision it knows is read (`alembic_version`:
MLflow 3.17's and the 2.x ones before it, which MLflow's client would first migrate);
anything else (another revision, workspaces in use, a filter it does not know, artifacts
outside a local folder) raises `Unsupported`, and the scanner uses MLflow's own client.
The database is opened read-only: nothing in the store is ever written.
"""

from __future__ import annotations

import contextlib
import math
import re
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from autodoc.scan.mlflow import local_artifacts
from autodoc.scan.mlflow.records import (
    Experiment,
    FileInfo,
    LoggedModel,
    Metric,
    ModelOutput,
    ModelVersion,
    Page,
    RegisteredModel,
    Run,
    RunData,
    RunInfo,
    RunOutputs,
)

# MLflow's schema revisions (alembic_version) this reader knows, newest first: MLflow 3.17's
# head back to a 2.x store's (0584bdc529eb). Older ones lack tables it reads; newer ones it
# has not seen. The columns read are the same across them, except where a later revision
# added them (`logged_models`, `inputs.step`, `workspace`): read where present. MLflow's
# client would first migrate such a store (about 9 s for a committed 2.x store).
KNOWN_SCHEMAS = frozenset(
    {
        "dc11669786a5",
        "75868b020152",
        "b7e2c1a4d9f3",
        "17e22815139b",
        "1971f2d9a75b",
        "6f8d9c3b2a1e",
        "c3d9e7f1a2b4",
        "c1d2e3f4a5b6",
        "a8b9c0d1e2f3",
        "b7e4c1a90f23",
        "89d3d66ed43f",
        "da6fb0208061",
        "7d34483879f0",
        "ae8bbe7743c9",
        "a5b4c3d2e1f0",
        "c3d6457b6d8a",
        "76601a5f987d",
        "e1f2a3b4c5d6",
        "1b5f0d9ad7c1",
        "c8d9e0f1a2b3",
        "d0e1f2a3b4c5",
        "d3e4f5a6b7c8",
        "2c33131f4dae",
        "c9d4e5f6a7b8",
        "5d2d30f0abce",
        "b7c8d9e0f1a2",
        "1bd49d398cd23",
        "bf29a5ff90ea",
        "3da73c924c2f",
        "71994744cf8e",
        "534353b11cbc",
        "1a0cddfcaa16",
        "de4033877273",
        "a1b2c3d4e5f6",
        "770bee3ae1dd",
        "cbc13b556ace",
        "bda7b8c39065",
        "6953534de441",
        "400f98739977",
        "0584bdc529eb",
    }
)
DEFAULT_WORKSPACE = "default"
WORKSPACE_TABLES = ("experiments", "registered_models", "model_versions")
DELETED_VERSION_STAGE = "Deleted_Internal"
ACTIVE_ONLY, DELETED_ONLY, ALL = 1, 2, 3  # MLflow's ViewType values
_RUN_IDS = re.compile(r"^attributes\.run_id IN \(((?:'[0-9a-f]+'(?:, )?)+)\)$")
_BATCH = 500  # ids per `IN (...)` of a child query (SQLite's parameter limit is far above)
_METRIC_COLUMNS = ("key", "value", "timestamp", "step", "is_nan")
_LOGGED_STATUS = {0: "UNSPECIFIED", 1: "PENDING", 2: "READY", 3: "FAILED"}


class Unsupported(Exception):
    """This store or request is not one the direct reader handles: use MLflow's client."""


def open_store(uri: str) -> SqliteStore:
    """A direct reader for `sqlite:///path`, or `Unsupported` for anything it does not read."""
    if not uri.startswith("sqlite:///"):
        raise Unsupported(f"not a local sqlite URI: {uri.split(':', 1)[0]}")
    return SqliteStore(Path(uri.removeprefix("sqlite:///")))


class SqliteStore:
    """The `MlflowClient` methods the scanner calls, answered from the sqlite file."""

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            version = self._db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error as exc:
            raise Unsupported(f"not readable as an MLflow store: {exc}") from exc
        if version is None or version[0] not in KNOWN_SCHEMAS:
            self._db.close()
            raise Unsupported(f"MLflow schema version {version and version[0]} is not one this reader knows")
        self._lock = threading.Lock()
        self._input_step = "step" if "step" in self._columns("inputs") else "0"  # added in MLflow 3
        self._tables = {row[0] for row in self._rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in WORKSPACE_TABLES:  # all in the default workspace, or MLflow's client decides
            if "workspace" in self._columns(table) and self._rows(
                f"SELECT 1 FROM {table} WHERE workspace != ? LIMIT 1", (DEFAULT_WORKSPACE,)
            ):
                raise Unsupported("the store uses MLflow workspaces")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self._rows(f"PRAGMA table_info({table})")}

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- experiments ---------------------------------------------------------------
    def search_experiments(
        self, view_type: int = ACTIVE_ONLY, max_results: int = 1000, page_token: str | None = None
    ) -> Page:
        offset = int(page_token or 0)
        rows = self._rows(
            "SELECT experiment_id, name, artifact_location, lifecycle_stage FROM experiments "
            f"WHERE lifecycle_stage IN ({_marks(_stages(view_type))}) "
            "ORDER BY creation_time DESC, experiment_id ASC LIMIT ? OFFSET ?",
            [*_stages(view_type), max_results + 1, offset],
        )
        ids = [row[0] for row in rows[:max_results]]
        tags = self._children("experiment_tags", "experiment_id", ["key", "value"], ids)
        found = [
            Experiment(str(eid), name, location, stage, _pairs(tags.get(eid, [])))
            for eid, name, location, stage in rows[:max_results]
        ]
        return _page(found, rows, max_results, offset)

    # -- registry ------------------------------------------------------------------
    def search_registered_models(self, max_results: int = 100, page_token: str | None = None) -> Page:
        offset = int(page_token or 0)
        rows = self._rows(
            "SELECT name, description, creation_time FROM registered_models "
            "ORDER BY name ASC LIMIT ? OFFSET ?",
            [max_results + 1, offset],
        )
        names = [row[0] for row in rows[:max_results]]
        tags = self._children("registered_model_tags", "name", ["key", "value"], names)
        aliases = self._children("registered_model_aliases", "name", ["alias", "version"], names)
        found = [
            RegisteredModel(name, text, created, _pairs(tags.get(name, [])), _pairs(aliases.get(name, [])))
            for name, text, created in rows[:max_results]
        ]
        return _page(found, rows, max_results, offset)

    def search_model_versions(self, max_results: int = 10000, page_token: str | None = None) -> Page:
        offset = int(page_token or 0)
        rows = self._rows(
            "SELECT name, version, creation_time, description, source, run_id, status, current_stage "
            "FROM model_versions WHERE current_stage != ? "
            "ORDER BY last_updated_time DESC, name ASC, version DESC LIMIT ? OFFSET ?",
            [DELETED_VERSION_STAGE, max_results + 1, offset],
        )
        tags: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
        for name in sorted({row[0] for row in rows[:max_results]}):
            for key, value, version in self._rows(
                "SELECT key, value, version FROM model_version_tags WHERE name = ? ORDER BY rowid",
                [name],
            ):
                tags.setdefault((name, version), []).append((key, value))
        found = [
            ModelVersion(*row, tags=_pairs(tags.get((row[0], row[1]), []))) for row in rows[:max_results]
        ]
        return _page(found, rows, max_results, offset)

    # -- runs ----------------------------------------------------------------------
    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: int = ACTIVE_ONLY,
        max_results: int = 1000,
        page_token: str | None = None,
    ) -> Page:
        offset = int(page_token or 0)
        stages = _stages(run_view_type)
        where = f"experiment_id IN ({_marks(experiment_ids)}) AND lifecycle_stage IN ({_marks(stages)})"
        params: list[Any] = [*(int(e) for e in experiment_ids), *stages]
        if filter_string:
            match = _RUN_IDS.match(filter_string)
            if match is None:
                raise Unsupported(f"run filter {filter_string!r}")
            ids = re.findall(r"'([0-9a-f]+)'", match.group(1))
            where += f" AND run_uuid IN ({_marks(ids)})"
            params += ids
        rows = self._rows(
            "SELECT run_uuid, name, experiment_id, user_id, status, start_time, end_time, lifecycle_stage, "
            f"artifact_uri FROM runs WHERE {where} ORDER BY start_time DESC, run_uuid ASC LIMIT ? OFFSET ?",
            [*params, max_results + 1, offset],
        )
        return _page(self._runs(rows[:max_results]), rows, max_results, offset)

    def _runs(self, rows: list[tuple[Any, ...]]) -> list[Run]:
        ids = [row[0] for row in rows]
        metrics = self._children(
            "latest_metrics", "run_uuid", ["key", "value", "timestamp", "step", "is_nan"], ids
        )
        params = self._children("params", "run_uuid", ["key", "value"], ids)
        tags = self._children("tags", "run_uuid", ["key", "value"], ids)
        outputs = self._model_outputs(ids)
        runs = []
        for run_id, name, exp_id, user, status, start, end, stage, artifact_uri in rows:
            run_tags = _pairs(tags.get(run_id, []))
            info = RunInfo(
                run_id,
                name or run_tags.get("mlflow.runName"),
                str(exp_id),
                user,
                status,
                start,
                end,
                stage,
                artifact_uri,
            )
            objs = [_metric(*m) for m in metrics.get(run_id, [])]
            data = RunData(_pairs(params.get(run_id, [])), {m.key: m.value for m in objs}, run_tags, objs)
            runs.append(Run(info, data, RunOutputs(outputs.get(run_id, []))))
        return runs

    def _model_outputs(self, run_ids: list[str]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for chunk in _batches(run_ids):
            for source, model_id, step in self._rows(
                f"SELECT source_id, destination_id, {self._input_step} FROM inputs "
                "WHERE source_type = 'RUN_OUTPUT' "
                f"AND source_id IN ({_marks(chunk)}) AND destination_type = 'MODEL_OUTPUT'",
                chunk,
            ):
                out.setdefault(source, []).append(ModelOutput(model_id, step))
        return out

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        rows = self._rows(
            f"SELECT {', '.join(_METRIC_COLUMNS)} FROM metrics WHERE run_uuid = ? AND key = ? "
            "ORDER BY timestamp, step, value",
            [run_id, key],
        )
        return [_metric(*row) for row in rows]

    # -- artifacts (local folders only) ---------------------------------------------
    def list_artifacts(self, run_id: str, path: str | None = None) -> list[FileInfo]:
        return local_artifacts.list_artifacts(self._artifact_root(run_id), path)

    def download_artifacts(self, run_id: str, path: str, dst_path: str) -> str:
        return local_artifacts.download(self._artifact_root(run_id), path, dst_path)

    def _artifact_root(self, run_id: str) -> Path:
        rows = self._rows("SELECT artifact_uri FROM runs WHERE run_uuid = ?", [run_id])
        if not rows:
            raise Unsupported(f"no run {run_id}")
        try:
            return local_artifacts.local_root(str(rows[0][0] or ""))
        except local_artifacts.NotLocal as exc:
            raise Unsupported(f"artifacts of run {run_id} are not in a local folder") from exc

    # -- logged models -------------------------------------------------------------
    def search_logged_models(
        self, experiment_ids: list[str], max_results: int = 100, page_token: str | None = None
    ) -> Page:
        if "logged_models" not in self._tables:  # a store from before MLflow 3 has none
            return Page([], None)
        offset = int(page_token or 0)
        rows = self._rows(
            "SELECT model_id, experiment_id, name, creation_timestamp_ms, status, model_type, source_run_id "
            "FROM logged_models WHERE lifecycle_stage != 'deleted' "
            f"AND experiment_id IN ({_marks(experiment_ids)}) "
            "ORDER BY creation_timestamp_ms DESC, model_id ASC LIMIT ? OFFSET ?",
            [*(int(e) for e in experiment_ids), max_results + 1, offset],
        )
        ids = [row[0] for row in rows[:max_results]]
        # read through its primary key (model_id, tag_key), as MLflow's query does: by key
        tags = self._children("logged_model_tags", "model_id", ["tag_key", "tag_value"], ids, "tag_key")
        found = []
        for model_id, exp_id, name, created, status, model_type, run_id in rows[:max_results]:
            if status not in _LOGGED_STATUS:
                raise Unsupported(f"logged model status {status}")
            found.append(
                LoggedModel(
                    model_id,
                    str(exp_id),
                    name,
                    created,
                    _LOGGED_STATUS[status],
                    model_type,
                    run_id,
                    _pairs(tags.get(model_id, [])) or None,
                )
            )
        return _page(found, rows, max_results, offset)

    # -- child rows ----------------------------------------------------------------
    def _children(
        self, table: str, parent: str, columns: list[str], ids: list[Any], order: str = "rowid"
    ) -> dict[Any, list[tuple[Any, ...]]]:
        """Rows of `table` per parent id, in the order MLflow reads them (the order written, by default)."""
        out: dict[Any, list[tuple[Any, ...]]] = {}
        for chunk in _batches(ids):
            sql = f"SELECT {parent}, {', '.join(columns)} FROM {table} WHERE {parent} IN ({_marks(chunk)})"
            for row in self._rows(f"{sql} ORDER BY {parent}, {order}", chunk):
                out.setdefault(row[0], []).append(row[1:])
        return out


def _metric(key: str, value: float, timestamp: int, step: int, is_nan: Any) -> Metric:
    return Metric(key, math.nan if is_nan else float(value), timestamp, step)


def _pairs(rows: list[tuple[Any, ...]]) -> dict[Any, Any]:
    return {row[0]: row[1] for row in rows}


def _stages(view_type: int) -> list[str]:
    return {ACTIVE_ONLY: ["active"], DELETED_ONLY: ["deleted"], ALL: ["active", "deleted"]}[int(view_type)]


def _marks(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


def _batches(ids: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start : start + _BATCH]


def _page(found: list[Any], rows: list[Any], max_results: int, offset: int) -> Page:
    """MLflow's paging: a token (the next offset) only when one more row than asked exists."""
    return Page(found, str(offset + max_results) if len(rows) > max_results else None)
