"""Read the checkable claims out of a sentence, given the entities and quantities found in it.

Each rule looks for one kind of claim: an institute with a place and a word for headquarters,
with a year and a word for founding, with an agency and a word for sponsoring or managing, with
an organisation it is led by, with a technology it works on, with an amount of money; a yearly
network figure next to the metric it counts; a plan with its number of goals or institutes; a
law with its year. A quantity is read by one claim only. The rules are deliberately narrow:
a sentence they do not understand gives no claim, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mfgkg.check.gazetteer import Mention
from mfgkg.check.quantities import Quantity

HQ_WORDS = re.compile(r"\b(?:headquarter(?:ed|s)?|HQ|based|located|home\s+(?:is\s+)?in|home\s+to|home\s+base|"
                      r"sits\s+in|situated|operat\w*\s+(?:out\s+of|from)|operations\s+from)\b|\w-based\b", re.I)
FOUNDED_WORDS = re.compile(r"\b(?:founded|founding|established|launched|created|formed|inaugurated|set\s+up|"
                           r"stood\s+up|chartered|started|began|opened|since)\b", re.I)
OFFICE_WORDS = re.compile(r"\b(?:manag(?:ed|es|ing|ement)|overs(?:een|ees|ight|aw)|administer(?:ed|s)?|"
                          r"run\s+by|runs)\b", re.I)
SPONSOR_WORDS = re.compile(r"\b(?:sponsor(?:ed|s|ing)?|funded|funds|backed|backs|supported|supports|under|"
                           r"institutes?|launched|created|established|led|leads)\b|'s\b|-(?:sponsored|funded|led|backed)\b",
                           re.I)
LEAD_WORDS = re.compile(r"\b(?:led\s+by|lead\s+organi[sz]ation|operated\s+by|operates|managed\s+by|manages|run\s+by|"
                        r"headed\s+by|leads|spun\s+out)\b", re.I)
TECHNOLOGY_WORDS = re.compile(r"\b(?:focus(?:es|ed|ing)?|speciali[sz](?:es|ed|ing)|dedicated|devoted|works?\s+on|"
                              r"working\s+on|areas?|advanc(?:e|es|ing)|develop(?:s|ing)?|research(?:es)?|concentrat\w*|"
                              r"cent(?:er|re)d?\s+on|institute\s+for|covers?|targets?|about)\b", re.I)
GOAL_WORDS = re.compile(r"^\s*(?:strategic\s+|broad\s+|overarching\s+|main\s+|core\s+)?"
                        r"(?P<part>goals?|pillars?|objectives?)\b", re.I)
KIND_WORDS = (  # what kind of money a sentence speaks of, nearest the amount
    ("cost-share", re.compile(r"\b(?:cost[- ]share|match(?:ing|ed)?|non-?federal|private|industry|state|partners?)\b",
                              re.I)),
    ("total", re.compile(r"\b(?:total|combined|overall|in\s+all|altogether|together|portfolio|"
                         r"public(?:\s+and\s+|-)private)\b", re.I)),
    ("federal", re.compile(r"\b(?:federal|government|award(?:ed|s)?|grant(?:ed|s)?)\b", re.I)),
)
PLACE_AFTER = re.compile(r"\b(?:headquartered|headquarters|based|located|HQ|situated|home)\s+(?:is\s+|are\s+|sits\s+)?"
                         r"(?:in|at|out\s+of|from)\s+(?:the\s+)?(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)"
                         r"(?:,\s+(?P<state>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*))?")
PLACE_BEFORE = re.compile(r"(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)-based\b")
STATE_AFTER_CITY = re.compile(r",\s+(?P<state>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)")
CITY_BEFORE_STATE = re.compile(r"(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*),\s*$")
LEADER_AFTER = re.compile(r"\b(?:led|operated|managed|run|headed)\s+by\s+(?:the\s+)?"
                          r"(?P<name>[A-Z][\w.&'-]*(?:\s+(?:of|for|and|the|[A-Z][\w.&'()-]*))*)")
NEAR = 90  # characters between a number and the metric words that say what it counts


@dataclass
class Claim:
    """One claim read from a sentence: its kind, what it is about, the value it asserts, and the
    mentions it rests on. ``value`` is an entity IRI, a year, a :class:`Quantity` or a name as written."""

    kind: str
    subject: str | None
    value: Any
    mentions: list[Mention] = field(default_factory=list)
    qualifiers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What earlier sentences said, for "the institute", "the plan" and a year given once per paragraph."""

    units: dict[str, str] = field(default_factory=dict)  # metric -> its unit (count, usd, ratio)
    last: dict[str, Mention] = field(default_factory=dict)
    previous: Mention | None = None  # the first institute named in the sentence before
    paragraph: int = -1
    fiscal_year: int | None = None


