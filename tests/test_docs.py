"""`mfgkg docs`: every class and property of the ontology is documented with its alignments."""

from __future__ import annotations

from html.parser import HTMLParser

from rdflib import OWL, RDF, Graph

from conftest import ROOT
from test_cli import mfgkg as run_cli


class Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def test_docs_cover_every_class_and_property(tmp_path):
    out = tmp_path / "ontology.html"
    result = run_cli("docs", "--out", str(out))
    assert result.returncode == 0 and result.stdout.strip() == f"wrote {out}"
    parser = Sections()
    parser.feed(out.read_text())
    ontology = Graph().parse(ROOT / "ontology" / "mfgkg.ttl")
    mfg = "https://w3id.org/mfgkg/ontology#"
    terms = {str(s)[len(mfg):] for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
             for s in ontology.subjects(RDF.type, kind) if str(s).startswith(mfg)}
    documented = {i[len("mfg-"):] for i in parser.ids if i.startswith("mfg-")}
    assert documented == terms and len(terms) == 143
    assert {"v-rank", "v-funding-kind", "v-query-values"} <= set(parser.ids)
    assert {"http://www.w3.org/ns/org#Organization", "https://schema.org/ResearchOrganization",
            "http://www.w3.org/ns/prov#Plan", "http://purl.org/linked-data/cube#Observation"} <= set(parser.links)
    internal = {link[1:] for link in parser.links if link.startswith("#mfg-")}
    assert internal <= set(parser.ids)
