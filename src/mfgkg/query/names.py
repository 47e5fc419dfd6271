"""Match what people type against the names of entities: "Defense", "robots", "members".

Given every name of every candidate entity (labels, acronyms, other names, codes), a value
matches in three steps, stopping at the first that finds something:

1. the whole name, ignoring case, spacing and a leading "the";
2. words: every word of the value is one of the name's words, a word it begins (``robot``
   in ``robotics``) or one spelled closely; plurals and possessives are folded, and small words
   ("of", "department") do not count. One entity matching, or one whose name has no other
   words ("Defense" for the Department of Defense, among defense agencies), is the match;
   several matching equally are ambiguous;
3. the whole value spelled closely to a name ("Departmnt of Defense").

Steps 2 and 3 are guesses, so each match says how the value was read. Where the best guess is
shared by several entities the value is ambiguous; where nothing matches, the closest names are
offered as suggestions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process

SMALL_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "u", "s", "us",
                         "department", "dept"})
# Closeness of two spellings: rapidfuzz's normalised Indel similarity (2 x the longest common
# subsequence / both lengths), in percent. It reads a little higher than difflib's ratio, which
# counts matching blocks instead.
CLOSE_WORD = 85.0
CLOSE_NAME = 85.0
SUGGEST = 60.0
MAX_VALUE = 400  # characters: longer than any name in the graph; a longer value is only matched whole


def normalise(text: str) -> str:
    """Case- and space-insensitive form of a whole name."""
    folded = " ".join(text.casefold().replace("\u2019", "'").split())
    return folded[4:] if folded.startswith("the ") else folded


def stem(word: str) -> str:
    """A word with its possessive and plural ending folded ("institutes" -> "institute")."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


YEAR = re.compile(r"(?:19|20)\d\d")


def words(text: str) -> tuple[str, ...]:
    """The significant words of a name, stemmed."""
    return tuple(stem(w) for w in re.findall(r"[\w']+", normalise(text)) if w not in SMALL_WORDS)


@dataclass(frozen=True)
class Match:
    """The outcome of matching one value: the entities found, how, and what to say about it."""

    found: tuple[str, ...] = ()
    how: str = "name"  # "name", "words", "spelling" (the last two are guesses) or "none"
    suggestions: tuple[str, ...] = ()


class _Words:
    """The words of every name, indexed so that one word of a value is compared with each distinct
    word of the names once, whatever the number of names holding it."""

    def __init__(self, names: dict[str, set[str]], keys: Iterable[str]):
        self.of: dict[str, tuple[str, ...]] = {}  # name -> its words
        self.holders: dict[str, set[tuple[str, str]]] = {}  # word -> the (entity, name) pairs whose name has it
        self.entity_words: dict[str, set[str]] = {}  # entity -> every word of its names
        for entity, own in names.items():
            for name in own:
                if name not in self.of:
                    self.of[name] = words(name)
                self.entity_words.setdefault(entity, set()).update(self.of[name])
                for word in self.of[name]:
                    self.holders.setdefault(word, set()).add((entity, name))
        self.sorted = sorted(self.holders)
        self.long = [word for word in self.sorted if len(word) >= 5]
        self.keys = list(keys)  # every normalised name
        self.keys_with: dict[str, set[str]] = {}  # word -> the normalised names that have it
        for key in self.keys:
            for word in words(key):
                self.keys_with.setdefault(word, set()).add(key)

    def close(self, wanted: str) -> dict[str, int]:
        """The names' words ``wanted`` matches, each with its cost: 0 for the same word, 1 for a word
        it begins (four letters or more) or a close spelling (five letters or more each)."""
        found: dict[str, int] = {}
        if len(wanted) >= 4:
            at = bisect_left(self.sorted, wanted)
            while at < len(self.sorted) and self.sorted[at].startswith(wanted):
                found[self.sorted[at]] = 1
                at += 1
        if len(wanted) >= 5:
            for word, _, _ in process.extract(wanted, self.long, scorer=fuzz.ratio, score_cutoff=CLOSE_WORD,
                                              limit=None):
                found[word] = 1
        if wanted in self.holders:
            found[wanted] = 0
        return found


