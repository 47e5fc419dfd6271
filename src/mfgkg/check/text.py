"""Read a document and cut it into the units claims are read from: sentences and table rows.

A document may be plain text, Markdown or HTML. Markup (headings, emphasis, links, list markers,
tags) is blanked out with spaces rather than removed, and so are regions that are not prose
(code blocks, scripts, styles, a page's title), so every span indexes the text as given and a
reader can highlight the unit in the original file. Character references (``&nbsp;``) are
decoded in place and padded to their length. Paragraphs, list items and block tags end
sentences; a short line list (one item per line, no markers) is read line by line.

Tables (Markdown pipes, HTML ``<table>``, tab-separated text) are read as rows: each row is one
unit whose cells keep their column's header ("Institute", "Location"), so a row's values are
never read with the next row's names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mfgkg.errors import InputError

# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = frozenset({"u.s", "dr", "mr", "mrs", "ms", "st", "inc", "corp", "co", "ltd", "no", "nos", "vs", "e.g",
                           "i.e", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                           "nov", "dec", "fig", "approx", "gov", "dept", "sec", "pub", "l", "div", "u.s.c", "p.l",
                           "h.r", "sen", "sens", "rep", "reps", "lt", "gen", "col", "capt", "adm", "prof", "jr", "sr",
                           "mt", "ft", "assn", "est", "admin"})
_HIDDEN = re.compile(r"<(script|style|title|head|noscript|template|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKUP = [
    re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S),  # code blocks: code, not prose
    re.compile(r"^ {0,3}#{1,6}[ \t]", re.M),  # headings
    re.compile(r"^[ \t]*(?:[-*+\u2022\u00b7\u25aa\u2013]|\d{1,3}[.)])[ \t]+", re.M),  # list markers
    re.compile(r"^ {0,3}>[ \t]?", re.M),  # block quotes
    re.compile(r"^ {0,3}(?:```|~~~).*$", re.M),  # code fences
    re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`)"),  # emphasis and inline code
    re.compile(r"!?\[(?=[^\]\n]*\]\([^)\n]*\))"),  # a link's opening bracket
    re.compile(r"\]\([^)\n]*\)"),  # a link's target
    re.compile(r"\[(?:\d{1,3}|[a-z]|note \d{1,3}|citation needed)\](?!\()"),  # citation markers: [2], [a]
    re.compile(r"<[^>\n]{1,400}>"),  # HTML tags
]
_END = re.compile(r"[.!?](?:[\"'\u201d\u2019)\]]*)(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9$]|\s*$)")
_BLOCK_TAG = (r"</?(?:p|div|li|ul|ol|dl|dd|dt|table|thead|tbody|tfoot|tr|td|th|caption|h[1-6]|br|hr|section|article"
              r"|header|footer|nav|aside|main|blockquote|figure|figcaption|pre|body|html)\b[^>]*>")
_BREAK = re.compile(rf"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+\u2022\u00b7\u25aa\u2013]|\d{{1,3}}[.)])[ \t])|{_BLOCK_TAG}", re.I)
_CONTINUES = re.compile(r"(?:[,;\-\u2013\u2014(]|\b(?:and|or|the|of|a|an|to|in|for|with|by|on|at|from|its))$", re.I)
_LIST_LINE = re.compile(r"^[ \t]*[A-Z0-9\"\u201c$]")
_GROUPING = ("\u00a0", "\u202f", "\u2009", "\u2007")
_SPACING = re.compile(r"(?<=\d)[\u00a0\u202f\u2009\u2007](?=\d)|\s+")
MAX_LINE_ITEM = 160  # a line longer than this is prose wrapped by hand, not a list item
MAX_SENTENCE = 1000  # characters; prose sentences are far shorter (see _add)
_CLAUSE_BREAK = re.compile(r"[;,:]\s+|\s+(?:and|or|but|while)\s+")

_MD_TABLE = re.compile(r"(?:^ {0,3}\|[^\n]*(?:\n|$)){2,}", re.M)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HTML_TABLE = re.compile(r"<table\b[^>]*>(?P<body>.*?)</table\s*>", re.I | re.S)
_HTML_ROW = re.compile(r"<tr\b[^>]*>(?P<body>.*?)(?=</tr\s*>|<tr\b|$)", re.I | re.S)
_HTML_CELL = re.compile(r"<(?P<tag>t[hd])\b[^>]*>(?P<body>.*?)(?=</t[hd]\s*>|<t[hd]\b|$)", re.I | re.S)
_TAB_TABLE = re.compile(r"(?:^[^\n\t]*\t[^\n]*(?:\n|$)){2,}", re.M)


@dataclass(frozen=True)
class Cell:
    """One cell of a table row: its column's header and its text, with its span in the document."""

    header: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One unit to read claims from: a sentence, or a table row (``cells`` set, ``text`` its cells
    joined by " | "), with where it sits in the document."""

    text: str
    start: int
    end: int
    paragraph: int
    cells: tuple[Cell, ...] = ()


def read_document(path: Path | None, data: bytes | None = None) -> str:
    """The text of ``path`` (or of ``data``, read from standard input), refusing what is not readable text.

    UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are read. Raises
    :class:`InputError` naming the file for a missing or unreadable file, binary content or a
    document with no text, so the command line can exit 2 with one line.
    """
    name = str(path) if path else "<stdin>"
    if path is not None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(name, f"cannot read the document: {exc.strerror or exc.__class__.__name__}") from None
    else:
        data = data or b""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"the document is not UTF-16 text (byte {exc.start})") from None
    else:
        if b"\x00" in data[:8192]:
            raise InputError(name, "the document is binary, not text: give plain text, Markdown or HTML")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"the document is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise InputError(name, "the document is empty")
    return text


def plain(text: str) -> str:
    """``text`` with markup and hidden regions replaced by spaces, and character references decoded,
    each keeping its length (so offsets into the result are offsets into ``text``)."""
    text = _HIDDEN.sub(_blank, text)
    text = _ENTITY.sub(_decode, text)
    for pattern in _MARKUP:
        text = pattern.sub(_blank, text)
    return text


def unread(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that are not read as prose: scripts, styles, a page's head, code blocks."""
    return [m.span() for m in _HIDDEN.finditer(text)] + [m.span() for m in _MARKUP[0].finditer(text)]


