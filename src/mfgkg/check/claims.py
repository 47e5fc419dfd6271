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
from dataclasses import dataclass, field, replace
from typing import Any

from mfgkg.check.attach import clause_owner, fronted, head_after, head_before, main_subject, masked
from mfgkg.check.gazetteer import Mention
from mfgkg.check.quantities import Quantity

HQ_WORDS = re.compile(r"\b(?:headquarter(?:ed|s)?|HQ|based|located|home\s+(?:is\s+)?in|home\s+to|home\s+of|home\s+base|"
                      r"sits\s+in|situated|operat\w*\s+(?:out\s+of|from)|operations\s+from)\b|"
                      r"\w-(?:based|headquartered)\b", re.I)
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
SPONSOR_AFTER = re.compile(r"^(?:-(?:sponsored|funded|led|backed|managed)\b|'s\b|"
                           r",?\s+(?:(?:which|that|who)\s+)?(?:sponsors|sponsored|funds|funded|"
                           r"backs|oversees|manages|administers|runs|leads|launched|created|established|selected|chose|"
                           r"stood\s+up)\b|\s+(?:\w+\s+)?institutes?\b|\s+(?:is|was|as|has\s+been)\s+(?:[\w']+\s+){0,3}"
                           r"(?:sponsor|sponsoring|funder|funding\s+agency|managing))", re.I)
DESIGNATED_BY = re.compile(r"\b(?:designated|named|chosen|selected|picked)\s+by\s+(?:the\s+)?"
                           r"(?:U\.S\.\s+|United\s+States\s+)?$", re.I)
AS_A = re.compile(r"\s+as\s+(?:an?|the)?\s*(?:new\s+)?", re.I)
AWARDED = re.compile(r"\bawarded\b", re.I)
AWARDED_TO = re.compile(r"[\s,\u2013\u2014-]*to\s+(?:the\s+)?")
SELECTED = re.compile(r"\b(?:selected|chosen|chose|picked|tapped|selection\s+of)\b", re.I)
LEAD_TO = re.compile(r"\bto\s+(?:lead|manage|operate|run|head)(?:\s+and\s+(?:operate|manage|run|lead))?\b", re.I)
AS_SPONSOR = re.compile(r"\s+(?:is|was|as|has\s+been)\b", re.I)
STEERING = re.compile(r"\b(?:led|sponsored|sponsors|managed|manages|overseen|oversees|administered|administers|"
                      r"run|runs|selected|chosen)\b", re.I)
AGENCY_INSTITUTES = re.compile(r"^(?:'s|\u2019s)?\s+(?:[\w-]+\s+){0,2}institutes?\b", re.I)
LEAD_WORDS = re.compile(r"\b(?:(?:will|would|to)\s+lead|led\s+by|lead\s+organi[sz]ation|operated\s+by|operates|"
                        r"managed\s+by|manages|run\s+by|headed\s+by|leads|spun\s+out)\b", re.I)
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
    ("cost-share", re.compile(r"\b(?:cost[- ]share(?!d?\s+(?:cooperative\s+)?(?:agreement|arrangement|contract))|"
                              r"match(?:ing|ed)?|non-?federal|private|industry|state|partners?|"
                              r"consortium|members)\b", re.I)),
    ("total", re.compile(r"\b(?:total|combined|overall|in\s+all|altogether|together|portfolio|"
                         r"public(?:\s+and\s+|-)private|(?:federal|government|public)\s+and\s+(?:\w+\s+)?"
                         r"(?:private|research|industry|state|other|partner|matching)\b)", re.I)),
    ("federal", re.compile(r"\b(?:federal|government|award(?:ed|s)?)\b(?!\s+and\b)", re.I)),
)
# Money that is not a commitment to the institute: rounds of project awards, contracts, dues,
# spending, running totals. An amount with one of these words beside it is left unchecked.
MONEY_ELSEWHERE = re.compile(r"\b(?:projects?|rounds?|calls?|contracts?|dues|spent|spends?|spending|portfolio|"
                             r"revenue|since|as\s+of|to\s+date|so\s+far|cumulative(?:ly)?|prizes?|challenges?)\b", re.I)
# Money asked for or planned, not committed: a request, a proposal, a budget line.
REQUESTED = re.compile(r"\b(?:sought|seek(?:s|ing)?|request(?:s|ed|ing)?|propos(?:e|es|ed|al|als|ing)|"
                       r"would|could|might|eligible|hop(?:e|es|ing)\s+to|(?-i:plan(?:s|ned)?)\s+to|aim(?:s|ed)?\s+to|"
                       r"authoriz\w*|appropriat\w*)\b", re.I)
FUNDER_AFTER = re.compile(r"\s*(?:(?:in|of)\s+)?(?:(?:federal|initial|base|new|additional|core)\s+)*"
                          r"(?:(?:funding|funds|money|investment|support|grants?|awards?|commitments?|contributions?|"
                          r"financing)\s+)?(?:from|by|of|through)?\s*(?:the\s+)?(?:U\.S\.\s+)?", re.I)
MONEY_VERB = re.compile(r"\b(?:award|provid|commit|invest|contribut|grant|pledg|giv|gave|allocat|dedicat|fund|"
                        r"announc|rais|add|budget|agree|obligat|cap|total|put|spen|inject|back|approv)\w*", re.I)