def resolve(mentions: list[Mention], context: Context, paragraph: int) -> list[Mention]:
    """Replace "the institute" and "the plan" with the last entity of that class named before them."""
    if paragraph != context.paragraph:
        context.paragraph, context.fiscal_year = paragraph, None
    out = []
    for mention in mentions:
        if mention.reference:
            cls = mention.entities[0][1]
            earlier = context.previous if mention.pronoun else context.last.get(cls)
            if earlier is None:
                continue
            mention = Mention(mention.start, mention.end, mention.text, earlier.entities, reference=True)
        else:
            for _entity, cls in mention.entities[:1]:
                context.last[cls] = mention
        out.append(mention)
    context.previous = next((m for m in out if m.cls == "Institute"), None)
    return out


def read_claims(sentence: str, mentions: list[Mention], numbers: list[Quantity], context: Context) -> list[Claim]:
    """Every claim the rules find in ``sentence`` (see the module docstring)."""
    numbers = [q for q in numbers if not any(_names(q, m, sentence) for m in mentions)]
    used: set[int] = set()
    claims: list[Claim] = []
    fiscal = [q for q in numbers if q.unit == "fiscal-year"]
    if fiscal:
        context.fiscal_year = int(fiscal[0].value)
    for rule in (_law_dates, _plan_structure, _metrics, _funding, _founded, _headquarters, _sponsor, _lead,
                 _technology):
        claims += rule(sentence, mentions, numbers, used, context)
    return claims


def _names(number: Quantity, mention: Mention, sentence: str) -> bool:
    """Whether ``number`` is part of a name: inside the mention ("NDAA FY2023") or a year just before a
    plan's name ("the 2019 Manufacturing USA Strategic Plan"); a law's year is its date, so it stays."""
    if mention.cls == "Law":
        return False
    if mention.start <= number.start and number.end <= mention.end:
        return True
    return (number.unit == "year" and mention.cls in ("StrategicPlan", "NationalStrategy")
            and number.end <= mention.start and not sentence[number.end:mention.start].strip())


def _institutes(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.cls == "Institute"]


def _inside(position: int, mentions: list[Mention]) -> bool:
    """Whether ``position`` falls inside one of ``mentions``."""
    return any(m.start <= position < m.end for m in mentions)


def _nearest(target: int, mentions: list[Mention]) -> Mention | None:
    return min(mentions, key=lambda m: abs(m.start - target), default=None)


def _law_dates(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
               context: Context) -> list[Claim]:
    claims = []
    for law in (m for m in mentions if m.cls == "Law"):
        years = [q for q in numbers if q.unit == "year" and id(q) not in used
                 and (law.start - 12 <= q.start and q.end <= law.end + 40)]
        if years:
            year = min(years, key=lambda q: abs(q.start - law.start))
            used.add(id(year))
            claims.append(Claim("law-date", law.of("Law"), int(year.value), [law]))
    return claims


