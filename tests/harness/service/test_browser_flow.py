"""The whole team flow in a real browser against a real `dsim serve` grading in Docker:
invite → open → download → submit (the page for one candidate, `dsim submit --to` for another)
→ graded → assessor override and release → candidate feedback → hiring comparison.

Playwright (from PyPI) drives Debian's /usr/bin/chromium through ``executable_path``: no browser
download. Screenshots go to build/screenshots/serve-*.png for people to look at.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from harness.scenarios.scenario import resolve

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-test-password"
SCENARIO = "invoice-rounding"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dsim(home: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DSIM_HOME": str(home), "DSIM_PASSWORD": PASSWORD}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "harness", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        **kwargs,
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    home = tmp_path / "serve"
    home.mkdir()
    for name, role in (("assessor", "assessor"), ("hiring", "hiring")):
        dsim(home, "users", "add", name, "--role", role)
    port = _free_port()
    env = {**os.environ, "DSIM_HOME": str(home), "DSIM_PASSWORD": PASSWORD}
    log = (home / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "serve", "--port", str(port), "--admin", "root"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("dsim serve did not start: " + (home / "serve.log").read_text())
    yield url, home, process
    if process.poll() is None:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/setup.sh)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _page(browser: object, errors: list[str]) -> object:
    page = browser.new_context(accept_downloads=True).new_page()  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _sign_in(page: object, url: str, name: str) -> None:
    page.goto(f"{url}/login")  # type: ignore[attr-defined]
    page.fill("#name", name)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]


def _invite(page: object, url: str, name: str) -> str:
    page.goto(f"{url}/invites")  # type: ignore[attr-defined]
    page.fill("#candidate", name)  # type: ignore[attr-defined]
    page.check(f"#sc-{SCENARIO}")  # type: ignore[attr-defined]
    page.click("text=Create invite")  # type: ignore[attr-defined]
    link: str = page.inner_text("#invite-link")  # type: ignore[attr-defined]
    return link


def _download(page: object, into: Path) -> Path:
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.click("text=Download workspace")  # type: ignore[attr-defined]
    data = Path(info.value.path()).read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(into, filter="data")
    return into / SCENARIO


def _work(workspace: Path) -> str:
    """Do what the sample partial submission did; return the change as `git diff HEAD`."""
    sample = resolve(SCENARIO).path / "samples" / "partial"
    subprocess.run(["git", "-C", str(workspace), "apply", str(sample / "change.patch")], check=True)
    (workspace / "REVIEW.md").write_text((sample / "REVIEW.md").read_text())
    return subprocess.run(
        ["git", "-C", str(workspace), "diff", "HEAD"], capture_output=True, text=True, check=True
    ).stdout


def _containers_of(worker: str) -> int:
    """Containers carrying this worker's label (other tests may grade at the same time)."""
    client = docker.from_env()
    try:
        found = client.containers.list(all=True, filters={"label": f"dsim.worker={worker}"})
        return len(found)
    finally:
        client.close()


