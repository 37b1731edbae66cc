"""Pipeline benchmark: the example project, the bench spec (14 sections, 3 per_model), the
fake LLM server at 0.3 s latency answering as a cooperative or a careless model
(tests.support.careless), for 1, 4 and 8 workers.

Two tables. The whole run: the `autodoc` command in a fresh process (start-up, imports,
scan, plan and write, build, exit), as a user runs it. Plan and write: the same phase in
this process on an evidence store scanned once. Each prints wall time, LLM calls, prompt
and cached characters, the time calls were in flight, the fixed overhead (wall minus
in-flight time; goal <= 1.0 s) and the LLM-bound time against its limit,
1.15 x calls x latency / workers; the whole run also prints when the first call left and
how long the process ran after the last answer; each worker count runs `--repeat` times
(wall times swing with the machine's load: the run with the least overhead is marked
best). Also the scheduler's overlap of planning and writing (moved here from a timed
test): a 6-section graph with 0.3 s plans on 2 slots and 0.1 s writes on 3 must take under
1.35 s (a barrier would need 1.5 s).

    /work/main/.venv/bin/python benchmarks/pipeline.py [--latency 0.3] [--workers 1 4 8]
        [--stand-in careless|cooperative] [--plan auto|offline|llm] [--repeat 2]

The MLflow store is seeded once by really training the demo (benchmarks/out/mlflow.db), and
the package's bytecode compiled once, as an installed copy has it (`compile_bytecode`).
The fake server runs in its own process, as a real LLM endpoint would: sharing our
interpreter (and its GIL) would charge its work to the pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from autodoc import pipeline  # noqa: E402
from autodoc.demo import DEMO_PROJECT, ensure_demo_store  # noqa: E402
from autodoc.settings import Settings  # noqa: E402
from autodoc.spec import SectionSpec  # noqa: E402
from tests.support.careless import bench_spec  # noqa: E402

OUT = ROOT / "benchmarks" / "out"

SPEC = bench_spec()
LIMIT = 1.15  # LLM-bound time within 1.15 x calls x latency / workers
OVERHEAD_GOAL = 1.0


SERVER = textwrap.dedent("""
    import sys, threading
    from tests.support.fake_llm import FakeLLM
    from tests.support.careless import CarelessModel
    from tests.test_pipeline import realistic_responder
    fake = FakeLLM(latency=float(sys.argv[1]))
    fake.responder = CarelessModel(seed=1) if sys.argv[2] == "careless" else realistic_responder
    print(fake.openai_url, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    fake.close()
""")


@contextmanager
def fake_server(latency: float, stand_in: str) -> Iterator[str]:
    """The fake LLM server in a child process; yields its OpenAI base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(latency), stand_in],
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


def run_once(evidence: object, url: str, workers: int, latency: float, plan: str) -> dict[str, float]:
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
        plan=plan,
    )
    started, cpu0 = time.monotonic(), time.process_time()
    state = pipeline.plan_and_write(SPEC, evidence, settings)
    wall = time.monotonic() - started
    cpu = time.process_time() - cpu0  # this process; the fake server runs in its own
    calls = state.usage.calls
    flight = state.phase_seconds.get("llm_in_flight", 0.0)
    ideal = calls * latency / workers
    return {
        "workers": workers,
        "wall": wall,
        "calls": calls,
        "prompt_chars": state.usage.prompt_chars,
        "cached_chars": state.usage.cached_tokens * 4,
        "in_flight": flight,
        "overhead": wall - flight,
        "bound": flight / ideal if ideal else 0.0,
        "call_s": state.usage.seconds / calls if calls else 0.0,  # latency as measured by us
        "sections": sum(1 for s in state.sections if not s.is_container),
        "prose": sum(
            1
            for s in state.sections
            if any(b.plan.type in ("narrative", "list") and b.usage.calls for b in s.blocks)
        ),
        "failed": len(state.failed()),
        "flagged": len(state.flagged()),
        "cpu": cpu,
    }


