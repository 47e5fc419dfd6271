"""Compile SHACL shapes into SPARQL SELECT queries, so a fast store can validate a large graph.

pySHACL walks the data graph node by node in Python and slows down by orders of magnitude on
large graphs. The constraints this project uses are all expressible as set-at-a-time SPARQL:
every compiled :class:`Check` is one SELECT whose rows are the results of one shape, with
``?this`` the focus node and ``?value`` the offending value (when there is one).

Supported: targets (``sh:targetClass`` including subclasses, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets), property paths
(predicate, inverse, sequence, alternative, zero-or-more, one-or-more, zero-or-one), the
value-type, value-range, string, language, cardinality and logical (``sh:or``, ``sh:and``,
``sh:not``, ``sh:xone`` over value constraints) components, ``sh:hasValue``, ``sh:in``,
``sh:uniqueLang``, ``sh:severity``, ``sh:deactivated`` and SPARQL-based constraints
(``sh:sparql`` with ``sh:select`` and ``sh:prefixes``). Anything else raises
:class:`ShapeError` rather than being skipped silently; pySHACL remains the reference engine.

Each constraint (each value of each parameter) is its own query, so a report has one result
per constraint and value node, with its constraint component, as SHACL defines it. Where the
compiled engine and pySHACL differ, the compiled engine follows the SPARQL operators SHACL
defines its components by (pySHACL orders ``true`` among numbers, skips ``sh:minLength 0`` and
does not range-check ill-typed values). Data whose literals Oxigraph would store in another form
than written is refused (:class:`LiteralsRewritten`); sh:pattern follows XPath, where ``$`` does
not match before a final newline; a SPARQL constraint's focus nodes are joined into its
top-level group, which equals pre-binding for the queries SHACL allows, and where ``$this``
sits in a nested group the query runs once per focus node with ``$this`` substituted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from mfgkg.errors import MfgkgError
from mfgkg.query.sparql_lexer import group_start, projection, tokens

# Datatypes whose well-formedness SPARQL can test with a cast (an ill-formed lexical form fails to cast).
CASTABLE = frozenset(XSD[name] for name in (
    "integer", "decimal", "float", "double", "boolean", "dateTime", "date", "time", "gYear",
    "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration", "dayTimeDuration", "yearMonthDuration"))
NODE_KINDS = {
    SH.IRI: "!isIRI({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}
# Regular-expression syntax that Python has but XPath (and so SPARQL REGEX) does not.
UNSUPPORTED_REGEX = re.compile(r"\(\?[=!<]|\\[1-9]")
NOT_PREBINDABLE = frozenset({"MINUS", "VALUES", "SERVICE", "LIMIT", "OFFSET"})
RANGES = {SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
          SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
          SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
          SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent)}
# Parameters each shape may carry that are not constraints (or are handled by the caller).
NOT_CONSTRAINTS = frozenset({
    RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path,
    SH.property, SH.sparql, SH.flags, SH.defaultValue,
    RDFS.subClassOf, OWL.imports, SH.prefixes, SH.declare,  # a shape may also be a class or an ontology
})
VALUE_CONSTRAINTS = frozenset({
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.minLength, SH.maxLength, SH.languageIn,
    SH["or"], SH["and"], SH["not"], SH.xone, *RANGES,
})
FOCUS_CONSTRAINTS = frozenset({SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang})
# Parameters SHACL allows at most once per shape (a shape with two is ill-formed).
SINGLE_VALUED = frozenset({
    SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength, SH.pattern, SH.flags,
    SH.languageIn, SH.uniqueLang, SH["in"], SH.path, *RANGES,
})


class ShapeError(MfgkgError):
    """A shape uses a SHACL feature the SPARQL compiler does not support."""

    def __init__(self, shape: Node, message: str):
        super().__init__(f"shape {shape}: {message} (the pyshacl engine supports it)")


class LiteralsRewritten(ShapeError):
    """The data holds literals that would be checked in another form than written (Oxigraph stores
    "4.0"^^xsd:decimal as "4"), so checks on datatypes and values could answer wrongly: refused,
    by name."""

    def __init__(self, example: str, count: int):
        MfgkgError.__init__(self, f"the data holds {count} literal(s) that would be checked in another form "
                                  f"than written, e.g. {example}, so datatype and value checks could answer "
                                  "wrongly (the pyshacl engine keeps them as written)")


@dataclass(frozen=True)
class Check:
    """One SELECT whose rows are results of one constraint of ``shape``: ``?this`` focus node,
    ``?value`` if any. ``source`` is the shape node as written in the shapes graph (blank nodes
    included) and ``component`` the constraint component's IRI, for the standard report."""

    shape: str
    severity: str
    message: str | None
    path: str | None
    query: str
    component: str
    source: Node
    constraint: Node | None = None  # the sh:sparql node of a SPARQL-based constraint
    sparql: bool = False
    value_is_focus: bool = False
    focus_query: str | None = None  # set when ``query`` must run once per focus node, $this substituted