# A number followed by a plural noun counts that noun ("the institutes conducted nearly 270 major,
# collaborative ... projects"), not the metric words before it.
COUNTS_SOMETHING_ELSE = re.compile(r"\s+(?:(?:[a-z][\w-]*|R&D),?\s+){0,7}?"
                                   r"(?!(?:was|is|has|its|this|across|as|us|plus|less|thus|always)\b)[a-z]{3,}s\b")
# Metric words used as a modifier of another noun ("500 education and workforce programs"); a metric
# named by such a noun counts people only when words come between ("60,000 people joined workforce
# programs"), not when the number stands right before it and counts the programs themselves.
MODIFIES = re.compile(r"\s+(?:programs?|courses?|projects?|events?|activities|modules?|sessions?|initiatives?|"
                      r"efforts?|centers?|centres?|facilities|grants?|awards?|contracts?|jobs?|curricul\w*)\b", re.I)
# An amount that is a part of another one said next to it: "$78 million of a $106 million request".
PART_OF = re.compile(r"\s+(?:\w+\s+)?of\s+(?:a|an|the|its)\s+(?:\w+\s+)?\$|\s+(?:for|in)\s+(?:the|its)\s+"
                     r"(?:first|second|third|next|initial|final)\s+(?:phase|tranche|installment|round)", re.I)
# An amount broken down into parts in brackets right after it is a total of those parts.
BREAKDOWN = re.compile(r"(?:\s+in\s+\w+)?\s*\((?:about\s+|nearly\s+|over\s+)?\$", re.I)
INCREMENT_AFTER = re.compile(r"\s*(?:new|more|additional|further|other|extra)\b", re.I)
INCREMENT_BEFORE = re.compile(r"\b(?:add(?:s|ed|ing)?|another|grew\s+by|increase[ds]?\s+(?:of|by))\s+(?:\w+\s+)?$",
                              re.I)
SEVERAL = re.compile(r"\b(?:institutes|hubs|consortia|competitions?|each|every)\b", re.I)  # not one institute's money
# Words that put a figure at another time than the document's ("at launch", "last year").
OTHER_TIME = re.compile(r"\b(?:since|when|at\s+(?:its\s+)?launch|originally|initially|previously|formerly|last\s+year|"
                        r"ago|by\s+then|first\s+year|at\s+the\s+time|compared\s+with|up\s+from|down\s+from)\b", re.I)
# Counts that are hoped for, planned or asked for: not what the network is.
HYPOTHETICAL = re.compile(r"\b(?:sought|seek\w*|request\w*|propos\w*|(?-i:plan(?:s|ned)?)\s+(?:to|for)|goals?|"
                          r"target\w*|aim\w*|would|could|envision\w*|call(?:s|ed)?\s+for|intend\w*|hop(?:e|es|ed|ing)|"
                          r"expect\w*|authoriz\w*|eventually|ultimately|up\s+to|as\s+many\s+as|"
                          r"will\s+(?:grow|expand|reach|have|include|number))\b", re.I)
NETWORK_WORDS = re.compile(r"\b(?:the\s+institutes|institutes'|network|Manufacturing\s+USA|program|nationwide|"
                           r"across\s+(?:the|all)|all\s+(?:the\s+)?institutes)\b", re.I)
PLACE_AFTER = re.compile(r"\b(?:headquartered|headquarters|based|located|HQ|situated|home)\s+(?:is\s+|are\s+|sits\s+)?"
                         r"(?:in|at|out\s+of|from)\s+(?:the\s+)?(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)"
                         r"(?:,\s+(?P<state>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*))?")
PLACE_BEFORE = re.compile(r"(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)-(?:based|headquartered)$")
STATE_AFTER_CITY = re.compile(r",\s+(?P<state>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)")
CITY_BEFORE_STATE = re.compile(r"(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*),\s*$")
LEADER_AFTER = re.compile(r"\b(?:led|operated|managed|run|headed)\s+by\s+(?:the\s+)?"
                          r"(?P<name>[A-Z][\w.&'-]*(?:\s+(?:of|for|and|the|[A-Z][\w.&'()-]*))*)")
LEADER_BEFORE = re.compile(r"\b(?:(?:led|operated|managed|run|headed)\s+by|lead\s+organi[sz]ation(?:\s+is|:|,)?)\s+"
                           r"(?:the\s+)?$", re.I)
LEADER_NEXT = re.compile(r"^\)?(?:(?:\s*\([^)]{1,40}\))?\s+(?:leads|led|manages|managed|operates|operated|runs|ran|"
                         r"heads|headed|(?:will|would|is\s+to|was\s+chosen\s+to|was\s+selected\s+to)\s+lead)\b|"
                         r",?\s+(?:is\s+|was\s+)?(?:the|its)\s+lead\b)", re.I)
LOCATED = re.compile(r"(?:\s*\([^)]{1,120}\))?,?\s+(?=in\s+)")  # "LIFT in Detroit", "AIM Photonics (...) in"
ITS_PLACE = re.compile(r"\b(?:its|their)\s+(?:new\s+)?(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)\s+$")
HQ_OF = re.compile(r"(?:headquarters|home|base|HQ)\s+(?:of|for)\b", re.I)
PLACE_IS_WHERE = re.compile(r"^\S[^,]*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?\s+(?:is|was|remains)\s+where\b")
LEAD_TO_PLACE = re.compile(r"\s*(?:(?:is|are|was|sits|remains)\s+)?(?:(?:right\s+)?here\s+)?"
                           r"(?:in|at|out\s+of|from|inside)?\s*(?:the\s+)?(?:city\s+of\s+)?", re.I)
