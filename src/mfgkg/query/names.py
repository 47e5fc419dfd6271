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
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher, get_close_matches

SMALL_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "u", "s", "us",
                         "department", "dept"})
CLOSE_WORD = 0.85
CLOSE_NAME = 0.85
SUGGEST = 0.6


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


def _word_match(wanted: str, word: str) -> int | None:
    """0 for the same word, 1 for a prefix or a close spelling, None for no match."""
    if wanted == word:
        return 0
    if len(wanted) >= 4 and word.startswith(wanted):
        return 1
    if min(len(wanted), len(word)) >= 5 and SequenceMatcher(None, wanted, word).ratio() >= CLOSE_WORD:
        return 1
    return None


@dataclass(frozen=True)
class Match:
    """The outcome of matching one value: the entities found, how, and what to say about it."""

    found: tuple[str, ...] = ()
    how: str = "name"  # "name", "words", "spelling" (the last two are guesses) or "none"
    suggestions: tuple[str, ...] = ()


@dataclass
class Names:
    """Every name of every candidate entity, indexed for matching.

    ``secondary`` entities (a source's publisher, a lead organization) give way to program
    entities of the same name.
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

    def _prefer_primary(self, entities: Iterable[str]) -> tuple[str, ...]:
        found = sorted(set(entities))
        primary = [e for e in found if e not in self.secondary]
        return tuple(primary or found)

    def match(self, value: str) -> Match:
        """Match ``value`` against every name (see the module docstring)."""
        key = normalise(value)
        if key in self.exact:
            return Match(self._prefer_primary(self.exact[key]))
        by_words = self._by_words(value)
        if by_words.found:
            return by_words
        years = [w for w in words(value) if YEAR.fullmatch(w)]
        dated = [e for e, names in self.names.items()
                 if years and all(y in {normalise(n) for n in names} for y in years)]
        if len(dated) == 1:  # the year names one edition: it decides ("the 2019 Strategic Plan for ...")
            return Match((dated[0],), "words")
        close = get_close_matches(key, list(self.exact), n=1, cutoff=CLOSE_NAME)
        if close:
            return Match(self._prefer_primary(self.exact[close[0]]), "spelling")
        return Match(how="none", suggestions=self._suggest(value))

    def _by_words(self, value: str) -> Match:
        every = words(value)
        years = [w for w in every if YEAR.fullmatch(w)]  # "the 2024 plan": a year must be one of the entity's names
        wanted = tuple(w for w in every if w not in years) or every
        if not wanted:
            return Match(how="none")
        # entity -> best (word costs, words of the name beyond the value's) over its names
        best: dict[str, tuple[int, int]] = {}
        for entity, names in self.names.items():
            if years and wanted is not every and not all(any(y in words(n) for n in names) for y in years):
                continue
            for name in names:
                have = words(name)
                costs = [min((c for c in (_word_match(w, h) for h in have) if c is not None), default=None)
                         for w in wanted]
                if None not in costs:
                    score = (sum(costs), len(have) - len(wanted))
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
        close = get_close_matches(normalise(value), list(self.exact), n=5, cutoff=SUGGEST)
        wanted = set(words(value))
        sharing = sorted(key for key in self.exact if wanted & set(words(key)))
        entities = dict.fromkeys(e for key in (*close, *sharing) for e in sorted(self.exact[key]))
        return tuple(self.label(e) for e in list(entities)[:5])

    def label(self, entity: str) -> str:
        """A readable name of ``entity`` for messages: its label, or else its longest name."""
        return self.labels.get(entity) or max(sorted(self.names.get(entity, {entity})), key=len)
