"""The HTML explorer, opened from disk in headless Chromium: no console errors, every node drawn,
search highlights the right institute, a click shows its facts and sources."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT, program
from test_cli import mfgkg as run_cli

LIFT = "https://w3id.org/mfgkg/id/institute/lift"
ARTIFACTS = ROOT / "build" / "test-artifacts"


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    out = tmp_path_factory.mktemp("explorer") / "explorer.html"
    result = run_cli("export", "--format", "html", "--view", "all", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_page_is_self_contained(explorer):
    text = explorer.read_text()
    assert not re.search(r"""(src|href)=["']https?://""", text)
    data = json.loads(re.search(r"const data = (\{.*?\});\n", text).group(1))
    assert len(data["nodes"]) == 595 and len(data["edges"]) == 841


@pytest.mark.browser
def test_explorer_in_chromium(explorer):
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=program("chromium", "Debian's chromium"),
                                             args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(explorer.as_uri())
        assert page.locator("circle").count() == 595
        assert page.locator("#counts").inner_text() == "595 of 595 nodes shown"
        page.fill("#search", "lightweight innovations")
        assert page.locator("#matches").inner_text() == "1 match"
        assert page.locator("circle.match").get_attribute("data-id") == LIFT
        page.locator(f'circle[data-id="{LIFT}"]').dispatch_event("click")
        assert page.locator("#facts h2").inner_text() == "LIFT (Institute)"
        rows = page.locator("#fact-table tbody tr").all_inner_texts()
        headquarters = [row for row in rows if "headquarters" in row]
        assert any("Detroit, Michigan" in r and "preferred" in r for r in headquarters)
        assert any("Canton Township, Michigan" in r and "deprecated" in r for r in headquarters)
        assert page.locator("#fact-table a").first.get_attribute("href").startswith("http")
        page.fill("#search", "")
        page.select_option("#agency", "https://w3id.org/mfgkg/id/agency/doe")
        page.uncheck("#types input[value='City']")
        shown = int(page.locator("#counts").inner_text().split()[0])
        assert 0 < shown < 595
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explorer.png"))
        browser.close()
    assert errors == []
    assert (ARTIFACTS / "explorer.png").stat().st_size > 20_000
