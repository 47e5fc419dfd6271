"""The money ledger: which recorded funding figures a total may add, and what each adds.

Sources report the same dollars many times: an award and the ceiling it sits under, a
cumulative total and the awards it covers, an offer and the award that took it up, a part and
its whole. Each figure says what kind of money it is (an award, a ceiling, cost share, ...),
how its number is bounded (exact, at least, up to, about) and how it relates to other figures
(``part-of``, ``increment-of``, ``supersedes``, ``same-money-as``). :func:`reconcile` decides,
once for the whole graph, which figures are *counted* and why each other one is *left out*,
and gives each counted figure the lower and upper bound it adds. Any grouping (department,
institute, state, year, ...) then sums counted figures only, so no dollar is added twice and
"at least" stays "at least" (see :mod:`mfgkg.analysis.money`).

Rules, in order:

* a figure another source gives for the same money (``alternative_to``) or a deprecated one
  is left out: the preferred figure stands for it;
* a combined public and private total is left out: it is neither federal nor non-federal;
* a figure whose payer is not recorded is left out;
* a figure superseded by, part of, or the same money as another figure of the same payer is
  left out when that figure's money is counted (directly or through its own whole);
* a project's federal money from the institute's own sponsoring department is left out unless
  its record says it is a separate award: it may be paid out of the institute's agreement.

An offer, a ceiling or a ceiling increase is money that *may* be committed: it adds nothing to
the lower bound and its amount to the upper one; the parts counted inside it raise its lower
bound (a $60M ceiling holding a $10M award and at least $20M more adds $30M to $60M).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# What a payer is, from the kind of figure: cost share is non-federal, a combined total both.
NON_FEDERAL_KINDS = frozenset({"cost-share"})
COMBINED_KINDS = frozenset({"combined-total"})
# Money that may be committed, not money committed: it bounds a total from above only.
POTENTIAL_KINDS = frozenset({"offer", "ceiling", "increase"})
AT_LEAST = frozenset({"at-least", "more-than"})
UP_TO = frozenset({"up-to"})
APPROXIMATE = frozenset({"about", "nearly"})
# A relation that makes a figure's money already counted in its target's.
COVERED_BY = {"part-of": "inside", "supersedes": "superseded by", "same-money-as": "the same money as"}


@dataclass
class Figure:
    """One recorded sum of money, as the ledger reads it."""

    id: str
    institute: str
    kind: str
    amount: Decimal
    comparator: str = "exact"
    funder: str | None = None
    department: str | None = None
    sponsor_department: str | None = None
    project: str | None = None
    separate_award: bool = False
    preferred: bool = True
    alternative_to: str | None = None
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (relation, other figure id, why)

    @property
    def payer(self) -> str:
        """federal, non-federal or combined."""
        if self.kind in COMBINED_KINDS:
            return "combined"
        return "non-federal" if self.kind in NON_FEDERAL_KINDS else "federal"

    def own_bounds(self) -> tuple[Decimal, Decimal | None]:
        """The money this figure alone vouches for: (lower, upper or None when unbounded)."""
        unbounded = self.comparator in AT_LEAST
        if self.kind in POTENTIAL_KINDS or self.comparator in UP_TO:
            return Decimal(0), None if unbounded else self.amount
        return self.amount, None if unbounded else self.amount


@dataclass(frozen=True)
class Entry:
    """The ledger's verdict on one figure: counted with its bounds, or left out with the reason."""

    counted: bool
    reason: str
    lower: Decimal | None = None
    upper: Decimal | None = None
    approximate: bool = False


class LedgerError(ValueError):
    """Figures whose relations cannot be read: an unknown target, a cycle, a relation across institutes."""

    def __init__(self, figure: str, message: str):
        super().__init__(message)
        self.figure = figure


def _usd(amount: Decimal) -> str:
    millions = amount / Decimal(1_000_000)
    return f"${millions.normalize():f}M" if amount >= 1_000_000 else f"${amount.normalize():f}"


def describe(figure: Figure) -> str:
    """'the $60M ceiling mxd-2019-followon-ceiling': how reasons name a figure."""
    bound = {"at-least": "at least ", "more-than": "more than ", "up-to": "up to ", "about": "about ",
             "nearly": "nearly "}.get(figure.comparator, "")
    return f"the {bound}{_usd(figure.amount)} {figure.kind.replace('-', ' ')} {figure.id}"


