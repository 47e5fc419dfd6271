"""SPARQL text as tokens, following the terminals of the SPARQL 1.1 grammar.

Code that needs to know something about a query's text (its form, how deeply it nests, which
SERVICE endpoints it names) reads these tokens instead of searching the text, so a keyword
inside a string, an IRI, a comment or a prefixed name (``ex:limit``) is never mistaken for
syntax. The lexer does not parse: it only classifies each piece of text, and text it cannot
classify becomes an ``error`` token for the engine's parser to report.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache

# Any non-ASCII character counts as a name character: the grammar allows nearly all of them, and
# one negated ASCII class compiles in a few milliseconds where the grammar's Unicode ranges take
# tens (a cost every command that reads a saved query pays).
_NON_ASCII = r"[^\x00-\x7F]"
_START = rf"(?:[A-Za-z_]|{_NON_ASCII})"
_INNER = rf"(?:[A-Za-z0-9_.-]|{_NON_ASCII})"
_LAST = rf"(?:[A-Za-z0-9_-]|{_NON_ASCII})"

# Order matters: long strings before short ones, IRIs before the "<" operator, and the
# two-character operators before their one-character prefixes.
_PATTERNS = (
    ("space", r"\s+"),
    ("comment", r"#[^\n\r]*"),
    ("string", r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
               r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\""),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("var", rf"[?$](?:[A-Za-z0-9_]|{_NON_ASCII})+"),
    ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
    ("number", r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?"),
    ("name", rf"(?:{_START}{_INNER}*)?:(?:(?:[A-Za-z0-9_%:\\.-]|{_NON_ASCII})*(?:[A-Za-z0-9_%:-]|{_NON_ASCII}))?"
             rf"|_:(?:[A-Za-z0-9_]|{_NON_ASCII})(?:{_INNER}*{_LAST})?"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("open", r"[{(\[]"),
    ("close", r"[})\]]"),
    ("operator", r"\^\^|\|\||&&|!=|<=|>=|[.,;=<>!+\-*/|^?]"),
    ("error", r"."),
)


@cache
def _token_pattern() -> re.Pattern[str]:
    """The lexer as one pattern, compiled on first use."""
    return re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _PATTERNS), re.DOTALL)


SKIPPED = frozenset({"space", "comment"})


@dataclass(frozen=True)
class Token:
    """One token: its kind (a group name above), its text and where it starts."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased text if this is a bare word (a keyword or the ``a`` shorthand), else None."""
        return self.text.upper() if self.kind == "word" else None


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (whitespace and comments left out)."""
    for match in _token_pattern().finditer(text):
        kind = match.lastgroup or "error"
        if kind not in SKIPPED:
            yield Token(kind, match.group(), match.start())


def _select_clause(text: str) -> list[tuple[Token, int]] | None:
    """The tokens of the query's SELECT clause (after the keyword, before WHERE, FROM or the first
    ``{``), each with its bracket depth after it; None if the query is not a SELECT."""
    stream = list(tokens(text))
    start = next((i for i, t in enumerate(stream) if t.keyword == "SELECT"), None)
    if start is None:
        return None
    clause: list[tuple[Token, int]] = []
    depth = 0
    for token in stream[start + 1:]:
        if depth == 0 and (token.keyword in ("WHERE", "FROM") or token.text == "{"):
            break
        depth += (token.kind == "open") - (token.kind == "close")
        clause.append((token, depth))
    return clause


def projection(text: str) -> tuple[str, ...] | None:
    """The variables the query's SELECT clause projects, in order: each bare ``?x`` and the ``?x``
    of each ``(expression AS ?x)``, and ``*`` for ``SELECT *``; None if the query is not a SELECT."""
    clause = _select_clause(text)
    if clause is None:
        return None
    names: list[str] = []
    previous: Token | None = None
    for token, depth in clause:
        if token.kind == "var" and (depth == 0 or (depth == 1 and previous is not None and previous.keyword == "AS")):
            names.append(token.text[1:])
        elif token.text == "*" and depth == 0:
            names.append("*")
        previous = token
    return tuple(names)


def without_projected(text: str, names: Collection[str]) -> str:
    """The query with the bare variables ``names`` left out of its SELECT clause (``(... AS ?x)``
    and variables elsewhere stay)."""
    clause = _select_clause(text)
    if clause is None:
        return text
    cuts = [token for token, depth in clause if depth == 0 and token.kind == "var" and token.text[1:] in names]
    for token in reversed(cuts):  # each with the spaces before it, and its line if nothing else is left on it
        begin, end = token.start, token.start + len(token.text)
        while begin > 0 and text[begin - 1] in " \t":
            begin -= 1
        if begin > 0 and text[begin - 1] == "\n" and text[end:end + 1] in ("\n", ""):
            begin -= 1
        text = text[:begin] + text[end:]
    return text


def group_start(text: str) -> int | None:
    """The offset just after the ``{`` that opens the query's WHERE group, or None if it has none.

    That is the first ``{`` after the WHERE keyword, or, where WHERE is left out, the first ``{``
    after a SELECT or ASK clause (a CONSTRUCT template is never taken for it).
    """
    form: str | None = None
    after_where = False
    for token in tokens(text):
        keyword = token.keyword
        if form is None and keyword in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = keyword
        elif keyword == "WHERE":
            after_where = True
        elif token.text == "{" and (after_where or form in ("SELECT", "ASK")):
            return token.start + 1
    return None
