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
# one range compiles in a few milliseconds where the grammar's Unicode ranges take tens (a cost
# every command that reads a saved query pays).
_NON_ASCII = r"\x80-\U0010FFFF"
_START = rf"A-Za-z_{_NON_ASCII}"
_INNER = rf"A-Za-z0-9_.\-{_NON_ASCII}"

# Order matters: long strings before short ones, IRIs before the "<" operator, and the
# two-character operators before their one-character prefixes. Strings, IRIs and prefixed names
# run to a closing delimiter or a colon that may never come, so here they match only their first
# character and the lexer reads the rest (see ``Lexer``); every other pattern matches without
# backtracking over more than a character or two.
_PATTERNS = (
    ("space", r"\s+"),
    ("comment", r"#[^\n\r]*"),
    ("string", r"['\"]"),
    ("iri", r"<"),
    ("var", rf"[?$][A-Za-z0-9_{_NON_ASCII}]+"),
    ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
    ("number", r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?"),
    # A word followed by neither a name character nor a colon cannot begin a prefixed name: taken
    # here, it skips the name reader (most words are keywords).
    ("word", rf"[A-Za-z_][A-Za-z0-9_]*(?![{_INNER}:])"),
    ("name", rf"[{_START}:]"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("open", r"[{(\[]"),
    ("close", r"[})\]]"),
    ("operator", r"\^\^|\|\||&&|!=|<=|>=|[.,;=<>!+\-*/|^?]"),
    ("error", r"."),
)

# The rest of a token after its first character, each pattern matching as far as it can and then
# stopping (it never fails): the lexer checks the closing delimiter itself.
_STRING_BODIES = {
    opener: re.compile(pattern, re.DOTALL)
    for quote in "'\""
    for opener, pattern in (
        (quote * 3, rf"{quote * 3}(?:[^{quote}\\]|\\.|{quote}(?!{quote}{quote}))*"),
        (quote, rf"{quote}(?:[^{quote}\\\n\r]|\\.)*"),
    )
}
_IRI_BODY = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*")
_PREFIX = re.compile(rf"(?:[{_START}][{_INNER}]*)?")
_LOCAL = re.compile(rf"[A-Za-z0-9_%:\\.\-{_NON_ASCII}]*")


@cache
def _token_pattern(first: int = 0) -> re.Pattern[str]:
    """The patterns from the ``first``-th on as one pattern, a group each, compiled on first use."""
    return re.compile("|".join(f"({pattern})" for _, pattern in _PATTERNS[first:]), re.DOTALL)


SKIPPED = frozenset({"space", "comment"})


@dataclass(frozen=True)
class Token:
    """One token: its kind (a name in ``_PATTERNS``), its text and where it starts."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased text if this is a bare word (a keyword or the ``a`` shorthand), else None."""
        return self.text.upper() if self.kind == "word" else None


class Lexer:
    """Every token of one text, in time linear in its length whatever the text.

    A string with no closing quote, or a run of name characters with no colon (``a.a.a.a``), is
    not a token, so its first character becomes one and lexing goes on from the next; read again
    from each of those starts, such a stretch would cost time quadratic in its length. Instead
    the lexer notes where the failed read stopped: a read of the same kind starting before there
    would stop at the same place (it joins the first read at the character after its opener), so
    it is not made. ``read`` counts the characters every pattern matched (plus one per match
    tried); no pattern backtracks over more than a character or two, so that is the lexer's work.
    """

    def __init__(self, text: str):
        self.text = text
        self.read = 0
        self._fails_before: dict[str, int] = {}  # opener (a quote or ":") -> reads starting earlier fail
        self._readers = {"string": self._string, "iri": self._iri, "name": self._name}

    def _match(self, pattern: re.Pattern[str], pos: int) -> re.Match[str] | None:
        found = pattern.match(self.text, pos)
        self.read += 1 + (found.end() - pos if found else 0)
        return found

    def _body(self, pattern: re.Pattern[str], pos: int) -> int:
        """Where ``pattern`` (one that always matches) stops reading from ``pos``."""
        found = self._match(pattern, pos)
        return found.end() if found else pos

    def _string(self, pos: int) -> int | None:
        """The end of the long or short string opening at ``pos``, or None if it is never closed."""
        quote = self.text[pos]
        for opener in (quote * 3, quote):
            if not self.text.startswith(opener, pos) or pos < self._fails_before.get(opener, 0):
                continue
            stop = self._body(_STRING_BODIES[opener], pos)
            if self.text.startswith(opener, stop):
                return stop + len(opener)
            self._fails_before[opener] = stop
        return None

    def _iri(self, pos: int) -> int | None:
        """The end of the IRI opening at ``pos``, or None. IRIs hold no ``<``, so reads never overlap."""
        stop = self._body(_IRI_BODY, pos)
        return stop + 1 if self.text.startswith(">", stop) else None

    def _name(self, pos: int) -> int | None:
        """The end of the prefixed name (or blank node label) starting at ``pos``, or None.

        Its local part may not end with ``.`` or ``\\``: those are left for the next tokens.
        """
        if pos < self._fails_before.get(":", 0):
            return None
        colon = self._body(_PREFIX, pos)
        if not self.text.startswith(":", colon):
            self._fails_before[":"] = colon
            return None
        end = self._body(_LOCAL, colon + 1)
        while end > colon + 1 and self.text[end - 1] in ".\\":
            end -= 1
        return end

    def _token(self, pos: int, first: int = 0) -> tuple[str, int]:
        """The kind and end of the token at ``pos``: the first pattern from the ``first``-th on that
        matches, a reader's kind only if its reader finds the token's end."""
        found = self._match(_token_pattern(first), pos)  # the last pattern matches any character
        index = first + found.lastindex - 1 if found and found.lastindex else len(_PATTERNS) - 1
        kind = _PATTERNS[index][0]
        reader = self._readers.get(kind)
        stop = reader(pos) if reader else found.end() if found else pos + 1
        return (kind, stop) if stop is not None else self._token(pos, index + 1)

    def __iter__(self) -> Iterator[tuple[str, int, int]]:
        """Each token's kind, start and end, whitespace and comments included."""
        pos = 0
        while pos < len(self.text):
            kind, stop = self._token(pos)
            yield kind, pos, stop
            pos = stop


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (whitespace and comments left out)."""
    return (Token(kind, text[start:end], start) for kind, start, end in Lexer(text) if kind not in SKIPPED)


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
