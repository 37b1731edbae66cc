"""The typed snapshot of what one MLflow scan found: models, versions, experiments, runs."""

from __future__ import annotations

import math
from typing import Any

from autodoc.evidence import (
    ExperimentInfo,
    MlflowSnapshot,
    ModelVersionInfo,
    Redaction,
    RegisteredModelInfo,
    RunInfo,
)
from autodoc.scan import secrets
from autodoc.scan.mlflow.client import display_uri, is_http
from autodoc.scan.mlflow.items import LoggedModelInfo, iso, short_run_ids

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".svg", ".gif")


class SnapshotBuilder:
    """Turns the entities a scan collected into `MlflowSnapshot` models, redacting as it goes."""

    uri: str
    warnings: list[str]
    redactions: list[Redaction]
    experiment_patterns: list[str]
    model_patterns: list[str]

    # -- snapshot ------------------------------------------------------------------
    def _snapshot(
        self,
        experiments: list[Any],
        runs_by_id: dict[str, Any],
        models: list[Any],
        versions: dict[str, list[Any]],
        histories: dict[str, dict[str, list[tuple[int, float]]]],
        artifacts: dict[str, list[tuple[str, int | None]]],
        logged: list[LoggedModelInfo],
    ) -> MlflowSnapshot:
        ui = display_uri(self.uri) if is_http(self.uri) else None
        snap = MlflowSnapshot(tracking_uri=display_uri(self.uri), ui_base_url=ui)
        short = short_run_ids(runs_by_id)
        model_ids_by_run: dict[str, list[str]] = {}
        for lm in logged:
            if lm.run_id:
                model_ids_by_run.setdefault(lm.run_id, []).append(lm.model_id)
        for m in models:
            snap.registered_models.append(self._model_info(m, versions.get(m.name, [])))
        exp_by_id = {e.experiment_id: e for e in experiments}
        grouped: dict[str, list[RunInfo]] = {}
        for run_id, run in runs_by_id.items():
            info = self._run_info(run, short[run_id], histories, artifacts, model_ids_by_run)
            grouped.setdefault(info.experiment_id, []).append(info)
        for exp_id in sorted(grouped, key=lambda x: (len(x), x)):
            exp = exp_by_id.get(exp_id)
            tags, red = secrets.redact_mapping(
                dict(exp.tags or {}) if exp else {}, f"MLflow experiment {exp_id} tags"
            )
            self.redactions.extend(red)
            snap.experiments.append(
                ExperimentInfo(
                    experiment_id=exp_id,
                    name=exp.name if exp else exp_id,
                    tags=tags,
                    runs=grouped[exp_id],
                    evidence_id=f"x:{exp_id}",
                )
            )
        return snap

    def _model_info(self, model: Any, mvs: list[Any]) -> RegisteredModelInfo:
        place = f"MLflow model {model.name}"
        tags, red = secrets.redact_mapping(dict(model.tags or {}), f"{place} tags")
        description, red2 = secrets.redact(model.description or "", f"{place} description")
        self.redactions.extend(red + red2)
        aliases = {str(a): str(v) for a, v in (model.aliases or {}).items()}
        by_version: dict[str, list[str]] = {}
        for alias, version in aliases.items():
            by_version.setdefault(version, []).append(alias)
        info = RegisteredModelInfo(
            name=model.name,
            description=description or None,
            tags=tags,
            aliases=dict(sorted(aliases.items())),
            evidence_id=f"m:{model.name}",
        )
        for mv in mvs:
            info.versions.append(self._version_info(mv, sorted(by_version.get(str(mv.version), []))))
        return info

    def _version_info(self, mv: Any, aliases: list[str]) -> ModelVersionInfo:
        place = f"MLflow model {mv.name} v{mv.version}"
        tags, red = secrets.redact_mapping(dict(mv.tags or {}), f"{place} tags")
        description, red2 = secrets.redact(mv.description or "", f"{place} description")
        source, red3 = secrets.redact(mv.source or "", f"{place} source")
        self.redactions.extend(red + red2 + red3)
        model_id = getattr(mv, "model_id", None)
        if not model_id and (mv.source or "").startswith("models:/m-"):
            model_id = mv.source.removeprefix("models:/").split("/", 1)[0]
        return ModelVersionInfo(
            version=str(mv.version),
            run_id=mv.run_id or None,
            source=source or None,
            status=str(mv.status) if mv.status else None,
            description=description or None,
            tags=tags,
            aliases=aliases,
            created_at=iso(mv.creation_timestamp),
            model_id=model_id,
            evidence_id=f"mv:{mv.name}:{mv.version}",
        )

    def _run_info(
        self,
        run: Any,
        short_id: str,
        histories: dict[str, dict[str, list[tuple[int, float]]]],
        artifacts: dict[str, list[tuple[str, int | None]]],
        model_ids_by_run: dict[str, list[str]],
    ) -> RunInfo:
        run_id = run.info.run_id
        place = f"MLflow run {short_id}"
        params, red = secrets.redact_mapping(dict(run.data.params or {}), f"{place} param")
        tags, red2 = secrets.redact_mapping(dict(run.data.tags or {}), f"{place} tag")
        self.redactions.extend(red + red2)
        files = [path for path, _ in artifacts.get(run_id, [])]
        outputs = getattr(getattr(run, "outputs", None), "model_outputs", None) or []
        model_ids = sorted({*model_ids_by_run.get(run_id, []), *(o.model_id for o in outputs)})
        return RunInfo(
            run_id=run_id,
            run_name=run.info.run_name or tags.get("mlflow.runName"),
            experiment_id=str(run.info.experiment_id),
            status=str(run.info.status),
            start_time=iso(run.info.start_time),
            end_time=iso(run.info.end_time),
            params=params,
            metrics={k: float(v) for k, v in (run.data.metrics or {}).items() if math.isfinite(v)},
            tags=tags,
            metric_history=histories.get(run_id, {}),
            artifacts=files,
            image_artifacts=[p for p in files if p.lower().endswith(IMAGE_EXTENSIONS)],
            logged_model_ids=model_ids,
            evidence_id=f"r:{short_id}",
        )

    def _warn_if_empty(self, snap: MlflowSnapshot) -> None:
        """Nothing matching the filters is a warning the user sees, not a silent success."""
        if self.model_patterns and not snap.registered_models:
            self.warnings.append(
                f"No registered model in {snap.tracking_uri} matches {', '.join(self.model_patterns)}."
            )
        if not snap.registered_models and not any(e.runs for e in snap.experiments) and not self.warnings:
            filters = self.model_patterns + self.experiment_patterns
            what = f" matching {', '.join(filters)}" if filters else ""
            self.warnings.append(
                f"The MLflow store {snap.tracking_uri} has no registered models or runs{what}."
            )