def term(node: Node, shape: Node | None = None) -> str:
    """An RDF term in SPARQL syntax (blank nodes have none: they cannot name a value)."""
    if isinstance(node, (URIRef, Literal)):
        return node.n3()
    raise ShapeError(shape or node, f"a blank node ({node}) cannot be used as a value here")


class Compiler:
    """Turns a shapes graph into :class:`Check` queries."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes

    def checks(self) -> list[Check]:
        """Every check of every active shape that has targets, in a stable order."""
        out: list[Check] = []
        for shape in sorted(self._targeted(), key=str):
            focus = self._focus(shape)
            out.extend(self._shape_checks(shape, focus, shape))
            for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
                if not self._active(prop):
                    continue
                out.extend(self._shape_checks(prop, focus, shape))
        return out

    # ---- targets -------------------------------------------------------------------------
    def _targeted(self) -> Iterator[Node]:
        g = self.shapes
        seen = set()
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            seen.update(g.subjects(predicate, None))
        for shape in set(g.subjects(RDF.type, RDFS.Class)) | set(g.subjects(RDF.type, OWL.Class)):
            if any(str(p).startswith(str(SH)) for p in g.predicates(shape, None)):
                seen.add(shape)
        yield from (shape for shape in seen if self._active(shape))

    def _active(self, shape: Node) -> bool:
        return not any(_true(v) for v in self.shapes.objects(shape, SH.deactivated))

    def _focus(self, shape: Node) -> str:
        """A group pattern binding ``?this`` to each focus node of ``shape`` once."""
        g = self.shapes
        classes = set(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
            classes.add(shape)
        branches = [f"{{ ?this rdf:type/rdfs:subClassOf* {term(c)} }}" for c in sorted(classes, key=str)]
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            branches.append(f"{{ VALUES ?this {{ {' '.join(term(n, shape) for n in nodes)} }} }}")
        branches += [f"{{ ?this {term(p)} [] }}" for p in sorted(g.objects(shape, SH.targetSubjectsOf), key=str)]
        branches += [f"{{ [] {term(p)} ?this }}" for p in sorted(g.objects(shape, SH.targetObjectsOf), key=str)]
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(branches)} }} }}"

    # ---- one shape -----------------------------------------------------------------------
    def _shape_checks(self, shape: Node, focus: str, targeted: Node) -> list[Check]:
        """The checks of ``shape`` on the focus nodes (``focus``) of ``targeted``: the shape itself,
        or the node shape a property shape belongs to."""
        g = self.shapes
        unknown = {p for p in g.predicates(shape, None)} - NOT_CONSTRAINTS - VALUE_CONSTRAINTS - FOCUS_CONSTRAINTS
        if unknown:
            raise ShapeError(shape, f"unsupported parameter(s) {', '.join(sorted(map(str, unknown)))}")
        repeated = sorted(str(p) for p in SINGLE_VALUED if len(set(g.objects(shape, p))) > 1)
        if repeated:
            raise ShapeError(shape, f"ill-formed: more than one value of {', '.join(repeated)}")
        path_node = g.value(shape, SH.path)
        if path_node is not None and (shape, SH.property, None) in g:
            raise ShapeError(shape, "nested property shapes (sh:property on a property shape) are not supported")
        path = self.path(path_node) if path_node is not None else None
        severity = g.value(shape, SH.severity) or SH.Violation
        message = self._message(shape)
        # sh:resultPath: a predicate path is its IRI; a complex path is reported in SPARQL syntax.
        report_path = str(path_node) if isinstance(path_node, URIRef) else path

        def check(body: str, component: Node, note: str | None = message, constraint: Node | None = None,
                  focus_query: str | None = None) -> Check:
            name = str(shape) if isinstance(shape, URIRef) else ""  # as pySHACL reports blank-node shapes
            sparql = constraint is not None
            return Check(name, str(severity), note, report_path, body, str(component), shape, constraint,
                         sparql, sparql and path is None, focus_query)

        # SHACL gives one result per constraint (each value of each parameter) and value node, so
        # each constraint is its own query: two sh:class values can both fail on one node.
        out = []
        if path is None:
            for component, bad in self.value_constraints(shape, "?this"):
                out.append(check(f"SELECT DISTINCT ?this ?value WHERE {{ {focus} BIND(?this AS ?value) "
                                 f"FILTER({bad}) }}", component))
            if any((shape, p, None) in g for p in FOCUS_CONSTRAINTS):
                raise ShapeError(shape, "cardinality, sh:hasValue and sh:uniqueLang need a property shape")
        else:
            reach = self._reach(targeted, path_node, path)
            out += [check(q, component) for component, q in self._focus_queries(shape, focus, reach)]
            for component, bad in self.value_constraints(shape, "?value"):
                out.append(check(f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {reach('?value')} "
                                 f"FILTER({bad}) }}", component))
        for constraint in sorted(g.objects(shape, SH.sparql), key=str):
            if self._active(constraint):
                body, focus_query = self._sparql(shape, constraint, focus)
                out.append(check(body, SH.SPARQLConstraintComponent, self._message(constraint) or message,
                                 constraint, focus_query))
        return out

    def _reach(self, targeted: Node, path_node: Node, path: str) -> Callable[[str], str]:
        """A function giving the group pattern that binds variable ``obj`` to each value of ``?this``
        on the path. A path that can be empty has the focus node itself as a value; Oxigraph drops
        that zero-length match when the node is not in the data, which only a sh:targetNode can be,
        so those nodes are added as their own values."""
        nodes = sorted(self.shapes.objects(targeted, SH.targetNode), key=str)
        if not self._nullable(path_node) or not nodes:
            return lambda obj: f"{{ ?this {path} {obj} }}"
        pairs = " ".join(f"({term(n)} {term(n)})" for n in nodes)
        return lambda obj: f"{{ {{ ?this {path} {obj} }} UNION {{ VALUES (?this {obj}) {{ {pairs} }} }} }}"

    def _nullable(self, node: Node) -> bool:
        """True if the path can have length zero (so the focus node is one of its values)."""
        g = self.shapes
        if isinstance(node, URIRef):
            return False
        if (node, RDF.first, None) in g:
            return all(self._nullable(step) for step in Collection(g, node))
        if (node, SH.zeroOrMorePath, None) in g or (node, SH.zeroOrOnePath, None) in g:
            return True
        if (node, SH.oneOrMorePath, None) in g:
            return self._nullable(g.value(node, SH.oneOrMorePath))
        if (node, SH.inversePath, None) in g:
            return self._nullable(g.value(node, SH.inversePath))
        alternatives = g.value(node, SH.alternativePath)
        return alternatives is not None and any(self._nullable(step) for step in Collection(g, alternatives))

    def _focus_queries(self, shape: Node, focus: str, reach: Callable[[str], str]) -> Iterator[tuple[Node, str]]:
        """(component, query) of each constraint on the focus node's whole set of values."""
        g = self.shapes
        for minimum in g.objects(shape, SH.minCount):
            n = _count(shape, minimum)
            if n == 1:
                yield SH.MinCountConstraintComponent, (
                    f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {reach('?any')} }}")
            elif n > 1:
                yield SH.MinCountConstraintComponent, (
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {reach('?any')} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?any) < {n})")
        for maximum in g.objects(shape, SH.maxCount):
            yield SH.MaxCountConstraintComponent, (
                f"SELECT ?this WHERE {{ {focus} {reach('?any')} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?any) > {_count(shape, maximum)})")
        for value in g.objects(shape, SH.hasValue):
            yield SH.HasValueConstraintComponent, (
                f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {reach('?has')} "
                f"FILTER(sameTerm(?has, {term(value, shape)})) }} }}")
        if any(_true(v) for v in g.objects(shape, SH.uniqueLang)):
            # One result per language tag that two or more values share.
            yield SH.UniqueLangConstraintComponent, (
                f"SELECT DISTINCT ?this ?tag WHERE {{ {focus} {reach('?a')} {reach('?b')} "
                f"FILTER(!sameTerm(?a, ?b) && LANG(?a) != \"\" && LCASE(LANG(?a)) = LCASE(LANG(?b))) "
                f"BIND(LCASE(LANG(?a)) AS ?tag) }}")

    def _imports(self, ontologies: Iterator[Node]) -> list[Node]:
        """The ``sh:prefixes`` nodes and every node they reach through owl:imports (SHACL reads the
        declarations of both)."""
        reached: list[Node] = []
        pending = list(ontologies)
        while pending:
            node = pending.pop()
            if node not in reached:
                reached.append(node)
                pending.extend(self.shapes.objects(node, OWL.imports))
        return reached

    def _message(self, node: Node) -> str | None:
        messages = sorted(self.shapes.objects(node, SH.message), key=lambda m: (getattr(m, "language", "") != "en", m))
        return str(messages[0]) if messages else None

    # ---- value constraints -------------------------------------------------------------------
    def value_conditions(self, shape: Node, v: str) -> str:
        """A SPARQL expression true when value ``v`` violates one of the shape's value constraints."""
        return " || ".join(f"({bad})" for _, bad in self.value_constraints(shape, v))

    def value_constraints(self, shape: Node, v: str) -> list[tuple[Node, str]]:
        """Each value constraint of the shape as (component, expression true when ``v`` violates it)."""
        g = self.shapes
        parts: list[tuple[Node, str]] = []
        for cls in sorted(g.objects(shape, SH["class"]), key=str):
            parts.append((SH.ClassConstraintComponent, f"NOT EXISTS {{ {v} rdf:type/rdfs:subClassOf* {term(cls)} }}"))
        for datatype in g.objects(shape, SH.datatype):
            parts.append((SH.DatatypeConstraintComponent, _datatype(v, datatype)))
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in NODE_KINDS:
                raise ShapeError(shape, f"unknown node kind {kind}")
            parts.append((SH.NodeKindConstraintComponent, NODE_KINDS[kind].format(v=v)))
        for members in g.objects(shape, SH["in"]):
            allowed = " || ".join(f"sameTerm({v}, {term(m, shape)})" for m in Collection(g, members))
            parts.append((SH.InConstraintComponent, f"!({allowed or 'false'})"))
        for pattern in g.objects(shape, SH.pattern):
            if UNSUPPORTED_REGEX.search(str(pattern)):
                raise ShapeError(shape, f"sh:pattern {str(pattern)!r} uses lookaround or a back-reference, "
                                        "which XPath regular expressions do not have")
            flags = g.value(shape, SH.flags)
            args = f"{Literal(str(pattern)).n3()}" + (f", {Literal(str(flags)).n3()}" if flags else "")
            parts.append((SH.PatternConstraintComponent,
                          f"(isBlank({v}) || !COALESCE(REGEX(STR({v}), {args}), false))"))
        for bound, op, component in ((SH.minLength, "<", SH.MinLengthConstraintComponent),
                                     (SH.maxLength, ">", SH.MaxLengthConstraintComponent)):
            for n in g.objects(shape, bound):
                parts.append((component, f"(isBlank({v}) || STRLEN(STR({v})) {op} {_count(shape, n)})"))
        for bound, (op, component) in RANGES.items():
            for limit in g.objects(shape, bound):
                parts.append((component, f"!COALESCE({v} {op} {term(limit, shape)}, false)"))
        for tags in g.objects(shape, SH.languageIn):
            ok = " || ".join(f"langMatches(LANG({v}), {Literal(str(t)).n3()})" for t in Collection(g, tags))
            parts.append((SH.LanguageInConstraintComponent, f"!COALESCE({ok or 'false'}, false)"))
        return parts + self._logical(shape, v)

    def _logical(self, shape: Node, v: str) -> list[tuple[Node, str]]:
        g = self.shapes
        parts: list[tuple[Node, str]] = []
        for members in g.objects(shape, SH["or"]):
            parts.append((SH.OrConstraintComponent,
                          " && ".join(f"({self._member(shape, m, v)})" for m in Collection(g, members)) or "true"))
        for members in g.objects(shape, SH["and"]):
            parts.append((SH.AndConstraintComponent,
                          " || ".join(f"({self._member(shape, m, v)})" for m in Collection(g, members)) or "false"))
        for member in g.objects(shape, SH["not"]):
            parts.append((SH.NotConstraintComponent, f"!({self._member(shape, member, v)})"))
        for members in g.objects(shape, SH.xone):
            conforming = " + ".join(f"IF({self._member(shape, m, v)}, 0, 1)" for m in Collection(g, members))
            parts.append((SH.XoneConstraintComponent, f"({conforming or '0'}) != 1"))
        return parts

    def _member(self, shape: Node, member: Node, v: str) -> str:
        """Violation expression of a member shape of sh:or/sh:and/sh:not/sh:xone."""
        extra = {p for p in self.shapes.predicates(member, None)} - VALUE_CONSTRAINTS - {RDF.type, RDFS.label}
        if extra:
            raise ShapeError(shape, "logical constraints are supported over value constraints only")
        return self.value_conditions(member, v) or "false"

    # ---- paths and SPARQL-based constraints --------------------------------------------------
    def path(self, node: Node) -> str:
        """A SHACL property path in SPARQL syntax."""
        g = self.shapes
        if isinstance(node, URIRef):
            return term(node)
        if (node, RDF.first, None) in g:
            return "(" + "/".join(self.path(step) for step in Collection(g, node)) + ")"
        for predicate, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                    (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(step) for step in Collection(g, alternatives)) + ")"
        raise ShapeError(node, "unsupported property path")

    def _sparql(self, shape: Node, constraint: Node, focus: str) -> tuple[str, str | None]:
        """The constraint's query, and the focus-node query when it must run once per focus node."""
        g = self.shapes
        select = g.value(constraint, SH.select)
        if select is None:
            raise ShapeError(shape, "a SPARQL constraint needs sh:select")
        text = str(select)
        for forbidden in ("$PATH", "$currentShape", "$shapesGraph"):
            if forbidden in text:
                raise ShapeError(shape, f"{forbidden} in a SPARQL constraint is not supported")
        keywords = [token.keyword for token in tokens(text) if token.keyword]
        if NOT_PREBINDABLE.intersection(keywords) or keywords.count("SELECT") != 1:
            raise ShapeError(shape, "a SPARQL constraint may not use MINUS, VALUES, SERVICE, LIMIT, OFFSET or "
                                    "sub-selects (they break the pre-binding of $this)")
        projected = projection(text) or ()
        if "this" not in projected and "*" not in projected:
            raise ShapeError(shape, "a SPARQL constraint must select $this")
        brace = group_start(text)
        if brace is None:
            raise ShapeError(shape, "a SPARQL constraint needs a WHERE group")
        prefixes = []
        for ontology in self._imports(g.objects(constraint, SH.prefixes)):
            for declaration in g.objects(ontology, SH.declare):
                name, namespace = str(g.value(declaration, SH.prefix)), str(g.value(declaration, SH.namespace))
                if not re.fullmatch(r"[A-Za-z][\w.-]*|", name) or re.search(r'[\s<>"{}|^`\\]', namespace):
                    raise ShapeError(shape, f"malformed prefix declaration {name!r}: <{namespace}>")
                prefixes.append(f"PREFIX {name}: <{namespace}>")
        head = "\n".join(sorted(set(prefixes))) + "\n"
        if _this_in_nested_group(text):
            # Pre-binding proper: $this must be bound inside a nested group, a UNION branch or an
            # inner FILTER, so the query runs once per focus node with $this substituted.
            stream = [t.text.upper() for t in tokens(text)]
            if any(stream[i:i + 4] in (["BOUND", "(", "$THIS", ")"], ["BOUND", "(", "?THIS", ")"])
                   for i in range(len(stream))):
                raise ShapeError(shape, "BOUND($this) with $this inside a nested group is not supported "
                                        "(Oxigraph's substitution does not count as binding there)")
            return head + text, f"SELECT ?this WHERE {focus}"
        # Otherwise joining the focus nodes into the query's top-level group is the same as pre-binding
        # ($this and ?this are one variable), FILTER (NOT) EXISTS included, and runs set at a time.
        return head + f"{text[:brace]} {focus} {text[brace:]}", None