def _plan(mentions: list[Mention], context: Context | None = None) -> Mention | None:
    """The plan the sentence names, or (given ``context``) the one the sentences before it named."""
    plans = [m for m in mentions if m.cls in ("StrategicPlan", "NationalStrategy")]
    if plans:
        return plans[0]
    return context.last.get("StrategicPlan") if context else None


def _plan_structure(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
                    context: Context) -> list[Claim]:
    plan = _plan(mentions, context)
    claims = []
    for number in numbers:
        part = GOAL_WORDS.match(sentence[number.end:])
        if number.unit != "count" or not part or id(number) in used:
            continue
        used.add(id(number))
        name = part.group("part").lower()
        what = "objectives" if name.startswith("objective") else "goals"
        subject = plan.of("StrategicPlan", "NationalStrategy") if plan else None
        claims.append(Claim("plan-structure", subject, number, [plan] if plan else [], {"part": what}))
    return claims


def _unit_fits(number: Quantity, metric_unit: str) -> bool:
    return number.unit == metric_unit


def _metrics(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    """Network figures: each number paired with the nearest metric words of its unit."""
    metrics = [m for m in mentions if m.cls == "Metric"]
    if not metrics:
        return []
    institutes = _institutes(mentions)
    plan = _plan(mentions)
    claims = []
    free = list(metrics)
    for number in numbers:
        if id(number) in used or number.unit not in ("usd", "count", "ratio"):
            continue
        if number.unit == "usd" and institutes:
            continue  # money with an institute named is a commitment (see _funding)
        fitting = [m for m in free if _unit_fits(number, context.units.get(m.of("Metric") or "", ""))]
        candidates = [m for m in fitting if (m.start >= number.end and m.start - number.end <= NEAR)
                      or (m.end <= number.start and number.start - m.end <= NEAR // 2)]
        if not candidates:
            continue
        metric = min(candidates, key=lambda m: (m.start < number.end, abs(m.start - number.end)))
        free.remove(metric)
        used.add(id(number))
        entity = metric.of("Metric")
        if plan is not None and entity and entity.endswith("/institutes") and not _explicit_year(numbers):
            claims.append(Claim("institute-count", plan.of("StrategicPlan", "NationalStrategy"), number,
                                [plan, metric]))
            continue
        year = _explicit_year(numbers) or context.fiscal_year
        scope = institutes[0].of("Institute") if institutes and not entity.endswith("/institutes") else None
        claims.append(Claim("metric", entity, number, [metric, *([institutes[0]] if scope else [])],
                            {"fiscal_year": year, "scope": scope}))
    return claims


def _explicit_year(numbers: list[Quantity]) -> int | None:
    for unit in ("fiscal-year", "year"):
        for number in numbers:
            if number.unit == unit:
                return int(number.value)
    return None


def _funding(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    institutes = _institutes(mentions)
    claims = []
    for number in numbers:
        if number.unit != "usd" or id(number) in used or not institutes:
            continue
        used.add(id(number))
        institute = _nearest(number.start, institutes)
        agencies = [m for m in mentions if m.cls == "FederalAgency"]
        funder = _nearest(number.start, agencies)
        years = [q for q in numbers if q.unit in ("year", "fiscal-year") and id(q) not in used]
        kind = _money_kind(sentence, number)
        claims.append(Claim("funding", institute.of("Institute"), number,
                            [institute, *([funder] if funder else [])],
                            {"funder": funder.of("FederalAgency") if funder else None, "kind": kind,
                             "year": int(years[0].value) if years else None}))
    return claims


def _money_kind(sentence: str, number: Quantity) -> str | None:
    """federal, cost-share or total: the kind word nearest the amount, if any."""
    best: tuple[int, str] | None = None
    for kind, pattern in KIND_WORDS:
        for match in pattern.finditer(sentence):
            distance = min(abs(match.start() - number.end), abs(number.start - match.end()))
            if best is None or distance < best[0]:
                best = (distance, kind)
    return best[1] if best and best[0] <= 40 else None


def _founded(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    institutes = _institutes(mentions)
    cue = FOUNDED_WORDS.search(sentence)
    if not institutes or not cue:
        return []
    if cue.group(0).lower() in ("opened", "since", "started", "began") and HQ_WORDS.search(sentence):
        return []  # "opened its Detroit headquarters in 2015" is about the building, not the founding
    years = [q for q in numbers if q.unit == "year" and id(q) not in used]
    if not years:
        return []
    year = min(years, key=lambda q: abs(q.start - cue.start()))
    used.add(id(year))
    institute = _nearest(cue.start(), institutes)
    return [Claim("founded", institute.of("Institute"), int(year.value), [institute])]


def _headquarters(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
                  context: Context) -> list[Claim]:
    institutes = _institutes(mentions)
    if not institutes or not HQ_WORDS.search(sentence):
        return []
    city = next((m for m in mentions if m.cls == "City"), None)
    state = next((m for m in mentions if m.cls == "State" or m.of("State")), None)
    institute = _nearest((city or state or institutes[0]).start, institutes)
    if city or state:
        found = [m for m in (city, state) if m]
        value = {"city": city.of("City") if city else None, "state": state.of("State") if state else None}
        written = None if city or state is None else CITY_BEFORE_STATE.search(sentence[:state.start])
        if written and not _inside(written.start("place"), mentions):
            value["place"] = written.group("place")  # a city the graph does not know, before a state it does
        after = STATE_AFTER_CITY.match(sentence[city.end:]) if city and not state else None
        if after and not _inside(city.end + after.start("state"), mentions):
            value["state_name"] = after.group("state")  # a state the graph does not know, after a city it does
        return [Claim("headquarters", institute.of("Institute"), value, [institute, *found])]
    written = PLACE_AFTER.search(sentence) or PLACE_BEFORE.search(sentence)
    if not written:
        return []
    place = written.group("place")
    if _inside(written.start("place"), mentions):
        return []  # the words after "based in" name something else (an agency, an institute)
    state_name = written.groupdict().get("state")
    return [Claim("headquarters", institute.of("Institute"), {"place": place, "state_name": state_name},
                  [institute])]


def _sponsor(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    institutes = _institutes(mentions)
    agencies = [m for m in mentions if m.cls == "FederalAgency"]
    if not institutes or not agencies or any(q.unit == "usd" for q in numbers):
        return []
    office = OFFICE_WORDS.search(sentence)
    if not office and not SPONSOR_WORDS.search(sentence):
        return []
    claims = []
    for agency in agencies:
        institute = _nearest(agency.start, institutes)
        claims.append(Claim("managing-office" if office else "sponsor", institute.of("Institute"),
                            agency.of("FederalAgency"), [institute, agency]))
    return claims


def _lead(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
          context: Context) -> list[Claim]:
    institutes = _institutes(mentions)
    if not institutes or not LEAD_WORDS.search(sentence):
        return []
    subject = institutes[0]
    others = [m for m in mentions if m is not subject and m.of("Organization") and m.cls != "FederalAgency"]
    if others:
        leader = others[0]
        return [Claim("lead-organization", subject.of("Institute"), leader.of("Organization"), [subject, leader])]
    written = LEADER_AFTER.search(sentence)
    if not written or _inside(written.start("name"), mentions):
        return []
    return [Claim("lead-organization", subject.of("Institute"), written.group("name").rstrip(". "), [subject])]


def _technology(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
                context: Context) -> list[Claim]:
    institutes = _institutes(mentions)
    areas = [m for m in mentions if m.cls == "TechnologyArea"]
    if not institutes or not areas or not TECHNOLOGY_WORDS.search(sentence):
        return []
    claims = []
    for area in areas:
        institute = _nearest(area.start, institutes)
        claims.append(Claim("technology-area", institute.of("Institute"), area.of("TechnologyArea"),
                            [institute, area]))
    return claims
