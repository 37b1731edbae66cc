"""The app in a real headless Chromium (Debian's package) driven by Playwright.

One daily session on a 25-section document: load a spec, edit a hint, add a section,
generate with the offline writer on the demo project, approve, edit, switch view, visit
another page and come back (settings intact), download the Word document after the edit
(it holds the edit), then Stop a run. Prints click-to-settled times and saves screenshots
of every step in a tmp dir (or $AUTODOC_SCREENSHOTS).

The machine is shared and slow: every wait is for an element, with generous timeouts.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
EDIT = "Reviewed by hand in the browser: the model is documented from its code and runs."
NAMES = [
    "Executive Summary",
    "Data Overview",
    "Feature Engineering",
    "Model Architecture",
    "Training Pipeline",
    "Model Performance",
    "Validation",
    "Limitations",
    "Monitoring",
    "Deployment",
    "Risks",
    "Appendix",
]
WAIT = 90_000  # ms: generous, the machine is shared


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
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true"]
    cmd += [
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
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
    """Wait until no script run is going on (the running indicator is gone)."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=WAIT)


def timed(page, click: Callable[[], None], done: Callable[[], None]) -> float:
    """Seconds from a click until its result is on the page and the run has finished."""
    started = time.perf_counter()
    click()
    done()
    settle(page)
    return time.perf_counter() - started


def fill(page, label: str, value: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(value)
    box.press("Enter")
    page.wait_for_timeout(300)
    settle(page)


def visible(page, selector: str):
    return page.locator(f"{selector} >> visible=true")


def write_spec(path: Path, sections: int) -> None:
    names = [
        NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i // len(NAMES) + 1}") for i in range(sections)
    ]
    path.write_text(
        "title: Browser Test Model\nauthors: QA\nsections:\n" + "".join(f"  - {n}\n" for n in names)
    )


def cpu_seconds() -> str:
    """CPU seconds so far of the app server (with its build worker) and of the browser: the
    machine is shared, so wall times are read beside them."""
    import psutil

    server = browser = 0.0
    for proc in psutil.Process().children(recursive=True):
        try:
            used = sum(proc.cpu_times()[:2])
            is_app = "streamlit" in " ".join(proc.cmdline()) or "multiprocessing" in " ".join(proc.cmdline())
        except psutil.Error:
            continue
        if is_app:
            server += used
        else:
            browser += used
    return f"app server {server:.1f} s, browser {browser:.1f} s"


def report(times: dict[str, list[float]]) -> None:
    print("\nclick-to-settled in the browser (25-section document):")
    for name, values in times.items():
        if values:
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(f"  {name:<14} median {statistics.median(values):5.2f} s   ({shown})")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium)"
)
def test_daily_session_in_a_browser(
    app_url: str, tmp_path: Path, demo_project: Path, demo_store_uri: str, fake_llm
) -> None:
    _daily_session(app_url, tmp_path, demo_project, demo_store_uri, fake_llm)


def _daily_session(app_url: str, tmp_path: Path, demo_project: Path, demo_store_uri: str, llm) -> None:
    tmp_path.mkdir(parents=True, exist_ok=True)
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = Path(os.environ.get("AUTODOC_SCREENSHOTS") or tmp_path / "screens")
    shots.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "out"
    spec = tmp_path / "spec25.yaml"
    write_spec(spec, 24)
    times: dict[str, list[float]] = {"Approve": [], "Edit save": [], "View switch": [], "Page open": []}
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(WAIT)
        session = Session(page, times, shots, out, tmp_path, demo_project, demo_store_uri, llm)
        try:
            _open(session, app_url)
            _edit_spec(session, spec)
            for step in (_generate, _approve, _edit, _switch_views, _download, _switch_pages, _stop):
                step(session)
        finally:
            session.shot("last")
            used = cpu_seconds()
            browser.close()
            report(times)
            print(f"CPU seconds of the whole session: {used} (load average {os.getloadavg()[0]:.1f})")
            print(f"screenshots: {shots}")


