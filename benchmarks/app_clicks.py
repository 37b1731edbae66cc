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


def cpu_seconds(server_pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the app server (with its build worker) and by the browser (every
    process Playwright started)."""
    import psutil

    def used(proc: psutil.Process) -> float:
        try:
            t = proc.cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0

    app = psutil.Process(server_pid)
    server = used(app) + sum(used(p) for p in app.children(recursive=True))  # its build worker too
    ours = {server_pid} | {p.pid for p in app.children(recursive=True)}
    browser = sum(used(p) for p in psutil.Process().children(recursive=True) if p.pid not in ours)
    return server, browser


def settle(page) -> None:
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=120_000)


def timed(page, click, done) -> float:
    started = time.perf_counter()
    click()
    done()
    settle(page)
    return time.perf_counter() - started


def measure(url: str, rounds: int, server_pid: int) -> tuple[dict[str, list[float]], dict[str, tuple]]:
    """Click-to-settled times per kind of click, and the CPU seconds (server, browser) per phase."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {
        "Approve": [],
        "Rebuilt": [],
        "View switch": [],
        "to Build": [],
        "to Write": [],
        "Page open": [],
    }
    cpu: dict[str, tuple] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(url)
        page.get_by_role("button", name="Approve", exact=True).first.wait_for()
        settle(page)
        fresh = page.get_by_text("up to date").first
        phase = _Phase(server_pid, cpu)
        for _ in range(rounds):
            button = page.get_by_role("button", name="Approve", exact=True, disabled=False).first
            button.scroll_into_view_if_needed()
            started = time.perf_counter()
            times["Approve"].append(timed(page, button.click, approved(page, button)))
            fresh.wait_for()  # the Word document rebuilt in the background, its row redrawn
            settle(page)
            times["Rebuilt"].append(time.perf_counter() - started)
        phase.end("Approve + rebuild")
        radio = page.locator('[data-testid="stRadio"] label')
        for _ in range(rounds):
            for view, marker in (("Build", "up to date"), ("Write review", "Sources of this")):
                label = radio.filter(has_text=view)
                took = timed(page, label.click, lambda m=marker: page.get_by_text(m).first.wait_for())
                times["View switch"].append(took)
                times["to " + view.split()[0]].append(took)
        phase.end("View switches")
        nav = page.locator('[data-testid="stSidebarNavLink"]')
        for _ in range(max(1, rounds // 2)):
            help_open = page.get_by_text("What the app does")
            times["Page open"].append(timed(page, nav.filter(has_text="Help").click, help_open.wait_for))
            title = page.locator('input[aria-label="Title"]')
            times["Page open"].append(
                timed(page, nav.filter(has_text="Write documentation").click, title.wait_for)
            )
        phase.end("Page opens")
        browser.close()
    return times, cpu


class _Phase:
    """CPU seconds of the server and the browser since the previous phase ended, with the wall time."""

    def __init__(self, server_pid: int, into: dict[str, tuple]) -> None:
        self.pid, self.into = server_pid, into
        self.cpu, self.wall = cpu_seconds(server_pid), time.perf_counter()

    def end(self, name: str) -> None:
        cpu, wall = cpu_seconds(self.pid), time.perf_counter()
        self.into[name] = (wall - self.wall, cpu[0] - self.cpu[0], cpu[1] - self.cpu[1])
        self.cpu, self.wall = cpu, wall


KEY_OF_BUTTON = r"""b => b.closest('[class*="st-key-ap_"]').className.match(/st-key-(\S+)/)[1]"""


def approved(page, button):
    """Done once the approved section shows it: its Approve folded away (or disabled) and the next
    section left to review shows its Approve."""
    key = button.evaluate(KEY_OF_BUTTON)
    clicked = page.locator(f".st-key-{key} button").first

    def done() -> None:
        deadline = time.monotonic() + 120
        while clicked.is_visible() and clicked.is_enabled():
            if time.monotonic() > deadline:
                raise TimeoutError("the approved section did not change")
            time.sleep(0.02)
        page.get_by_role("button", name="Approve", exact=True, disabled=False).first.wait_for()

    return done


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
        times, cpu = measure(f"http://127.0.0.1:{port}", args.rounds, proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    cores = os.cpu_count()
    print(f"click-to-settled, {args.sections}-section document (load average {load:.1f} on {cores} cores)")
    for name, values in times.items():
        median = statistics.median(values)
        verdict = "" if name in ("Page open", "Rebuilt") else (" met" if median <= GOAL_S else " NOT met")
        print(f"  {name:<12} median {median:5.2f} s  min {min(values):5.2f}  max {max(values):5.2f}{verdict}")
    print("CPU seconds per phase (the machine is shared: wall time beside server and browser CPU)")
    for name, (wall, server, browser) in cpu.items():
        print(f"  {name:<18} wall {wall:5.1f} s  server CPU {server:5.1f} s  browser CPU {browser:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
