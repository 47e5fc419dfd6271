"""Data is never code: hostile values planted in a graph stay text on every surface that shows them.

A copy of the real graph gets sources whose URLs are ``javascript:``, ``data:``, ``vbscript:``,
protocol-relative or padded with white space, whose titles try to close a ``<script>`` element,
and a label carrying terminal escape sequences. It is loaded into a store with `mfgkg load`, and
the commands read it from there through the real entry point: the static site (entity pages and
the explorer, which also runs in Chromium), `mfgkg check` (html and md) and `mfgkg sparql` in the
human formats; the validation text report is written from it too. The ontology docs are written
from an ontology copy with hostile names. Error messages that quote a value are one line whatever
the value holds.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, chromium, watched_page
from mfgkg.data import cache
from mfgkg.errors import one_line, printable
from mfgkg.kg import KnowledgeGraph, load
from mfgkg.prefixes import PREFIXES
from mfgkg.publish.markup import link, safe_url, script_json
from mfgkg.query.formats import render
from mfgkg.query.stores import open_store
from mfgkg.shapes.report import report_text
from mfgkg.shapes.validate import run, shapes_graph
from test_cli import mfgkg

ID, MFG, RDF, RDFS = PREFIXES["id"], PREFIXES["mfg"], PREFIXES["rdf"], PREFIXES["rdfs"]
PROV, SCHEMA = PREFIXES["prov"], PREFIXES["schema"]
LIFT = ID + "institute/lift"
# A source URL per attack (slug -> URL), and one web address that must stay a link.
HOSTILE_URLS = {
    "javascript": "javascript:alert(1)",
    "javascript-upper": "JAVASCRIPT:alert(1)",
    "javascript-space": " javascript:alert(1)",
    "javascript-tab": "\tjavascript:alert(1)",
    "javascript-newline": "\njavascript:alert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "vbscript": "vbscript:msgbox(1)",
    "protocol-relative": "//evil.example/x",
    "quotes": 'https://evil.example/"><script>alert(1)</script>',
}
SAFE_URL = "https://safe.example/report?a=1&b=2"
BREAKOUT = "</script><!--<script>alert(1)</script>\u2028\u2029"
ANSI = "Evil\x1b[2J\x1b]0;owned\x07 org\x9b31m\rforged"
ANSI_SHOWN = "Evil\\x1b[2J\\x1b]0;owned\\x07 org\\x9b31m\\rforged"
CITED = f"""SELECT ?claim WHERE {{ ?claim <{RDF}subject> <{LIFT}> ; <{RDF}predicate> <{MFG}headquarters> ;
  <{RDF}object> <{ID}place/us-mi/detroit> }}"""


def title(slug: str) -> str:
    return f"Hostile {slug} {BREAKOUT}"


def nt_term(value: str) -> str:
    """``value`` as an N-Triples IRI when the syntax allows one, else as a string literal."""
    if re.fullmatch(r'[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|\\^`]+', value):
        return f"<{value}>"
    return '"' + "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else f"\\u{ord(c):04X}" for c in value) + '"'


def hostile_lines(claim: str) -> list[str]:
    """Sources with hostile URLs and titles, cited by ``claim``, and a source with an ANSI label."""
    lines = []
    urls = {**HOSTILE_URLS, "safe": SAFE_URL, "ansi": SAFE_URL}
    for slug, url in urls.items():
        source, citation = f"<{ID}source/hostile-{slug}>", f"<{ID}citation/hostile-{slug}/1>"
        name = ANSI if slug == "ansi" else title(slug)
        lines += [f"{source} <{RDF}type> <{MFG}Source> .", f"{source} <{RDFS}label> {nt_term(name)} .",
                  f"{source} <{SCHEMA}url> {nt_term(url)} .",
                  f"{citation} <{RDF}type> <{MFG}Citation> .", f"{citation} <{PROV}entity> {source} .",
                  f'{citation} <{MFG}locator> "p. 1" .', f"<{claim}> <{MFG}citation> {citation} ."]
    return lines


@pytest.fixture(scope="module")
def hostile_graph(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real graph with the hostile sources, as N-Triples."""
    claim = kg.run_sparql(CITED).rows[0][0].value  # type: ignore[union-attr]
    base = cache.cached_graph(ROOT / "seeds", ROOT / "ontology").read_text(encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile") / "hostile.nt"
    out.write_text(base + "\n".join(hostile_lines(claim)) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def store(hostile_graph: Path) -> Path:
    """The hostile graph in a persistent store, made by `mfgkg load`."""
    made = hostile_graph.parent / "store"
    result = mfgkg("load", str(hostile_graph), "--store", str(made))
    assert result.returncode == 0, result.stderr
    return made


@pytest.fixture(scope="module")
def site(store: Path) -> Path:
    out = store.parent / "site"
    result = mfgkg("site", "--out", str(out), "--store", str(store))
    assert result.returncode == 0, result.stderr
    return out


def anchors(page: str) -> list[str]:
    """Every ``<a href>`` target of a page, unescaped."""
    return [html.unescape(href) for href in re.findall(r'<a [^>]*href="([^"]*)"', page)]


# ---- the one rule -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [*HOSTILE_URLS.values(), "https://", "http:///path", "https://a b.example/",
                                 "https://evil.example/\x1b[2J", "//evil.example", "HTTPS//evil.example"])