@dataclass
class Names:
    """Every name of every candidate entity, indexed for matching.

    ``secondary`` entities (a source's publisher, a lead organization) give way to program
    entities of the same name. The words of the names are indexed on the first match that needs
    them, so the names are not to be changed after that.
    """

    names: dict[str, set[str]] = field(default_factory=dict)  # entity -> its names as written
    secondary: set[str] = field(default_factory=set)
    exact: dict[str, set[str]] = field(default_factory=dict)  # normalised name -> entities
    labels: dict[str, str] = field(default_factory=dict)  # entity -> its label, for messages

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]], secondary: Iterable[str] = (),
           labels: dict[str, str] | None = None) -> Names:
        index = cls(secondary=set(secondary), labels=dict(labels or {}))
        for entity, name in pairs:
            index.names.setdefault(entity, set()).add(name)
            index.exact.setdefault(normalise(name), set()).add(entity)
        return index

    @cached_property
    def _words(self) -> _Words:
        return _Words(self.names, self.exact)

    def _prefer_primary(self, entities: Iterable[str]) -> tuple[str, ...]:
        found = sorted(set(entities))
        primary = [e for e in found if e not in self.secondary]
        return tuple(primary or found)

    def match(self, value: str) -> Match:
        """Match ``value`` against every name (see the module docstring); a value longer than
        ``MAX_VALUE`` characters is only matched whole, so a match's work stays bounded."""
        key = normalise(value)
        if key in self.exact:
            return Match(self._prefer_primary(self.exact[key]))
        if len(key) > MAX_VALUE:
            return Match(how="none")
        by_words = self._by_words(value)
        if by_words.found:
            return by_words
        years = [w for w in words(value) if YEAR.fullmatch(w)]
        dated = set.intersection(*(self.exact.get(y, set()) for y in years)) if years else set()
        if len(dated) == 1:  # the year names one edition: it decides ("the 2019 Strategic Plan for ...")
            return Match((dated.pop(),), "words")
        close = process.extractOne(key, self._words.keys, scorer=fuzz.ratio, score_cutoff=CLOSE_NAME)
        if close:
            return Match(self._prefer_primary(self.exact[close[0]]), "spelling")
        return Match(how="none", suggestions=self._suggest(value))

    def _by_words(self, value: str) -> Match:
        every = words(value)
        years = [w for w in every if YEAR.fullmatch(w)]  # "the 2024 plan": a year must be one of the entity's names
        wanted = tuple(w for w in every if w not in years) or every
        if not wanted:
            return Match(how="none")
        index = self._words
        close = {w: index.close(w) for w in dict.fromkeys(wanted)}
        # (entity, name) pairs whose name has a match for every word, narrowed from the rarest word's
        order = sorted(close, key=lambda w: sum(len(index.holders[h]) for h in close[w]))
        pairs = {pair for h in close[order[0]] for pair in index.holders[h]}
        for w in order[1:]:
            pairs = {(entity, name) for entity, name in pairs if any(h in close[w] for h in index.of[name])}
        if years and wanted is not every:
            pairs = {(entity, name) for entity, name in pairs if all(y in index.entity_words[entity] for y in years)}
        # entity -> best (word costs, words of the name beyond the value's) over its names
        best: dict[str, tuple[int, int]] = {}
        for entity, name in pairs:
            have = index.of[name]
            score = (sum(min(close[w][h] for h in have if h in close[w]) for w in wanted), len(have) - len(wanted))
            best[entity] = min(score, best.get(entity, score))
        candidates = sorted(self._prefer_primary(best), key=lambda e: (best[e], e))
        if not candidates:
            return Match(how="none")
        top = best[candidates[0]]
        if len(candidates) == 1 or (top[1] == 0 and best[candidates[1]] != top):
            return Match((candidates[0],), "words")
        return Match(tuple(candidates), "words")

    def _suggest(self, value: str) -> tuple[str, ...]:
        """Up to five entities with a name close to ``value`` or sharing a word with it, for "did you mean"."""
        scored = process.extract(normalise(value), self._words.keys, scorer=fuzz.ratio, score_cutoff=SUGGEST,
                                 limit=5)
        close = [key for key, _, _ in sorted(scored, key=lambda found: (-found[1], found[0]))]
        sharing = sorted({key for word in words(value) for key in self._words.keys_with.get(word, ())})
        entities = dict.fromkeys(e for key in (*close, *sharing) for e in sorted(self.exact[key]))
        return tuple(self.label(e) for e in list(entities)[:5])

    def label(self, entity: str) -> str:
        """A readable name of ``entity`` for messages: its label, or else its longest name."""
        return self.labels.get(entity) or max(sorted(self.names.get(entity, {entity})), key=len)
