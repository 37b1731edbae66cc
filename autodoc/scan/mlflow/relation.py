"""Does an MLflow store belong to the code being documented?

A store relates to the code when at least one of its runs, experiments or registered models
points at the code:
- a run's source (``mlflow.source.name``, a Databricks notebook path) is a file of the code
  root: its path lies inside the root, or its last two parts are the last two parts of a file
  of the root, the root's own folder name included (``.../breast_cancer_risk/train.py``);
- a run's git repository (``mlflow.source.git.repoURL``) is named like the project;
- an experiment or registered model is named like the project (the code root's folder name,
  case, ``-``, ``_`` and spaces ignored) or by a string the code holds (``set_experiment``,
  ``registered_model_name``, a config value);
- a run logs at least two of the keys the code logs (``log_metric``, ``log_params``, ``self.log``).
MLflow's ``Default`` experiment and names as bare as ``model`` say nothing either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from autodoc.evidence import CodeReport, EvidenceItem, MlflowSnapshot

SOURCE_TAGS = ("mlflow.source.name", "mlflow.databricks.notebookPath")
REPO_TAG = "mlflow.source.git.repoURL"
BARE_NAMES = {"default", "model", "models", "experiment", "test", "main"}
SHARED_KEYS = 2  # logged keys a run must share with the code
_LOGGING_CALLS = {"log_metric", "log_param", "log_metrics", "log_params"}


def relates(snapshot: MlflowSnapshot, code: CodeReport, items: Iterable[EvidenceItem]) -> bool:
    """True when some run, experiment or registered model of the store points at the code."""
    code_items = [i for i in items if i.source.kind == "code"]
    project = _norm(PurePosixPath(code.root.replace("\\", "/")).name)
    named = _named_in_code(code_items)
    names = [e.name for e in snapshot.experiments] + [m.name for m in snapshot.registered_models]
    if any(_norm(n) not in BARE_NAMES and (_norm(n) == project or n.casefold() in named) for n in names):
        return True
    tails = _file_tails(code)
    logged = _logged_keys(code_items)
    for run in (r for e in snapshot.experiments for r in e.runs):
        if any(_is_code_file(run.tags.get(t, ""), code.root, tails) for t in SOURCE_TAGS):
            return True
        if project and _repo_name(run.tags.get(REPO_TAG, "")) == project:
            return True
        if len(logged & {*run.params, *run.metrics}) >= SHARED_KEYS:
            return True
    return False


def unrelated_reason(snapshot: MlflowSnapshot, code: CodeReport) -> str:
    """Why a store is not the code's, and what it holds instead (experiment and model names)."""
    experiments = [e.name for e in snapshot.experiments if _norm(e.name) != "default"]
    models = [m.name for m in snapshot.registered_models]
    held = [f"experiments {', '.join(experiments[:5])}"] if experiments else []
    held += [f"registered models {', '.join(models[:5])}"] if models else []
    return (
        f"nothing in it relates to the code in {code.root} (no run's source file, logged keys or "
        "repository, and no experiment or model name, points at it"
        + (f"; it holds {' and '.join(held)}" if held else "")
        + ")"
    )


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name).casefold()


def _named_in_code(items: list[EvidenceItem]) -> set[str]:
    """Strings the code holds as values (a config's experiment name, registered_model_name=...)."""
    out: set[str] = set()
    for item in items:
        values = [item.value, item.attrs.get("registered_model_name"), *(item.attrs.get("args") or [])]
        out.update(v.casefold() for v in values if isinstance(v, str) and len(v) > 2)
    return out


def _logged_keys(items: list[EvidenceItem]) -> set[str]:
    """Metric and param keys the code logs by name."""
    out: set[str] = set()
    for item in items:
        if item.kind == "logged_metric" and isinstance(item.value, str):
            out.add(item.value)
        elif item.kind == "mlflow_call" and item.attrs.get("function") in _LOGGING_CALLS:
            keys = [*(item.attrs.get("keys") or []), *(item.attrs.get("args") or [])[:1]]
            out.update(k for k in keys if isinstance(k, str))
    return out


def _file_tails(code: CodeReport) -> set[tuple[str, ...]]:
    """The last two path parts of every file of the code root, the root's folder name counted."""
    root = PurePosixPath(code.root.replace("\\", "/")).name
    return {tuple(PurePosixPath(root, f.path).parts[-2:]) for f in code.files}


def _is_code_file(source: str, root: str, tails: set[tuple[str, ...]]) -> bool:
    if not source:
        return False
    path = PurePosixPath(source.replace("\\", "/"))  # a bare "train.py" matches no two-part tail
    base = PurePosixPath(root.replace("\\", "/"))
    if path.is_absolute() and base.is_absolute() and path.is_relative_to(base):
        return True
    return tuple(path.parts[-2:]) in tails


def _repo_name(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return _norm(tail.removesuffix(".git")) if tail else ""