def run_process(uri: str, url: str, workers: int, latency: float, plan: str) -> dict[str, float]:
    """The `autodoc` command in a fresh process, timed from its start to its exit."""
    out = OUT / f"cli{workers}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    spec = out.parent / "bench_spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC.to_data(), sort_keys=False))
    command = [sys.executable, str(ROOT / "main.py"), "-s", str(spec), "-o", str(out)]
    command += ["-c", str(DEMO_PROJECT), "--mlflow-uri", uri, "-p", "openai", "-m", "fake-model"]
    command += ["--base-url", url, "-w", str(workers), "--planning-workers", str(workers)]
    command += ["--plan", plan, "--initial-backoff", "0.05", "--max-backoff", "0.2"]
    env = {**os.environ, "OPENAI_API_KEY": "sk-bench", "PYTHONPATH": str(ROOT)}
    started_at, started, cpu0 = time.time(), time.monotonic(), _children_cpu()
    done = subprocess.run(command, env=env, cwd=out, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    cpu = _children_cpu() - cpu0
    if done.returncode not in (0, 1):  # 1: written, with flagged figures (the careless model plants them)
        raise SystemExit(f"autodoc exited {done.returncode}:\n{done.stderr[-2000:]}")
    report = json.loads((out / "run_report.json").read_text())
    totals, flight = report["totals"], report["phase_seconds"].get("llm_in_flight", 0.0)
    sent, answered = _call_times(out / ".autodoc_egress.jsonl", started_at)
    ideal = totals["calls"] * latency / workers
    return {
        "workers": workers,
        "wall": wall,
        "calls": totals["calls"],
        "prompt_chars": totals["prompt_chars"],
        "cached_chars": totals["cached_tokens"] * 4,
        "in_flight": flight,
        "overhead": wall - flight,
        "bound": flight / ideal if ideal else 0.0,
        "first_call": min(sent, default=0.0),
        "after_last": wall - max(answered, default=0.0),
        "cpu": cpu,
    }


def compile_bytecode() -> None:
    """The package's bytecode, as `pip install` writes it: with PYTHONDONTWRITEBYTECODE set
    (as in this sandbox) every `autodoc` process would compile its ~120 modules from source
    again, 0.04-0.05 s of each run that a user's installed copy never pays."""
    import compileall

    compileall.compile_dir(ROOT / "autodoc", quiet=1)


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far."""
    times = os.times()
    return times.children_user + times.children_system


def warm_up(url: str) -> None:
    """Load the provider's SDK before the in-process table (the whole run counts it)."""
    from autodoc.llm.registry import get_provider

    get_provider(Settings(provider="openai", model="fake-model", base_url=url, openai_api_key="sk-bench"))


def _call_times(ledger: Path, started_at: float) -> tuple[list[float], list[float]]:
    """When each request left and each answer came, in seconds since the process started."""
    sent: list[float] = []
    answered: list[float] = []
    for line in ledger.read_text().splitlines():
        record = json.loads(line)
        at = datetime.fromisoformat(record["at"]).timestamp() - started_at
        if record["t"] == "sent":
            sent.append(at)
        elif record["t"] == "outcome":
            answered.append(at)
    return sent, answered


def _verdict(value: float, limit: float, width: int = 4) -> str:
    return f"{value:>{width}.2f} {'ok' if value <= limit else 'SLOW':>4}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--stand-in", choices=["careless", "cooperative"], default="careless")
    parser.add_argument("--plan", choices=["auto", "offline", "llm"], default="auto")
    parser.add_argument("--repeat", type=int, default=2, help="whole runs per worker count (best marked)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    uri = ensure_demo_store(f"sqlite:///{OUT / 'mlflow.db'}")
    settings = Settings(code_root=str(DEMO_PROJECT), mlflow_uri=uri, output_dir=str(OUT / "scan"))
    started = time.monotonic()
    evidence = pipeline.scan(settings)
    print(
        f"scan: {time.monotonic() - started:.2f} s, {len(evidence.items)} evidence items, "
        f"models: {', '.join(evidence.model_names())}"
    )
    with fake_server(args.latency, args.stand_in) as url:
        print("whole run (`autodoc` in a fresh process):")
        print(
            f"{'workers':>7} {'wall s':>7} {'calls':>6} {'prompt chars':>12} {'cached chars':>12} "
            f"{'in flight':>9} {'overhead':>8} {'LLM-bound/ideal':>15} {'1st call':>8} {'after last':>10} "
            f"{'CPU s':>6}"
        )
        for workers in args.workers:
            rows = [run_process(uri, url, workers, args.latency, args.plan) for _ in range(args.repeat)]
            best = min(rows, key=lambda r: r["overhead"])
            for row in rows:
                print(
                    f"{row['workers']:>7} {row['wall']:>7.2f} {row['calls']:>6} {row['prompt_chars']:>12,} "
                    f"{row['cached_chars']:>12,} {row['in_flight']:>9.2f} "
                    f"{_verdict(row['overhead'], OVERHEAD_GOAL)} {_verdict(row['bound'], LIMIT, 10)} "
                    f"{row['first_call']:>8.2f} {row['after_last']:>10.2f} {row['cpu']:>6.2f}"
                    + (" best" if row is best and len(rows) > 1 else "")
                )
        warm_up(url)
        print("plan and write (in this process, evidence scanned once, SDK loaded):")
        print(
            f"{'workers':>7} {'wall s':>7} {'calls':>6} {'prompt chars':>12} {'cached chars':>12} "
            f"{'in flight':>9} {'overhead':>8} {'LLM-bound/ideal':>15} {'call s':>6} {'prose':>6} "
            f"{'failed':>6} {'flagged':>7} {'CPU s':>6}"
        )
        for workers in args.workers:
            row = run_once(evidence, url, workers, args.latency, args.plan)
            print(
                f"{row['workers']:>7} {row['wall']:>7.2f} {row['calls']:>6} {row['prompt_chars']:>12,} "
                f"{row['cached_chars']:>12,} {row['in_flight']:>9.2f} {row['overhead']:>8.2f} "
                f"{_verdict(row['bound'], LIMIT, 10)} {row['call_s']:>6.2f} "
                f"{row['prose']:>3}/{row['sections']:<2} {row['failed']:>6} {row['flagged']:>7} "
                f"{row['cpu']:>6.2f}"
            )
        print(f"goals: overhead <= {OVERHEAD_GOAL} s; LLM-bound/ideal <= {LIMIT} at 4 and 8 workers")
        print("(CPU s: the autodoc process's CPU time; wall times swing with the machine's load, CPU less)")
        print(f"(call s: the mean call as we measured it; above {args.latency} s the machine, not the")
        print(" scheduler, made the calls slower: compare LLM-bound/ideal with call s / latency)")
    scheduler_overlap()
    time_from_cache(evidence, uri)
    return 0


def scheduler_overlap() -> None:
    """Writing starts as soon as a section's plan is there (was `wall < 1.35` in a test)."""
    from autodoc.pipeline.schedule import Scheduler
    from autodoc.progress import Progress
    from tests.test_pipeline_schedule import Meter, _graph

    jobs = _graph(Meter(), sections=6, blocks=3, seconds=0.3, log=[], write_seconds=0.1)
    started = time.monotonic()
    Scheduler(2, 3, Progress()).run(jobs)
    wall = time.monotonic() - started
    verdict = "ok" if wall < 1.35 else "SLOW"
    print(
        f"scheduler overlap: {wall:.2f} s for 6 plans + 18 writes (limit 1.35 s, a barrier 1.5 s) {verdict}"
    )


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
