"""Read the checkable claims out of a sentence, given the entities and quantities found in it.

Each rule looks for one kind of claim: an institute with a place and a word for headquarters,
with a year and a word for founding, with an agency and a word for sponsoring or managing, with
an organisation it is led by, with a technology it works on, with an amount of money; a yearly
figure next to the metric it counts (and what it covers: the network, an institute, an agency's
institutes); a plan with its number of goals or institutes, or a goal's place in it; a law with
its year. A quantity is read by one claim only. The rules are deliberately narrow: names must be
tied together by words right beside them, and a sentence the rules do not understand gives no
claim, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mfgkg.check.gazetteer import Mention
from mfgkg.check.quantities import Quantity

HQ_WORDS = re.compile(r"\b(?:headquarter(?:ed|s)?|HQ|based|located|home\s+(?:is\s+)?in|home\s+to|home\s+base|"
                      r"sits\s+in|situated|operat\w*\s+(?:out\s+of|from)|operations\s+from)\b|\w-based\b", re.I)
FOUNDED_WORDS = re.compile(r"\b(?:founded|established|launched|created|formed|inaugurated|set\s+up|"
                           r"stood\s+up|chartered|started|began|opened)\b", re.I)
FOUNDED_NEAR = 30  # characters between the founding word and its year
OFFICE_WORDS = re.compile(r"\b(?:manag(?:ed|es|ing|ement)|overs(?:een|ees|ight|aw)|administer(?:ed|s)?|"
                          r"run\s+by|runs)\b", re.I)
# Words that tie an agency to an institute, right before the agency ("sponsored by DOE", "under DoD") or
# right after it ("DoD-sponsored", "DOE's", "DoD institute", "NIST launched").
SPONSOR_BEFORE = re.compile(r"\b(?:sponsor(?:ed|s)?|funded|backed|supported|overseen|managed|administered|run|led|"
                            r"selected|created|launched|established|chosen)\s+(?:by|through)\s+(?:the\s+)?"
                            r"(?:[\w.]+'s\s+)?$|"
                            r"\b(?:under|sponsor|sponsors|a|an)\s+(?:the\s+)?$", re.I)
SPONSOR_AFTER = re.compile(r"^(?:-(?:sponsored|funded|led|backed|managed)\b|'s\b|\s+(?:sponsors|sponsored|funds|funded|"
                           r"backs|oversees|manages|administers|runs|leads|launched|created|established|selected|chose|"
                           r"stood\s+up)\b|\s+(?:\w+\s+)?institutes?\b|\s+(?:is|was|as|has\s+been)\s+(?:[\w']+\s+){0,3}"
                           r"(?:sponsor|sponsoring|funder|funding\s+agency|managing))", re.I)
LEAD_WORDS = re.compile(r"\b(?:led\s+by|lead\s+organi[sz]ation|operated\s+by|operates|managed\s+by|manages|run\s+by|"
                        r"headed\s+by|leads|spun\s+out)\b", re.I)
TECHNOLOGY_WORDS = re.compile(r"\b(?:focus(?:es|ed|ing)?|speciali[sz](?:es|ed|ing)|dedicated|devoted|works?\s+on|"
                              r"working\s+on|(?:technology|focus)\s+areas?(?:\s+is|\s+are)?|advanc(?:e|es|ing)|"
                              r"develop(?:s|ing)?|research(?:es)?|concentrat\w*|cent(?:er|re)d?\s+on|institute\s+for|"
                              r"targets?|is\s+about)\b|\w-focused\b", re.I)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
GOAL_PLACE = re.compile(rf"\bgoal\s+(?P<n>[1-9])\b|\b(?P<ordinal>{'|'.join(ORDINALS)})\s+(?:strategic\s+)?goal\b",
                        re.I)
GOAL_WORDS = re.compile(r"^\s*(?:strategic\s+|broad\s+|overarching\s+|main\s+|core\s+)?"
                        r"(?P<part>goals?|pillars?|objectives?)\b", re.I)
KIND_WORDS = (  # what kind of money a sentence speaks of, nearest the amount
    ("cost-share", re.compile(r"\b(?:cost[- ]share|match(?:ing|ed)?|non-?federal|private|industry|state|partners?|"
                              r"consortium|members)\b", re.I)),
    ("total", re.compile(r"\b(?:total|combined|overall|in\s+all|altogether|together|portfolio|"
                         r"public(?:\s+and\s+|-)private)\b", re.I)),
    ("federal", re.compile(r"\b(?:federal|government|award(?:ed|s)?)\b", re.I)),
)
# Money that is not a commitment to the institute: rounds of project awards, contracts, dues,
# spending, running totals. An amount with one of these words beside it is left unchecked.
MONEY_ELSEWHERE = re.compile(r"\b(?:projects?|rounds?|calls?|contracts?|dues|spent|spends?|spending|portfolio|"
                             r"revenue|since|as\s+of|to\s+date|so\s+far|cumulative(?:ly)?|prizes?|challenges?)\b", re.I)
NETWORK_WORDS = re.compile(r"\b(?:the\s+institutes|institutes'|network|Manufacturing\s+USA|program|nationwide|"
                           r"across\s+(?:the|all)|all\s+(?:the\s+)?institutes)\b", re.I)
PLACE_AFTER = re.compile(r"\b(?:headquartered|headquarters|based|located|HQ|situated|home)\s+(?:is\s+|are\s+|sits\s+)?"
                         r"(?:in|at|out\s+of|from)\s+(?:the\s+)?(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)"
                         r"(?:,\s+(?P<state>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*))?")
PLACE_BEFORE = re.compile(r"(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)-based\b")
STATE_AFTER_CITY = re.compile(r",\s+(?P<state>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)")
CITY_BEFORE_STATE = re.compile(r"(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*),\s*$")
LEADER_AFTER = re.compile(r"\b(?:led|operated|managed|run|headed)\s+by\s+(?:the\s+)?"
                          r"(?P<name>[A-Z][\w.&'-]*(?:\s+(?:of|for|and|the|[A-Z][\w.&'()-]*))*)")
LEADER_BEFORE = re.compile(r"\b(?:(?:led|operated|managed|run|headed)\s+by|lead\s+organi[sz]ation(?:\s+is|:|,)?)\s+"
                           r"(?:the\s+)?$", re.I)
LEADER_NEXT = re.compile(r"^(?:\s+(?:leads|led|manages|managed|operates|operated|runs|ran|heads|headed)\b|"
                         r",?\s+(?:is\s+|was\s+)?(?:the|its)\s+lead\b)", re.I)
YEARS = ("year", "month-year")  # what can date a founding, a law or a commitment
TECHNOLOGY_NEAR = 60  # characters between an institute and the technology area it is said to work on
KIND_NEAR = 40  # characters between an amount and the word saying what kind of money it is
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
    """What earlier sentences said, for "the institute", "the plan" and "It"."""

    units: dict[str, str] = field(default_factory=dict)  # metric -> its unit (count, usd, ratio)
    within: Callable[[str], set[str]] = lambda entity: {entity}  # an entity and what contains it
    last: dict[str, Mention] = field(default_factory=dict)
    previous: Mention | None = None  # the first institute named in the sentence before
    institute: Mention | None = None  # the last institute named in this paragraph
    paragraph: int = -1


def resolve(mentions: list[Mention], context: Context, paragraph: int) -> list[Mention]:
    """Replace "the institute" and "the plan" with the last entity of that class named before them."""
    if paragraph != context.paragraph:
        context.paragraph, context.institute = paragraph, None
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
    context.institute = next((m for m in reversed(out) if m.cls == "Institute"), context.institute)
    return out


def read_claims(sentence: str, mentions: list[Mention], numbers: list[Quantity], context: Context) -> list[Claim]:
    """Every claim the rules find in ``sentence`` (see the module docstring)."""
    numbers = [q for q in numbers if not any(_names(q, m, sentence) for m in mentions)]
    used: set[int] = set()
    claims: list[Claim] = []
    for rule in (_law_dates, _goal_place, _plan_structure, _metrics, _funding, _founded, _headquarters, _sponsor, _lead,
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


def _gap(start: int, end: int, mentions: list[Mention]) -> int:
    """Characters from ``start`` to ``end`` not counting the names in between (a long name is one word);
    a large number when ``end`` comes before ``start``."""
    if end < start:
        return 1 << 30
    return end - start - sum(min(m.end, end) - max(m.start, start) for m in mentions if m.start < end and start < m.end)


def _inside(position: int, mentions: list[Mention]) -> bool:
    """Whether ``position`` falls inside one of ``mentions``."""
    return any(m.start <= position < m.end for m in mentions)


def _nearest(target: int, mentions: list[Mention]) -> Mention | None:
    return min(mentions, key=lambda m: abs(m.start - target), default=None)


def _law_dates(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
               context: Context) -> list[Claim]:
    claims = []
    for law in (m for m in mentions if m.cls == "Law"):
        years = [q for q in numbers if q.unit in YEARS and id(q) not in used
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


def _goal_place(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
                context: Context) -> list[Claim]:
    """A goal's place in a plan ("Goal 3 of the 2019 plan", "the second goal"): the claim holds the
    place and the sentence's other words, which the verdict matches against the plan's goals."""
    place = GOAL_PLACE.search(sentence)
    plan = _plan(mentions, context)
    if not place or plan is None:
        return []
    for number in numbers:
        if place.start() <= number.start < place.end():
            used.add(id(number))
    position = int(place.group("n")) if place.group("n") else ORDINALS[place.group("ordinal").lower()]
    rest = sentence[:place.start()] + " " + sentence[place.end():]
    for mention in sorted((m for m in mentions if m.start >= place.end() or m.end <= place.start()),
                          key=lambda m: -m.start):
        shift = 0 if mention.end <= place.start() else place.start() - place.end() + 1
        rest = rest[:mention.start + shift] + rest[mention.end + shift:]
    return [Claim("goal-place", plan.of("StrategicPlan", "NationalStrategy"), position, [plan], {"words": rest})]


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


def _metrics(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    """Network figures: each number paired with the nearest metric words of its unit."""
    metrics = [m for m in mentions if m.cls == "Metric"]
    if not metrics:
        return []
    institutes = _institutes(mentions)
    plan = _plan(mentions)
    claims = []
    for number, metric in _pairs(numbers, metrics, used, context, money=not institutes):
        used.add(id(number))
        entity = metric.of("Metric")
        near_plan = plan is not None and min(abs(plan.start - number.end), abs(number.start - plan.end)) <= NEAR // 2
        if entity.endswith("/institutes") and (near_plan or (plan is not None and not _explicit_year(numbers))):
            claims.append(Claim("institute-count", plan.of("StrategicPlan", "NationalStrategy"), number,
                                [plan, metric]))
            continue
        year = _explicit_year(numbers)
        scope = _scope(sentence, mentions, context, counts_institutes=entity.endswith("/institutes"))
        claims.append(Claim("metric", entity, number, [metric, *([scope] if scope else [])],
                            {"fiscal_year": year, "scope": scope.entities[0][0] if scope else None}))
    return claims


def _scope(sentence: str, mentions: list[Mention], context: Context, counts_institutes: bool) -> Mention | None:
    """What a yearly figure covers: None for the whole network, else the institute or agency it is about.

    An institute named in the sentence makes it that institute's figure (unless the figure counts
    institutes); without words for the network ("the institutes", "Manufacturing USA"), an agency
    named makes it that agency's, and an institute named earlier in the paragraph that institute's.
    """
    institutes = _institutes(mentions)
    if institutes and not counts_institutes:
        return institutes[0]
    if NETWORK_WORDS.search(sentence) or any(m.cls == "Program" for m in mentions):
        return None
    agency = next((m for m in mentions if m.cls == "FederalAgency"), None)
    if agency:
        return agency
    return None if counts_institutes else context.institute


def _pairs(numbers: list[Quantity], metrics: list[Mention], used: set[int], context: Context,
           money: bool) -> list[tuple[Quantity, Mention]]:
    """Numbers paired with the metric words of their unit, closest pairs first: a number usually comes
    just before what it counts ("2,500 member organizations"), sometimes just after ("members: 2,500").
    Money is paired only when no institute is named (then it is a commitment, see :func:`_funding`)."""
    scored = []
    for number in numbers:
        if id(number) in used or number.unit not in ("usd", "count", "ratio") or (number.unit == "usd" and not money):
            continue
        for metric in metrics:
            if number.unit != context.units.get(metric.of("Metric") or ""):
                continue
            if metric.start >= number.end and metric.start - number.end <= NEAR:
                scored.append((metric.start - number.end, number.start, number, metric))
            elif metric.end <= number.start and number.start - metric.end <= NEAR // 2:
                scored.append((2 * (number.start - metric.end), number.start, number, metric))
    pairs: list[tuple[Quantity, Mention]] = []
    for _score, _start, number, metric in sorted(scored, key=lambda item: item[:2]):
        if all(number is not n and metric is not m for n, m in pairs):
            pairs.append((number, metric))
    return sorted(pairs, key=lambda pair: pair[0].start)


def _explicit_year(numbers: list[Quantity]) -> int | None:
    for unit in ("fiscal-year", "year"):
        for number in numbers:
            if number.unit == unit:
                return int(number.value)
    return None


def _funding(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    """Money for an institute. Each agency and each word for a kind of money goes with the amount
    nearest it, so "$80M of federal money with $214M from consortium members" reads as two claims."""
    institutes = _institutes(mentions)
    amounts = [q for q in numbers if q.unit == "usd" and id(q) not in used]
    if not institutes or not amounts:
        return []
    funders: dict[int, tuple[float, Mention]] = {}
    for agency in (m for m in mentions if m.cls == "FederalAgency"):
        _assign(funders, amounts, agency.start, agency.end, agency)
    kinds: dict[int, tuple[float, str]] = {}
    for kind, pattern in KIND_WORDS:
        for match in pattern.finditer(sentence):
            _assign(kinds, amounts, match.start(), match.end(), kind)
    years = [q for q in numbers if q.unit in (*YEARS, "fiscal-year") and id(q) not in used]
    claims = []
    for i, amount in enumerate(amounts):
        used.add(id(amount))
        if MONEY_ELSEWHERE.search(_clause(sentence, amounts, i)):
            continue
        institute = _nearest(amount.start, institutes)
        funder = funders[i][1] if i in funders else None
        kind = kinds[i][1] if i in kinds and kinds[i][0] <= KIND_NEAR else None
        if funder and kind == "cost-share":
            kind = None  # an agency's money is not cost share: the word belongs to another amount
        claims.append(Claim("funding", institute.of("Institute"), amount, [institute, *([funder] if funder else [])],
                            {"funder": funder.of("FederalAgency") if funder else None, "kind": kind,
                             "year": int(years[0].value) if years else None}))
    return claims



def _assign(owners: dict[int, tuple[float, Any]], amounts: list[Quantity], start: int, end: int, what: Any) -> None:
    """Give ``what`` (at ``start``-``end``) to the nearest amount, if it is nearer than what that amount has.
    A word right after an amount goes with it rather than with the next one ("$70M federal, $78M ...")."""
    def distance(amount: Quantity) -> float:
        return start - amount.end - 0.5 if start >= amount.end else amount.start - end
    i = min(range(len(amounts)), key=lambda k: abs(distance(amounts[k])))
    gap = abs(distance(amounts[i]))
    if i not in owners or gap < owners[i][0]:
        owners[i] = (gap, what)


def _clause(sentence: str, amounts: list[Quantity], i: int) -> str:
    """The words around amount ``i``: from the start of the amount before it (or of the sentence) to the
    next amount, so that "a call of eight contracts totalling $14.8M including $8.6M" leaves both unchecked."""
    start = amounts[i - 1].start if i else 0
    end = amounts[i + 1].start if i + 1 < len(amounts) else len(sentence)
    return sentence[start:end]


def _founded(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    institutes = _institutes(mentions)
    cue = FOUNDED_WORDS.search(sentence)
    if not institutes or not cue:
        return []
    if cue.group(0).lower() in ("opened", "since", "started", "began") and HQ_WORDS.search(sentence):
        return []  # "opened its Detroit headquarters in 2015" is about the building, not the founding
    years = [q for q in numbers if q.unit in YEARS and id(q) not in used
             and min(_gap(q.end, cue.start(), mentions), _gap(cue.end(), q.start, mentions)) <= FOUNDED_NEAR]
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
    named = {a.of("FederalAgency") for a in agencies}
    claims = []
    for agency in agencies:
        if any(agency.of("FederalAgency") in context.within(other) for other in named - {agency.of("FederalAgency")}):
            continue  # "DOE's Industrial Efficiency and Decarbonization Office": the office is the claim
        if not (SPONSOR_BEFORE.search(sentence[max(0, agency.start - 40):agency.start])
                or SPONSOR_AFTER.match(sentence[agency.end:agency.end + 40])):
            continue
        institute = _nearest(agency.start, institutes)
        claims.append(Claim("managing-office" if office else "sponsor", institute.of("Institute"),
                            agency.of("FederalAgency"), [institute, agency]))
    return claims


def _lead(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
          context: Context) -> list[Claim]:
    """An organisation leading an institute, tied to it by words right beside the organisation's name
    ("led by NCDMM", "NCDMM manages", "lead organization is NCDMM") or, for a name the graph does not
    know, the capitalised words after "led by"."""
    institutes = _institutes(mentions)
    if not institutes or not LEAD_WORDS.search(sentence):
        return []
    for leader in mentions:
        others = [m for m in institutes if m is not leader]
        if leader.cls == "FederalAgency" or not leader.of("Organization") or not others:
            continue  # an organisation that is also an institute's name ("ALMMII") leads only another mention
        if LEADER_BEFORE.search(sentence[max(0, leader.start - 40):leader.start]) \
                or LEADER_NEXT.match(sentence[leader.end:leader.end + 40]):
            subject = _nearest(leader.start, others)
            return [Claim("lead-organization", subject.of("Institute"), leader.of("Organization"), [subject, leader])]
    written = LEADER_AFTER.search(sentence)
    if not written or _inside(written.start("name"), mentions):
        return []
    subject = _nearest(written.start(), institutes)
    return [Claim("lead-organization", subject.of("Institute"), written.group("name").rstrip(". "), [subject])]


def _technology(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
                context: Context) -> list[Claim]:
    """A technology area an institute works on: a word for it ("focuses on", "institute for") between
    the institute and the area, with little else between them."""
    institutes = _institutes(mentions)
    areas = [m for m in mentions if m.cls == "TechnologyArea"]
    claims = []
    for area in areas:
        for institute in sorted(institutes, key=lambda m: abs(m.start - area.start)):
            start, end = (institute.end, area.start) if institute.end <= area.start else (area.end, institute.start)
            if _gap(start, end, mentions) <= TECHNOLOGY_NEAR and TECHNOLOGY_WORDS.search(sentence[start:end]):
                claims.append(Claim("technology-area", institute.of("Institute"), area.of("TechnologyArea"),
                                    [institute, area]))
                break
    return claims
