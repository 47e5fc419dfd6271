"""Which name a cue word belongs to: attach a value to an institute, or abstain.

A claim rule finds a cue ("based in", "led by", "founded in", "focuses on") and must decide
whose headquarters, leader, founding or focus it is. The nearest institute is often wrong in real
prose: "Acme, a company based in Harrison, is a member of MxD" says where Acme is, and "awarded to
Y, a nonprofit led by Z" says who leads Y. So the sentence before the cue is cut at commas,
dashes and parentheses into segments, and read from the cue leftwards: the first *head* met (a
name of any kind, an unknown capitalised name, or a noun phrase such as "a company") is what the
cue is about. Segments that only describe the head before them ("managed by NCDMM", "which is
funded by DOE", "a DoD institute") are passed over. Only when that head is an institute is the
claim formed; anything else gives no claim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mfgkg.check.gazetteer import Mention

# Segments that describe the name before them rather than start a new subject.
MODIFIER = re.compile(r"^\s*(?:which|who|whose|that|where|when|while|managed|led|run|operated|funded|sponsored|backed|"
                      r"supported|overseen|administered|established|founded|launched|created|announced|selected|"
                      r"headquartered|based|located|known|formerly|also|one\s+of|part\s+of|along\s+with|together\s+with|"
                      r"including|as\s+well\s+as|with|and|or|in|on|at|from|since|through|under)\b", re.I)
# An appositive naming an institute again ("a DoD institute", "the nation's newest hub").
SAME_INSTITUTE = re.compile(r"^\s*(?:a|an|the|its|one\s+of\s+the)\b[^,;()]*\b(?:institutes?|hubs?|consortium)\b\s*$",
                            re.I)
# A noun phrase that is a head of its own: the cue after it is about it, not about an institute.
NOUN_HEAD = re.compile(r"\b(?:a|an|the|its|one)\s+(?:[\w'-]+\s+){0,3}?(?:compan(?:y|ies)|firms?|manufacturers?|makers?|"
                       r"start-?ups?|business(?:es)?|suppliers?|non-?profits?|universit(?:y|ies)|colleges?|schools?|"
                       r"labs?|laborator(?:y|ies)|members?|partners?|subsidiar(?:y|ies)|spin-?offs?|corporations?|"
                       r"organi[sz]ations?|groups?|foundations?|associations?|contractors?|vendors?|plants?|"
                       r"facilit(?:y|ies)|cent(?:er|re)s?|alliances?|coalitions?|programs?|projects?|offices?|"
                       r"agenc(?:y|ies)|team|researchers?|engineers?)\b", re.I)
OTHER = re.compile(r"\b(?:another|the\s+other|others)\b", re.I)  # "along with another to be based in Chicago"
NAME = re.compile(r"\b[A-Z][\w&.'-]*(?:\s+(?:of|for|and|&|the|de)?\s*[A-Z][\w&.'-]*)*")
NOT_NAMES = frozenset({  # capitalised words that start sentences or qualify names, not names of their own
    "a", "an", "the", "it", "its", "this", "that", "these", "those", "in", "on", "at", "for", "with", "and",
    "but", "or", "as", "by", "from", "under", "to", "of", "today", "now", "yesterday", "tomorrow",
    "headquartered", "based", "located", "founded", "established", "launched", "led", "managed", "together",
    "also", "according", "since", "each", "every", "both", "all", "some", "many", "most", "several", "after",
    "before", "during", "while", "when", "where", "once", "here", "there", "however", "meanwhile",
    "additionally", "further", "furthermore", "inc", "llc", "corp", "co", "ltd", "mr", "ms", "mrs", "dr", "u.s",
    "us", "u.s.", "america", "american", "national", "federal", "department", "manufacturing", "usa",
    "institute", "institutes", "innovation", "energy", "defense", "commerce", "program", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "fy", "new", "first", "second", "third",
    "their", "our", "we", "they", "he", "she", "i", "last", "next"
})
_SEGMENT = re.compile(r"[,;()\u2013\u2014]|\s-\s")
NOT_HEADS = ("City", "State", "Metric", "TechnologyArea")  # names that qualify a head rather than are one
CONTRAST = re.compile(r"\s*(?:Unlike|Like|As\s+with|Compared\s+(?:with|to)|Similar\s+to|In\s+contrast\s+to)\b",
                      re.I)
RELATIVE = re.compile(r"\s*(?:which|that|who|whose)\b", re.I)
# What may come before a cue that opens a sentence: nothing, or an adverb ("Now headquartered in ...").
OPENING = re.compile(r"\s*(?:(?:Now|Today|Also|Originally|Initially|Currently|Newly|First)\s+)?")
SUBORDINATE_IT = re.compile(r"\s*(?:Since|After|When|Once|Though|Although|While|Because|As)\s+it\b")
PREPOSITION = re.compile(r"\b(?:of|in|into|to|with|by|from|for|at|on|across|within|among|under|through|via|"
                         r"between|about)\s+(?:the\s+|a\s+|an\s+)?$", re.I)
ACRONYM = re.compile(r"\s*[A-Z][A-Za-z&.-]{1,10}\s*")  # "(MII)": a name repeated as its acronym
FILL = "x"  # what a mention's letters become when the sentence is searched for cue words


def masked(sentence: str, mentions: Sequence[Mention]) -> str:
    """``sentence`` with each mention's characters replaced by lower-case letters: cue words are
    then never read inside a name ("Institute for ..." in an institute's name is no cue)."""
    chars = list(sentence)
    for mention in (m for m in mentions if not m.description):
        for i in range(mention.start, min(mention.end, len(chars))):
            if not chars[i].isspace():
                chars[i] = FILL
    return "".join(chars)


def head_before(sentence: str, position: int, mentions: Sequence[Mention]) -> Mention | None:
    """The institute a cue at ``position`` is about, read leftwards (see the module docstring)."""
    text = masked(sentence, mentions)
    cuts = list(_SEGMENT.finditer(text, 0, position))
    starts = [0, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), position]
    segments = list(zip(starts, ends, strict=True))
    for index in range(len(segments) - 1, -1, -1):
        start, end = segments[index]
        words = text[start:end]
        last = index == len(segments) - 1
        if not last and (MODIFIER.match(words) or SAME_INSTITUTE.match(words) or ACRONYM.fullmatch(words)):
            continue
        if last and SAME_INSTITUTE.match(words) and index:
            continue
        head = _last_head(text, start, end, mentions)
        if head is not None:
            return head if isinstance(head, Mention) and head.cls == "Institute" else None
    return None