LEAD_TO_PLACE_AND_CITY = re.compile(LEAD_TO_PLACE.pattern + r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*,\s*", re.I)
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                 "eighteenth", "nineteenth", "twentieth")
ORDINAL = re.compile(rf"\bthe\s+(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<w>{'|'.join(ORDINAL_WORDS)}))\s+"
                     r"(?:(?:new|national|federal(?:ly[- ]funded)?|Manufacturing\s+USA|manufacturing|innovation|"
                     r"x+)\s+)*"
                     r"(?:institute|hub)\b", re.I)
ORDINAL_SCOPE = re.compile(r"\s+(?:in|of|for|within)\b(?!\s+(?:the\s+)?(?:Manufacturing\s+USA|network|nation|country|"
                           r"United\s+States|U\.S\.))", re.I)
CO_LEAD = re.compile(r"\b(?:co-?led|co-?leads?|jointly\s+led|co-?lead\s+organi[sz]ations?)\b", re.I)
YEARS = ("year", "month-year")  # what can date a founding, a law or a commitment
# Words that name an institute's focus, not merely work it does: only these can contradict its areas.
FOCUS_WORDS = re.compile(r"\b(?:focus|speciali[sz]|dedicated|devoted|concentrat|cent(?:er|re)d?\s+on|institute\s+for|"
                         r"works?\s+on|technology\s+areas?|is\s+about)", re.I)
FOCUS_OF = re.compile(r"\s+(?:is|are|was|remains)\s+(?:the|a)\s+(?:main\s+|central\s+|core\s+)?"
                      r"(?:focus|specialty|speciality|mission|subject)\s+of\b", re.I)
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
    span: tuple[int, int] | None = None  # where in the document the claim is stated, when narrower than its unit


@dataclass
class Context:
    """What earlier sentences said, for "the institute", "the plan" and "It"."""

    units: dict[str, str] = field(default_factory=dict)  # metric -> its unit (count, usd, ratio)
    within: Callable[[str], set[str]] = lambda entity: {entity}  # an entity and what contains it
    last: dict[str, Mention] = field(default_factory=dict)
    previous: Mention | None = None  # the first institute named in the sentence before
    institute: Mention | None = None  # the last institute named in this paragraph
    paragraph: int = -1
    as_of: tuple[int, int] | None = None  # the document's date (year, month): what an undated figure is as of
    dated: bool = False  # the date was given or read from a dateline (not guessed from a fiscal year named)
    named: dict[str, Mention] = field(default_factory=dict)  # every institute named so far, by IRI
    topic_of_document: Mention | None = None  # the one institute the whole document names, if only one
    based: dict[str, set[str]] = field(default_factory=dict)  # each institute the document names -> its places

    @property
    def topic(self) -> Mention | None:
        """The one institute the document has named so far, if it has named exactly one."""
        return next(iter(self.named.values())) if len(self.named) == 1 else None


def resolve(mentions: list[Mention], context: Context, paragraph: int) -> list[Mention]:
    """Replace "the institute" and "the plan" with the last entity of that class named before them."""
    if paragraph != context.paragraph:
        context.paragraph, context.institute = paragraph, None
    out = []
    for mention in mentions:
        if mention.reference:
            cls = mention.entities[0][1]
            earlier = _described(mention, mentions, context) if mention.description else \
                context.previous if mention.pronoun else context.last.get(cls)
            if earlier is None:
                continue
            mention = replace(mention, entities=earlier.entities, pronoun=False)
        else:
            for _entity, cls in mention.entities[:1]:
                context.last[cls] = mention
        out.append(mention)
    for mention in out:
        if mention.cls == "Institute" and not mention.reference:
            context.named.setdefault(mention.entities[0][0], mention)
    context.previous = next((m for m in out if m.cls == "Institute"), None)
    context.institute = next((m for m in reversed(out) if m.cls == "Institute"), context.institute)
    return out


def _described(description: Mention, mentions: list[Mention], context: Context) -> Mention | None:
    """The institute a description names: the one the document names whose headquarters is the place
    the description holds ("the Detroit hub"), else the document's one institute."""
    places = {m.of("City", "State") for m in mentions
              if m.cls in ("City", "State") and description.start <= m.start < description.end}
    if places:
        there = [iri for iri, based in context.based.items() if places <= based]
        return Mention(description.start, description.end, description.text, ((there[0], "Institute"),)) \
            if len(there) == 1 else None
    return context.topic_of_document