def test_anything_but_a_web_address_is_not_a_link(url):
    assert safe_url(url) is False
    assert link(url) == html.escape(url)
    assert link(url, "<b>label</b>") == "<b>label</b>"


@pytest.mark.parametrize("url", ["https://safe.example/", "http://safe.example/a?b=1&c=2#d", "HTTPS://SAFE.EXAMPLE"])
def test_web_addresses_are_links(url):
    assert safe_url(url) is True
    assert link(url) == f'<a href="{html.escape(url)}" rel="noopener">{html.escape(url)}</a>'


def test_no_url_is_no_link():
    assert safe_url(None) is False
    assert link(None) == ""
    assert link(None, "title") == "title"


def test_inline_json_cannot_end_its_script_element():
    value = {"title": BREAKOUT + " & <b>"}
    text = script_json(value)
    assert text == ('{"title":"\\u003c/script\\u003e\\u003c!--\\u003cscript\\u003ealert(1)\\u003c/script\\u003e'
                    '\\u2028\\u2029 \\u0026 \\u003cb\\u003e"}')
    assert json.loads(text) == value


# ---- entity pages and the static site -----------------------------------------------------------

def test_entity_page_shows_hostile_source_urls_as_text(site):
    page = (site / "id" / "institute" / "lift" / "index.html").read_text(encoding="utf-8")
    for slug, url in HOSTILE_URLS.items():
        assert (f'<li><a href="../../../id/source/hostile-{slug}/">{html.escape(title(slug))}</a>, '
                f'{html.escape(url)}; <span class="note">at: p. 1</span></li>') in page
    assert (f'<li><a href="../../../id/source/hostile-safe/">{html.escape(title("safe"))}</a>, '
            f'<a href="{html.escape(SAFE_URL)}" rel="noopener">{html.escape(SAFE_URL)}</a>; '
            f'<span class="note">at: p. 1</span></li>') in page
    assert BREAKOUT not in page and "<!--" not in page


@pytest.mark.parametrize(("slug", "shown"), [("javascript", "<code>javascript:alert(1)</code>"),
                                             ("vbscript", "<code>vbscript:msgbox(1)</code>"),
                                             ("data", html.escape(HOSTILE_URLS["data"])),
                                             ("quotes", html.escape(HOSTILE_URLS["quotes"]))])
def test_a_source_page_shows_its_hostile_url_as_text(site, slug, shown):
    page = (site / "id" / "source" / f"hostile-{slug}" / "index.html").read_text(encoding="utf-8")
    assert f'<ul class="values"><li>{shown}</li></ul>' in page
    assert f"<h1>{html.escape(title(slug))}</h1>" in page


