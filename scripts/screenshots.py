"""Screenshots of the query page and an entity page that `mfgkg serve` shows, for the documentation.

    python scripts/screenshots.py               # docs/screenshots/query-page.png, query-page-390.png, entity-page.png
    python scripts/screenshots.py --out DIR     # the files written to DIR instead

Starts `mfgkg serve` on a free loopback port, opens the page in Debian's Chromium (headless, via
Playwright), runs a saved query through its form, saves a desktop (1280 px) and a phone (390 px)
view, and stops the server it started; then the LIFT entity page from a server in this process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ROWS = "/^[0-9]+ rows?$/.test(document.querySelector('#status').textContent)"


def start() -> tuple[subprocess.Popen[str], str]:
    """`mfgkg serve` on a free loopback port: the process and its base URL."""
    process = subprocess.Popen([sys.executable, "-m", "mfgkg", "serve", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("serving http://"):
        process.terminate()
        raise SystemExit("mfgkg serve did not start: " + line + (process.stderr.read() if process.stderr else ""))
    return process, line.split()[1]


def run_saved(page: Page, url: str, name: str, **values: str) -> None:
    """Open the page on saved query ``name``, set the form's ``values`` and run it."""
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('#saved option').length > 1")
    page.select_option("#saved", name)
    page.wait_for_function(ROWS)
    for key, value in values.items():
        page.fill(f"#param-{key}", value)
    page.evaluate("document.querySelector('#status').textContent = ''")
    page.click("#run-saved")
    page.wait_for_function(ROWS)


def shoot(url: str, out: Path, chromium: str) -> list[Path]:
    """The desktop and 390 px screenshots of the page at ``url``, written to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "query-page.png", out / "query-page-390.png"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            # wait_for_function evaluates strings, which the query page's Content-Security-Policy forbids
            page = browser.new_page(viewport={"width": 1280, "height": 860}, bypass_csp=True)
            run_saved(page, url, "who-funds-what", agency="Defense", technology="robots", institute="")
            page.screenshot(path=str(written[0]))
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1, bypass_csp=True)
            run_saved(phone, url, "institutes-by-state")
            phone.screenshot(path=str(written[1]))
        finally:
            browser.close()
    return written


LIFT_PATH = "id/institute/lift"
HEADQUARTERS = "https://w3id.org/mfgkg/ontology#headquarters"


def entity_page(out: Path, chromium: str) -> Path:
    """The LIFT entity page as `mfgkg serve` answers it, its headquarters' sources expanded."""
    from playwright.sync_api import sync_playwright

    import mfgkg
    from mfgkg.publish.serve import ServeSettings, make_server

    server = make_server(mfgkg.load(), port=0, settings=ServeSettings(workers=1))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = out / "entity-page.png"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 900, "height": 1350})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{LIFT_PATH}")
            facts = page.locator(f'section[data-property="{HEADQUARTERS}"]')
            facts.locator("summary").first.click()
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="directory to write to")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium not found: run `bash scripts/setup.sh`")
    process, url = start()
    try:
        written = shoot(url, args.out, chromium)
    finally:
        process.terminate()
        process.wait(timeout=30)
    for path in [*written, entity_page(args.out, chromium)]:
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
