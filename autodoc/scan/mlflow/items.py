"""Flat, citable evidence items built from an MLflow snapshot (ids per autodoc.evidence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from autodoc.evidence import SHORT_RUN_ID, EvidenceItem, MlflowSnapshot, RunInfo, Source

# System tags worth citing (who, what code, which commit); other mlflow.* tags are plumbing.
CITED_SYSTEM_TAGS = {
    "mlflow.source.git.commit",
    "mlflow.source.git.branch",
    "mlflow.source.git.repoURL",
    "mlflow.source.name",
    "mlflow.source.type",
    "mlflow.user",
    "mlflow.note.content",
    "mlflow.parentRunId",
    "mlflow.project.entryPoint",
    "mlflow.databricks.notebookPath",
    "mlflow.autologging",
}
CODE_TAGS = {
    "mlflow.source.git.commit",
    "mlflow.source.git.branch",
    "mlflow.source.git.repoURL",
    "mlflow.source.name",
    "mlflow.source.type",
    "mlflow.project.entryPoint",
    "mlflow.databricks.notebookPath",
}
MAX_TEXT = 2000
MAX_IMPORTANCES = 50
_DATA_PARAM_WORDS = (
    "test_size",
    "split",
    "stratify",
    "random_state",
    "seed",
    "n_features",
    "feature",
    "target",
)


@dataclass
class LoggedModelInfo:
    """An MLflow 3 logged model (metadata only)."""

    model_id: str
    name: str | None
    experiment_id: str
    run_id: str | None
    status: str | None
    model_type: str | None
    created_at: str | None
    tags: dict[str, str] = field(default_factory=dict)


def iso(ms: int | None) -> str | None:
    """MLflow millisecond timestamp -> ISO 8601 UTC."""
    if not ms:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="seconds")


def short_run_ids(run_ids: Any) -> dict[str, str]:
    """First 8 hex of each run id, lengthened for runs that would collide."""
    ids = sorted(run_ids)
    out: dict[str, str] = {}
    length = SHORT_RUN_ID
    pending = ids
    while pending:
        prefixes: dict[str, list[str]] = {}
        for rid in pending:
            prefixes.setdefault(rid[:length], []).append(rid)
        pending = []
        for prefix, group in prefixes.items():
            if len(group) == 1 or length >= max(len(r) for r in group):
                for rid in group:
                    out[rid] = prefix if len(group) == 1 else rid
            else:
                pending.extend(group)
        length += 4
    return out


class _Builder:
    def __init__(self, snap: MlflowSnapshot) -> None:
        self.snap = snap
        self.ui = snap.ui_base_url
        self.items: list[EvidenceItem] = []
        self.versions_by_run: dict[str, list[tuple[str, str]]] = {}
        for model in snap.registered_models:
            for mv in model.versions:
                if mv.run_id:
                    self.versions_by_run.setdefault(mv.run_id, []).append((model.name, mv.version))

    def add(self, **kwargs: Any) -> None:
        self.items.append(EvidenceItem(**kwargs))

    # -- sources -----------------------------------------------------------------
    def model_source(self, name: str, version: str | None = None) -> Source:
        link = self.snap.tracking_uri
        if self.ui:
            link = f"{self.ui}/#/models/{quote(name, safe='')}" + (f"/versions/{version}" if version else "")
        return Source(kind="mlflow", uri=link, model_name=name, model_version=version)

    def run_source(self, run: RunInfo) -> Source:
        link = self.snap.tracking_uri
        if self.ui:
            link = f"{self.ui}/#/experiments/{run.experiment_id}/runs/{run.run_id}"
        linked = self.versions_by_run.get(run.run_id, [])
        name, version = linked[0] if len(linked) == 1 else (None, None)
        return Source(
            kind="mlflow",
            uri=link,
            run_id=run.run_id,
            experiment_id=run.experiment_id,
            model_name=name,
            model_version=version,
        )

    # -- registry ----------------------------------------------------------------
    def registry(self) -> None:
        for model in self.snap.registered_models:
            latest = model.versions[-1].version if model.versions else None
            self.add(
                id=model.evidence_id,
                kind="registered_model",
                label=f"registered model {model.name}",
                value=model.name,
                text=(model.description or None) and model.description[:MAX_TEXT],
                attrs={
                    "description": model.description,
                    "tags": model.tags,
                    "aliases": model.aliases,
                    "versions": [v.version for v in model.versions],
                    "latest_version": latest,
                },
                topics=["model", "deployment", "overview", "mlflow"],
                source=self.model_source(model.name),
            )
            for alias, version in model.aliases.items():
                self.add(
                    id=f"m:{model.name}@{alias}",
                    kind="alias",
                    label=f"alias {alias} of {model.name}",
                    value=version,
                    attrs={"model": model.name, "alias": alias, "version": version},
                    topics=["deployment", "mlflow"],
                    source=self.model_source(model.name, version),
                )
            for mv in model.versions:
                self.add(
                    id=mv.evidence_id,
                    kind="model_version",
                    label=f"{model.name} version {mv.version}",
                    value=mv.version,
                    text=mv.description,
                    attrs={
                        "model": model.name,
                        **fields_of(
                            mv, "run_id", "status", "source", "aliases", "tags", "created_at", "model_id"
                        ),
                    },
                    topics=["model", "deployment", "mlflow"],
                    source=self.model_source(model.name, mv.version),
                )

    # -- experiments and runs ----------------------------------------------------
    def experiments(self) -> None:
        for exp in self.snap.experiments:
            counts: dict[str, int] = {}
            for run in exp.runs:
                counts[run.status] = counts.get(run.status, 0) + 1
            link = f"{self.ui}/#/experiments/{exp.experiment_id}" if self.ui else self.snap.tracking_uri
            self.add(
                id=exp.evidence_id,
                kind="experiment",
                label=f"experiment {exp.name}",
                value=exp.name,
                text=exp.tags.get("mlflow.note.content"),
                attrs={
                    "experiment_id": exp.experiment_id,
                    "runs": len(exp.runs),
                    "status_counts": counts,
                    "tags": exp.tags,
                },
                topics=["training", "mlflow"],
                source=Source(kind="mlflow", uri=link, experiment_id=exp.experiment_id),
            )
            for run in exp.runs:
                self.run(run, exp.name)

    def run(self, run: RunInfo, experiment: str) -> None:
        rid = run.evidence_id
        short = rid.removeprefix("r:")
        name = run.run_name or short
        who = f"run {name} ({short})" if run.run_name else f"run {short}"
        src = self.run_source(run)
        versions = [f"{m} v{v}" for m, v in self.versions_by_run.get(run.run_id, [])]
        base = {"run_id": run.run_id, "run_name": run.run_name, "status": run.status}
        topics = ["training", "mlflow"] + (["validation"] if run.status in ("FAILED", "KILLED") else [])
        self.add(
            id=rid,
            kind="run",
            label=who,
            value=run.status,
            text=run.tags.get("stop_reason") or run.tags.get("mlflow.note.content"),
            attrs={
                **base,
                "experiment": experiment,
                "experiment_id": run.experiment_id,
                "start_time": run.start_time,
                "end_time": run.end_time,
                "model_versions": versions,
                "user": run.tags.get("mlflow.user"),
                "entry_point": run.tags.get("mlflow.source.name"),
                "git_commit": run.tags.get("mlflow.source.git.commit"),
                "n_params": len(run.params),
                "n_metrics": len(run.metrics),
                "logged_model_ids": run.logged_model_ids,
            },
            topics=topics,
            source=src,
        )
        keyed = _KeyedItems(self, rid, who, base, src)
        for key, value in sorted(run.metrics.items()):
            keyed.add("metric", "run_metric", key, f"{key} of {who}", value, metric_topics(key))
        for key, value in sorted(run.params.items()):
            keyed.add("param", "run_param", key, f"parameter {key} of {who}", value, param_topics(key))
        for key, value in sorted(run.tags.items()):
            if key.startswith("mlflow.") and key not in CITED_SYSTEM_TAGS:
                continue
            topics = ["code", "mlflow"] if key in CODE_TAGS else ["training", "mlflow"]
            keyed.add("tag", "run_tag", key, f"tag {key} of {who}", value[:MAX_TEXT], topics)
        self.histories(run, who, base, src)

    def histories(self, run: RunInfo, who: str, base: dict[str, Any], src: Source) -> None:
        """One item per metric logged over more than one step."""
        rid = run.evidence_id
        for key, series in sorted(run.metric_history.items()):
            values = [v for _, v in series]
            self.add(
                id=f"{rid}:hist:{key}",
                kind="metric_history",
                label=f"{key} history of {who}",
                value=[[step, v] for step, v in series],
                attrs={
                    **base,
                    "key": key,
                    "steps": len(series),
                    "first": values[0],
                    "last": values[-1],
                    "min": min(values),
                    "max": max(values),
                },
                topics=["training", "evaluation", "mlflow"],
                source=src,
            )

    def artifacts(self, importances: dict[str, dict[str, Any]]) -> None:
        for exp in self.snap.experiments:
            for run in exp.runs:
                short = run.evidence_id.removeprefix("r:")
                src = self.run_source(run)
                for path in run.artifacts:
                    image = path in run.image_artifacts
                    data = importances.get(run.run_id, {}).get(path)
                    value: Any = path
                    attrs: dict[str, Any] = {"run_id": run.run_id, "path": path, "image": image}
                    topics = ["evaluation", "mlflow"] if image else ["mlflow"]
                    if data is not None:
                        value = top_importances(data)
                        attrs["n_features"] = len(data)
                        topics = ["features", "evaluation", "mlflow"]
                    self.add(
                        id=f"{run.evidence_id}:art:{path}",
                        kind="artifact",
                        label=f"artifact {path} of run {run.run_name or short}",
                        value=value,
                        attrs=attrs,
                        topics=topics,
                        source=src,
                    )

    def logged_models(self, logged: list[LoggedModelInfo]) -> None:
        runs = {r.run_id: r for e in self.snap.experiments for r in e.runs}
        for lm in logged:
            run = runs.get(lm.run_id or "")
            src = (
                self.run_source(run)
                if run
                else Source(kind="mlflow", uri=self.snap.tracking_uri, experiment_id=lm.experiment_id)
            )
            self.add(
                id=f"lm:{lm.model_id}",
                kind="logged_model",
                label=f"logged model {lm.name or lm.model_id}",
                value=lm.model_id,
                attrs={
                    **fields_of(lm, "name", "run_id", "status", "model_type", "created_at", "experiment_id"),
                    "tags": {k: v for k, v in lm.tags.items() if k != "mlflow.modelVersions"},
                },
                topics=["model", "deployment", "mlflow"],
                source=src,
            )


@dataclass
class _KeyedItems:
    """Adds one run's metrics, params and tags: ids `<run>:<part>:<key>`, attrs with the key."""

    builder: _Builder
    rid: str
    who: str
    base: dict[str, Any]
    source: Source

    def add(self, part: str, kind: str, key: str, label: str, value: Any, topics: list[str]) -> None:
        self.builder.add(
            id=f"{self.rid}:{part}:{key}",
            kind=kind,
            label=label,
            value=value,
            attrs={**self.base, "key": key},
            topics=topics,
            source=self.source,
        )