@dataclass
class Session:
    """What every step of the browser session uses."""

    page: Any
    times: dict[str, list[float]]
    shots: Path
    out: Path
    tmp_path: Path
    demo_project: Path
    store: str
    llm: Any  # the fake LLM server (tests/support/fake_llm.py)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=self.shots / f"{name}.png")


def _open(s: Session, url: str) -> None:
    page = s.page
    page.goto(url)
    page.locator('input[aria-label="Title"]').wait_for()
    settle(page)
    s.shot("1-start")


def _edit_spec(s: Session, spec: Path) -> None:
    import yaml

    page = s.page
    # load a 24-section spec from a file, edit a hint, add a 25th section
    page.get_by_text("Start from…").click()
    fill(page, "Spec file", str(spec))
    page.get_by_role("button", name="Load spec file").click()
    page.get_by_text("24 · Appendix 2").wait_for()
    settle(page)
    page.get_by_text("1 · Executive Summary").click()
    hint = visible(page, 'textarea[aria-label="Hint"]').first
    hint.fill(HINT)
    hint.press("Control+Enter")
    page.wait_for_timeout(300)
    settle(page)
    page.get_by_role("button", name="Add section").click()
    page.get_by_text("25 · (new section)").wait_for()
    settle(page)
    name = visible(page, 'input[aria-label="Section name"]').last
    name.wait_for()
    name.fill("Glossary")
    name.press("Enter")
    page.get_by_text("25 · Glossary").wait_for()
    settle(page)
    s.shot("2-spec-edited")
    with page.expect_download() as spec_dl:
        page.get_by_role("button", name="Download spec YAML").click()
    saved_spec = yaml.safe_load(Path(spec_dl.value.path()).read_text())
    assert HINT in saved_spec["hints"].values() and "Glossary" in saved_spec["sections"]


def _generate(s: Session) -> None:
    page = s.page
    fill(page, "Code root", str(s.demo_project))
    fill(page, "Output directory", str(s.out))
    fill(page, "MLflow tracking URI", s.store)
    assert page.get_by_role("button", name="Generate documentation").is_enabled()
    page.get_by_role("button", name="Generate documentation").click()
    page.get_by_text("Generate documentation finished in").wait_for(timeout=300_000)
    page.get_by_role("button", name="⬇ Word document").wait_for()
    settle(page)
    s.shot("3-generated")


def _approve(s: Session) -> None:
    page = s.page
    # approve three sections, timing each click: each folds and opens the next one to review
    assert page.get_by_role("button", name="Approve", exact=True).count() == 1  # 25 sections: one open
    for _ in range(3):
        button = page.get_by_role("button", name="Approve", exact=True, disabled=False).first
        button.scroll_into_view_if_needed()
        s.times["Approve"].append(timed(page, button.click, approved(page, button)))
    assert page.get_by_text("approved", exact=True).count() >= 3  # the folded sections say so
    s.shot("4-approved")


def _edit(s: Session) -> None:
    page = s.page
    # edit the fourth section's first paragraph (the section open after three approvals)
    edit = page.get_by_role("button", name="Edit", exact=True).first
    edit.scroll_into_view_if_needed()
    edit.click()
    box = visible(page, "textarea[aria-label^='Text of']").first
    box.wait_for()
    assert "[[" not in box.input_value()  # references in a reader's form
    box.fill(EDIT)
    box.press("Control+Enter")
    page.wait_for_timeout(300)
    settle(page)
    save = page.get_by_role("button", name="Save edits")
    shown = page.locator('[data-testid="stMarkdownContainer"]', has_text=EDIT).first
    s.times["Edit save"].append(timed(page, save.click, shown.wait_for))
    shown.scroll_into_view_if_needed()
    s.shot("5-edited")


def _switch_views(s: Session) -> None:
    page = s.page
    # switch views
    for view, marker in (
        ("Plan review", "used to write their section"),
        ("Write review", "Sources of this"),
    ):
        label = page.locator('[data-testid="stRadio"] label').filter(has_text=view)
        label.scroll_into_view_if_needed()
        s.times["View switch"].append(
            timed(page, label.click, lambda m=marker: page.get_by_text(m, exact=False).first.wait_for())
        )
    s.shot("6-view-switched")


