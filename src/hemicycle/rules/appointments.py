"""Appointments (nominations): rounds of secret ballot for one seat.

L2121-21 al. 4 (the same three-round rule as for the mayor, L2122-7): "Dans ces derniers cas
[nominations], si aucun des candidats n'a obtenu la majorité absolue après deux tours de
scrutin secret, il est procédé à un troisième tour de scrutin et l'élection a lieu à la
majorité relative ; à égalité de voix, l'élection est acquise au plus âgé."

- Rounds 1 and 2: elected with the absolute majority of suffrages exprimés, i.e. more than
  half of them (votes × 2 > exprimés). Blank and null ballots are not suffrages exprimés.
- Round 3: relative majority (most votes); a tie elects the oldest candidate (earliest birth
  date). Without the birth dates of the tied candidates, or when they were born the same day,
  the result cannot be decided here and an error says so.
- One seat per vote; list ballots for several seats (L2121-22, L2122-7-2) are not modelled.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from hemicycle.rules.errors import RuleError

MAX_ROUNDS = 3


def is_blank(ballot: str | None) -> bool:
    """A blank or null ballot (None or an empty string)."""
    return ballot is None or not ballot.strip()


@dataclass(frozen=True)
class RoundResult:
    number: int
    counts: dict[str, int]  # candidate → votes, most votes first, then by name
    exprimes: int
    blank: int
    majority_needed: int | None  # absolute majority at rounds 1 and 2; None at round 3 (relative)
    elected: str | None
    tied: list[str] = field(default_factory=list)  # candidates tied first at round 3

    def as_dict(self) -> dict:
        return {
            "round": self.number, "counts": self.counts, "exprimes": self.exprimes, "blank": self.blank,
            "majority_needed": self.majority_needed, "elected": self.elected, "tied": self.tied,
        }


@dataclass(frozen=True)
class AppointmentResult:
    elected: str | None
    round: int | None  # the round that elected
    rounds: list[RoundResult]
    errors: list[RuleError] = field(default_factory=list)


def count_round(ballots: Iterable[str | None]) -> tuple[dict[str, int], int, int]:
    """Votes per candidate (most first, then by name), suffrages exprimés, blank/null ballots."""
    counter: Counter[str] = Counter()
    blank = 0
    for ballot in ballots:
        if is_blank(ballot):
            blank += 1
        else:
            counter[ballot.strip()] += 1
    counts = dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
    return counts, sum(counts.values()), blank


def elect(
    rounds: Sequence[Iterable[str | None]],
    *,
    birth_dates: Mapping[str, date | None] | None = None,
    article: str = "L2121-21",
) -> AppointmentResult:
    """Who the rounds elect, round by round."""
    birth_dates = birth_dates or {}
    results: list[RoundResult] = []
    errors: list[RuleError] = []
    elected = elected_round = None
    for number, ballots in enumerate(rounds, start=1):
        if elected is not None:
            errors.append(RuleError(
                "round_after_election", f"Tour {number} inutile : {elected} a été élu(e) au tour {elected_round}.",
                article,
            ))
            break
        if number > MAX_ROUNDS:
            errors.append(RuleError(
                "too_many_rounds", f"Au plus {MAX_ROUNDS} tours de scrutin : le tour {number} n'a pas lieu d'être.",
                article,
            ))
            break
        counts, exprimes, blank = count_round(ballots)
        winner, tied, needed = None, [], None
        if number < MAX_ROUNDS:
            needed = exprimes // 2 + 1
            if counts:
                first, votes = next(iter(counts.items()))
                if votes >= needed:
                    winner = first
        elif counts:
            best = max(counts.values())
            leaders = sorted(c for c, v in counts.items() if v == best)
            if len(leaders) == 1:
                winner = leaders[0]
            else:
                tied = leaders
                winner = _oldest(leaders, birth_dates, errors, article)
        results.append(RoundResult(number, counts, exprimes, blank, needed, winner, tied))
        if winner is not None:
            elected, elected_round = winner, number
    if elected is None and not errors:
        if len(results) < MAX_ROUNDS:
            errors.append(RuleError(
                "rounds_incomplete",
                f"Aucun candidat n'a la majorité absolue après {len(results)} tour(s) : il manque le tour suivant.",
                article,
            ))
        else:
            errors.append(RuleError(
                "nobody_elected", "Aucun suffrage exprimé au troisième tour : personne n'est élu.", article
            ))
    return AppointmentResult(elected, elected_round, results, errors)


def _oldest(candidates: list[str], birth_dates: Mapping[str, date | None], errors: list[RuleError], article: str):
    """Equal votes at round 3: the oldest is elected."""
    unknown = [c for c in candidates if birth_dates.get(c) is None]
    if unknown:
        errors.append(RuleError(
            "tie_without_birth_date",
            f"Égalité de voix au troisième tour entre {', '.join(candidates)} : date de naissance inconnue pour "
            f"{', '.join(unknown)}, le plus âgé ne peut être désigné.",
            article,
        ))
        return None
    earliest = min(birth_dates[c] for c in candidates)
    oldest = [c for c in candidates if birth_dates[c] == earliest]
    if len(oldest) > 1:
        errors.append(RuleError(
            "tie_same_age",
            f"Égalité de voix et d'âge au troisième tour entre {', '.join(oldest)} : la loi ne les départage pas.",
            article,
        ))
        return None
    return oldest[0]