def read_claims(sentence: str, mentions: list[Mention], numbers: list[Quantity], context: Context) -> list[Claim]:
    """Every claim the rules find in ``sentence`` (see the module docstring)."""
    numbers = [q for q in numbers if not any(_names(q, m, sentence) for m in mentions)]
    used: set[int] = set()
    claims: list[Claim] = []
    for rule in (_law_dates, _goal_place, _plan_structure, _metrics, _funding, _founded, _headquarters, _selection,
                 _sponsor, _lead, _technology, _ordinal):
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
    if not metrics or _about_a_peer(sentence, mentions):
        return []
    institutes = _institutes(mentions)
    plan = _plan(mentions)
    claims = []
    money = not institutes and (context.topic is None or bool(NETWORK_WORDS.search(sentence)))
    for number, metric in _pairs(sentence, numbers, metrics, used, context, money=money):
        used.add(id(number))
        if number.comparator == "up-to" or HYPOTHETICAL.search(sentence[max(0, number.start - 80):number.start]):
            continue  # a target, a request or a proposal is not what the network is
        if INCREMENT_AFTER.match(sentence[number.end:]) or INCREMENT_BEFORE.search(sentence[:number.start]):
            continue  # "adding 6 new institutes" counts a change, not the network
        entity = metric.of("Metric")
        near_plan = plan is not None and min(abs(plan.start - number.end), abs(number.start - plan.end)) <= NEAR // 2
        if entity.endswith("/institutes") and (near_plan or (plan is not None and not _explicit_year(numbers))):
            claims.append(Claim("institute-count", plan.of("StrategicPlan", "NationalStrategy"), number,
                                [plan, metric]))
            continue
        year = _year_of(number, numbers)
        between = [m for m in mentions if m.cls == "FederalAgency" and number.end <= m.start < metric.start]
        scope = between[0] if between else _scope(sentence, mentions, context,
                                                  counts_institutes=entity.endswith("/institutes"))
        claims.append(Claim("metric", entity, number, [metric, *([scope] if scope else [])],
                            {"fiscal_year": year, "scope": scope.entities[0][0] if scope else None,
                             "as_of": context.as_of if year is None else None,
                             "as_of_dated": context.dated and not OTHER_TIME.search(sentence)}))
    return claims


def _about_a_peer(sentence: str, mentions: list[Mention]) -> bool:
    """A sentence naming a peer program abroad (Fraunhofer, the Catapults) and nothing of this one:
    its figures are the peer's, which the graph does not compare."""
    return (any(m.cls == "PeerProgram" for m in mentions) and not NETWORK_WORDS.search(sentence)
            and not any(m.cls in ("Program", "Institute") for m in mentions))


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


def _counts(sentence: str, number: Quantity, metric: Mention) -> bool:
    """Whether ``number`` counts what ``metric`` after it names, not another noun the metric words
    modify ("500 education and workforce programs" counts programs, not participants)."""
    if MODIFIES.match(sentence, metric.end):
        return False
    noun = metric.text.split()[-1].lower()
    counted = (metric.of("Metric") or "").rsplit("/", 1)[-1]  # the metric's id names what it counts
    between = sentence[number.end:metric.start].split()
    return not (MODIFIES.fullmatch(" " + noun) and noun.rstrip("s") not in counted and len(between) <= 1)


