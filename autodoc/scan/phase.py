"""The scan phase: code and MLflow, read concurrently, into one `EvidenceStore`."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autodoc import __version__
from autodoc.errors import ScanError
from autodoc.evidence import EvidenceStore
from autodoc.progress import Progress
from autodoc.settings import Settings

PHASE = "scanning"


def run_scan(settings: Settings, progress: Progress | None = None) -> EvidenceStore:
    """Scan the code root and the MLflow server at the same time; raise `ScanError` if either is unusable."""
    check_code_root(settings.code_root)
    if progress:
        progress.start_phase(PHASE, total=2)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="autodoc-scan") as pool:
        code_future = pool.submit(_timed, timings, "scan_code", _scan_code, settings, progress)
        mlflow_future = pool.submit(_timed, timings, "scan_mlflow", _scan_mlflow, settings, progress)
        code = code_future.result()
        mlflow = mlflow_future.result()
    set_aside = None
    if mlflow is not None and mlflow.snapshot is not None:
        mlflow, set_aside = _unless_unrelated(mlflow, code, settings)
    timings["scan_total"] = round(time.perf_counter() - t0, 3)
    store = EvidenceStore(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        generator_version=__version__,
        code=code.report,
        mlflow=getattr(mlflow, "snapshot", None),
        mlflow_note=getattr(mlflow, "note", None)
        if mlflow is not None
        else "MLflow was not scanned (no scanner)",
        items=[*code.items, *getattr(mlflow, "items", [])],
        redactions=[*code.redactions, *getattr(mlflow, "redactions", [])],
        timings=timings,
        mlflow_set_aside=set_aside,
    )
    if progress:
        progress.event(PHASE, _summary(store))
        progress.finish_phase(PHASE)
    return store


def check_code_root(root: str) -> None:
    """Raise `ScanError` unless `root` is a folder."""
    if not os.path.exists(root):
        raise ScanError(
            f"code root {root} does not exist", hint="set --code-root or CODE_ROOT to the model's code"
        )
    if not os.path.isdir(root):
        raise ScanError(
            f"code root {root} is not a folder", hint="pass the folder that holds the code, not a file"
        )


def _timed(timings: dict[str, float], name: str, fn: Any, *args: Any) -> Any:
    t0 = time.perf_counter()
    try:
        return fn(*args)
    finally:
        timings[name] = round(time.perf_counter() - t0, 3)


def _scan_code(settings: Settings, progress: Progress | None) -> Any:
    from autodoc.scan.code.tree import scan_code

    if progress:
        progress.set_current(PHASE, f"reading code in {settings.code_root}")
    exclude = list(settings.exclude)
    out = os.path.abspath(settings.output_dir)
    root = os.path.abspath(settings.code_root)
    if out.startswith(root + os.sep):  # never scan our own output folder
        exclude.append(os.path.relpath(out, root).replace(os.sep, "/"))
    scan = scan_code(settings.code_root, exclude=exclude)
    if progress:
        rep = scan.report
        progress.advance(PHASE, "code")
        progress.event(
            PHASE,
            f"code: {len(rep.files)} files read, {len(rep.skipped)} skipped, "
            f"{len(scan.items)} facts, entry points: {', '.join(rep.entry_points) or 'none'}",
        )
        for skipped in rep.skipped:
            progress.event(PHASE, f"skipped {skipped.path}: {skipped.reason}", level="detail")
    return scan


def _scan_mlflow(settings: Settings, progress: Progress | None) -> Any:
    try:
        from autodoc.scan.mlflow.snapshot import scan_mlflow
    except ImportError:
        return None
    if progress:
        progress.set_current(PHASE, "reading MLflow")
    result = scan_mlflow(settings)
    if progress:
        progress.advance(PHASE, "mlflow")
        if getattr(result, "note", None):
            progress.event(PHASE, f"MLflow: {result.note}")
    return result


def _unless_unrelated(mlflow: Any, code: Any, settings: Settings) -> tuple[Any, str | None]:
    """Warn of a store nothing in the code points at. A store autodoc found by itself in the
    working directory is then set aside (its models are another project's; its URI is returned
    second) unless project filtering is off; a store the user named is kept, with the warning."""
    from autodoc.scan.mlflow.relation import relates, unrelated_reason
    from autodoc.scan.mlflow.snapshot import MlflowScan, scan_mlflow

    snapshot = mlflow.snapshot
    uri = snapshot.tracking_uri
    store_file = Path(uri.removeprefix("sqlite:///")).resolve() if uri.startswith("sqlite:///") else None
    if snapshot.origin or (store_file and store_file.is_relative_to(Path(settings.code_root).resolve())):
        return mlflow, None  # a store kept with the code is the code's
    if relates(snapshot, code.report, code.items):
        return mlflow, None
    reason = unrelated_reason(snapshot, code.report)
    if mlflow.found_in_cwd and settings.project_filtering:
        warning = f"The MLflow store found in the working directory ({uri}) was not used: {reason}."
        instead = scan_mlflow(settings, use_cwd=False)  # the store committed in the code root, if any
        if instead.snapshot is None:
            alone = (
                " The document is written from code alone; pass --mlflow-uri (or --disable-project-filtering)"
            )
            alone += " to use that store anyway."
            return MlflowScan(snapshot=None, note=warning + alone), uri
        instead.snapshot.warnings.insert(0, warning)
        instead.note = " ".join(n for n in (warning, instead.note) if n)
        return instead, uri
    warning = f"The MLflow store {uri} may belong to another project: {reason}."
    snapshot.warnings.append(warning)
    mlflow.note = " ".join(n for n in (mlflow.note, warning) if n)
    return mlflow, None


def _summary(store: EvidenceStore) -> str:
    n_red = sum(r.count for r in store.redactions)
    runs = sum(len(e.runs) for e in store.mlflow.experiments) if store.mlflow else 0
    models = len(store.mlflow.registered_models) if store.mlflow else 0
    return (
        f"scan done: {len(store.items)} facts, {models} registered models, {runs} runs, "
        f"{n_red} secrets redacted"
    )