def metric_topics(key: str) -> list[str]:
    low = key.lower()
    topics = ["evaluation", "mlflow"]
    if low.startswith(("cv_", "val")) or "valid" in low:
        topics.append("validation")
    if low.startswith("train") or "loss" in low:
        topics.append("training")
    return topics


def param_topics(key: str) -> list[str]:
    low = key.lower()
    topics = ["model", "training", "mlflow"]
    if any(word in low for word in _DATA_PARAM_WORDS):
        topics.append("data")
    return topics


def top_importances(data: dict[str, Any]) -> dict[str, Any]:
    """The largest numeric entries (all entries if not numeric), at most `MAX_IMPORTANCES`."""
    numeric = {k: v for k, v in data.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    if len(numeric) != len(data):
        return dict(list(data.items())[:MAX_IMPORTANCES])
    ranked = sorted(numeric.items(), key=lambda kv: -abs(kv[1]))
    return dict(ranked[:MAX_IMPORTANCES])


def build_items(
    snap: MlflowSnapshot, logged: list[LoggedModelInfo], importances: dict[str, dict[str, Any]]
) -> list[EvidenceItem]:
    """Every MLflow fact of the snapshot as one citable item."""
    builder = _Builder(snap)
    builder.registry()
    builder.experiments()
    builder.artifacts(importances)
    builder.logged_models(logged)
    return builder.items


def fields_of(record: object, *names: str) -> dict[str, Any]:
    """`names` of an MLflow record, in that order, as an item's attrs."""
    return {name: getattr(record, name) for name in names}
