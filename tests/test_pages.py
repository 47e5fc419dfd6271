"""Entity pages (Linked Data): the pages and RDF of every entity, checked against the graph; content
negotiation through a real `mfgkg serve`; `mfgkg site` end to end (every entity written, every
link resolving); and the LIFT page in headless Chromium."""

from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import ROOT, chromium, sparql, start, stop, watched_page
from mfgkg import paths
from mfgkg.kg import KnowledgeGraph
from mfgkg.prefixes import PREFIXES
from mfgkg.publish.pages import EntityPages, root_of
from mfgkg.query.catalogue import Catalogue
from mfgkg.query.stores import open_store
from test_cli import mfgkg

ID = PREFIXES["id"]
MFG = PREFIXES["mfg"]
LIFT = ID + "institute/lift"
HEADQUARTERS = MFG + "headquarters"
ARTIFACTS = ROOT / "build" / "test-artifacts"
# Every entity: an IRI under id/ with a type, other than the claims and citations that record provenance.
ENTITIES = """SELECT DISTINCT ?e WHERE { ?e a ?type .
  FILTER(STRSTARTS(STR(?e), STR(id:)))
  FILTER NOT EXISTS { ?e a mfg:Claim } FILTER NOT EXISTS { ?e a mfg:Citation } }"""


@pytest.fixture(scope="module")
def pages(kg: KnowledgeGraph) -> EntityPages:
    return EntityPages(kg)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site, written once through the real entry point."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = mfgkg("site", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"wrote {re.escape(str(out))}: \d+ entity pages, \d+ files in [\d.]+ s\n", result.stdout)
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = start()
    try:
        yield url
    finally:
        stop(process)


def fact_values(page: str, prop: str) -> list[tuple[str, str]]:
    """(value, rank) of each value a page lists for property ``prop``."""
    section = re.search(rf'<section class="fact" data-property="{re.escape(prop)}">(.*?)</section>', page, re.S)
    if section is None:
        return []
    values = re.sub(r"<details>.*?</details>", "", section.group(1), flags=re.S)  # the sources
    items = re.findall(r"<li(?: id=\"claim-[0-9a-f]+\")?>(.*?)</li>", values, re.S)
    out = []
    for item in items:
        value = re.match(r"(?:<a [^>]*>|<span [^>]*>)?([^<]*)", item).group(1)
        rank = re.search(r'<span class="rank rank-(\w+)">', item)
        out.append((html.unescape(value), rank.group(1) if rank else ""))
    return out


