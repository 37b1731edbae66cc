"""Scan an MLflow tracking store into a structured snapshot and citable evidence items.

Reads metadata only: it never downloads or unpickles a model (only small JSON artifacts and,
on request through `fetch_artifact`, images).

How the number of client calls is kept proportional to pages, not runs:
- experiments, registered models, model versions, runs and logged models come from paged
  searches (`page_token`), which already return params, metrics (latest value and its step)
  and tags; runs are never fetched one by one.
- Runs behind model versions outside the selected experiments: one `search_runs(run_id IN ...)` per 100.
- Metric histories: a metric whose latest value was logged at step 0 has no history to show,
  so history is fetched only for metrics whose latest step is above 0, and only for the
  "focus" runs: runs behind a model version, plus the most recent runs (`EXTRA_FOCUS_RUNS`)
  when the store has no registry. Capped at `MAX_HISTORY_CALLS`.
- Artifacts cannot be searched, so they are listed for the focus runs only (bounded depth).
"""

from __future__ import annotations

import fnmatch
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autodoc.errors import AutodocError
from autodoc.evidence import (
    EvidenceItem,
    MlflowSnapshot,
    Redaction,
)
from autodoc.scan import secrets
from autodoc.scan.mlflow.client import (
    NO_MLFLOW_NOTE,
    CountingClient,
    check_reachable,
    is_http,
    paged,
    prepare_http_env,
    probe,
    resolve_uri,
    unavailable,
)
from autodoc.scan.mlflow.committed import committed_store, origin_note
from autodoc.scan.mlflow.entities import SnapshotBuilder
from autodoc.scan.mlflow.items import LoggedModelInfo, build_items, iso
from autodoc.scan.mlflow.sqlite_store import ACTIVE_ONLY, ALL, Unsupported, open_store
from autodoc.settings import Settings

RUN_PAGE = 5000  # search_runs page size (the server allows up to 50000)
MODEL_PAGE = 1000  # search_registered_models maximum
VERSION_PAGE = 10000
EXPERIMENT_PAGE = 1000
LOGGED_MODEL_PAGE = 1000
IN_CHUNK = 100  # ids per `IN (...)` filter
EXTRA_FOCUS_RUNS = 5
MAX_HISTORY_CALLS = 200
MAX_ARTIFACTS_PER_RUN = 200
ARTIFACT_DEPTH = 2
JSON_ARTIFACT_MAX = 1_000_000
# Tags naming the Domino project an entity belongs to (Domino's MLflow integration and common manual forms).
DOMINO_PROJECT_TAGS = (
    "mlflow.domino.project_name",
    "mlflow.domino.project",
    "domino.project",
    "domino_project",
)


@dataclass
class MlflowScan:
    """What the MLflow half of the scan hands to the evidence store."""

    snapshot: MlflowSnapshot | None
    items: list[EvidenceItem] = field(default_factory=list)
    redactions: list[Redaction] = field(default_factory=list)
    note: str | None = None
    calls_by_method: dict[str, int] = field(default_factory=dict)  # MlflowClient method -> calls
    reader: str = "mlflow"  # "sqlite": read straight from the file, without MLflow's client
    found_in_cwd: bool = False  # no store was given: ./mlflow.db of the working directory was read


def scan_mlflow(settings: Settings, use_cwd: bool = True) -> MlflowScan:
    """Scan the configured store (`use_cwd` False: never ./mlflow.db); no store: `snapshot` None, a note."""
    uri = resolve_uri(settings) if use_cwd or settings.mlflow_uri else None
    in_cwd = uri is not None and not settings.mlflow_uri
    committed = committed_store(settings.code_root) if uri is None else None
    uri = committed[0] if committed else uri
    if uri is None:
        return MlflowScan(snapshot=None, note=NO_MLFLOW_NOTE)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    check_reachable(uri)
    if is_http(uri):
        prepare_http_env()
    result = direct_scan(uri, settings) or client_scan(uri, settings)
    if committed and result.snapshot is not None:  # say where the store came from, not the copy's path
        where = str(Path(settings.code_root) / committed[1])
        result.snapshot.origin = where
        result.note = " ".join(n for n in (origin_note(settings.code_root, committed[1]), result.note) if n)
    result.found_in_cwd = in_cwd
    return result