def sentences(text: str) -> list[Sentence]:
    """The units of ``text`` in document order: sentences with their spans and paragraph numbers,
    and table rows with their cells."""
    blanked = plain(text)
    rows, tables = _tables(text, blanked)
    for start, end in tables:  # a table is read as rows, not as prose
        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
    out: list[Sentence] = []
    for paragraph, (block_start, block_end) in enumerate(_blocks(text)):
        for line_start, line_end in _lines(blanked, block_start, block_end):
            _cut(out, blanked, line_start, line_end, paragraph)
    paragraphs = {s.start: s.paragraph for s in out}
    for row in rows:
        paragraph = max((p for start, p in paragraphs.items() if start < row.start), default=-1)
        out.append(Sentence(row.text, row.start, row.end, paragraph, row.cells))
    return sorted(out, key=lambda s: s.start)


def _cut(out: list[Sentence], blanked: str, start: int, end: int, paragraph: int) -> None:
    """Append the sentences of ``blanked[start:end]``."""
    cut = start
    for match in _END.finditer(blanked, start, end):
        if _is_abbreviation(blanked, match.start()):
            continue
        _add(out, blanked, cut, match.end(), paragraph)
        cut = match.end()
    _add(out, blanked, cut, end, paragraph)


def _blocks(text: str) -> list[tuple[int, int]]:
    """The spans of the paragraphs, list items and block elements of ``text`` (before blanking)."""
    out, last = [], 0
    for match in _BREAK.finditer(text):
        out.append((last, match.start()))
        last = match.end()
    out.append((last, len(text)))
    return out


def _lines(blanked: str, start: int, end: int) -> list[tuple[int, int]]:
    """A block as one span, or line by line when it is a list written without markers: two or more
    short lines, each opening like an item and none ending as if the next line carried on."""
    block = blanked[start:end]
    lines, offset = [], start
    for line in block.split("\n"):
        if line.strip():
            lines.append((offset, offset + len(line)))
        offset += len(line) + 1
    if len(lines) < 2:
        return [(start, end)]
    texts = [blanked[a:b].strip() for a, b in lines]
    if all(len(t) <= MAX_LINE_ITEM and _LIST_LINE.match(t) for t in texts) \
            and not any(_CONTINUES.search(t) for t in texts[:-1]):
        return lines
    return [(start, end)]


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial rather than a sentence."""
    if text[dot] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[max(0, dot - 24):dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    """Append the sentence in ``text[start:end]`` trimmed of surrounding space, if it has words; one
    longer than MAX_SENTENCE (a flattened list or table, not prose) is cut at its last clause break
    within the limit, so the work per sentence, which grows with its claims times its mentions,
    stays bounded however long a run without a full stop is."""
    while end - start > MAX_SENTENCE:
        window = text[start:start + MAX_SENTENCE]
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window)] or [m.end() for m in re.finditer(r"\s+", window)]
        cut = start + (breaks[-1] if breaks and breaks[-1] > MAX_SENTENCE // 2 else MAX_SENTENCE)
        _add(out, text, start, cut, paragraph)
        start = cut
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk.rstrip())
    if trail > lead and re.search(r"[A-Za-z0-9]", chunk):
        out.append(Sentence(_spaced(chunk[lead:trail]), start + lead, start + trail, paragraph))


def _spaced(text: str) -> str:
    """``text`` with each run of spacing made one space, but a no-break or thin space between digits kept:
    it groups thousands ("2\u202f500")."""
    return _SPACING.sub(lambda m: m.group(0) if m.group(0) in _GROUPING else " ", text)


def _blank(match: re.Match[str]) -> str:
    """A match replaced by spaces, its line breaks kept (so paragraphs stay paragraphs)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _decode(match: re.Match[str]) -> str:
    """A character reference decoded and padded with spaces to its length; unknown ones kept."""
    written = match.group(0)
    char = html.unescape(written)
    if char == written or len(char) > len(written):
        return written
    char = char if char in _GROUPING else " " * len(char) if char.isspace() else char
    return char + " " * (len(written) - len(char))


