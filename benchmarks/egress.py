"""Egress benchmark: requests the fake LLM server received vs. requests the run report counts.

For each fault mix (none, 20% HTTP 500, 30% HTTP 429, a server that always answers 500,
a mix with hangs) one CLI run documents the example project (no MLflow) through the fake
server; prints what the server logged, what the report counts, by outcome, and the cost of
the ledger's fsync per request.

    /work/main/.venv/bin/python benchmarks/egress.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autodoc.cli import main  # noqa: E402
from autodoc.llm.egress import CallInfo  # noqa: E402
from autodoc.pipeline.ledger import Ledger  # noqa: E402
from tests.support.fake_llm import FakeLLM, Fault  # noqa: E402

PROJECT = ROOT / "examples" / "breast_cancer_risk"


def mixes(rng: random.Random) -> dict[str, list[Fault]]:
    def chance(p: float):
        return lambda body: rng.random() < p

    return {
        "no faults": [],
        "20% HTTP 500": [Fault("500", count=10**6, match=chance(0.2))],
        "30% HTTP 429": [Fault("429", count=10**6, match=chance(0.3), retry_after=0.01)],
        "always HTTP 500": [Fault("500", count=10**6)],
        "500s, 429s and 3 hangs": [
            Fault("500", count=10**6, match=chance(0.2)),
            Fault("429", count=10**6, match=chance(0.3), retry_after=0.01),
            Fault("hang", count=3, seconds=1.5),
        ],
    }


def run(name: str, faults: list[Fault], folder: Path) -> None:
    out = folder / name.replace(" ", "_").replace("%", "pct").replace(",", "")
    with FakeLLM() as fake:
        fake.script(*faults)
        argv = ["-s", str(ROOT / "doc_spec.yaml"), "-c", str(PROJECT), "-o", str(out), "-p", "openai"]
        argv += ["-m", "fake-model", "--base-url", fake.openai_url, "--timeout", "0.5"]
        argv += ["--max-retries", "3", "--initial-backoff", "0.01", "--max-backoff", "0.05"]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(argv)
        egress = json.loads((out / "run_report.json").read_text())["egress"]
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(egress["by_outcome"].items()))
        saw, counted = len(fake.requests), egress["calls"]
        print(f"{name:<24} exit {code}  server saw {saw:>3}  report counts {counted:>3}  ({outcomes})")


def fsync_cost(folder: Path, n: int = 200) -> None:
    ledger = Ledger(folder / "bench.jsonl", "doc", "openai", "m")
    call = CallInfo("openai", "m", "write x.b1", 4000, [f"E{i}" for i in range(20)], ["train.py"])
    started = time.perf_counter()
    for _ in range(n):
        ledger.outcome(ledger.sent(call, 4000), "answered", 200, 900)
    per = (time.perf_counter() - started) / n * 1000
    print(f"ledger: {per:.2f} ms per request (one sent + one outcome line, each fsynced), {n} requests")


if __name__ == "__main__":
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench-not-a-real-key")
    tmp = Path(tempfile.mkdtemp(prefix="autodoc-egress-"))
    os.chdir(tmp)
    try:
        for label, faults in mixes(random.Random(13)).items():
            run(label, faults, tmp)
        fsync_cost(tmp)
    finally:
        os.chdir(ROOT)
        shutil.rmtree(tmp, ignore_errors=True)
