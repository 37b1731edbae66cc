"""The app in a real headless Chromium (Debian's package) driven by Playwright.

Edits a hint, generates with the offline writer on the demo project, approves a section,
rebuilds, downloads the Word document and reads it back with python-docx. Screenshots of
every step land in a tmp dir (or $AUTODOC_SCREENSHOTS).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = Path(__file__).resolve().parent.parent / "app.py"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM = shutil.which("chromium")
HINT = "Two sentences for executives, no jargon."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1 from an empty working directory."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if "API_KEY" not in k and "LLM_PROVIDER" not in k}
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((tmp_path / "server.log").read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def settle(page) -> None:
    """Wait until the script run finished (the running indicator is gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(200)


def fill(page, label: str, value: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(value)
    box.press("Enter")
    settle(page)


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium)"
)
def test_edit_generate_approve_download(
    app_url: str, tmp_path: Path, demo_project: Path, demo_store_uri: str
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    import docx
    import yaml

    shots = Path(os.environ.get("AUTODOC_SCREENSHOTS") or tmp_path / "screens")
    shots.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "out"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(app_url)
        page.get_by_role("button", name="Generate documentation").wait_for(timeout=30_000)
        settle(page)
        page.screenshot(path=shots / "1-start.png")

        # edit the first section's hint in the sections table (a canvas grid: use the keyboard)
        grid = page.locator('[data-testid="stSidebar"] [data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 80, box["y"] + 52)  # row 1, Section column
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")  # opens the cell's overlay editor
        editor = page.locator("textarea.gdg-input")
        editor.wait_for(timeout=10_000)
        editor.fill(HINT)
        editor.press("Enter")
        settle(page)
        page.screenshot(path=shots / "2-hint-edited.png")
        with page.expect_download() as spec_dl:
            page.get_by_role("button", name="Download spec YAML").click()
        spec = yaml.safe_load(Path(spec_dl.value.path()).read_text())
        assert HINT in spec["hints"].values()

        fill(page, "Code root", str(demo_project))
        fill(page, "Output directory", str(out))
        fill(page, "MLflow tracking URI", demo_store_uri)
        page.get_by_role("button", name="Generate documentation").click()
        page.get_by_text("Generate documentation finished").wait_for(timeout=180_000)
        # the poller saw the job end and asked for a full run: wait for its downloads
        page.get_by_role("button", name="⬇ Word document").wait_for(timeout=30_000)
        settle(page)
        page.screenshot(path=shots / "3-generated.png")
        page.get_by_text("Scanning").first.wait_for()  # the four phases are shown
        assert page.get_by_role("button", name="⬇ Word document").is_visible()

        approve = page.get_by_role("button", name="Approve", exact=True).first
        approve.scroll_into_view_if_needed()
        approve.click()
        page.get_by_text("approved").first.wait_for(timeout=30_000)
        settle(page)
        assert page.get_by_role("button", name="Approve", exact=True).first.is_disabled()
        page.screenshot(path=shots / "4-approved.png")

        page.get_by_role("button", name="4 · Build").click()
        page.get_by_text("Build finished").wait_for(timeout=60_000)
        settle(page)
        with page.expect_download() as word_dl:
            page.get_by_role("button", name="⬇ Word document").click()
        saved = tmp_path / "downloaded.docx"
        word_dl.value.save_as(saved)
        page.screenshot(path=shots / "5-downloaded.png", full_page=True)
        browser.close()

    document = docx.Document(str(saved))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Executive Summary" in text and "Model Performance" in text
    assert len(document.tables) > 0