def reconcile(figures: list[Figure]) -> dict[str, Entry]:
    """Decide, for every figure, whether totals count it, with what bounds, or why not."""
    return _Ledger(figures).entries()


def _standalone_reason(figure: Figure) -> str | None:
    """Why a figure is left out whatever the others say, or None."""
    if figure.alternative_to:
        return f"another source's figure for {figure.alternative_to}, which is preferred"
    if not figure.preferred:
        return "deprecated"
    if figure.payer == "combined":
        return "combines federal and non-federal money, which totals keep apart"
    if figure.payer == "federal" and figure.funder is None:
        return "the federal payer is not recorded"
    if figure.project and figure.payer == "federal" and not figure.separate_award \
            and figure.department is not None and figure.department == figure.sponsor_department:
        return ("project money from the institute's own sponsoring department; the source does not say "
                "it is separate from the institute's agreement")
    return None


class _Ledger:
    """The figures with their relation indexes, read once."""

    def __init__(self, figures: list[Figure]):
        self.by_id = {f.id: f for f in figures}
        self.superseded_by: dict[str, list[tuple[str, str, str]]] = {}
        for figure in figures:
            for relation, other, why in figure.relations:
                if other not in self.by_id:
                    raise LedgerError(figure.id, f"{relation} names unknown figure '{other}'")
                if self.by_id[other].institute != figure.institute:
                    raise LedgerError(figure.id, f"{relation} '{other}' is money of another institute")
                if relation == "supersedes":
                    self.superseded_by.setdefault(other, []).append((relation, figure.id, why))
        self._check_cycles()
        self.cover = {f.id: c for f in figures if _standalone_reason(f) is None and (c := self._covering(f))}
        self.parts: dict[str, list[str]] = {}
        for part, (relation, whole, _) in self.cover.items():
            if relation == "part-of":
                self.parts.setdefault(whole, []).append(part)

    def entries(self) -> dict[str, Entry]:
        result = {}
        for fid, figure in self.by_id.items():
            reason = _standalone_reason(figure)
            if reason is None and fid in self.cover:
                relation, other, why = self.cover[fid]
                reason = f"{COVERED_BY[relation]} {describe(self.by_id[other])}. {why}"
            if reason is None:
                lower, upper, approximate = self._bounds(figure)
                result[fid] = Entry(True, "counted", lower, upper, approximate)
            else:
                result[fid] = Entry(False, reason)
        return result

    def _holders(self, figure: Figure) -> list[tuple[str, str, str]]:
        """Every figure that would hold this one's money: its wholes and twins, and what supersedes it."""
        own = [(r, other, why) for r, other, why in figure.relations if r in ("part-of", "same-money-as")]
        return own + self.superseded_by.get(figure.id, [])

    def _covering(self, figure: Figure) -> tuple[str, str, str] | None:
        """The first holder of the same payer that itself stands (counted, or inside a counted figure)."""
        for relation, other, why in self._holders(figure):
            holder = self.by_id[other]
            if holder.payer == figure.payer and _standalone_reason(holder) is None:
                return relation, other, why
        return None

    def _bounds(self, figure: Figure) -> tuple[Decimal, Decimal | None, bool]:
        """A figure's own bounds, its lower bound raised to the sum of the parts held inside it."""
        lower, upper = figure.own_bounds()
        approximate = figure.comparator in APPROXIMATE
        inside = Decimal(0)
        for part in self.parts.get(figure.id, []):
            part_lower, _, part_approximate = self._bounds(self.by_id[part])
            inside += part_lower
            approximate = approximate or part_approximate
        if upper is not None and inside > upper:
            raise LedgerError(figure.id, f"the figures inside it add up to {_usd(inside)}, more than its {_usd(upper)}")
        return max(lower, inside), upper, approximate

    def _check_cycles(self) -> None:
        """No figure's money is held, through wholes, twins and what supersedes it, by itself."""
        state: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(fid: str) -> None:
            state[fid] = 1
            for _, other, _ in self._holders(self.by_id[fid]):
                if state.get(other) == 1:
                    raise LedgerError(fid, "its money relations lead back to itself")
                if other not in state:
                    visit(other)
            state[fid] = 2

        for fid in self.by_id:
            if fid not in state:
                visit(fid)
