"""The mfgkg command end to end, through the installed entry point."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import ROOT
from mfgkg import build
from mfgkg.errors import SeedError


def mfgkg(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m mfgkg`` (the same entry point as the ``mfgkg`` script)."""
    return subprocess.run([sys.executable, "-m", "mfgkg", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_build_writes_three_formats_that_parse_back(tmp_path):
    result = mfgkg("build", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["mfgkg.jsonld", "mfgkg.nt", "mfgkg.ttl"]
    graphs = {name: Graph().parse(tmp_path / "out" / name, format=fmt)
              for name, fmt in (("mfgkg.ttl", "turtle"), ("mfgkg.nt", "nt"), ("mfgkg.jsonld", "json-ld"))}
    assert f"{len(graphs['mfgkg.nt'])} triples" in result.stdout
    # The same graph in all three: every literal keeps its lexical form ("30000000"^^xsd:decimal
    # is not rewritten as 30000000.0), so the graphs are isomorphic, not just the same size.
    assert isomorphic(graphs["mfgkg.ttl"], graphs["mfgkg.nt"])
    assert isomorphic(graphs["mfgkg.jsonld"], graphs["mfgkg.nt"])
    assert '"30000000"^^xsd:decimal' in (tmp_path / "out" / "mfgkg.ttl").read_text()
    # Regression: the JSON-LD context listed every bound prefix (17 of 32 unused) and no terms, so
    # plain-JSON readers saw full IRIs. Now: only used prefixes, and a term per property.
    doc = json.loads((tmp_path / "out" / "mfgkg.jsonld").read_text())
    context = doc["@context"]
    namespaces = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    used = {str(t) for triple in graphs["mfgkg.nt"] for t in triple}
    assert all(any(iri.startswith(ns) for iri in used) for ns in namespaces.values())
    assert context["sponsor"] == {"@id": "https://w3id.org/mfgkg/ontology#sponsor", "@type": "@id"}
    assert context["acronym"] == "https://w3id.org/mfgkg/ontology#acronym"
    lift = next(n for n in doc["@graph"] if n["@id"] == "https://w3id.org/mfgkg/id/institute/lift")
    assert lift["sponsor"] == "https://w3id.org/mfgkg/id/agency/dod"


def test_build_is_byte_identical_across_runs(tmp_path):
    first = mfgkg("build", "--out", str(tmp_path / "a"), env={"PYTHONHASHSEED": "1"})
    second = mfgkg("build", "--out", str(tmp_path / "b"), env={"PYTHONHASHSEED": "2"})
    assert first.returncode == second.returncode == 0
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_validate_real_data_is_clean():
    result = mfgkg("validate", "--no-warnings")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("0 violation(s), 0 warning(s)")


def test_validate_reports_label_property_message_and_file(seed_copy):
    path = seed_copy / "seeds" / "institutes-dod.yaml"
    text = path.read_text()
    path.write_text(text.replace("  sponsor: dod\n  office: navy-onr", "  sponsor: dod\n  office: doe-ammto", 1))
    result = mfgkg("validate", "--format", "text", cwd=seed_copy)
    assert result.returncode == 1
    assert ("Violation: seeds/institutes-dod.yaml: Lightweight Innovations For Tomorrow: "
            "An institute's managing office") in result.stdout


def test_validate_json_output_parses(seed_copy):
    """A warning (PowerAmerica without its short name) leaves the exit code 0 and shows in JSON."""
    path = seed_copy / "seeds" / "institutes-doe-doc.yaml"
    path.write_text(path.read_text().replace("  common_name: PowerAmerica\n", "", 1))
    result = mfgkg("validate", "--format", "json", cwd=seed_copy)
    assert result.returncode == 0
    findings = json.loads(result.stdout)
    assert [(f["severity"], f["shape"], f["label"]) for f in findings] == [
        ("Warning", "Institute-shortName", "Next Generation Power Electronics Manufacturing Innovation Institute")]


BAD_INPUTS = [
    # (file, text to find, replacement, expected one-line error)
    ("institutes-dod.yaml", "- id: lift\n", "- id: lift\n  sponsor_typo: dod\n",
     "seeds/institutes-dod.yaml: entity 'lift': field 'sponsor_typo': unknown field"),
    ("institutes-dod.yaml", "  sponsor: dod\n  office: navy-onr", "  sponsor: dodd\n  office: navy-onr",
     "seeds/institutes-dod.yaml: entity 'lift': field 'sponsor': unknown agency 'dodd'"),
    ("institutes-dod.yaml", "- id: mxd\n", "- id: lift\n",
     "seeds/institutes-dod.yaml: entity 'lift': field 'id': duplicate id (also in seeds/institutes-dod.yaml)"),
    ("metrics.yaml", "  value: 16\n", "  value: sixteen\n",
     "seeds/metrics.yaml: entity 'institutes FY2021': field 'value': expected a finite non-negative number "
     "below 1e+15, got str 'sixteen'"),
    ("program.yaml", "      - {src: usc-15-278s, at: \"15 U.S.C. 278s\"}",
     "      - {src: no-such-source, at: \"15 U.S.C. 278s\"}",
     "seeds/program.yaml: entity 'manufacturing-usa': field 'label': unknown source 'no-such-source'"),
    ("places.yaml", "states:\n", "states: [\n",
     "seeds/places.yaml: malformed YAML at line 4"),
    ("institutes-dod.yaml", "  technology_areas:\n  - lightweight-metals\n", "  technology_areas:\n  - unobtainium\n",
     "seeds/institutes-dod.yaml: entity 'lift': field 'technology_areas': unknown technology 'unobtainium'"),
]


def break_seed(seed_copy: Path, name: str, find: str, replace: str) -> None:
    path = seed_copy / "seeds" / name
    text = path.read_text()
    assert find in text
    path.write_text(text.replace(find, replace, 1))


@pytest.mark.parametrize(("name", "find", "replace", "error"), BAD_INPUTS, ids=[b[3][:40] for b in BAD_INPUTS])
def test_bad_seed_is_one_error_naming_file_entity_and_field(seed_copy, name, find, replace, error):
    break_seed(seed_copy, name, find, replace)
    with pytest.raises(SeedError) as raised:
        build(seed_copy / "seeds", seed_copy / "ontology")
    assert str(raised.value).startswith(error) and len(str(raised.value).splitlines()) == 1


def test_bad_seed_stops_the_build_command_with_one_line_and_writes_nothing(seed_copy):
    name, find, replace, error = BAD_INPUTS[1]
    break_seed(seed_copy, name, find, replace)
    out = seed_copy / "out"
    result = mfgkg("build", "--out", str(out), cwd=seed_copy)
    assert result.returncode == 2
    assert result.stderr == f"error: {error}\n"
    assert not out.exists()


def test_missing_citation_is_refused(seed_copy):
    path = seed_copy / "seeds" / "program.yaml"
    text = path.read_text()
    start = text.index("    cite:\n      - {src: usc-15-278s")
    path.write_text(text[:start])
    result = mfgkg("build", "--out", str(seed_copy / "out"), cwd=seed_copy)
    assert result.returncode == 2
    assert "field 'label': fact has no citation" in result.stderr


def test_failed_build_leaves_previous_output_untouched(seed_copy):
    out = seed_copy / "out"
    assert mfgkg("build", "--out", str(out), cwd=seed_copy).returncode == 0
    before = digests(out)
    path = seed_copy / "seeds" / "institutes-dod.yaml"
    path.write_text(path.read_text().replace("  sponsor: dod\n", "  sponsor: nobody\n", 1))
    assert mfgkg("build", "--out", str(out), cwd=seed_copy).returncode == 2
    assert digests(out) == before


@pytest.mark.parametrize("name", ["mfgkg.ttl", "shapes/rules.ttl"])
def test_malformed_ontology_or_shapes_is_one_line_exit_2(seed_copy, name):
    path = seed_copy / "ontology" / name
    path.write_text(path.read_text() + "\nthis is not turtle .\n")
    command = "build" if name == "mfgkg.ttl" else "validate"
    result = mfgkg(command, cwd=seed_copy)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: ontology/{name}: malformed Turtle")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [
    ("build", "--out", "{file}/out"),
    ("export", "--format", "graphml", "--out", "{file}/sub/view.graphml"),
    ("analyze", "--out", "{file}/report"),
    ("answer", "--out", "{file}/answers"),
])
def test_an_output_path_under_a_file_is_one_line_and_exit_2(tmp_path, args):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    result = mfgkg(*(a.replace("{file}", str(blocker)) for a in args))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: {blocker}") and result.stderr.count("\n") == 1, result.stderr
    assert blocker.read_text() == "not a directory\n"


def test_validate_data_with_a_literal_over_16_mib_is_one_line(tmp_path):
    data = tmp_path / "huge.nt"
    data.write_text('<http://example.org/a> <http://example.org/b> "' + "x" * (17 << 20) + '" .\n')
    result = mfgkg("validate", "--data", str(data))
    assert result.returncode == 2
    assert result.stderr == (f"error: {data}: cannot load N-Triples (Reached the buffer maximal size of "
                             "16777216)\n")