def head_after(sentence: str, position: int, mentions: Sequence[Mention], within: int = 60) -> Mention | None:
    """The institute named first after ``position`` ("DoD-sponsored LIFT", "Headquartered in Detroit,
    LIFT ..."), if no other head comes before it within ``within`` characters."""
    text = masked(sentence, mentions)
    end = min(len(text), position + within)
    heads = [(p, h) for p, h in _heads(text, position, end, mentions)
             if not (isinstance(h, Mention) and h.cls == "Program")]  # "the tenth Manufacturing USA institute, RAPID"
    if not heads:
        return None
    head = heads[0][1]
    return head if isinstance(head, Mention) and head.cls == "Institute" else None


def fronted(sentence: str, position: int) -> bool:
    """Whether the cue at ``position`` opens the sentence ("Headquartered in Detroit, LIFT ...")."""
    return bool(OPENING.fullmatch(sentence[:position]))


def clause_owner(sentence: str, position: int, mentions: Sequence[Mention]) -> Mention | bool | None:
    """Whose the words at ``position`` are when their clause says so: in a relative clause ("the $600
    million photonics initiative, which came with $250 million") the head before it; in a contrast
    ("Unlike the photonics initiative, ...") nobody's. True when the clause says nothing either way."""
    text = masked(sentence, mentions)
    cuts = [m.end() for m in _SEGMENT.finditer(text, 0, position)]
    start = cuts[-1] if cuts else 0
    if CONTRAST.match(text, start) or (len(cuts) >= 1 and CONTRAST.match(text, cuts[-2] if len(cuts) > 1 else 0)
                                       and RELATIVE.match(text, start)):
        return None
    if RELATIVE.match(text, start) and cuts:
        previous = cuts[-2] if len(cuts) > 1 else 0
        head = _last_head(text, previous, cuts[-1] - 1, mentions)
        return head if isinstance(head, Mention) and head.cls == "Institute" else None
    return True


def main_subject(sentence: str, mentions: Sequence[Mention]) -> Mention | None:
    """The institute a sentence opening with a clause about "it" is about: "Since it was formed in 2014,
    DMDII has grown" names it right after the clause's comma."""
    opening = SUBORDINATE_IT.match(sentence)
    comma = sentence.find(",", opening.end()) if opening else -1
    return head_after(sentence, comma + 1, mentions, within=40) if comma > 0 else None


def _heads(text: str, start: int, end: int, mentions: Sequence[Mention],
           subjects: bool = False) -> list[tuple[int, object]]:
    """Every head in ``text[start:end]`` in order: mentions (but places), unknown names, noun phrases;
    with ``subjects``, not names that are objects of a preposition or halves of a compound adjective."""
    found: list[tuple[int, object]] = [(m.start, m) for m in mentions
                                       if start <= m.start < end and m.cls not in NOT_HEADS
                                       and not (subjects and _object(text, m.start, m.end))]
    for match in NAME.finditer(text, start, end):
        words = [w for w in re.split(r"\s+", match.group(0)) if w.lower().strip(".") not in NOT_NAMES]
        if any(w[:1].isupper() for w in words) and not (subjects and _object(text, match.start(), match.end())):
            found.append((match.start(), "name"))
    found += [(m.start(), "noun") for m in NOUN_HEAD.finditer(text, start, end)]
    found += [(m.start(), "noun") for m in OTHER.finditer(text, start, end)]
    return sorted(found, key=lambda item: item[0])


def _object(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start``-``end`` is no subject: the object of a preposition ("part of the
    Manufacturing USA network") or half of a compound adjective ("DoD-sponsored")."""
    return bool(PREPOSITION.search(text, max(0, start - 24), start) or text[end:end + 1] == "-")


def _last_head(text: str, start: int, end: int, mentions: Sequence[Mention]) -> object | None:
    heads = _heads(text, start, end, mentions, subjects=True)
    if not heads:
        return None
    position = heads[-1][0]
    # a mention and a name found at the same place are the same head: the mention says what it is
    return next((h for p, h in heads if p == position and isinstance(h, Mention)), heads[-1][1])
