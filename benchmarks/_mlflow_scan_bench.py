"""MLflow scan benchmark: a store with 1000 runs (5 metrics, 5 params) and 20 registered models.

Goal: the number of client calls grows with pages, not runs. The store is built once and cached
in benchmarks/out/mlflow_bench/ (about 30-60 s). Run: python benchmarks/_mlflow_scan_bench.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

OUT = Path(__file__).resolve().parent / "out" / "mlflow_bench"
N_RUNS = 1000
N_MODELS = 20
VERSIONS_PER_MODEL = 2
HISTORY_STEPS = 10


def build_store(folder: Path = OUT) -> str:
    """Create (once) the benchmark store; returns its URI."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    uri = f"sqlite:///{folder / 'mlflow.db'}"
    done = folder / "built.ok"
    if done.exists():
        return uri
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mlflow.db").unlink(missing_ok=True)
    client = MlflowClient(uri)
    exp_id = client.create_experiment("bench", (folder / "mlruns").as_uri())
    run_ids = []
    for i in range(N_RUNS):
        rid = client.create_run(exp_id, run_name=f"trial-{i:04d}").info.run_id
        metrics = [Metric(f"metric_{k}", (i * 7 + k) % 100 / 100, 0, 0) for k in range(5)]
        params = [Param(f"param_{k}", str((i + k) % 13)) for k in range(5)]
        client.log_batch(rid, metrics=metrics, params=params)
        client.set_terminated(rid, "FAILED" if i % 50 == 0 else "FINISHED")
        run_ids.append(rid)
    for m in range(N_MODELS):
        name = f"bench_model_{m:02d}"
        client.create_registered_model(name, description=f"benchmark model {m}")
        for v in range(VERSIONS_PER_MODEL):
            rid = run_ids[(m * VERSIONS_PER_MODEL + v) * 7]
            # a per-step training loss on the runs behind versions, so history calls are exercised
            client.log_batch(
                rid, metrics=[Metric("loss", 1 / (s + 1), 0, s) for s in range(1, HISTORY_STEPS + 1)]
            )
            client.create_model_version(name, f"runs:/{rid}/model", run_id=rid)
        client.set_registered_model_alias(name, "champion", str(VERSIONS_PER_MODEL))
    done.touch()
    return uri


def run() -> dict:
    """Build (once) and scan the store; returns the figures."""
    from autodoc.scan.mlflow.snapshot import scan_mlflow
    from autodoc.settings import Settings

    started = time.monotonic()
    uri = build_store()
    build_s = time.monotonic() - started
    results = {}
    for label in ("cold", "warm"):  # cold includes importing MLflow and opening the database
        t0 = time.perf_counter()
        scan = scan_mlflow(Settings(mlflow_uri=uri))
        results[label] = time.perf_counter() - t0
    snap = scan.snapshot
    from autodoc.scan.mlflow import snapshot as tracking

    default_page = tracking.RUN_PAGE
    tracking.RUN_PAGE = 100  # ten pages of runs instead of one: calls should rise by nine
    try:
        small_pages = scan_mlflow(Settings(mlflow_uri=uri))
    finally:
        tracking.RUN_PAGE = default_page
    runs = sum(len(e.runs) for e in snap.experiments)
    versions = sum(len(m.versions) for m in snap.registered_models)
    figures = {
        "runs": runs,
        "registered_models": len(snap.registered_models),
        "model_versions": versions,
        "items": len(scan.items),
        "scan_s_cold": round(results["cold"], 2),
        "scan_s_warm": round(results["warm"], 2),
        "client_calls": snap.client_calls,
        "calls_by_method": scan.calls_by_method,
        "client_calls_with_run_pages_of_100": small_pages.snapshot.client_calls,
        "store_build_or_load_s": round(build_s, 1),
    }
    print(json.dumps(figures, indent=1))
    return figures


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run()
