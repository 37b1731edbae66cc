"""The embedded demo: a small tabular ML project and a local MLflow store seeded by really training it.

`python -m autodoc.demo [URI]` seeds the store (if it lacks the demo models) and prints its URI.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import runpy
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autodoc.errors import ScanError

DEMO_PROJECT: Path = Path(__file__).resolve().parent.parent / "examples" / "breast_cancer_risk"
DEMO_MODELS = ("breast_cancer_logreg", "breast_cancer_gbm")
DEMO_EXPERIMENT = "breast-cancer-risk"

# Each entry is one real `train.py` invocation. The first creates the database and version 1
# of both models; the failed (an L1 penalty the solver rejects) and killed (time budget) runs
# record what did not work. Steps in one group run concurrently (2 cores).
_SEED_STEPS: list[list[list[str]]] = [
    [["--model", "all", "--run-label", "baseline"]],
    [
        [
            "--model",
            "all",
            "--run-label",
            "tuned",
            "--C",
            "0.3",
            "--learning-rate",
            "0.05",
            "--n-estimators",
            "160",
        ],
        ["--model", "logreg", "--run-label", "lasso-try", "--l1-ratio", "1", "--solver", "lbfgs"],
    ],
    [
        ["--model", "gbm", "--run-label", "shallow", "--max-depth", "2", "--n-estimators", "200"],
        [
            "--model",
            "gbm",
            "--run-label",
            "deep-400",
            "--n-estimators",
            "400",
            "--max-depth",
            "5",
            "--max-train-seconds",
            "0",
            "--no-register",
        ],
    ],
]


def default_uri() -> str:
    """`sqlite:///<cwd>/mlflow.db`, MLflow's own default when no URI is configured."""
    return f"sqlite:///{Path.cwd() / 'mlflow.db'}"


def ensure_demo_store(tracking_uri: str | None = None) -> str:
    """Seed `tracking_uri` by really training the demo project unless it already has the demo models."""
    uri = tracking_uri or default_uri()
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    with _seed_lock(uri):
        if not _has_demo_models(uri):
            _seed(uri)
    return uri


def _sqlite_path(uri: str) -> Path | None:
    return Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:///") else None


@contextlib.contextmanager
def _seed_lock(uri: str) -> Iterator[None]:
    """Serialise seeding of one sqlite store across processes (the app and a CLI may race)."""
    db = _sqlite_path(uri)
    if db is None:
        yield
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".seed-lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _has_demo_models(uri: str) -> bool:
    db = _sqlite_path(uri)
    if db is not None and not db.exists():
        return False
    from mlflow import MlflowClient

    client = MlflowClient(uri)
    found = {m.name for m in client.search_registered_models(max_results=1000)}
    return set(DEMO_MODELS) <= found


def _seed(uri: str) -> None:
    """Run the demo's train.py with several settings, then promote.py (in-process)."""
    db = _sqlite_path(uri)
    workdir = db.parent if db else Path.cwd()  # artifacts land in <workdir>/mlruns beside the db
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": uri,
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    started = time.monotonic()
    for group in _SEED_STEPS:
        with ThreadPoolExecutor(max_workers=len(group)) as pool:
            results = list(pool.map(lambda args: _train(args, uri, workdir, env), group))
        for args, proc in zip(group, results, strict=True):
            expected_failure = "--l1-ratio" in args
            if proc.returncode != 0 and not expected_failure:
                tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
                raise ScanError(
                    f"Seeding the demo MLflow store {uri} failed running train.py {' '.join(args)}:\n{tail}"
                )
    promote = runpy.run_path(str(DEMO_PROJECT / "promote.py"))
    from mlflow import MlflowClient

    client = MlflowClient(uri)
    families = {"breast_cancer_logreg": "logreg", "breast_cancer_gbm": "gbm"}
    for name, family in families.items():
        promote["promote"](client, name, family)
    print(f"seeded {uri} in {time.monotonic() - started:.1f}s", file=sys.stderr)


def _train(args: list[str], uri: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, str(DEMO_PROJECT / "train.py"), "--tracking-uri", uri, *args]
    return subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(ensure_demo_store(args[0] if args else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
