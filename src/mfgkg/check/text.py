"""Read a document and cut it into sentences with their character spans.

Markdown markup (headings, emphasis, links, list markers) is blanked out with spaces rather than
removed, and so are code blocks and table rows, which are not prose; so every span indexes the
text as given, and a reader can highlight the sentence in the original file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mfgkg.errors import InputError

# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = frozenset({"u.s", "dr", "mr", "mrs", "ms", "st", "inc", "corp", "co", "ltd", "no", "vs", "e.g",
                           "i.e", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                           "nov", "dec", "fig", "approx", "gov", "dept", "sec", "pub", "l", "div", "u.s.c"})
_MARKUP = [
    re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S),  # code blocks: code, not prose
    re.compile(r"^ {0,3}\|.*$", re.M),  # table rows: cells, not sentences
    re.compile(r"^ {0,3}#{1,6}[ \t]", re.M),  # headings
    re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+", re.M),  # list markers
    re.compile(r"^ {0,3}>[ \t]?", re.M),  # block quotes
    re.compile(r"^ {0,3}(?:```|~~~).*$", re.M),  # code fences
    re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`)"),  # emphasis and inline code
    re.compile(r"!?\[(?=[^\]]*\]\([^)]*\))"),  # a link's opening bracket
    re.compile(r"\]\([^)]*\)"),  # a link's target
    re.compile(r"<[^>\n]{1,200}>"),  # HTML tags
]
_END = re.compile(r"[.!?](?:[\"'\u201d\u2019)\]]*)(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9$]|\s*$)")
_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t])")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text (markup blanked, spacing kept) and where it sits in the document."""

    text: str
    start: int
    end: int
    paragraph: int


def read_document(path: Path | None, data: bytes | None = None) -> str:
    """The text of ``path`` (or of ``data``, read from standard input), refusing what is not readable text.

    Raises :class:`InputError` naming the file for a missing or unreadable file, binary content
    or a document with no text, so the command line can exit 2 with one line.
    """
    name = str(path) if path else "<stdin>"
    if path is not None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(name, f"cannot read the document: {exc.strerror or exc.__class__.__name__}") from None
    else:
        data = data or b""
    if b"\x00" in data[:8192]:
        raise InputError(name, "the document is binary, not text: give plain text or Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"the document is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise InputError(name, "the document is empty")
    return text


def plain(text: str) -> str:
    """``text`` with Markdown markup replaced by spaces of the same length."""
    for pattern in _MARKUP:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` (plain or Markdown), each with its span and paragraph number."""
    blanked = plain(text)
    out: list[Sentence] = []
    for paragraph, (block_start, block_end) in enumerate(_blocks(text)):
        block_text = blanked[block_start:block_end]
        cut = 0
        for match in _END.finditer(block_text):
            if _is_abbreviation(block_text, match.start()):
                continue
            _add(out, blanked, block_start + cut, block_start + match.end(), paragraph)
            cut = match.end()
        _add(out, blanked, block_start + cut, block_end, paragraph)
    return out


def _blocks(text: str) -> list[tuple[int, int]]:
    """The spans of the paragraphs and list items of ``text`` (before its markup is blanked)."""
    out, last = [], 0
    for match in _BREAK.finditer(text):
        out.append((last, match.start()))
        last = match.end()
    out.append((last, len(text)))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial rather than a sentence."""
    if text[dot] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    """Append the sentence in ``text[start:end]`` trimmed of surrounding space, if it has words."""
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk.rstrip())
    if trail > lead and re.search(r"[A-Za-z0-9]", chunk):
        out.append(Sentence(" ".join(chunk[lead:trail].split()), start + lead, start + trail, paragraph))
