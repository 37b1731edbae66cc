"""`autodoc check` benchmark: the demo project, offline, warm scan cache (the issue's goal: < 2 s).

Generates the demo document once (benchmarks/out/check/), then times `autodoc check` as a
user runs it (a fresh interpreter each time, so imports count): the first run fills the
scan's content-hash cache, the next ones find it warm. Also times a check after a config
change (the code is rescanned, the SQLite store is not read again).

    /work/main/.venv/bin/python benchmarks/check.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from autodoc import pipeline  # noqa: E402
from autodoc.demo import DEMO_PROJECT, ensure_demo_store  # noqa: E402
from autodoc.settings import Settings  # noqa: E402
from autodoc.spec import load_spec  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "check"


def timed_check(cache: Path, code: Path, uri: str) -> tuple[float, int]:
    argv = [sys.executable, str(ROOT / "main.py"), "check", "--cache", str(cache), "-c", str(code)]
    started = time.perf_counter()
    done = subprocess.run([*argv, "--mlflow-uri", uri], capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    shutil.rmtree(OUT, ignore_errors=True)
    code = OUT / "code"
    shutil.copytree(DEMO_PROJECT, code)
    uri = ensure_demo_store(f"sqlite:///{ROOT / 'benchmarks' / 'out' / 'mlflow.db'}")
    settings = Settings(code_root=str(code), mlflow_uri=uri, output_dir=str(OUT / "doc"))
    pipeline.generate(load_spec(ROOT / "doc_spec.yaml"), settings)
    cache = OUT / "doc" / ".autodoc_cache.json"
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    first, code_rc = timed_check(cache, code, uri)
    print(f"{'check, cold scan cache':<40} {first:6.2f} s (exit {code_rc})")
    warm = [timed_check(cache, code, uri)[0] for _ in range(runs)]
    print(f"{'check, warm (median of ' + str(runs) + ')':<40} {statistics.median(warm):6.2f} s")
    config = code / "config.yaml"
    config.write_text(config.read_text().replace("n_estimators: 120", "n_estimators: 200"))
    changed, rc = timed_check(cache, code, uri)
    print(f"{'check after a config change':<40} {changed:6.2f} s (exit {rc})")


if __name__ == "__main__":
    main()
