"""Shared fixtures: the real graph is built once per session; tests copy it before changing it.

Tests never install anything: a test that needs a program from the system asks ``program()``,
which fails with one line naming the set-up command when the program is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

import mfgkg
from mfgkg.kg import KnowledgeGraph
from mfgkg.prefixes import PREFIXES
from mfgkg.query.remote import ENV_TIMEOUT

ROOT = Path(__file__).resolve().parents[1]
SETUP = "bash scripts/setup.sh"
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p != "id")
ID_TERM = re.compile(r"(?<![\w<])id:([\w/.-]*[\w])")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """In CI (``CI=true``) a skipped test is a failed one, so a missing dependency never hides."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI: {report.longrepr}"


def program(name: str, package: str) -> str:
    """Path of the program ``name``, beside this Python (a virtual environment's) or on PATH; fail
    (never skip) with the set-up command if it is missing."""
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if not found:
        pytest.fail(f"{name} not found: run `{SETUP}` (it installs {package})", pytrace=False)
    return found


def sparql(text: str) -> str:
    """Add prefixes and expand ``id:kind/slug`` (not a legal prefixed name) to a full IRI."""
    return SPARQL_PREFIXES + ID_TERM.sub(lambda m: f"<{PREFIXES['id']}{m.group(1)}>", text)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the build cache of every test run (and of the commands it starts) in a temporary directory."""
    saved = os.environ.get("MFGKG_CACHE")
    os.environ["MFGKG_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ["MFGKG_CACHE"])
    if saved is None:
        del os.environ["MFGKG_CACHE"]
    else:
        os.environ["MFGKG_CACHE"] = saved


@pytest.fixture(scope="session", autouse=True)
def patient_sparql_client() -> Iterator[None]:
    """Tests compare answers, not speed: the SPARQL client (and every command a test starts) waits as
    long as a loaded machine needs, unless a test sets its own deadline."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_TIMEOUT, "900")
        yield


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The real graph with its saved queries, in the default (Oxigraph) store."""
    return mfgkg.load(ROOT / "seeds", ROOT / "ontology", ROOT / "queries")


@pytest.fixture(scope="session")
def graph() -> Graph:
    """The graph built from the project's real seeds (do not modify; copy it)."""
    return mfgkg.build(ROOT / "seeds", ROOT / "ontology")


def select(graph: Graph, query: str) -> list[tuple[str, ...]]:
    """Run a SELECT with the project prefixes; rows as tuples of strings (None stays None)."""
    return [tuple(None if v is None else str(v) for v in row) for row in graph.query(sparql(query))]


def ask(graph: Graph, query: str) -> bool:
    """Run an ASK with the project prefixes."""
    return bool(graph.query(sparql(query)).askAnswer)


def column(graph: Graph, query: str) -> list[str]:
    """The first column of a SELECT, sorted."""
    return sorted(row[0] for row in select(graph, query))


@pytest.fixture()
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of seeds/ and ontology/ that a test may break."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    return tmp_path


# -- a served endpoint, started and stopped by PID, and plain HTTP requests to it ---------------

def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    """Start `mfgkg serve` on a free loopback port; return the process and its base URL."""
    process = subprocess.Popen([sys.executable, "-m", "mfgkg", "serve", "--port", "0", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    line = process.stdout.readline() if process.stdout else ""
    assert line.startswith("serving http://127.0.0.1:"), line + (process.stderr.read() if process.stderr else "")
    return process, line.split()[1]


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=30)


def request(url: str, path: str = "sparql", *, query: str | None = None, accept: str | None = None,
            data: bytes | None = None, content_type: str | None = None, method: str | None = None,
            params: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Status, content type and body of one HTTP request (errors included)."""
    fields = dict(params or {})
    if query is not None:
        fields["query"] = query
    target = url + path + ("?" + urllib.parse.urlencode(fields) if fields else "")
    req = urllib.request.Request(target, data=data, method=method)
    if accept:
        req.add_header("Accept", accept)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode("utf-8")


def chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, started as every browser test starts it."""
    return playwright.chromium.launch(executable_path=program("chromium", "Debian's chromium"),
                                      args=["--no-sandbox", "--disable-background-networking"])


def watched_page(browser: Any, errors: list[str], **options: Any) -> Any:
    """A new page (``options`` as for ``browser.new_page``) whose console errors and uncaught
    exceptions are appended to ``errors``: every browser test ends by asserting it is empty."""
    page = browser.new_page(**options)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page