def test_invite_download_submit_grade_override_release_compare(
    served: tuple[str, Path, subprocess.Popen[bytes]], browser: object, tmp_path: Path
) -> None:
    url, home, server = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    assessor = _page(browser, errors)
    _sign_in(assessor, url, "assessor")
    links = {name: _invite(assessor, url, name) for name in ("ada", "bob")}
    assessor.screenshot(path=str(SHOTS / "serve-invites.png"), full_page=True)  # type: ignore[attr-defined]

    # ada: opens the link, downloads, works, pastes her change in the page
    ada = _page(browser, errors)
    ada.goto(links["ada"])  # type: ignore[attr-defined]
    ada.click(f"a[href='/me/{SCENARIO}']")  # type: ignore[attr-defined]
    workspace = _download(ada, tmp_path / "ada")
    diff = _work(workspace)
    ada.fill("#diff", diff)  # type: ignore[attr-defined]
    ada.fill("#review", (workspace / "REVIEW.md").read_text())  # type: ignore[attr-defined]
    ada.click("text=Check before submitting")  # type: ignore[attr-defined]
    ada.screenshot(path=str(SHOTS / "serve-candidate-check.png"), full_page=True)  # type: ignore[attr-defined]
    assert "finding" in ada.inner_text("main")  # type: ignore[attr-defined]
    ada.click("button:has-text('Submit')")  # type: ignore[attr-defined]
    ada.wait_for_selector("text=Your submissions")  # type: ignore[attr-defined]

    # bob: downloads in the browser, submits from his workspace with `dsim submit --to`
    bob = _page(browser, errors)
    bob.goto(links["bob"])  # type: ignore[attr-defined]
    bob.click(f"a[href='/me/{SCENARIO}']")  # type: ignore[attr-defined]
    bob_ws = _download(bob, tmp_path / "bob")
    sent = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "--home",
            str(tmp_path / "bob-home"),
            "submit",
            "--to",
            url,
            "--yes",
            str(bob_ws),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "Submitted:" in sent.stdout and "REVIEW.md" in sent.stdout

    # the queue shows both, and htmx updates them to graded without a reload
    assessor.goto(f"{url}/queue")  # type: ignore[attr-defined]
    # (a locator, not wait_for_function: the page's CSP forbids evaluated strings)
    graded = assessor.locator("#rows .state.graded")  # type: ignore[attr-defined]
    graded.nth(1).wait_for(timeout=180_000)
    assessor.screenshot(path=str(SHOTS / "serve-queue.png"), full_page=True)  # type: ignore[attr-defined]
    assessor.click("#rows tr:has-text('ada') a")  # type: ignore[attr-defined]
    item = assessor.locator("select[name=item] option").first  # type: ignore[attr-defined]
    item_id = item.get_attribute("value")
    assessor.select_option("select[name=item]", item_id)  # type: ignore[attr-defined]
    assessor.select_option("select[name=verdict]", "fixed")  # type: ignore[attr-defined]
    assessor.fill("input[name=reason]", "Fixed by hand in a way the test did not expect.")  # type: ignore[attr-defined]
    assessor.click("text=Override")  # type: ignore[attr-defined]
    assert "Override recorded" in assessor.inner_text(".flash")  # type: ignore[attr-defined]
    assessor.click("text=Release feedback to the candidate")  # type: ignore[attr-defined]
    assert "Released" in assessor.inner_text(".flash")  # type: ignore[attr-defined]
    assessor.screenshot(path=str(SHOTS / "serve-result.png"), full_page=False)  # type: ignore[attr-defined]

    # ada reads her feedback
    ada.goto(f"{url}/me/feedback")  # type: ignore[attr-defined]
    assert ada.title() != "Not found"  # type: ignore[attr-defined]
    ada.screenshot(path=str(SHOTS / "serve-feedback.png"), full_page=True)  # type: ignore[attr-defined]

    # hiring compares them
    hiring = _page(browser, errors)
    _sign_in(hiring, url, "hiring")
    hiring.goto(f"{url}/candidates")  # type: ignore[attr-defined]
    hiring.check("input[value=ada]")  # type: ignore[attr-defined]
    hiring.check("input[value=bob]")  # type: ignore[attr-defined]
    hiring.click("text=Compare ticked")  # type: ignore[attr-defined]
    hiring.wait_for_selector("text=2 candidates compared")  # type: ignore[attr-defined]
    hiring.screenshot(path=str(SHOTS / "serve-compare.png"), full_page=True)  # type: ignore[attr-defined]
    assert errors == []

    invites = dsim(home, "invites", "--json").stdout
    assert invites.count('"state": "open"') == 2
    queue = json.loads(dsim(home, "queue", "--json").stdout)
    assert (queue["done"], queue["failed"], queue["running"]) == (2, 0, 0)

    # stopping the server stops its grading worker and leaves no container behind
    log = (home / "serve.log").read_text()
    pid = re.search(r"grading in worker process (\d+)", log)
    assert pid is not None, log
    worker = f"{socket.gethostname()}:{pid.group(1)}"
    assert queue["workers"][0]["worker"] == worker
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=90) == 0, (home / "serve.log").read_text()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid.group(1)), 0)
    assert _containers_of(worker) == 0
