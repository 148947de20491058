"""The outcome of a vote on a deliberation: majority of suffrages exprimés, casting vote.

L2121-20 al. 2-3 (communes; L3121-14 and L3121-15 for départements): "Les délibérations sont
prises à la majorité absolue des suffrages exprimés. Lorsqu'il y a partage égal des voix et
sauf cas de scrutin secret, la voix du président est prépondérante."

- Suffrages exprimés = POUR + CONTRE. Abstentions, blank and null ballots and "ne prend pas
  part au vote" (NPPV) are not suffrages exprimés.
- Adopted if and only if POUR > CONTRE.
- Tie (POUR = CONTRE ≥ 1), public vote (show of hands or scrutin public): the president's vote
  is decisive — the side he voted for wins (``casting_vote_used``). If the president did not
  vote pour or contre (absent, abstained, NPPV, withdrew), there is no casting vote and the
  proposal, lacking a majority, is not adopted.
- Tie, secret ballot: nobody knows the president's vote, so there is no casting vote: rejected.
- Zero suffrages exprimés (everybody abstained or did not take part): there is no majority
  of suffrages exprimés in favour, so nothing is decided and the proposal is not adopted —
  reported as "rejected". It is not a tie: the casting vote needs the president to have voted
  pour or contre, which would make at least one suffrage exprimé.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Vote(StrEnum):
    POUR = "pour"
    CONTRE = "contre"
    ABSTENTION = "abstention"
    NPPV = "nppv"  # ne prend pas part au vote

    @property
    def label(self) -> str:
        return {"pour": "Pour", "contre": "Contre", "abstention": "Abstention", "nppv": "Ne prend pas part au vote"}[self]


@dataclass(frozen=True)
class Tally:
    pour: int = 0
    contre: int = 0
    abstention: int = 0
    nppv: int = 0

    @classmethod
    def of(cls, votes: Iterable[Vote | str]) -> "Tally":
        counts = {v: 0 for v in Vote}
        for vote in votes:
            counts[Vote(vote)] += 1
        return cls(counts[Vote.POUR], counts[Vote.CONTRE], counts[Vote.ABSTENTION], counts[Vote.NPPV])

    @property
    def exprimes(self) -> int:
        """Suffrages exprimés: POUR + CONTRE only."""
        return self.pour + self.contre

    @property
    def votes(self) -> int:
        """Every vote recorded, expressed or not."""
        return self.pour + self.contre + self.abstention + self.nppv


@dataclass(frozen=True)
class Outcome:
    adopted: bool
    casting_vote_used: bool
    reason: str  # French, for the minutes
    article: str

    @property
    def result(self) -> str:
        return "adopted" if self.adopted else "rejected"


def decide(tally: Tally, *, secret: bool, president_vote: Vote | str | None, article: str = "L2121-20") -> Outcome:
    """Adopted or not, from the tally; ``president_vote`` is the president's own vote, if any."""
    president_vote = Vote(president_vote) if president_vote else None
    if tally.exprimes == 0:
        return Outcome(False, False, "Aucun suffrage exprimé : la délibération n'est pas adoptée.", article)
    if tally.pour > tally.contre:
        return Outcome(True, False, f"Adoptée : {tally.pour} pour, {tally.contre} contre.", article)
    if tally.pour < tally.contre:
        return Outcome(False, False, f"Rejetée : {tally.pour} pour, {tally.contre} contre.", article)
    if secret:
        return Outcome(False, False, "Partage égal des voix au scrutin secret : la délibération est rejetée.", article)
    if president_vote is Vote.POUR:
        return Outcome(True, True, "Partage égal des voix : la voix du président, pour, est prépondérante.", article)
    if president_vote is Vote.CONTRE:
        return Outcome(False, True, "Partage égal des voix : la voix du président, contre, est prépondérante.", article)
    return Outcome(
        False, False, "Partage égal des voix sans vote du président : la délibération n'est pas adoptée.", article
    )
