"""The errors this package raises, by layer: input files (seeds, ontology), queries, stores; and how
text from data is made safe to print on a terminal.

Input errors name the file, entity and field at fault, so an editor can fix the file.
Messages say what is wrong in the library's own terms, never in command-line flags.
"""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL: a terminal acts on them (ESC sequences clear the screen,
# move the cursor, set the title; a carriage return overwrites the line) instead of showing them.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control character but those in ``keep`` written as a visible escape
    (``\\x1b``, ``\\n``), so a value printed on a terminal is shown, never obeyed."""
    def shown(match: re.Match[str]) -> str:
        char = match.group()
        return char if char in keep else NAMED.get(char, f"\\x{ord(char):02x}")

    return CONTROL.sub(shown, text)


def one_line(message: object) -> str:
    """``message`` as one printable line (newlines shown as ``\\n``), so a value quoted in an error
    cannot forge a second ``error:`` line."""
    return printable(str(message))


class MfgkgError(Exception):
    """Base class of the errors this package raises on bad input."""


class InputError(MfgkgError):
    """An input file is malformed or refers to something that does not exist."""

    def __init__(self, file: str, message: str, entity: str | None = None, field: str | None = None):
        self.file = file
        self.entity = entity
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.entity:
            where.append(f"entity '{self.entity}'")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{': '.join(where)}: {self.message}"


class SeedError(InputError):
    """A seed file is malformed or refers to something that does not exist."""


class OntologyError(InputError):
    """An ontology or shapes file is malformed or missing."""


class QueryError(MfgkgError):
    """A saved query, its parameters or an ad hoc SPARQL query is wrong."""


class StoreError(MfgkgError):
    """The store could not be loaded or could not answer."""


class MfgkgWarning(UserWarning):
    """Base class of the warnings this package gives; the command line shows them as notes."""


class UnmatchedValue(MfgkgWarning):
    """A query parameter's value named nothing in the graph, so the answer is empty."""


class CacheUnavailable(MfgkgWarning):
    """The build cache could not be written, so the graph was kept for this process only."""


class NotRepresentable(MfgkgError):
    """An answer holds something the requested format cannot carry (a control character in XML)."""


class ResultTooLarge(QueryError):
    """A query answered with more rows or triples than the caller allows."""
