"""Find the graph's entities in a sentence by their names.

The gazetteer is built from the graph's own labels, acronyms, common and other names (the
``names`` check query), so it grows with the data. A few rules add the forms prose uses:
"Defense Department" for "Department of Defense", a law's name without "of 2014", "the 2024
Strategic Plan" for the plan of that edition, "Detroit, MI" for a state's postal code after a
city. One-word names match with the capitals they are written with (so "LIFT" is an institute
and "lift" a verb); longer names, metric words and technology areas ignore case and a plural
"s". Where names overlap the longest wins; "the institute" and "the plan" are mentions whose
entity the checker resolves from the sentences before (see :mod:`mfgkg.check.claims`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

CASELESS_CLASSES = frozenset({"Metric", "TechnologyArea"})
# Names that may sit inside a description ("a Texas-based institute", "the DoD-led institute").
QUALIFIERS = frozenset({"City", "State", "TechnologyArea", "Metric", "FederalAgency"})
# A name shared by entities of several classes is read as the first class here it has.
CLASS_ORDER = ("Institute", "FederalAgency", "Law", "StrategicPlan", "NationalStrategy", "Program", "TechnologyArea",
               "Metric", "State", "City", "Organization")
PRONOUN = re.compile(r"^\s*(?:It|Its)\b")  # a sentence opening with "It" speaks of the last sentence's institute
# A description of one institute ("a Tennessee research institute", "the winning consortium"): the
# noun in lower case, so a name's "Institute" is never one; resolved only in a document about one institute.
DESCRIPTION = re.compile(r"\b(?:[Aa]n?|[Tt]he|[Tt]his|America['\u2019]s|[Tt]he\s+(?:nation|country)['\u2019]s)\s+"
                         r"(?:(?!institutes?\b|and\b|or\b|(?:first|second|third|fourth|"
                         r"fifth|another|other|previous|earlier|pilot|existing|last|next|sister|each|every|one|"
                         r"former)\b)[\w.'\u2019-]+\s+){0,5}?"
                         r"(?:institute|consortium|hub)\b(?!\s+(?:for|of|in)\s+[A-Z])(?!s)")
INDEFINITE = re.compile(r"[Aa]n?\s")
DATELINE_ONLY = re.compile(r"\(?[A-Z][A-Z.,'\s]*\)?(?:\s*\([^)]*\))?\s*[-\u2014\u2013]+")  # "WASHINGTON —", "(TNS) --"
TO_SET_UP = re.compile(r"(?:\b(?:to|will|would)\s+(?:\w+\s+and\s+)?(?:lead|operate|manage|run|establish|create|launch|"
                       r"form|host|house|become|anchor|be)|\b(?:as|that|when|after|because|while))$", re.I)
SPELLED_BEFORE = re.compile(r"(?:(?!(?:The|A|An|This)\s)[A-Z](?:[\w&'\u2019]|-(?!based|led|headquartered))*\s+"
                            r"(?:(?:of|for|and|in|&)\s+)?){2,8}$")
SPELLED_AFTER = re.compile(r"(?:\s+(?:Innovation|Manufacturing|Institute|Hub|Center|Centre|Consortium|Alliance))+")
REFERENCES = {  # words that point back to the last entity of a class
    "Institute": r"(?:the|this|that)\s+(?:new\s+|newest\s+|national\s+|winning\s+|proposed\s+|planned\s+)?"
                 r"(?:institute|consortium|hub)",
    "StrategicPlan": r"(?:the|this)\s+(?:strategic\s+)?plan",
    "Program": r"(?:the|this)\s+(?:program|network)",
    "FederalAgency": r"(?-i:the|The)\s+(?-i:Department|Agency)(?!\s+of\b|'s\s+[A-Z])",
}


@dataclass(frozen=True)
class Mention:
    """A name found in a sentence: ``entities`` maps each entity it may name to its class."""

    start: int
    end: int
    text: str
    entities: tuple[tuple[str, str], ...]
    reference: bool = False  # "the institute": resolved later from context
    pronoun: bool = False  # "It": resolved only from the sentence just before
    description: bool = False  # "a Tennessee research institute": resolved only to the document's one institute

    def of(self, *classes: str) -> str | None:
        """The entity of one of ``classes`` this mention names, if any."""
        return next((entity for entity, cls in self.entities if cls in classes), None)

    @property
    def cls(self) -> str:
        return self.entities[0][1] if self.entities else ""


class Gazetteer:
    """Every name of every entity, compiled into two patterns (with and without case)."""

    def __init__(self, names: Iterable[dict[str, Any]], editions: dict[str, str] | None = None):
        exact: dict[str, dict[str, str]] = defaultdict(dict)
        caseless: dict[str, dict[str, str]] = defaultdict(dict)
        codes: dict[str, dict[str, str]] = defaultdict(dict)
        for row in names:
            if row["kind"] == "code":  # "US-MI": matched as "MI" after a comma, as in "Detroit, MI"
                codes[row["name"].split("-", 1)[-1]][row["entity"]] = row["class"]
                continue
            for form, case in _forms(row["name"], row["class"]):
                (exact if case else caseless)[form if case else form.casefold()][row["entity"]] = row["class"]
        for plan, edition in (editions or {}).items():
            for form in (f"{edition} strategic plan", f"{edition} plan"):
                caseless[form][plan] = "StrategicPlan"
        self._tables = [(_alternation(exact), exact, False),
                        (_alternation(caseless, re.I, plural=True), caseless, True),
                        (_alternation(codes, after=r"(?<=,\s)"), codes, False)]
        self._references = [(cls, re.compile(rf"\b{pattern}\b(?!\s+(?:for|of)\s+[A-Z])", re.I))
                            for cls, pattern in REFERENCES.items()]

    def find(self, sentence: str) -> list[Mention]:
        """The mentions in ``sentence``, left to right, overlaps resolved to the longest."""
        found: list[Mention] = []
        for pattern, table, fold in self._tables:
            if pattern is None:
                continue
            for match in pattern.finditer(sentence):
                text = match.group("name")
                key = text.casefold() if fold else text
                key = " ".join(key.split())
                entities = table.get(key) or table.get(key[:-1] if key.endswith("s") else key) or {}
                if entities:
                    found.append(Mention(match.start("name"), match.end("name"), text, _ordered(entities)))
        for cls, pattern in self._references:
            for match in pattern.finditer(sentence):
                found.append(Mention(match.start(), match.end(), match.group(0), ((cls, cls),), reference=True))
        pronoun = PRONOUN.match(sentence)
        if pronoun:
            found.append(Mention(pronoun.start(), pronoun.end(), pronoun.group(0).strip(),
                                 (("Institute", "Institute"),), reference=True, pronoun=True))
        found.sort(key=lambda m: (m.start, -(m.end - m.start), m.reference))
        kept: list[Mention] = []
        for mention in found:
            if kept and mention.start < kept[-1].end:
                continue
            kept.append(mention)
        kept = _spelled_out(sentence, kept)
        return sorted(kept + self._descriptions(sentence, kept), key=lambda m: (m.start, m.description))

    @staticmethod
    def _descriptions(sentence: str, kept: list[Mention]) -> list[Mention]:
        """Descriptions of an institute that overlap no other name or reference; the places and areas
        they hold ("a Texas-based institute") stay mentions of their own. One with "a" or "an" is the
        institute being written about only where it opens the sentence or stands in apposition; elsewhere
        it brings in another ("Pittsburgh, which hosts an institute focused on robotics")."""
        others = [m for m in kept if m.cls not in QUALIFIERS]
        return [Mention(match.start(), match.end(), match.group(0), (("Institute", "Institute"),), reference=True,
                        description=True)
                for match in DESCRIPTION.finditer(sentence)
                if not any(m.start < match.end() and match.start() < m.end for m in others)
                and (not INDEFINITE.match(match.group(0)) or _introduces_the_subject(sentence, match.start()))]


def _spelled_out(sentence: str, kept: list[Mention]) -> list[Mention]:
    """An institute's acronym in parentheses after a name the graph does not hold ("the Advanced
    Robotics Manufacturing (ARM) Innovation Hub") names the whole: the mention grows over the
    capitalised words around it, and names inside it give way."""
    for mention in [m for m in kept if m.cls == "Institute" and not m.reference]:
        if sentence[mention.start - 1:mention.start] != "(" or sentence[mention.end:mention.end + 1] != ")" \
                or any(0 <= mention.start - other.end <= 2 for other in kept if other is not mention):
            continue  # not in parentheses, or the name before them is already known
        before = SPELLED_BEFORE.search(sentence, 0, mention.start - 1)
        after = SPELLED_AFTER.match(sentence, mention.end + 1)
        if not before:
            continue
        start, end = before.start(), after.end() if after else mention.end + 1
        grown = Mention(start, end, sentence[start:end], mention.entities)
        kept = [m for m in kept if not (start <= m.start and m.end <= end)] + [grown]
    return sorted(kept, key=lambda m: m.start)


def _forms(name: str, cls: str) -> list[tuple[str, bool]]:
    """The forms of one name prose may use, each with whether it must match with its capitals."""
    name = " ".join(name.split())
    if not name:
        return []
    one_word = " " not in name
    case = one_word and cls not in CASELESS_CLASSES
    forms = [(name, case)]
    if case and name.upper() != name and len(name) > 3:
        forms.append((name.upper(), True))
    department = re.fullmatch(r"(?:U\.S\.\s+)?Department of (?:the\s+)?(\w+)", name)
    if department:
        forms += [(f"{department.group(1)} Department", False), (f"Dept. of {department.group(1)}", False)]
    if cls == "TechnologyArea" and len(name) > 4 and name.endswith("s") and not name.endswith("ss"):
        forms.append((name[:-1], False))  # "semiconductor" for "Semiconductors"
    fiscal = re.search(r"\bFY ?((?:19|20)\d\d)\b", name)
    if fiscal:
        forms += [(name.replace(fiscal.group(0), f"for Fiscal Year {fiscal.group(1)}"), False),
                  (name.replace(fiscal.group(0), f"for FY{fiscal.group(1)}"), False),
                  (f"FY{fiscal.group(1)} {name.replace(fiscal.group(0), '').strip()}", False)]
    year = re.fullmatch(r"(.+ Act) of ((?:19|20)\d\d)", name)
    if year:
        forms += [(year.group(1), False), (f"{year.group(2)} {year.group(1)}", False)]
    return forms


def _alternation(table: dict[str, dict[str, str]], flags: int = 0, plural: bool = False,
                 after: str = "") -> re.Pattern[str] | None:
    """One pattern matching any name in ``table`` as whole words, longest first (each ``after`` a
    look-behind, if given; with ``plural``, also followed by an "s")."""
    if not table:
        return None
    parts = []
    for name in sorted(table, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in name.split())
        parts.append(body + (r"s?" if plural and name[-1].isalpha() and name[-1] != "s" else ""))
    return re.compile(rf"{after}(?<![\w&-])(?P<name>{'|'.join(parts)})(?![\w&]|-(?-i:[A-Z0-9]))", flags)


def _ordered(entities: dict[str, str]) -> tuple[tuple[str, str], ...]:
    rank = {cls: i for i, cls in enumerate(CLASS_ORDER)}
    return tuple(sorted(entities.items(), key=lambda item: (rank.get(item[1], len(rank)), item[0])))


def _introduces_the_subject(sentence: str, start: int) -> bool:
    """Whether an "a"/"an" description at ``start`` introduces what the document is about: it opens the
    sentence or a clause (a dateline's dash aside; "announced that a new institute ..."), stands in
    apposition after a comma, or is what someone was chosen to set up ("selected X to operate a
    consortium", "to lead a new institute", "as a hub")."""
    before = sentence[:start].rstrip()
    return (not before.strip(" -(\u2014\u2013") or bool(DATELINE_ONLY.fullmatch(before)) or before.endswith(",")
            or bool(TO_SET_UP.search(before)))
