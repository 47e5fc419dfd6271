"""Numbers in prose: money, counts, ratios and years, with the comparator the words give them.

"$1.3 billion" is 1.3e9 USD, "more than 2,500" a count with comparator ``more-than``, "nearly
3:1" a ratio of 3 with ``nearly``, "FY2022" and "fiscal year 2022" fiscal years. Each quantity
keeps its span in the sentence so claims can pair it with the words next to it. Comparator names
are the graph's (``exact``, ``more-than``, ``at-least``, ``about``, ``nearly``, ``up-to``) plus
``less-than``, which prose uses and the sources do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
                "a dozen": 12, "two dozen": 24}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mil": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9}
COMPARATOR_WORDS = {
    "more-than": ("more than", "over", "upwards of", "in excess of", "exceeding", "above", "greater than", "beyond"),
    "at-least": ("at least", "no fewer than", "no less than", "a minimum of"),
    "about": ("about", "around", "approximately", "roughly", "some", "an estimated", "circa", "approx.", "~"),
    "nearly": ("nearly", "almost", "close to", "just under", "just shy of"),
    "up-to": ("up to", "as much as", "as many as", "a maximum of", "at most"),
    "less-than": ("less than", "fewer than", "under", "below"),
}
ROUNDING = 0.05  # a round figure is taken to be within 5% of the true one at most
GROUPING = ",\u00a0\u202f\u2009\u2007'"  # thousands separators: comma, no-break, narrow and thin spaces
_NUMBER = rf"\d{{1,3}}(?:[{GROUPING}]\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:(?:\s*|-)(?:thousand|million|billion|mn|bn|mil)\b|(?<=\d)[kKmMbB]\b)"
_WORD_NUMBER = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
_COMPARATOR = "|".join(sorted((re.escape(w) for words in COMPARATOR_WORDS.values() for w in words),
                              key=len, reverse=True))
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PATTERNS = (  # read in this order; "date" and "year-range" only keep their digits from being read as counts
    ("month-year", re.compile(rf"\b{_MONTH}\s+(?P<n>(?:19|20)\d\d)\b")),
    ("date", re.compile(rf"\b(?P<n>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?=\s|,|$)|\b{_MONTH}\s+(?P<d>\d{{1,2}})"
                        r"(?:st|nd|rd|th)?\b")),
    ("year-range", re.compile(r"\b(?P<n>(?:19|20)\d\d)\s*[-\u2013/]\s*(?:(?:19|20)\d\d|\d\d)\b")),
    ("fiscal-year", re.compile(r"\b(?:FY\s?|fiscal(?:\s+year)?\s+)(?P<n>(?:19|20)\d{2}|\d{2})\b", re.I)),
    ("usd", re.compile(rf"(?:US\s?\$|\$|USD\s?)(?P<n>{_NUMBER})(?P<scale>{_SCALE})?", re.I)),
    ("usd", re.compile(rf"\b(?P<n>{_NUMBER})(?P<scale>{_SCALE})?\s+(?:US\s+)?dollars\b", re.I)),
    ("ratio", re.compile(rf"\b(?P<n>{_NUMBER})\s*(?::|-to-|\s+to\s+)\s*1\b(?!\d)")),
    ("year", re.compile(r"(?<![\d$.,])\b(?P<n>(?:19[5-9]|20[0-4])\d)\b(?!\d|[.,]\d)")),
    ("range", re.compile(rf"(?<![\w$.,])(?P<n>{_NUMBER})(?:-|\u2013)?\s*(?:-|\u2013|to|and)\s*(?P<d>{_NUMBER})"
                         rf"(?:-|\s+)(?:years?|months?|weeks?|days?|percent|per\s?cent|%)|"
                         rf"(?<![\w$.,])(?P<r>{_NUMBER})\s*(?:-|\u2013)\s*(?:{_NUMBER})(?![\d,])")),
    ("count", re.compile(rf"(?<![\w$.,])(?P<n>{_NUMBER})(?![\d,])(?P<scale>{_SCALE})?"
                         rf"(?![\w.,]\d|\s*(?::|-to-|to\s+1\b)|%)")),
    ("count", re.compile(rf"\b(?P<n>{_WORD_NUMBER})\b", re.I)),
)
_BEFORE = re.compile(rf"(?:\b|(?<=~))({_COMPARATOR})\s*$", re.I)
_AFTER = re.compile(r"^\s*(?:or|and)\s+(more|over|above|fewer|less|under)\b", re.I)


@dataclass(frozen=True)
class Quantity:
    """A number in a sentence: ``unit`` is usd, count, ratio, year, month-year ("December 2021": a date,
    never a fiscal year), fiscal-year, or date, year-range and range ("5- to 7-year", "10-15": kept only
    so their digits are not read as counts)."""

    value: float
    unit: str
    comparator: str
    start: int
    end: int
    text: str
    precision: float = 0.0  # how far off the written figure may be: see :func:`_precision`


def quantities(sentence: str) -> list[Quantity]:
    """Every quantity in ``sentence``, left to right; a span is read once, by the first pattern."""
    taken: list[tuple[int, int]] = []
    found: list[Quantity] = []
    for unit, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            quantity = _read(sentence, unit, match)
            if quantity is not None:
                taken.append((match.start(), match.end()))
                found.append(quantity)
    return sorted(found, key=lambda q: q.start)


def _read(sentence: str, unit: str, match: re.Match[str]) -> Quantity | None:
    raw = match.groupdict().get("n") or match.groupdict().get("d") or match.group("r")
    if raw.lower() in WORD_NUMBERS:
        value, precision = float(WORD_NUMBERS[raw.lower()]), 0.0
    else:
        digits = "".join(ch for ch in raw if ch not in GROUPING)
        value = float(digits)
        precision = _precision(digits)
    if unit == "fiscal-year":
        value = value + 2000 if value < 100 else value
        return Quantity(value, unit, "exact", match.start(), match.end(), match.group(0))
    if unit in ("year", "month-year", "year-range", "date", "range"):
        return Quantity(value, unit, "exact", match.start(), match.end(), match.group(0))
    scale = (match.groupdict().get("scale") or "").strip().lstrip("-").lower()
    if scale:
        factor = SCALES[scale]
        value, precision = value * factor, precision * factor
    precision = min(precision, ROUNDING * value)
    if unit == "count" and re.match(r"(?:\s*|-)(?:years?|months?|weeks?|days?|percent|per\s?cent)\b",
                                    sentence[match.end():], re.I):
        return None
    start, comparator = _comparator(sentence, match.start(), match.end())
    return Quantity(value, unit, comparator, start, match.end(), sentence[start:match.end()], precision)


def _precision(digits: str) -> float:
    """Half the step of the last significant digit: "87" -> 0.5, "2500" -> 50, "1.3" -> 0.05."""
    if "." in digits:
        return 0.5 * 10 ** -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped) if stripped else 0
    return 0.5 * 10 ** zeros


def _comparator(sentence: str, start: int, end: int) -> tuple[int, str]:
    """The comparator words just before the number (or "or more" after it), and where they start."""
    before = _BEFORE.search(sentence[max(0, start - 24):start])
    if before:
        words = before.group(1).lower()
        for name, options in COMPARATOR_WORDS.items():
            if words in options:
                return start - (len(sentence[max(0, start - 24):start]) - before.start(1)), name
    after = _AFTER.match(sentence[end:end + 16])
    if after:
        return start, "at-least" if after.group(1).lower() in ("more", "over", "above") else "up-to"
    return start, "exact"
