"""Read the claims of a table row: each cell's header says what the cell states about the row's
institute ("Location" a headquarters, "Technology" a focus, "Founded" a year, "Lead agency" a
sponsor), so a row's values are tied to the row's own institute and never to the next row's.
A row without an institute, and a cell whose header says nothing checkable, give no claim.
"""

from __future__ import annotations

import re

from mfgkg.check.claims import CITY_BEFORE_STATE, KIND_WORDS, YEARS, Claim, _in_name
from mfgkg.check.gazetteer import Mention
from mfgkg.check.quantities import Quantity
from mfgkg.check.text import Sentence

# What a column holds, by the words of its header; the first that matches decides.
ROLES = (
    ("sponsor", re.compile(r"\b(?:agency|agencies|sponsor\w*|department|funder)\b", re.I)),
    ("lead-organization", re.compile(r"\b(?:lead\w*|operator|operated|managed\s+by|run\s+by)\b", re.I)),
    ("headquarters", re.compile(r"\b(?:location|headquarter\w*|hq|city|based|site|home)\b", re.I)),
    ("technology-area", re.compile(r"\b(?:technolog\w*|focus|areas?|sectors?|fields?|topics?|specialt\w*)\b", re.I)),
    ("founded", re.compile(r"\b(?:founded|established|launched|created|since|year|date|awarded)\b", re.I)),
    ("funding", re.compile(r"\b(?:funding|award|investment|federal|cost|share|\$|usd)\b", re.I)),
    ("subject", re.compile(r"\b(?:institutes?|names?|hubs?|organi[sz]ations?)\b", re.I)),
)


def role(header: str) -> str | None:
    """What a column with ``header`` states, or None."""
    return next((name for name, pattern in ROLES if pattern.search(header)), None)


def read_row(row: Sentence, mentions: list[Mention], numbers: list[Quantity]) -> list[Claim]:
    """The claims of one row (``mentions`` and ``numbers`` found in ``row.text``), each spanning its cell."""
    cells, offset = [], 0
    for cell in row.cells:  # where each cell sits in the row's text (cells joined by " | ")
        cells.append((cell, offset, offset + len(cell.text)))
        offset += len(cell.text) + 3

    def inside(start: int, end: int, position: tuple[int, int]) -> bool:
        return start <= position[0] and position[1] <= end

    subjects = [m for cell, a, b in cells if role(cell.header) in ("subject", None)
                for m in mentions if m.cls == "Institute" and inside(a, b, (m.start, m.end))]
    subjects = subjects or [m for m in mentions if m.cls == "Institute"]
    if not subjects or len({m.of("Institute") for m in subjects}) > 1:
        return []
    subject = subjects[0]
    claims: list[Claim] = []
    for cell, start, end in cells:
        what = role(cell.header)
        found = [m for m in mentions if inside(start, end, (m.start, m.end)) and m is not subject]
        values = [q for q in numbers if inside(start, end, (q.start, q.end))]
        for claim in _cell_claims(what, cell.header, row.text, start, found, values, subject):
            claim.span = (cell.start, cell.end)
            claims.append(claim)
    return claims


def _cell_claims(what: str | None, header: str, text: str, start: int, found: list[Mention],
                 values: list[Quantity], subject: Mention) -> list[Claim]:
    institute = subject.of("Institute")
    if what == "headquarters":
        city = next((m for m in found if m.cls == "City"), None)
        state = next((m for m in found if m.cls == "State"), None)
        if not (city or state):
            return []
        value = {"city": city.of("City") if city else None, "state": state.of("State") if state else None}
        if state and not city:
            written = CITY_BEFORE_STATE.search(text[start:state.start])
            if written:
                value["place"] = written.group("place")
        return [Claim("headquarters", institute, value, [subject, *(m for m in (city, state) if m)])]
    if what == "technology-area":
        return [Claim("technology-area", institute, m.of("TechnologyArea"), [subject, m])
                for m in found if m.cls == "TechnologyArea" and not _in_name(text, m)]
    if what == "founded":
        years = [q for q in values if q.unit in YEARS]
        return [Claim("founded", institute, int(years[0].value), [subject])] if years else []
    if what == "sponsor":
        return [Claim("sponsor", institute, m.of("FederalAgency"), [subject, m]) for m in found
                if m.cls == "FederalAgency"]
    if what == "lead-organization":
        return [Claim("lead-organization", institute, m.of("Organization"), [subject, m]) for m in found
                if m.of("Organization") and m.cls != "FederalAgency"][:1]
    if what == "funding":
        kind = next((name for name, pattern in KIND_WORDS if pattern.search(header)), None)
        return [Claim("funding", institute, q, [subject], {"funder": None, "kind": kind, "year": None})
                for q in values if q.unit == "usd"]
    return []
