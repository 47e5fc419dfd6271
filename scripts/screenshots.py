"""Regenerate the screenshots kept in docs/screenshots/ (headless Chromium, as the browser tests use).

    python scripts/screenshots.py

Each screenshot is one function taking the output directory, so more can be added beside it.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
LIFT_PATH = "id/institute/lift"
HEADQUARTERS = "https://w3id.org/mfgkg/ontology#headquarters"


def chromium() -> str:
    """Debian's Chromium, beside this Python or on PATH."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which("chromium", path=search)
    if not found:
        sys.exit("chromium not found: run `bash scripts/setup.sh`")
    return found


def entity_page(out: Path) -> Path:
    """The LIFT entity page as `mfgkg serve` answers it, its headquarters' sources expanded."""
    from playwright.sync_api import sync_playwright

    import mfgkg
    from mfgkg.publish.serve import ServeSettings, make_server

    server = make_server(mfgkg.load(), port=0, settings=ServeSettings(workers=1))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = out / "entity-page.png"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
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
    for made in (entity_page(OUT),):
        print(f"wrote {made.relative_to(ROOT)} ({made.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