@dataclass(frozen=True)
class _Row:
    text: str
    start: int
    end: int
    cells: tuple[Cell, ...]


def _tables(text: str, blanked: str) -> tuple[list[_Row], list[tuple[int, int]]]:
    """The rows of every table in ``text`` (Markdown, HTML, tab-separated), and the tables' spans."""
    rows: list[_Row] = []
    spans: list[tuple[int, int]] = []
    for match in _HTML_TABLE.finditer(text):
        grid = [[_span(blanked, c.start("body"), c.end("body"), c.group("tag").lower() == "th")
                 for c in _HTML_CELL.finditer(text, r.start("body"), r.end("body"))]
                for r in _HTML_ROW.finditer(text, match.start("body"), match.end("body"))]
        rows += _headed(blanked, [g for g in grid if g])
        spans.append(match.span())
    for match in _MD_TABLE.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        grid = _lines_of(match, lambda offset, line: None if _MD_RULE.match(line) else
                         _pipe_cells(blanked, offset, line))
        rows += _headed(blanked, grid, header_first=True)
        spans.append(match.span())
    for match in _TAB_TABLE.finditer(blanked):
        if any(a <= match.start() < b for a, b in spans):
            continue
        grid = _lines_of(match, lambda offset, line: _split_cells(blanked, offset, line, "\t"))
        if len({len(r) for r in grid}) == 1:
            rows += _headed(blanked, grid, header_first=True)
            spans.append(match.span())
    return rows, spans


def _lines_of(match: re.Match[str], cells: Callable[[int, str], list[tuple[int, int, bool]] | None]
              ) -> list[list[tuple[int, int, bool]]]:
    """The cells of each non-blank line of a table ``match``, by ``cells(offset, line)`` (None skips a line)."""
    grid, offset = [], match.start()
    for line in match.group(0).split("\n"):
        row = cells(offset, line) if line.strip() else None
        if row is not None:
            grid.append(row)
        offset += len(line) + 1
    return grid


def _span(blanked: str, start: int, end: int, header: bool = False) -> tuple[int, int, bool]:
    """A cell's span trimmed of surrounding space, and whether it is a header cell."""
    chunk = blanked[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    return start + lead, start + len(chunk.rstrip()), header


def _pipe_cells(blanked: str, offset: int, line: str) -> list[tuple[int, int, bool]]:
    """The cells of one Markdown table line (pipes escaped with a backslash stay in the cell)."""
    bounds = [m.start() for m in re.finditer(r"(?<!\\)\|", line)]
    if line.strip().startswith("|"):
        bounds = bounds[1:] if bounds else bounds
        first = line.index("|") + 1
    else:
        first = 0
    cells, last = [], first
    for bound in bounds:
        cells.append(_span(blanked, offset + last, offset + bound))
        last = bound + 1
    if line[last:].strip():
        cells.append(_span(blanked, offset + last, offset + len(line)))
    return cells


def _split_cells(blanked: str, offset: int, line: str, separator: str) -> list[tuple[int, int, bool]]:
    cells, last = [], 0
    for part in line.split(separator):
        cells.append(_span(blanked, offset + last, offset + last + len(part)))
        last += len(part) + 1
    return cells


def _headed(blanked: str, grid: list[list[tuple[int, int, bool]]], header_first: bool = False) -> list[_Row]:
    """Rows of ``grid`` with each cell under its column's header: the first row when it is all header
    cells (or ``header_first``); a table without a header gives rows whose cells have no header."""
    if not grid:
        return []
    has_header = header_first or all(header for _a, _b, header in grid[0])
    headers = [" ".join(blanked[a:b].split()) for a, b, _h in grid[0]] if has_header else []
    out = []
    for row in grid[1:] if has_header else grid:
        cells = tuple(Cell(headers[i] if i < len(headers) else "", " ".join(blanked[a:b].split()), a, b)
                      for i, (a, b, _h) in enumerate(row) if b > a)
        if cells:
            out.append(_Row(" | ".join(c.text for c in cells), cells[0].start, cells[-1].end, cells))
    return out


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATELINE = re.compile(r"\b(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*)\.?\s+\d{1,2},?\s+"
                       r"(?P<year>(?:19|20)\d\d)\b|\b(?P<iso>(?:19|20)\d\d)-(?P<m>[01]\d)-[0-3]\d\b")
DATELINE_WITHIN = 400  # characters from the start of a document where its date is looked for


def dateline(text: str) -> tuple[int, int] | None:
    """The (year, month) a document is dated, read from its opening ("WASHINGTON, Jan. 14, 2016 -",
    "2016-01-14"), or None."""
    match = _DATELINE.search(plain(text[:DATELINE_WITHIN]))
    if not match:
        return None
    if match.group("iso"):
        return int(match.group("iso")), int(match.group("m"))
    return int(match.group("year")), MONTHS.index(match.group("month")[:3].lower()) + 1