def test_no_page_of_the_site_links_anywhere_but_the_web_or_itself(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1000
    for path in pages:
        for href in anchors(path.read_text(encoding="utf-8")):
            scheme = re.match(r"[\s\x00-\x1f]*([a-zA-Z][a-zA-Z0-9+.-]*):", href)
            assert (scheme is None and not href.startswith("//")) or re.match(r"https?://[^/]", href), (path, href)


def test_explorer_inline_json_cannot_end_its_script(site):
    page = (site / "explorer.html").read_text(encoding="utf-8")
    data = re.search(r"const data = (\{.*?\});\n", page).group(1)
    for marker in ("</", "<!--", "<script", ">", "&", "\u2028", "\u2029"):
        assert marker not in data.lower()
    assert page.lower().count("</script") == 2  # the library's element and the page's own
    lift = next(node for node in json.loads(data)["nodes"] if node["id"] == LIFT)
    sources = {s["title"]: (s["url"], s["link"]) for fact in lift["facts"] if fact["property"] == "headquarters"
               for value in fact["values"] if value["value"] == "Detroit, Michigan" for s in value["sources"]}
    for slug, url in HOSTILE_URLS.items():
        assert sources[title(slug)] == (url, False)
    assert sources[title("safe")] == (SAFE_URL, True)


SOURCE_LIST = """(iri) => {
  const facts = byId.get(iri).facts.find((f) => f.property === "headquarters");
  const list = sourceList(facts.values.find((v) => v.value === "Detroit, Michigan").sources);
  return {hrefs: [...list.querySelectorAll("a")].map((a) => a.getAttribute("href")),
          items: [...list.querySelectorAll("li")].map((li) => li.textContent)};
}"""


@pytest.mark.browser
def test_the_explorer_runs_and_links_only_web_addresses_in_chromium(site):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = watched_page(browser, errors, viewport={"width": 1400, "height": 900})
        page.goto((site / "explorer.html").as_uri())
        page.wait_for_function("window.explorerReady !== undefined", timeout=60_000)
        shown = page.evaluate(SOURCE_LIST, LIFT)
        browser.close()
    # Every source but the hostile ones is a link, each to a web address: the real ones, the planted
    # safe one and the one with the ANSI title.
    assert len(shown["hrefs"]) == len(shown["items"]) - len(HOSTILE_URLS)
    assert all(safe_url(href) for href in shown["hrefs"])
    assert [href for href in shown["hrefs"] if "safe.example" in href] == [SAFE_URL, SAFE_URL]
    for slug, url in HOSTILE_URLS.items():
        assert f"{title(slug)} <{url}> (p. 1)" in shown["items"]
    assert errors == []


# ---- the ontology docs ----------------------------------------------------------------------------

def test_docs_escape_names_and_link_only_web_addresses(tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", ontology)
    with (ontology / "mfgkg.ttl").open("a", encoding="utf-8") as turtle:
        turtle.write('\nmfg:Hostile a owl:Class ; rdfs:label "Hostile <script>alert(1)</script>"@en ;\n'
                     '  rdfs:comment "A class </section><!-- named to break the page."@en ;\n'
                     "  rdfs:subClassOf <javascript:alert(1)> , <https://example.org/a?x=1&y='2'> .\n")
    out = tmp_path / "docs.html"
    result = mfgkg("docs", "--ontology", str(ontology), "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert ('<section id="mfg-Hostile"><h3>Hostile &lt;script&gt;alert(1)&lt;/script&gt; <code>mfg:Hostile</code>'
            "</h3><p>A class &lt;/section&gt;&lt;!-- named to break the page.</p>") in page
    assert ('<dt>Subclass of</dt><dd><a href="https://example.org/a?x=1&amp;y=&#x27;2&#x27;" rel="noopener">'
            "<code>https://example.org/a?x=1&amp;y=&#x27;2&#x27;</code></a>, <code>javascript:alert(1)</code></dd>"
            ) in page
    assert "<script" not in page.lower() and all(safe_url(h) or h.startswith("#") for h in anchors(page))


# ---- mfgkg check ----------------------------------------------------------------------------------

def test_check_html_shows_hostile_source_urls_as_text(store, tmp_path):
    document = tmp_path / "claim.md"
    document.write_text("LIFT is headquartered in Detroit, Michigan.\n", encoding="utf-8")
    out = tmp_path / "check.html"
    result = mfgkg("check", str(document), "--format", "html", "--store", str(store), "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    for slug in HOSTILE_URLS:
        assert f"<li>{html.escape(title(slug))} — p. 1 <small>(preferred)</small></li>" in page, slug
    assert (f'<li><a href="{html.escape(SAFE_URL)}" rel="noopener">{html.escape(title("safe"))}</a> — p. 1 '
            "<small>(preferred)</small></li>") in page
    hrefs = anchors(page)
    assert hrefs and all(safe_url(h) for h in hrefs)
    assert BREAKOUT not in page


def test_check_markdown_shows_control_characters_as_escapes(store, tmp_path):
    document = tmp_path / "claim.md"
    document.write_text("LIFT is headquartered in Detroit, Michigan.\x1b[2J\n", encoding="utf-8")
    result = mfgkg("check", str(document), "--format", "md", "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
    assert "| **supported** | LIFT is headquartered in Detroit, Michigan.\\x1b[2J |" in result.stdout
    links = re.findall(r"\]\(([^)]*)\)", result.stdout)
    assert links and all(safe_url(url) for url in links)


# ---- the terminal -------------------------------------------------------------------------------

ANSI_LABEL = f"SELECT ?label WHERE {{ <{ID}source/hostile-ansi> <{RDFS}label> ?label }}"


def test_sparql_table_shows_control_characters_as_escapes(store):
    result = mfgkg("sparql", "--store", str(store), "--format", "table", ANSI_LABEL)
    assert result.returncode == 0, result.stderr
    width = len(ANSI_SHOWN)
    assert result.stdout == f"label\n{'-' * width}\n{ANSI_SHOWN}\n(1 row)\n"


def test_sparql_markdown_shows_control_characters_as_escapes(store):
    result = mfgkg("sparql", "--store", str(store), "--format", "md", ANSI_LABEL)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "| label |\n|---|\n| " + ANSI_SHOWN.replace("\\", "\\\\") + " |\n"


def test_json_keeps_the_value_exact(store):
    result = mfgkg("sparql", "--store", str(store), "--format", "json", ANSI_LABEL)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"label": ANSI}]


@pytest.mark.parametrize(("fmt", "expected"), [("json", json.dumps([{"label": ANSI}], indent=1, ensure_ascii=False)
                                                 + "\n"),
                                                ("csv", f'label\r\n"{ANSI}"\r\n'),
                                                ("tsv", f'?label\n"{ANSI}"\n'.replace("\r", "\\r"))])
def test_machine_formats_keep_the_value_exact(store, fmt, expected):
    answer = load(store=store).run_sparql(ANSI_LABEL)
    assert render(answer, fmt) == expected


def test_printable_keeps_only_what_it_is_told_to():
    assert printable("a\x1b[2Jb\x9b\x7f\x00\tc\nd\re", keep="\t") == "a\\x1b[2Jb\\x9b\\x7f\\x00\tc\\nd\\re"
    assert printable("plain text, ünïcode \u2013 and \u2028") == "plain text, ünïcode \u2013 and \u2028"


def test_validation_text_report_shows_control_characters_as_escapes(hostile_graph):
    report = run(open_store(hostile_graph, "oxigraph"), shapes_graph(ROOT / "ontology"), "oxigraph")
    text = report_text(report)
    assert "\x1b" not in text and "\x9b" not in text and "\r" not in text
    assert [line for line in text.split("\n") if "Evil" in line] == [
        f"Violation: {ANSI_SHOWN} [dcterms:publisher]: A source names its publisher.",
        f"Violation: {ANSI_SHOWN} [dcterms:title]: A source has exactly one title.",
        f"Violation: {ANSI_SHOWN} [rdfs:label]: Every entity needs exactly one English rdfs:label."]
    assert text.count("\n") == len(report.findings) + 1


# ---- error messages -----------------------------------------------------------------------------

def test_an_error_quoting_a_file_name_is_one_line(tmp_path):
    result = mfgkg("sparql", "--file", "missing\nerror: forged.rq", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: missing\\nerror: forged.rq: cannot read (FileNotFoundError)\n"


def test_a_note_quoting_a_value_is_one_line():
    result = mfgkg("query", "institutes", "--param", "city=Nowhere\nerror: forged")
    assert result.returncode == 0, result.stderr
    assert all(line.startswith("note: ") for line in result.stderr.splitlines())
    assert "Nowhere\\nerror: forged" in result.stderr


def test_one_line_escapes_newlines_and_controls():
    assert one_line("value 'a\nerror: forged'\r\x1b[2J") == "value 'a\\nerror: forged'\\r\\x1b[2J"
    assert one_line(ValueError("two\nlines")) == "two\\nlines"
