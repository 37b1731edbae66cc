"""Click-to-settled times of the app in a real headless Chromium, on a 25-section reviewed document.

    python benchmarks/app_clicks.py [--sections 25] [--rounds 5]

Builds a sample document into a temporary output folder (Word document and cache), starts
`streamlit run app.py` with OUTPUT_DIR pointing there (the app opens the saved document),
then times Approve, a view switch and a page switch from the click until the result is on
the page and the run indicator is gone. Prints the medians and the machine's load.
Needs Debian's chromium and the playwright package (see tests/test_browser.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 0.8
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
]


def prepare(folder: Path, sections: int) -> None:
    sys.path.insert(0, str(ROOT))
    from autodoc import pipeline
    from autodoc.settings import Settings
    from tests.support.sample import sample_document

    doc = sample_document(sections)
    for sec in doc.sections:
        sec.status = "written"
    pipeline.build(doc, Settings(output_dir=str(folder)))


def serve(folder: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "OUTPUT_DIR": str(folder),
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true"]
    cmd += [
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the app did not start")


def settle(page) -> None:
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=120_000)


def timed(page, click, done) -> float:
    started = time.perf_counter()
    click()
    done()
    settle(page)
    return time.perf_counter() - started


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"Approve": [], "Rebuilt": [], "View switch": [], "Page open": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(url)
        page.get_by_role("button", name="Approve", exact=True).first.wait_for()
        settle(page)
        fresh = page.get_by_text("up to date").first
        for i in range(rounds):
            button = page.get_by_role("button", name="Approve", exact=True).nth(i)
            button.scroll_into_view_if_needed()
            started = time.perf_counter()
            times["Approve"].append(timed(page, button.click, lambda b=button: _until(b.is_disabled)))
            fresh.wait_for()  # the Word document rebuilt in the background, its row redrawn
            settle(page)
            times["Rebuilt"].append(time.perf_counter() - started)
        radio = page.locator('[data-testid="stRadio"] label')
        for _ in range(rounds):
            for view, marker in (("Build", "up to date"), ("Write review", "Sources of this")):
                label = radio.filter(has_text=view)
                times["View switch"].append(
                    timed(page, label.click, lambda m=marker: page.get_by_text(m).first.wait_for())
                )
        nav = page.locator('[data-testid="stSidebarNavLink"]')
        for _ in range(max(1, rounds // 2)):
            help_open = page.get_by_text("What the app does")
            times["Page open"].append(timed(page, nav.filter(has_text="Help").click, help_open.wait_for))
            title = page.locator('input[aria-label="Title"]')
            times["Page open"].append(
                timed(page, nav.filter(has_text="Write documentation").click, title.wait_for)
            )
        browser.close()
    return times


def _until(check, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not change")
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="autodoc-clicks-"))
    prepare(folder, args.sections)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = serve(folder, port)
    try:
        load = os.getloadavg()[0]
        times = measure(f"http://127.0.0.1:{port}", args.rounds)
    finally:
        proc.terminate()
        proc.wait(10)
    cores = os.cpu_count()
    print(f"click-to-settled, {args.sections}-section document (load average {load:.1f} on {cores} cores)")
    for name, values in times.items():
        median = statistics.median(values)
        verdict = "" if name in ("Page open", "Rebuilt") else (" met" if median <= GOAL_S else " NOT met")
        print(f"  {name:<12} median {median:5.2f} s  min {min(values):5.2f}  max {max(values):5.2f}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