def direct_scan(uri: str, settings: Settings) -> MlflowScan | None:
    """The scan read straight from a local sqlite store (no MLflow import), or None where the
    direct reader does not apply or meets anything it did not foresee: MLflow's client then reads."""
    try:
        store = open_store(uri)
    except Unsupported:
        return None
    try:
        client = CountingClient(uri, direct=store)
        probe(client, uri)  # as the client's scan does, so both count the same calls
        return _Scanner(client, uri, settings).run()
    except Exception:  # e.g. artifacts in a bucket, an unknown status: MLflow's client knows better
        return None
    finally:
        store.close()


def client_scan(uri: str, settings: Settings) -> MlflowScan:
    """The scan through MLflow's own client (any store it reaches: servers, Databricks, files)."""
    try:
        client = CountingClient(uri)
        probe(client, uri)
        return _Scanner(client, uri, settings).run()
    except AutodocError:
        raise
    except Exception as exc:  # an MLflow or transport failure mid-scan: name the store, no traceback
        raise unavailable(uri, exc) from exc


def patterns(values: Iterable[str]) -> list[str]:
    """Flatten comma-separated pattern entries ("a*,b" -> ["a*", "b"])."""
    return [p.strip() for v in values for p in str(v).split(",") if p.strip()]


def matches(name: str, pats: list[str]) -> bool:
    """Case-insensitive `*`/`?` wildcard match; no patterns matches everything."""
    return not pats or any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in pats)


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _Scanner(SnapshotBuilder):
    """One scan: collects entities with paged searches, then builds the snapshot and items."""

    def __init__(self, client: CountingClient, uri: str, settings: Settings) -> None:
        self.client = client
        self.uri = uri
        self.settings = settings
        self.warnings: list[str] = []
        self.redactions: list[Redaction] = []
        self.model_patterns = patterns(settings.models)
        exp = settings.experiments or ([settings.experiment_name] if settings.experiment_name else [])
        self.experiment_patterns = patterns(exp)
        self.project = settings.domino_project if settings.project_filtering else None

    def _tolerate(self, exc: Exception) -> None:
        """A failure the client's scan turns into a warning; the direct reader hands it back
        so MLflow's client reads the store instead (and says what it finds)."""
        if self.client.direct:
            raise exc

    # -- orchestration -------------------------------------------------------------
    def run(self) -> MlflowScan:
        experiments = list(
            paged(self.client.search_experiments, view_type=ACTIVE_ONLY, max_results=EXPERIMENT_PAGE)
        )
        models = self._registered_models()
        versions = self._versions({m.name for m in models})
        linked = {mv.run_id for vs in versions.values() for mv in vs if mv.run_id}
        runs = self._runs(experiments, linked)
        experiments, runs, models, versions = self._project_filter(experiments, runs, models, versions)
        runs_by_id = {r.info.run_id: r for r in runs}
        focus = self._focus_runs(runs, linked)
        histories = self._histories(focus)
        artifacts = {rid: self._artifacts(rid) for rid in focus}
        importances = self._importances(artifacts)
        logged = self._logged_models({r.info.experiment_id for r in runs})
        snapshot = self._snapshot(experiments, runs_by_id, models, versions, histories, artifacts, logged)
        self._warn_if_empty(snapshot)
        snapshot.warnings = list(self.warnings)  # the model holds a copy; later warnings land here too
        snapshot.client_calls = self.client.calls
        items = build_items(snapshot, logged, importances)
        note = " ".join(snapshot.warnings) or None
        return MlflowScan(
            snapshot=snapshot,
            items=items,
            redactions=secrets.merge(self.redactions),
            note=note,
            calls_by_method=dict(self.client.calls_by_method),
            reader="sqlite" if self.client.direct else "mlflow",
        )

    # -- registry ------------------------------------------------------------------
    def _registered_models(self) -> list[Any]:
        found = paged(self.client.search_registered_models, max_results=MODEL_PAGE)
        return sorted((m for m in found if matches(m.name, self.model_patterns)), key=lambda m: m.name)

    def _versions(self, names: set[str]) -> dict[str, list[Any]]:
        by_model: dict[str, list[Any]] = {name: [] for name in names}
        if not names:
            return by_model
        for mv in paged(self.client.search_model_versions, max_results=VERSION_PAGE):
            if mv.name in by_model:
                by_model[mv.name].append(mv)
        for name, mvs in by_model.items():
            mvs.sort(key=lambda mv: int(mv.version))
            if self.settings.latest_only and mvs:
                by_model[name] = mvs[-1:]
        return by_model

    # -- runs ----------------------------------------------------------------------
    def _runs(self, experiments: list[Any], linked: set[str]) -> list[Any]:
        """All runs (any status) of the selected experiments, plus the runs behind model versions."""
        linked_runs = self._runs_by_id(sorted(linked), [e.experiment_id for e in experiments])
        if self.experiment_patterns:
            chosen = [e.experiment_id for e in experiments if matches(e.name, self.experiment_patterns)]
            if not chosen:
                names = ", ".join(sorted(e.name for e in experiments)) or "none"
                self.warnings.append(
                    f"No MLflow experiment matches {', '.join(self.experiment_patterns)} "
                    f"(experiments in the store: {names})."
                )
        elif self.model_patterns:
            chosen = sorted({r.info.experiment_id for r in linked_runs})
        else:
            chosen = [e.experiment_id for e in experiments]
        runs = {r.info.run_id: r for r in self._search_runs(chosen)}
        for run in linked_runs:
            runs.setdefault(run.info.run_id, run)
        return sorted(runs.values(), key=lambda r: (r.info.start_time or 0, r.info.run_id))

    def _search_runs(self, experiment_ids: list[str], filter_string: str = "") -> list[Any]:
        out: list[Any] = []
        for chunk in _chunks(experiment_ids, IN_CHUNK):
            out.extend(
                paged(
                    self.client.search_runs,
                    experiment_ids=chunk,
                    filter_string=filter_string,
                    run_view_type=ALL,
                    max_results=RUN_PAGE,
                )
            )
        return out

    def _runs_by_id(self, run_ids: list[str], experiment_ids: list[str]) -> list[Any]:
        out: list[Any] = []
        for chunk in _chunks(run_ids, IN_CHUNK):
            flt = "attributes.run_id IN (" + ", ".join(_quote(r) for r in chunk) + ")"
            out.extend(self._search_runs(experiment_ids, flt))
        return out

    # -- Domino project filtering ---------------------------------------------------
    def _project_filter(
        self, experiments: list[Any], runs: list[Any], models: list[Any], versions: dict[str, list[Any]]
    ) -> tuple[list[Any], list[Any], list[Any], dict[str, list[Any]]]:
        """Keep only entities tagged with the current Domino project (when inside Domino)."""
        if not self.project:
            return experiments, runs, models, versions
        exp_ok = {e.experiment_id for e in experiments if self._in_project(e.tags)}
        runs = [r for r in runs if r.info.experiment_id in exp_ok or self._in_project(r.data.tags)]
        kept_runs = {r.info.run_id for r in runs}
        kept_models = []
        for m in models:
            mvs = versions.get(m.name, [])
            if self._in_project(m.tags) or any(
                self._in_project(mv.tags) or mv.run_id in kept_runs for mv in mvs
            ):
                kept_models.append(m)
        versions = {m.name: versions.get(m.name, []) for m in kept_models}
        with_runs = {r.info.experiment_id for r in runs}
        experiments = [e for e in experiments if e.experiment_id in with_runs]
        if not runs and not kept_models:
            self.warnings.append(
                f"Nothing in the MLflow store is tagged with the Domino project '{self.project}' "
                f"(tags {', '.join(DOMINO_PROJECT_TAGS)}); "
                "use --disable-project-filtering to scan all projects."
            )
        return experiments, runs, kept_models, versions

    def _in_project(self, tags: dict[str, str] | None) -> bool:
        wanted = (self.project or "").lower()
        return any(str((tags or {}).get(key, "")).lower() == wanted for key in DOMINO_PROJECT_TAGS)

    # -- per-run extras (bounded) ------------------------------------------------------
    def _focus_runs(self, runs: list[Any], linked: set[str]) -> list[str]:
        """Runs worth per-run calls: those behind model versions, else the most recent few."""
        focus = [r.info.run_id for r in runs if r.info.run_id in linked]
        if not focus:
            recent = sorted(runs, key=lambda r: r.info.start_time or 0, reverse=True)
            focus = [r.info.run_id for r in recent[:EXTRA_FOCUS_RUNS]]
        self._run_index = {r.info.run_id: r for r in runs}
        return focus

    def _histories(self, focus: list[str]) -> dict[str, dict[str, list[tuple[int, float]]]]:
        out: dict[str, dict[str, list[tuple[int, float]]]] = {}
        budget = MAX_HISTORY_CALLS
        for run_id in focus:
            run = self._run_index[run_id]
            for metric in sorted(run.data._metric_objs, key=lambda m: m.key):
                if metric.step <= 0:
                    continue  # a single value logged at step 0: nothing to plot
                if budget == 0:
                    self.warnings.append(f"Metric histories were capped at {MAX_HISTORY_CALLS} series.")
                    return out
                budget -= 1
                points = self.client.get_metric_history(run_id, metric.key)
                series = sorted((int(p.step), float(p.value)) for p in points)
                if len(series) > 1:
                    out.setdefault(run_id, {})[metric.key] = series
        return out

    def _artifacts(self, run_id: str) -> list[tuple[str, int | None]]:
        """(path, size) of the run's artifact files, breadth-first to `ARTIFACT_DEPTH` folders."""
        files: list[tuple[str, int | None]] = []
        pending: list[tuple[str | None, int]] = [(None, 0)]
        while pending and len(files) < MAX_ARTIFACTS_PER_RUN:
            folder, depth = pending.pop(0)
            try:
                entries = self.client.list_artifacts(run_id, folder)
            except Exception as exc:  # an unreachable artifact store should not sink the scan
                self._tolerate(exc)
                self.warnings.append(f"Artifacts of run {run_id} could not be listed: {str(exc)[:200]}")
                return files
            for entry in entries:
                if entry.is_dir:
                    if depth + 1 <= ARTIFACT_DEPTH:
                        pending.append((entry.path, depth + 1))
                else:
                    files.append((entry.path, entry.file_size))
        return files[:MAX_ARTIFACTS_PER_RUN]

    def _importances(self, artifacts: dict[str, list[tuple[str, int | None]]]) -> dict[str, dict[str, Any]]:
        """Small JSON artifacts named like feature importances, downloaded and parsed."""
        out: dict[str, dict[str, Any]] = {}
        for run_id, files in artifacts.items():
            for path, size in files:
                if not path.rsplit("/", 1)[-1].startswith("feature_importance") or not path.endswith(".json"):
                    continue
                if size is not None and size > JSON_ARTIFACT_MAX:
                    continue
                data = self._download_json(run_id, path)
                if isinstance(data, dict):
                    out.setdefault(run_id, {})[path] = data
        return out

    def _download_json(self, run_id: str, path: str) -> Any:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                local = Path(self.client.download_artifacts(run_id, path, tmp))
                return json.loads(local.read_text(encoding="utf-8"))
        except Exception as exc:
            self._tolerate(exc)
            self.warnings.append(f"Artifact {path} of run {run_id} could not be read: {str(exc)[:200]}")
            return None

    def _logged_models(self, experiment_ids: set[str]) -> list[LoggedModelInfo]:
        out: list[LoggedModelInfo] = []
        for chunk in _chunks(sorted(experiment_ids), IN_CHUNK):
            try:
                found = list(
                    paged(
                        self.client.search_logged_models, experiment_ids=chunk, max_results=LOGGED_MODEL_PAGE
                    )
                )
            except Exception as exc:  # an MLflow 2 server has no logged models API
                self._tolerate(exc)
                self.warnings.append(f"MLflow 3 logged models could not be listed: {str(exc)[:200]}")
                return out
            for lm in found:
                tags, red = secrets.redact_mapping(
                    dict(lm.tags or {}), f"MLflow logged model {lm.model_id} tags"
                )
                self.redactions.extend(red)
                out.append(
                    LoggedModelInfo(
                        model_id=lm.model_id,
                        name=lm.name,
                        experiment_id=str(lm.experiment_id),
                        run_id=lm.source_run_id,
                        status=str(getattr(lm.status, "value", lm.status)),
                        model_type=lm.model_type,
                        created_at=iso(lm.creation_timestamp),
                        tags=tags,
                    )
                )
        return out
