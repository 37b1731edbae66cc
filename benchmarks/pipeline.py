"""Pipeline benchmark: the example project, a 14-section spec (3 per_model), the fake LLM
server at 0.3 s latency, for 1, 4 and 8 workers.

Prints wall time, LLM calls, prompt characters and efficiency = (calls x latency / workers)
/ wall, where workers = planning_workers = generation_workers = N. Goals: efficiency >= 0.8
at 4 and 8 workers; <= 150,000 prompt characters for the whole document.

    /work/venv/bin/python benchmarks/pipeline.py [--latency 0.3] [--workers 1 4 8]

The MLflow store is seeded once by really training the demo (benchmarks/out/mlflow.db).
The fake server runs in its own process, as a real LLM endpoint would: sharing our
interpreter (and its GIL) would charge its work to the pipeline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from autodoc import pipeline  # noqa: E402
from autodoc.demo import DEMO_PROJECT, ensure_demo_store  # noqa: E402
from autodoc.settings import Settings  # noqa: E402
from autodoc.spec import SectionSpec, Spec  # noqa: E402

OUT = ROOT / "benchmarks" / "out"

SPEC = Spec(
    title="Breast cancer risk models: model documentation",
    authors="Benchmark",
    sections=[
        SectionSpec(name="Executive Summary"),
        SectionSpec(name="Purpose and Intended Use"),
        SectionSpec(name="Data Sources"),
        SectionSpec(name="Feature Engineering"),
        SectionSpec(name="Methodology", per_model=True),
        SectionSpec(name="Training Pipeline"),
        SectionSpec(name="Hyperparameters", per_model=True),
        SectionSpec(
            name="Model Performance",
            per_model=True,
            hint="compare versions; show metric histories when they exist",
        ),
        SectionSpec(name="Validation", hint="do not describe validation that was not implemented"),
        SectionSpec(name="Limitations and Assumptions"),
        SectionSpec(name="Deployment"),
        SectionSpec(name="Monitoring"),
        SectionSpec(name="Governance and Change Log"),
        SectionSpec(name="Appendix: Code Reference"),
    ],
)


SERVER = textwrap.dedent("""
    import sys, threading
    from tests.support.fake_llm import FakeLLM
    from tests.test_pipeline import realistic_responder
    fake = FakeLLM(latency=float(sys.argv[1]))
    fake.responder = realistic_responder
    print(fake.openai_url, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    fake.close()
""")


@contextmanager
def fake_server(latency: float) -> Iterator[str]:
    """The fake LLM server in a child process; yields its OpenAI base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(latency)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield child.stdout.readline().strip()  # type: ignore[union-attr]
    finally:
        child.stdin.close()  # type: ignore[union-attr]
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def run_once(evidence: object, url: str, workers: int, latency: float) -> dict[str, float]:
    out = OUT / f"w{workers}"
    shutil.rmtree(out, ignore_errors=True)  # no resume: every run starts cold
    settings = Settings(
        provider="openai",
        model="fake-model",
        base_url=url,
        openai_api_key="sk-bench",
        planning_workers=workers,
        generation_workers=workers,
        output_dir=str(out),
        timeout=30.0,
        initial_backoff=0.05,
        max_backoff=0.2,
    )
    started = time.monotonic()
    state = pipeline.plan_and_write(SPEC, evidence, settings)
    wall = time.monotonic() - started
    calls = state.usage.calls
    sections = sum(1 for s in state.sections if not s.is_container)
    failed = len(state.failed())
    return {
        "workers": workers,
        "wall": wall,
        "calls": calls,
        "prompt_chars": state.usage.prompt_chars,
        "efficiency": (calls * latency / workers) / wall,
        # the same with each call's measured duration (latency + SDK/HTTP overhead on this
        # machine) instead of the nominal latency: how well the scheduler keeps slots busy
        "busy": (state.usage.seconds / workers) / wall,
        "mean_call": state.usage.seconds / max(calls, 1),
        "sections": sections,
        "blocks": len(state.blocks()),
        "failed": failed,
        "flagged": len(state.flagged()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    uri = ensure_demo_store(f"sqlite:///{OUT / 'mlflow.db'}")
    settings = Settings(code_root=str(DEMO_PROJECT), mlflow_uri=uri, output_dir=str(OUT / "scan"))
    started = time.monotonic()
    evidence = pipeline.scan(settings)
    print(
        f"scan: {time.monotonic() - started:.2f} s, {len(evidence.items)} evidence items, "
        f"models: {', '.join(evidence.model_names())}"
    )
    with fake_server(args.latency) as url:
        print(
            f"{'workers':>7} {'wall s':>7} {'calls':>6} {'prompt chars':>12} {'efficiency':>10} "
            f"{'busy':>5} {'call s':>6} {'sections':>8} {'blocks':>6} {'failed':>6} {'flagged':>7}"
        )
        for workers in args.workers:
            row = run_once(evidence, url, workers, args.latency)
            print(
                f"{row['workers']:>7} {row['wall']:>7.2f} {row['calls']:>6} {row['prompt_chars']:>12,} "
                f"{row['efficiency']:>10.2f} {row['busy']:>5.2f} {row['mean_call']:>6.3f} "
                f"{row['sections']:>8} {row['blocks']:>6} "
                f"{row['failed']:>6} {row['flagged']:>7}"
            )
    time_from_cache(evidence, uri)
    return 0


def time_from_cache(evidence: object, uri: str) -> None:
    """A 25-section document written offline, then rebuilt from its cache alone."""
    sections = [*SPEC.sections, *(SectionSpec(name=f"Annex {n}: Code Reference") for n in range(1, 9))]
    spec = SPEC.model_copy(update={"sections": sections})
    out = OUT / "from_cache"
    shutil.rmtree(out, ignore_errors=True)
    settings = Settings(code_root=str(DEMO_PROJECT), mlflow_uri=uri, output_dir=str(out))
    started = time.monotonic()
    state = pipeline.plan_and_write(spec, evidence, settings)
    written = time.monotonic() - started
    pipeline.build(state, settings, evidence=evidence)
    count = sum(1 for s in state.sections if not s.is_container)
    for docx in (False, True):
        started = time.monotonic()
        pipeline.from_cache(settings, docx=docx)
        what = "notebook + docx" if docx else "notebook"
        print(
            f"from_cache ({what}) for {count} sections: {time.monotonic() - started:.2f} s "
            f"(offline plan+write took {written:.2f} s)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