def _switch_pages(s: Session) -> None:
    from playwright.sync_api import expect  # present whenever this test runs (importorskip above)

    page = s.page
    # another page and back: the settings are intact
    page.get_by_text("up to date").first.wait_for()  # no background rebuild is about to redraw the page
    settle(page)
    nav = page.locator('[data-testid="stSidebarNavLink"]')
    s.times["Page open"].append(
        timed(
            page, nav.filter(has_text="Help").click, lambda: page.get_by_text("What the app does").wait_for()
        )
    )
    s.shot("7-help")
    s.times["Page open"].append(
        timed(
            page,
            nav.filter(has_text="Previous documents").click,
            lambda: page.get_by_role("button", name="Open for review").wait_for(),
        )
    )
    assert page.get_by_role("textbox", name="Output directory").input_value() == str(s.out)
    s.times["Page open"].append(
        timed(
            page,
            nav.filter(has_text="Write documentation").click,
            lambda: page.locator('input[aria-label="Title"]').wait_for(),
        )
    )
    # what the user sees once the page has drawn (the sidebar may draw after the Title)
    expect(page.get_by_role("textbox", name="Code root")).to_have_value(str(s.demo_project))
    expect(page.get_by_role("textbox", name="Output directory")).to_have_value(str(s.out))
    expect(page.get_by_role("textbox", name="Title")).to_have_value("Browser Test Model")
    assert page.get_by_text("25 · Glossary").count() == 1
    assert page.locator('[data-testid="stRadio"] input:checked').count() == 1
    s.shot("8-back")


def _download(s: Session) -> None:
    import docx

    page = s.page
    # the Word document after the edit holds the edit (rebuilt in the background)
    page.get_by_text("up to date").first.wait_for(timeout=120_000)
    settle(page)
    with page.expect_download() as word_dl:
        page.get_by_role("button", name="⬇ Word document").click()
    saved = s.tmp_path / "downloaded.docx"
    word_dl.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert EDIT in text and "Glossary" in text


def _stop(s: Session) -> None:
    page = s.page
    # Stop a new run (into a new folder: the same folder would resume and finish at once). The
    # offline writer finishes the demo in about 2 s, before a click could stop it: this run
    # writes through a fake LLM server that answers each call in a second.
    s.llm.latency = 1.0
    provider = page.get_by_role("combobox", name="Provider")
    provider.click()
    provider.press_sequentially("openai")
    provider.press("Enter")
    page.locator('input[aria-label="API key"]').wait_for()
    key = page.locator('input[aria-label="API key"]')  # a password box has no textbox role
    key.fill("sk-browser-test-not-a-real-key")
    key.press("Enter")
    settle(page)
    fill(page, "Base URL", s.llm.openai_url)
    fill(page, "Output directory", str(s.tmp_path / "out2"))
    page.get_by_role("button", name="Generate documentation").click()
    stop = page.get_by_role("button", name="Stop")
    stop.wait_for()
    stop.click()
    page.get_by_text("stopped after").first.wait_for(timeout=120_000)
    settle(page)
    said = page.get_by_text("stopped after").first.inner_text()
    assert "hint:" not in said  # the app's words, not the command line's
    if (s.tmp_path / "out2" / ".autodoc_cache.json").is_file():
        assert "Finished work is kept" in said and "Press Generate documentation again to resume" in said
    page.wait_for_timeout(3000)  # time enough for a (wrong) background build of the stopped run
    assert not (s.tmp_path / "out2" / "model_documentation.docx").exists()
    s.shot("9-stopped")


KEY_OF_BUTTON = r"""b => b.closest('[class*="st-key-ap_"]').className.match(/st-key-(\S+)/)[1]"""


def approved(page, button) -> Callable[[], None]:
    """Done once the approved section has folded and the next one to review shows its Approve."""
    clicked = page.locator(f".st-key-{button.evaluate(KEY_OF_BUTTON)} button").first

    def done() -> None:
        deadline = time.monotonic() + WAIT / 1000
        while clicked.is_visible():
            if time.monotonic() > deadline:
                raise AssertionError("the approved section did not fold")
            time.sleep(0.02)
        page.get_by_role("button", name="Approve", exact=True, disabled=False).first.wait_for()

    return done