def _pairs(sentence: str, numbers: list[Quantity], metrics: list[Mention], used: set[int], context: Context,
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
            if metric.start >= number.end and metric.start - number.end <= NEAR and _counts(sentence, number, metric):
                scored.append((metric.start - number.end, number.start, number, metric))
            elif metric.end <= number.start and number.start - metric.end <= NEAR // 2 \
                    and not COUNTS_SOMETHING_ELSE.match(sentence, number.end):
                scored.append((2 * (number.start - metric.end), number.start, number, metric))
    pairs: list[tuple[Quantity, Mention]] = []
    for _score, _start, number, metric in sorted(scored, key=lambda item: item[:2]):
        if all(number is not n and metric is not m for n, m in pairs):
            pairs.append((number, metric))
    return sorted(pairs, key=lambda pair: pair[0].start)


def _year_of(number: Quantity, numbers: list[Quantity]) -> int | None:
    """The year a figure is for: the fiscal year (or else the year) nearest it in the sentence, so that
    "205,254 in FY2018, compared with 14,000 in FY2017" gives each figure its own year."""
    for unit in ("fiscal-year", "year"):
        years = [q for q in numbers if q.unit == unit]
        if years:
            nearest = min(years, key=lambda q: q.start - number.end if q.start >= number.end else number.start - q.end)
            return int(nearest.value)
    return None


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
    topic = context.topic or context.topic_of_document
    if not institutes and topic is not None and not NETWORK_WORDS.search(sentence) and not SEVERAL.search(sentence):
        # money in a document about one institute, the institute not named in the sentence
        institutes = [Mention(0, 0, topic.text, topic.entities, reference=True)]
    if not institutes or not amounts:
        return []
    agencies = [m for m in mentions if m.cls == "FederalAgency"]
    text = masked(sentence, mentions)
    kinds: dict[int, tuple[float, str]] = {}
    for kind, pattern in KIND_WORDS:
        for match in pattern.finditer(sentence):
            _assign(kinds, amounts, match.start(), match.end(), kind)
    years = [q for q in numbers if q.unit in (*YEARS, "fiscal-year") and id(q) not in used]
    claims = []
    for i, amount in enumerate(amounts):
        used.add(id(amount))
        clause = _clause(sentence, amounts, i)
        if MONEY_ELSEWHERE.search(clause) or REQUESTED.search(clause) or PART_OF.match(sentence, amount.end):
            continue
        if BREAKDOWN.match(sentence, amount.end):
            kinds[i] = (0, "total")  # "$300 million in funding ($80 million from DoD; $214M from industry)"
        owner = clause_owner(sentence, amount.start, mentions)
        if owner is None:
            continue  # money of another thing ("the photonics initiative, which came with $250 million")
        institute = owner if isinstance(owner, Mention) else _nearest(amount.start, institutes)
        kind = kinds[i][1] if i in kinds and kinds[i][0] <= KIND_NEAR else None
        funder = None if kind in ("cost-share", "total") else _funder(text, amount, agencies)
        claims.append(Claim("funding", institute.of("Institute"), amount, [institute, *([funder] if funder else [])],
                            {"funder": funder.of("FederalAgency") if funder else None, "kind": kind,
                             "year": int(years[0].value) if years else (context.as_of[0] if context.as_of else None),
                             "dated_by_document": not years and context.as_of is not None}))
    return claims



def _funder(text: str, amount: Quantity, agencies: list[Mention]) -> Mention | None:
    """The agency whose money ``amount`` is, said right beside it: "$70 million from DOE", "$70M DOE
    award", "DOE will invest $70 million", "DOE's $70 million"; None when no agency is tied to it."""
    for agency in agencies:
        if amount.end <= agency.start <= amount.end + 60 and FUNDER_AFTER.fullmatch(text[amount.end:agency.start]):
            return agency
    for agency in sorted(agencies, key=lambda m: -m.start):
        gap = text[agency.end:amount.start]
        if amount.start - 60 <= agency.end <= amount.start and not re.search(r"[.;:]|\b[A-Z][a-z]", gap) \
                and (gap.strip() in ("'s", "\u2019s") or MONEY_VERB.search(gap)):
            return agency
    return None


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
    """A founding year: the cue ("founded", "established") belongs to the institute and the year is
    right beside the cue."""
    if not _institutes(mentions):
        return []
    text = masked(sentence, mentions)
    for cue in FOUNDED_WORDS.finditer(text):
        if cue.group(0).lower() in ("opened", "since", "started", "began") and HQ_WORDS.search(text):
            continue  # "opened its Detroit headquarters in 2015" is about the building, not the founding
        years = [q for q in numbers if q.unit in YEARS and id(q) not in used
                 and min(_gap(q.end, cue.start(), mentions), _gap(cue.end(), q.start, mentions)) <= FOUNDED_NEAR]
        if not years:
            continue
        institute = (head_after(sentence, cue.end(), mentions, within=60) if fronted(sentence, cue.start())
                     else head_before(sentence, cue.start(), mentions) or main_subject(sentence, mentions))
        if institute is None:
            continue
        year = min(years, key=lambda q: abs(q.start - cue.start()))
        used.add(id(year))
        return [Claim("founded", institute.of("Institute"), int(year.value), [institute])]
    return []


def _headquarters(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
                  context: Context) -> list[Claim]:
    """A place an institute is based in: the cue ("headquartered in", "Detroit-based", "home to") must
    belong to the institute (see :mod:`mfgkg.check.attach`) and the place must sit right beside the cue."""
    if not _institutes(mentions):
        return []
    text = masked(sentence, mentions)
    for cue in HQ_WORDS.finditer(text):
        word = cue.group(0).lower()
        if word.endswith(("-based", "-headquartered")):  # "Detroit-based LIFT": place before, institute after
            places = [m for m in mentions if m.cls in ("City", "State") and 0 <= cue.start() + 1 - m.end <= 3]
            written = None if places else PLACE_BEFORE.search(sentence[:cue.end()])
            institute = _based_what(sentence, cue.end(), places[0].start if places else
                                    written.start() if written else cue.start(), mentions)
        elif word.startswith("home") and " to" in word:  # "Detroit is home to LIFT"
            institute = head_after(sentence, cue.end(), mentions, within=30)
            places = [m for m in mentions if m.cls in ("City", "State") and 0 <= cue.start() - m.end <= 12]
            written = None
        elif ITS_PLACE.search(sentence, 0, cue.start()) and word.startswith("headquarters"):
            before = ITS_PLACE.search(sentence, 0, cue.start())  # "NextFlex will open its San Jose headquarters"
            institute = head_before(sentence, before.start(), mentions)
            places = [m for m in mentions
                      if m.cls in ("City", "State") and before.start("place") <= m.start < cue.start()]
            written = None if places else before
        elif HQ_OF.match(sentence, cue.start()):  # "Buffalo serves as the headquarters of REMADE"
            institute = head_after(sentence, cue.end(), mentions, within=40)
            places, written = _places_opening(sentence, mentions), None
        else:
            institute = (head_after(sentence, cue.end(), mentions, within=90) if fronted(sentence, cue.start())
                         else head_before(sentence, cue.start(), mentions))
            places = _places_after(sentence, cue.end(), mentions) or (
                _places_opening(sentence, mentions) if PLACE_IS_WHERE.search(sentence) else [])
            written = None if places else PLACE_AFTER.search(sentence, cue.start())
        if institute is None:
            continue
        if places:
            city = next((m for m in places if m.cls == "City"), None)
            state = next((m for m in places if m.cls == "State" or m.of("State")), None)
            value = {"city": city.of("City") if city else None, "state": state.of("State") if state else None}
            if state and not city:
                before = CITY_BEFORE_STATE.search(sentence[:state.start])
                if before and not _inside(before.start("place"), mentions):
                    value["place"] = before.group("place")  # a city the graph does not know, before a state it does
            if city and not state:
                after = STATE_AFTER_CITY.match(sentence[city.end:])
                if after and not _inside(city.end + after.start("state"), mentions):
                    value["state_name"] = after.group("state")  # a state the graph does not know
            return [Claim("headquarters", institute.of("Institute"), value, [institute, *places])]
        if written and written.start("place") <= cue.end() + 12 and not _inside(written.start("place"), mentions):
            return [Claim("headquarters", institute.of("Institute"),
                          {"place": written.group("place"), "state_name": written.groupdict().get("state")},
                          [institute])]
    return _located(sentence, mentions)


def _located(sentence: str, mentions: list[Mention]) -> list[Claim]:
    """Institutes named with their place right after them ("PowerAmerica, in Raleigh, North Carolina,",
    "AIM Photonics (...) in Rochester; REMADE in Buffalo, New York"): where each is, when the graph
    knows the place (or the state after a town it does not know)."""
    claims = []
    for institute in _institutes(mentions):
        if institute.reference:
            continue
        after = LOCATED.match(sentence, institute.end)
        places = _places_after(sentence, after.end(), mentions) if after else []
        if not places:
            continue
        city = next((m for m in places if m.cls == "City"), None)
        state = next((m for m in places if m.cls == "State"), None)
        value = {"city": city.of("City") if city else None, "state": state.of("State") if state else None}
        if state and not city:
            before = CITY_BEFORE_STATE.search(sentence[:state.start])
            if before and before.start("place") >= after.end() and not _inside(before.start("place"), mentions):
                value["place"] = before.group("place")
        claims.append(Claim("headquarters", institute.of("Institute"), value, [institute, *places]))
    return claims


def _based_what(sentence: str, end: int, start: int, mentions: list[Mention]) -> Mention | None:
    """What "PLACE-based" (from ``start`` to ``end``) describes: the institute named next, or for "a
    Texas-based institute" the head before it; another noun ("a Harrison-based company") is no institute."""
    following = re.match(r"\s+([\w'-]+)", sentence[end:])
    word = following.group(1) if following else ""
    if re.fullmatch(r"(?:institutes?|hubs?|consortium)", word):
        return head_before(sentence, start, mentions)
    if word[:1].islower():
        return None
    return head_after(sentence, end, mentions, within=30)


def _places_opening(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """The city and state a sentence opens with ("Detroit, Michigan is where ...")."""
    opening = [m for m in mentions if m.cls in ("City", "State") and m.start <= 40][:2]
    if not opening:
        return []
    before = sentence[:opening[0].start]
    if opening[0].start <= 1 or (opening[0].cls == "State" and CITY_BEFORE_STATE.fullmatch(before)):
        return opening
    return []


def _places_after(sentence: str, position: int, mentions: list[Mention]) -> list[Mention]:
    """The city and state named right after a cue ("based in Raleigh, N.C."): the first place must
    follow within a few words ("in", "at", "out of", "the"), the state right after the city."""
    places: list[Mention] = []
    last = position
    for mention in sorted((m for m in mentions if m.start >= position), key=lambda m: m.start):
        if mention.cls not in ("City", "State"):
            break
        between = sentence[last:mention.start]
        if not places and not LEAD_TO_PLACE.fullmatch(between) and not (
                mention.cls == "State" and LEAD_TO_PLACE_AND_CITY.fullmatch(between)):
            break
        if places and not re.fullmatch(r"\s*,\s*", between):
            break
        places.append(mention)
        last = mention.end
        if len(places) == 2:
            break
    return places


def _sponsor(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    """An agency sponsoring or managing an institute: words right before the agency ("sponsored by")
    tie it to the head before them; words right after it ("DoD-sponsored", "DOE's", "DoD institute",
    "DOE launched") tie it to the institute named next."""
    institutes = _institutes(mentions)
    agencies = [m for m in mentions if m.cls == "FederalAgency"]
    if not institutes or not agencies:
        return []
    money = any(q.unit == "usd" for q in numbers)  # then only words that cannot mean paying tie an agency
    office = OFFICE_WORDS.search(masked(sentence, mentions))
    named = {a.of("FederalAgency") for a in agencies}
    claims = []
    for agency in agencies:
        if any(agency.of("FederalAgency") in context.within(other) for other in named - {agency.of("FederalAgency")}):
            continue  # "DOE's Industrial Efficiency and Decarbonization Office": the office is the claim
        before = SPONSOR_BEFORE.search(sentence[max(0, agency.start - 40):agency.start])
        after = SPONSOR_AFTER.match(sentence[agency.end:agency.end + 40])
        if money and not ((before and STEERING.search(before.group(0))) or (after and STEERING.search(after.group(0)))):
            continue
        if before:
            institute = head_before(sentence, agency.start - (len(sentence[max(0, agency.start - 40):agency.start])
                                                              - before.start()), mentions)
        elif after and AS_SPONSOR.match(after.group(0)):  # "NIIMBL counts DOD as its sponsor"
            institute = head_before(sentence, agency.start, mentions) or head_after(sentence, agency.end, mentions,
                                                                                  within=50)
        elif after:
            institute = head_after(sentence, agency.end, mentions, within=50)
            if institute is None and AGENCY_INSTITUTES.match(sentence[agency.end:]):
                institute = head_before(sentence, agency.start, mentions)  # "X is one of DOE's institutes"
        else:
            continue
        if institute is None:
            continue
        claims.append(Claim("managing-office" if office else "sponsor", institute.of("Institute"),
                            agency.of("FederalAgency"), [institute, agency]))
    return claims


def _selection(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
               context: Context) -> list[Claim]:
    """An agency choosing an organisation to lead an institute: "DOE has selected UTSA to manage and
    operate a consortium", "RIT was selected by DOE to lead its new REMADE Institute", "Commerce's
    selection of the University of Delaware to lead the institute". The institute is the one named
    (or described) right after "to lead"; the agency is the subject, the "by" phrase or the possessive."""
    for select in SELECTED.finditer(sentence):
        lead = LEAD_TO.search(sentence, select.end(), select.end() + 150)
        institute = head_after(sentence, lead.end(), mentions, within=80) if lead else None
        if institute is None:
            continue
        agencies = [m for m in mentions if m.cls == "FederalAgency"]
        passive = re.search(r"\b(?:was|were|been|being|is)\s+(?:\w+\s+)?$", sentence[:select.start()])
        if passive:
            agency = next((m for m in agencies if select.end() <= m.start < lead.start()
                           and re.search(r"\bby\s+(?:the\s+)?(?:U\.S\.\s+)?$", sentence[select.end():m.start])), None)
            leaders = [m for m in mentions if m.of("Organization") and m.cls != "FederalAgency"
                       and m.end <= select.start() and sentence[m.end:select.start()].strip(" ,()").count(" ") <= 4]
        else:
            agency = next((m for m in reversed(agencies) if m.end <= select.start()
                           and re.fullmatch(r"(?:'s|\u2019s)?\s+(?:(?:has|have|had|today|recently)\s+)*",
                                            sentence[m.end:select.start()])), None)
            leaders = [m for m in mentions if m.of("Organization") and m.cls != "FederalAgency"
                       and select.end() <= m.start < lead.start()]
        claims = []
        if agency is not None:
            claims.append(Claim("sponsor", institute.of("Institute"), agency.of("FederalAgency"), [institute, agency]))
        if len(leaders) == 1:
            claims.append(Claim("lead-organization", institute.of("Institute"), leaders[0].of("Organization"),
                                [institute, leaders[0]]))
        return claims
    return _awarded_to(sentence, mentions) or _designated(sentence, mentions)


def _designated(sentence: str, mentions: list[Mention]) -> list[Claim]:
    """"X was designated by the Department of Energy as a new ARM Innovation Hub": the agency sponsors
    the institute named after "as"."""
    for agency in (m for m in mentions if m.cls == "FederalAgency"):
        if not DESIGNATED_BY.search(sentence, 0, agency.start):
            continue
        named_as = AS_A.match(sentence, agency.end)
        institute = head_after(sentence, named_as.end(), mentions, within=20) if named_as else None
        if institute is not None:
            return [Claim("sponsor", institute.of("Institute"), agency.of("FederalAgency"), [institute, agency])]
    return []


def _awarded_to(sentence: str, mentions: list[Mention]) -> list[Claim]:
    """"DoD awarded the 14th institute, the ARM Innovation Hub, to American Robotics": the agency that
    awards is the sponsor, the organisation it goes to the lead."""
    for award in AWARDED.finditer(sentence):
        agency = next((m for m in mentions if m.cls == "FederalAgency" and m.end <= award.start()
                       and re.fullmatch(r"(?:'s|\u2019s)?\s+(?:(?:has|have|had|today|recently|formally)\s+)*",
                                        sentence[m.end:award.start()])), None)
        institute = head_after(sentence, award.end(), mentions, within=80)
        if agency is None or institute is None:
            continue
        to = AWARDED_TO.match(sentence, institute.end)
        if not to:
            continue  # "HHS awarded NIIMBL a grant" is money for a project, not the award of the institute
        leader = next((m for m in mentions if m.start == to.end() and m.of("Organization")
                       and m.cls != "FederalAgency"), None)
        claims = [Claim("sponsor", institute.of("Institute"), agency.of("FederalAgency"), [institute, agency])]
        if leader is not None:
            claims.append(Claim("lead-organization", institute.of("Institute"), leader.of("Organization"),
                                [institute, leader]))
        return claims
    return []


def _lead(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
          context: Context) -> list[Claim]:
    """An organisation leading an institute, tied to it by words right beside the organisation's name
    ("led by NCDMM", "NCDMM manages", "lead organization is NCDMM") or, for a name the graph does not
    know, the capitalised words after "led by". Several leaders ("co-led by A and B") make one claim
    that holds when any of them is the recorded lead."""
    institutes = _institutes(mentions)
    text = masked(sentence, mentions)
    if not institutes or not LEAD_WORDS.search(text):
        return []
    leaders = []
    for leader in mentions:
        others = [m for m in institutes if m is not leader]
        if leader.cls == "FederalAgency" or not leader.of("Organization") or not others:
            continue  # an organisation that is also an institute's name ("ALMMII") leads only another mention
        cue = LEADER_BEFORE.search(sentence[max(0, leader.start - 40):leader.start])
        if cue:
            at = max(0, leader.start - 40) + cue.start()
            leaders.append((leader, head_before(sentence, at, mentions) or _fronted_subject(sentence, at, leader.end,
                                                                                            mentions)))
        elif verb := LEADER_NEXT.match(sentence[leader.end:leader.end + 60]):
            leaders.append((leader, head_after(sentence, leader.end + verb.end(), mentions, within=80)))
    leaders = list({(leader.of("Organization"), id(subject)): (leader, subject)
                    for leader, subject in leaders}.values())  # a name and its acronym are one leader
    subjects = {subject.of("Institute") for _leader, subject in leaders if subject is not None}
    several = len(leaders) > 1 or bool(CO_LEAD.search(text))
    if leaders and len(subjects) == 1:
        subject = next(s for _l, s in leaders if s is not None)
        values = [leader.of("Organization") for leader, s in leaders if s is not None]
        return [Claim("lead-organization", subject.of("Institute"), values[0] if len(values) == 1 and not several
                      else tuple(values), [subject, *(leader for leader, _s in leaders)])]
    if leaders:
        return []
    written = LEADER_AFTER.search(text)
    if not written or _inside(written.start("name"), mentions):
        return []
    subject = head_before(sentence, written.start(), mentions) or _fronted_subject(
        sentence, written.start(), written.end("name"), mentions)
    name = sentence[written.start("name"):written.end("name")].rstrip(". ")
    if subject is None:
        return []
    if several or re.search(r"\s(?:and|&)\s", name):
        return [Claim("lead-organization", subject.of("Institute"), tuple(re.split(r",\s*|\s+(?:and|&)\s+", name)),
                      [subject])]
    return [Claim("lead-organization", subject.of("Institute"), name, [subject])]


def _fronted_subject(sentence: str, cue: int, end: int, mentions: list[Mention]) -> Mention | None:
    """The institute after an opening phrase ("Led by Duke University, the new institute ..."): the
    head right after the comma that closes the phrase the cue at ``cue`` opens."""
    if not fronted(sentence, cue):
        return None
    comma = sentence.find(",", end)
    return head_after(sentence, comma + 1, mentions, within=60) if comma > 0 else None


def _technology(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
                context: Context) -> list[Claim]:
    """A technology area an institute works on: the institute, then a word for it ("focuses on",
    "institute for"), then the area, with little else between; or "AREA-focused INSTITUTE". Cue
    words inside a name do not count, nor an area's words inside a longer name ("the Rapid
    Advancement in Process Intensification Deployment Institute")."""
    institutes = _institutes(mentions)
    areas = [m for m in mentions if m.cls == "TechnologyArea" and not _in_name(sentence, m)]
    text = masked(sentence, mentions)
    claims = []
    for area in areas:
        institute, focus = None, True
        focused = re.match(r"-(?:focused|centered|centred|oriented)\b", sentence[area.end:])
        focus_of = FOCUS_OF.match(sentence[area.end:])
        if focused:
            institute = head_after(sentence, area.end + focused.end(), mentions, within=40)
        elif focus_of:  # "Process intensification is the focus of RAPID"
            institute = head_after(sentence, area.end + focus_of.end(), mentions, within=30)
        else:
            for candidate in institutes:
                if candidate.end <= area.start and _gap(candidate.end, area.start, mentions) <= TECHNOLOGY_NEAR:
                    cue = TECHNOLOGY_WORDS.search(text, candidate.end, area.start)
                    if cue and head_before(sentence, cue.start(), mentions) is candidate \
                            and not any(candidate.end <= m.start < area.start and m.cls == "Institute"
                                        for m in mentions):
                        institute = candidate
                        focus = bool(FOCUS_WORDS.search(cue.group(0)))
        if institute is not None:
            claims.append(Claim("technology-area", institute.of("Institute"), area.of("TechnologyArea"),
                                [institute, area], {"focus": focus}))
    return claims


def _ordinal(sentence: str, mentions: list[Mention], numbers: list[Quantity], used: set[int],
             context: Context) -> list[Claim]:
    """An institute's place in the network ("ARM is the 14th Manufacturing USA institute"). An ordinal
    among one agency's institutes ("DoD's eighth institute") is another count and gives no claim."""
    text = masked(sentence, mentions)
    for match in ORDINAL.finditer(text):
        if any(m.cls == "FederalAgency" and 0 <= match.start() - m.end <= 12 for m in mentions) \
                or re.search(r"\b(?:DoD|DOE|Defense|Energy|Commerce|NIST)\b", sentence[match.start():match.end()]) \
                or ORDINAL_SCOPE.match(sentence[match.end():]):
            continue  # "DoD's eighth institute", "the fourth institute in the region": another count
        institute = head_before(sentence, match.start(), mentions)
        if institute is None and re.match(r",\s+(?:the\s+)?", sentence[match.end():]):  # "the 12th institute, RAPID"
            institute = head_after(sentence, match.end(), mentions, within=12)
        if institute is None:
            continue
        number = match.group("n")
        value = int(number) if number else ORDINAL_WORDS.index(match.group("w").lower()) + 1
        return [Claim("ordinal", institute.of("Institute"), value, [institute])]
    return []


def _in_name(sentence: str, mention: Mention) -> bool:
    """Whether ``mention`` is written in capitals inside a longer capitalised name that ends in a word
    like "Institute" (a name the graph may not know), so it names no technology of its own."""
    if not mention.text[:1].isupper():
        return False
    before = re.search(r"(?:[A-Z][\w-]*\s+(?:(?:in|for|of|and|&)\s+)?)+$", sentence[:mention.start])
    after = re.match(r"(?:\s+(?:(?:in|for|of|and|&)\s+)?[A-Z][\w-]*)+", sentence[mention.end:])
    words = (before.group(0) if before else "") + " " + (after.group(0) if after else "")
    return bool(re.search(r"\b(?:Institute|Center|Centre|Consortium|Alliance|Initiative|Hub|Program)\b", words))