def _true(value: Node) -> bool:
    """A boolean shape parameter (sh:deactivated, sh:uniqueLang) set to the literal ``true``; the
    W3C suite treats another form of the value ("1"^^xsd:boolean) as not set."""
    return isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) == "true"


def _count(shape: Node, value: Node) -> int:
    """A non-negative integer shape parameter (sh:minCount, sh:maxLength, ...)."""
    number = value.toPython() if isinstance(value, Literal) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ShapeError(shape, f"expected a non-negative integer, not {value}")
    return number


def _datatype(v: str, datatype: Node) -> str:
    """Violation expression of sh:datatype, including ill-formed lexical forms of castable types."""
    if datatype == RDFS.Literal:
        return f"!isLiteral({v})"
    if datatype == RDF.langString:
        return f"!(isLiteral({v}) && LANG({v}) != \"\")"
    if datatype == XSD.string:
        return f"!(isLiteral({v}) && DATATYPE({v}) = xsd:string)"
    wrong = f"!(isLiteral({v}) && DATATYPE({v}) = {term(datatype)})"
    if datatype in CASTABLE:
        return f"{wrong} || !COALESCE(isLiteral({term(datatype)}(STR({v}))), false)"
    return wrong


def compile_shapes(shapes: Graph) -> list[Check]:
    """The SPARQL checks equivalent to ``shapes``; raises :class:`ShapeError` on unsupported features."""
    return Compiler(shapes).checks()


def path_text(graph: Graph, node: Node) -> str:
    """A SHACL property path described in ``graph`` (a shapes graph or a report), in SPARQL syntax."""
    return Compiler(graph).path(node)


def _this_in_nested_group(text: str) -> bool:
    """True if ``$this`` (or ``?this``) occurs in a group nested in the WHERE group, other than the
    group of an EXISTS or NOT EXISTS (which sees the outer bindings)."""
    depth = 0
    exists_at: list[int] = []
    pending_exists = False
    for token in tokens(text):
        if token.keyword == "EXISTS":
            pending_exists = True
        elif token.text == "{":
            depth += 1
            if pending_exists:
                exists_at.append(depth)
                pending_exists = False
        elif token.text == "}":
            if exists_at and exists_at[-1] == depth:
                exists_at.pop()
            depth -= 1
        elif token.kind == "var" and token.text[1:] == "this" and depth > 1 and not exists_at:
            return True
    return False