def get(url: str, accept: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request (errors included)."""
    req = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# -- pages from the graph ----------------------------------------------------------------------


def test_lift_headquarters_detroit_preferred_canton_township_deprecated(kg, pages):
    ranks = {row["city"]: row["rank"] for row in kg.run_sparql(sparql("""
        SELECT ?city ?rank WHERE { ?c rdf:subject id:institute/lift ; rdf:predicate mfg:headquarters ;
          rdf:object/rdfs:label ?city ; mfg:rank/rdfs:label ?rank }""")).records()}
    assert ranks == {"Detroit, Michigan": "preferred", "Canton Township, Michigan": "deprecated"}
    page = pages.page(LIFT, "../../../")
    assert fact_values(page, HEADQUARTERS) == [("Detroit, Michigan", "preferred"),
                                               ("Canton Township, Michigan", "deprecated")]
    assert "superseded by the Detroit site" in page  # the reason for the deprecated rank
    claim = kg.run_sparql(sparql("SELECT ?c WHERE { ?c rdf:subject id:institute/lift ; "
                                 "rdf:object id:place/us-mi/canton-township }")).records()[0]["c"]
    anchor = "claim-" + claim.rsplit("/", 1)[-1]  # the claim's own IRI points at its row
    assert f'<li id="{anchor}"><a href="../../../id/place/us-mi/canton-township/">' in page
    assert '<a href="../../../id/place/us-mi/detroit/">Detroit, Michigan</a>' in page
    assert "<summary>3 sources</summary>" in page and "1400 Rosa Parks Blvd., Detroit (Corktown)" in page
    assert re.search(r"<h1>LIFT</h1>", page) and "Manufacturing innovation institute" in page


def test_every_institute_lists_exactly_the_headquarters_the_graph_holds(kg, pages):
    rows = kg.run_sparql(sparql("""
        SELECT ?i ?city ?rank WHERE { ?i a mfg:Institute .
          { ?c rdf:subject ?i ; rdf:predicate mfg:headquarters ; rdf:object ?o ; mfg:rank/rdfs:label ?rank }
          UNION { ?i mfg:headquarters ?o FILTER NOT EXISTS { ?c rdf:subject ?i ; rdf:predicate mfg:headquarters ;
                                                               rdf:object ?o } BIND("" AS ?rank) }
          ?o rdfs:label ?city }""")).records()
    expected: dict[str, Counter[tuple[str, str]]] = {}
    for row in rows:
        expected.setdefault(row["i"], Counter())[(row["city"], row["rank"])] += 1
    institutes = [r["i"] for r in kg.run_sparql(sparql("SELECT ?i WHERE { ?i a mfg:Institute }")).records()]
    assert len(institutes) == 19 and sum(len(c) > 1 for c in expected.values()) >= 1  # some disagree
    for institute in institutes:
        shown = Counter(fact_values(pages.page(institute, "../../../"), HEADQUARTERS))
        assert shown == expected.get(institute, Counter()), institute


def test_every_fact_value_and_incoming_link_of_every_entity_is_on_its_page(kg, pages):
    """For each entity, each claimed value appears once per claim with its rank, and each entity that
    links to it is listed under "Referenced by"."""
    claims = kg.run_sparql("SELECT ?s ?p ?rank WHERE { ?c rdf:subject ?s ; rdf:predicate ?p ; "
                           "mfg:rank/rdfs:label ?rank }").records()
    per_subject: dict[tuple[str, str], Counter[str]] = {}
    for row in claims:
        per_subject.setdefault((row["s"], row["p"]), Counter())[row["rank"]] += 1
    unclaimed = kg.run_sparql("SELECT DISTINCT ?s ?p ?o WHERE { ?c rdf:subject ?s ; rdf:predicate ?p . ?s ?p ?o "
                              "FILTER NOT EXISTS { ?d rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }")
    for row in unclaimed.records():  # a value the graph holds without a claim shows with no rank
        per_subject[(row["s"], row["p"])][""] += 1
    entities = {r["e"] for r in kg.run_sparql(sparql(ENTITIES)).records()}
    rendered: dict[str, str] = {}
    checked = 0
    for (subject, prop), ranks in per_subject.items():
        if subject in entities:
            page = rendered.setdefault(subject, pages.page(subject, ""))
            assert Counter(rank for _, rank in fact_values(page, prop)) == ranks, (subject, prop)
            checked += 1
    assert checked > 500
    sponsored = kg.run_sparql(sparql("SELECT ?i WHERE { ?i mfg:sponsor id:agency/dod }")).records()
    dod_page = pages.page(ID + "agency/dod", "")
    referenced = dod_page.split('<h2 id="referenced-by">')[1]
    assert len(sponsored) == 9
    for row in sponsored:
        assert f'href="id/{row["i"][len(ID):]}/"' in referenced


def test_every_entity_has_a_page_and_nothing_else_does(kg, pages):
    entities = {r["e"] for r in kg.run_sparql(sparql(ENTITIES)).records()}
    assert set(pages.entities) == entities and len(entities) > 1000
    for iri in entities:
        target = pages.target("/id/" + iri[len(ID):])
        assert target is not None and target.iri == iri


def test_entity_rdf_holds_its_description_claims_and_citations_in_three_syntaxes(kg, pages):
    graphs = {syntax: Graph().parse(data=pages.rdf(LIFT, syntax), format=fmt)
              for syntax, fmt in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"))}
    assert isomorphic(graphs["turtle"], graphs["ntriples"]) and isomorphic(graphs["turtle"], graphs["jsonld"])
    whole = kg.graph
    lift = URIRef(LIFT)
    own = set(whole.triples((lift, None, None)))
    assert own and own <= set(graphs["turtle"])
    claims = set(whole.subjects(URIRef(PREFIXES["rdf"] + "subject"), lift))
    assert claims and all(set(whole.triples((c, None, None))) <= set(graphs["turtle"]) for c in claims)
    assert (None, URIRef(MFG + "locator"), Literal("1400 Rosa Parks Blvd., Detroit (Corktown)")) in graphs["turtle"]
    context = json.loads(pages.rdf(LIFT, "jsonld"))["@context"]
    assert context["mfg"] == MFG and context["headquarters"] == {"@id": HEADQUARTERS, "@type": "@id"}


def test_amounts_read_with_separators_and_keep_their_exact_form(kg, pages):
    rows = kg.run_sparql(sparql("SELECT ?f ?amount WHERE { ?f mfg:recipient id:institute/lift ; mfg:amount ?amount }"))
    amounts = {r["f"]: r["amount"] for r in rows.records()}
    assert len(amounts) > 3
    for funding, amount in amounts.items():
        page = pages.page(funding, "")
        shown = fact_values(page, MFG + "amount")
        assert shown == [(f"{int(amount):,}", "")], funding
        assert f'title="{int(amount)}"' in page or f'title="{amount}"' in page


def test_text_from_the_graph_is_escaped(tmp_path):
    """A name holding markup shows as text: the page holds no element the data wrote."""
    evil = '<script>alert("x")</script> & "quoted" \'single\''
    data = (f'<{ID}institute/evil> <{PREFIXES["rdf"]}type> <{MFG}Institute> .\n'
            f'<{ID}institute/evil> <{PREFIXES["rdfs"]}label> {json.dumps(evil)} .\n'
            f'<{ID}institute/evil> <{MFG}note> {json.dumps(evil)} .\n').encode()
    pages = EntityPages(KnowledgeGraph(open_store(data), Catalogue(paths.queries_dir())))
    page = pages.page(ID + "institute/evil", "../../../")
    assert "<script>" not in page and html.escape(evil, quote=True) in page
    assert "<script>" not in pages.kind_index("institute", "../../") and "<script>" not in pages.top_index("", True)


@pytest.mark.parametrize(("path", "expected"), [
    ("/id/institute/lift", ("institute/lift", None)),
    ("/id/institute/lift/", ("institute/lift", None)),
    ("/id/institute/lift/index.html", ("institute/lift", None)),
    ("/id/institute/lift.ttl", ("institute/lift", "turtle")),
    ("/id/institute/lift.jsonld", ("institute/lift", "jsonld")),
    ("/id/institute/lift.nt", ("institute/lift", "ntriples")),
    ("/id/institute/", ("institute", None)),
    ("/id", (None, None)),
    ("/id/institute/LIFT", None), ("/id/institute/lift.xml", None), ("/id/../etc/passwd", None),
    ("/id/institute/%6cift", None), ("/id//lift", None), ("/id/institute.ttl", None), ("/id/nothing", None),
    ("/id/institute/lift.ttl/", None), ("/id/institute/lift\x00", None),
])
def test_paths_name_what_they_should_and_nothing_else(pages, path, expected):
    target = pages.target(path)
    assert (target if target is None else (target.path, target.syntax)) == expected


def test_root_of_leads_back_to_the_site_root():
    assert [root_of(p) for p in ("/id", "/id/", "/id/institute/lift", "/id/institute/lift/",
                                 "/id/plan/plan-2024/goal-1")] == ["", "../", "../../", "../../../", "../../../"]


# -- served: content negotiation through a real `mfgkg serve` ----------------------------------


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    (None, "text/html", None),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html", None),
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("text/html;q=0.5, text/turtle", "text/turtle", "turtle"),
])
def test_entity_iri_answers_by_content_negotiation(server, kg, accept, media, fmt):
    status, headers, body = get(server + "id/institute/lift", accept)
    assert status == 200 and headers["Content-Type"].startswith(media) and headers["Vary"] == "Accept"
    if fmt is None:
        assert fact_values(body.decode(), HEADQUARTERS)[0] == ("Detroit, Michigan", "preferred")
        return
    graph = Graph().parse(data=body, format=fmt)
    assert set(kg.graph.triples((URIRef(LIFT), None, None))) <= set(graph)
    assert (URIRef(LIFT), URIRef(HEADQUARTERS), URIRef(ID + "place/us-mi/detroit")) in graph


def test_suffixes_indexes_head_and_refusals(server):
    for suffix, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")):
        status, headers, body = get(f"{server}id/institute/lift.{suffix}")
        assert status == 200 and headers["Content-Type"].startswith(media) and "Vary" not in headers
    assert b"LIFT" in get(server + "id/institute/")[2] and b'href="../id/institute/"' in get(server + "id/")[2]
    status, headers, body = get(server + "id/institute/lift", "text/turtle", method="HEAD")
    assert (status, body) == (200, b"") and headers["Content-Type"].startswith("text/turtle")
    assert int(headers["Content-Length"]) == len(get(server + "id/institute/lift", "text/turtle")[2])
    status, headers, body = get(server + "id/institute/nothing-here")
    assert status == 404 and body.decode().count("\n") == 1 and headers["Content-Type"].startswith("text/plain")
    status, headers, body = get(server + "id/institute/lift", "image/png")
    assert status == 406 and b"text/turtle" in body and headers["Vary"] == "Accept"


def test_odd_requests_get_an_answer_and_the_server_keeps_serving(server):
    host, port = urllib.parse.urlsplit(server).hostname, urllib.parse.urlsplit(server).port
    for raw in (b"GET /id/../../etc/passwd HTTP/1.1\r\n", b"GET /id/\xff\xfe%00 HTTP/1.1\r\n",
                b"GET /id/institute/lift%2f..%2f..%2fx HTTP/1.1\r\n", b"GET /id/" + b"a/" * 3000 + b" HTTP/1.1\r\n"):
        with socket.create_connection((host, port), timeout=30) as conn:
            conn.sendall(raw + b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        assert answer.split(b" ", 2)[1] in (b"404", b"414", b"400"), answer[:80]
    assert get(server + "id/institute/lift")[0] == 200


# -- `mfgkg site` end to end -------------------------------------------------------------------


def test_site_writes_every_entity_page_and_its_rdf(kg, site):
    entities = [r["e"][len(ID):] for r in kg.run_sparql(sparql(ENTITIES)).records()]
    for path in entities:
        for name in (f"{path}/index.html", f"{path}.ttl", f"{path}.jsonld", f"{path}.nt"):
            assert (site / "id" / name).is_file(), name
    for name in ("index.html", "id/index.html", "id/institute/index.html", "explorer.html", "docs/index.html"):
        assert (site / name).is_file(), name
    lift = Graph().parse(site / "id" / "institute" / "lift.ttl", format="turtle")
    assert (URIRef(LIFT), URIRef(HEADQUARTERS), URIRef(ID + "place/us-mi/detroit")) in lift
    index = (site / "id" / "institute" / "index.html").read_text()
    assert index.count('<a href="../../id/institute/') == 19 and ">LIFT</a>" in index


def test_every_link_in_the_site_resolves_to_a_written_file(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 1000
    checked = 0
    for page in pages:
        for href in re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8")):
            href = html.unescape(href)
            if href.startswith(("http://", "https://", "#", "data:")):
                continue
            target = (page.parent / urllib.parse.urlsplit(href).path).resolve()
            if href.endswith("/") or href in ("", "./"):
                target = target / "index.html"
            assert target.is_file() and site.resolve() in target.parents, (page, href)
            checked += 1
    assert checked > 10_000
    for page in (site / "id").rglob("*.html"):  # nothing fetched from elsewhere: one inline stylesheet
        text = page.read_text(encoding="utf-8")
        assert " src=" not in text and 'rel="stylesheet"' not in text and text.count("<style>") == 1


def test_site_is_replaced_whole_and_refuses_bad_out(tmp_path, site):
    out = tmp_path / "again"
    assert mfgkg("site", "--out", str(out)).returncode == 0
    (out / "stale.html").write_text("left from an older run")
    result = mfgkg("site", "--out", str(out))
    assert result.returncode == 0 and not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again"]  # no staging directory left
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    for bad in (a_file, foreign, a_file / "under"):
        result = mfgkg("site", "--out", str(bad))
        assert result.returncode == 2 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert a_file.read_text() == "keep me" and sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "again", "foreign"]


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_lift_page_in_chromium(server):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = watched_page(browser, errors, viewport={"width": 390, "height": 844})
        page.goto(server + "id/institute/lift")
        assert page.locator("h1").inner_text() == "LIFT"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone
        headquarters = page.locator(f'section[data-property="{HEADQUARTERS}"]')
        rows = headquarters.locator("ul.values > li")
        assert rows.count() == 2
        assert rows.nth(0).locator("a").first.inner_text() == "Detroit, Michigan"
        assert rows.nth(0).locator(".rank").inner_text() == "preferred"
        assert rows.nth(1).locator(".rank").inner_text() == "deprecated"
        sources = rows.nth(0).locator("details ol.sources")
        assert not sources.is_visible()
        rows.nth(0).locator("summary").click()
        assert sources.is_visible() and sources.locator("li").count() == 4
        assert "Rosa Parks Blvd" in sources.inner_text()
        page.screenshot(path=str(ARTIFACTS / "entity-page-mobile.png"), full_page=False)
        page.set_viewport_size({"width": 1000, "height": 1000})
        headquarters.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "entity-page.png"))
        rows.nth(1).locator("a").first.click()
        page.wait_for_url("**/id/place/us-mi/canton-township/")
        assert page.locator("h1").inner_text() == "Canton Township, Michigan"
        referenced = page.locator("section.refs", has_text="headquarters")
        assert referenced.locator("li").inner_text() == "LIFT deprecated"
        response = page.request.get(server + "id/institute/lift", headers={"Accept": "text/turtle"})
        assert response.ok and response.headers["content-type"].startswith("text/turtle")
        turtle = Graph().parse(data=response.text(), format="turtle")
        assert (URIRef(LIFT), URIRef(HEADQUARTERS), URIRef(ID + "place/us-mi/detroit")) in turtle
        page.screenshot(path=str(ARTIFACTS / "entity-page-referenced.png"))
        browser.close()
    assert errors == []
    assert (ARTIFACTS / "entity-page.png").stat().st_size > 20_000


@pytest.mark.browser
def test_static_site_behind_a_plain_file_server_in_chromium(site):
    """The written site behind a plain static file server: the IRI path without a slash, the index
    pages and the links between pages all work, with no console errors."""
    from playwright.sync_api import sync_playwright

    process = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                                "--directory", str(site)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        port = re.search(r"port (\d+)", line).group(1)
        base = f"http://127.0.0.1:{port}/"
        errors: list[str] = []
        with sync_playwright() as playwright:
            browser = chromium(playwright)
            page = watched_page(browser, errors)
            page.goto(base)
            page.get_by_role("link", name="institute", exact=True).click()
            page.wait_for_url("**/id/institute/")
            page.get_by_role("link", name="LIFT", exact=True).click()
            page.wait_for_url("**/id/institute/lift/")
            assert page.locator("h1").inner_text() == "LIFT"
            page.locator(f'section[data-property="{HEADQUARTERS}"] a', has_text="Detroit, Michigan").click()
            assert page.locator("h1").inner_text() == "Detroit, Michigan"
            page.goto(base + "id/institute/lift")  # the IRI's own path, as a static host redirects it
            assert page.locator("h1").inner_text() == "LIFT"
            turtle = page.request.get(base + "id/institute/lift.ttl")
            assert turtle.ok and (URIRef(LIFT), URIRef(HEADQUARTERS), URIRef(ID + "place/us-mi/detroit")) in Graph(
            ).parse(data=turtle.text(), format="turtle")
            browser.close()
        assert errors == []
    finally:
        process.terminate()
        process.wait(timeout=30)
