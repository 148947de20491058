"""Quorum: the assembly deliberates only when the majority of its members in office is present.

- L2121-17 (communes), L3121-14 (départements): "ne délibère valablement que lorsque la
  majorité de ses membres en exercice est présente". Majority means more than half:
  quorum = floor(n / 2) + 1 (Paris: 163 members → 82).
- Members in office = legal seats minus vacancies (deaths, resignations not yet filled).
- Only members physically present count: proxies (pouvoirs) do not.
- Checked at the opening and again when each item is taken up. An interested member who
  withdraws from the room (L2131-11) is not counted present for that item.
- The base stays the members in office, interested or not: the law counts "membres en
  exercice" and an interested member remains in office. (Alsace-Moselle's L2541-4 adjusts
  for items where half the council is interested; that local law is not modelled here.)
- After a second convocation, at least three days after a sitting without quorum, the
  assembly deliberates validly whatever the number present (L2121-17 al. 2).
"""

from collections.abc import Collection
from dataclasses import dataclass

from hemicycle.rules.errors import RuleError


def members_in_office(seats: int, vacancies: int = 0) -> int:
    """Seats minus vacancies; refuses impossible figures."""
    if seats < 1:
        raise ValueError("Le nombre de sièges doit être au moins 1.")
    if not 0 <= vacancies < seats:
        raise ValueError("Le nombre de sièges vacants doit être compris entre 0 et le nombre de sièges moins un.")
    return seats - vacancies


def quorum_required(in_office: int) -> int:
    """Majority of the members in office: floor(n / 2) + 1."""
    return in_office // 2 + 1


def present_for_item(present: Collection[str], withdrawn: Collection[str]) -> set[str]:
    """Members physically present when an item is taken up: interested members who left don't count."""
    return set(present) - set(withdrawn)


@dataclass(frozen=True)
class QuorumCheck:
    members_in_office: int
    present: int
    quorum_required: int | None  # None: no quorum needed (second convocation)
    article: str

    @property
    def quorum_met(self) -> bool:
        return self.quorum_required is None or self.present >= self.quorum_required

    def error(self) -> RuleError | None:
        """The breach when the assembly deliberates anyway without its quorum."""
        if self.quorum_met:
            return None
        return RuleError(
            "quorum_not_met",
            f"Quorum non atteint : {self.present} membre(s) présent(s), il en faut {self.quorum_required} "
            f"sur {self.members_in_office} en exercice (les pouvoirs ne comptent pas).",
            self.article,
        )


def check_quorum(
    *, members_in_office: int, present: int, second_convocation: bool = False, article: str = "L2121-17"
) -> QuorumCheck:
    """Quorum at the opening or for one item; ``present`` counts members physically in the room."""
    if present < 0 or present > members_in_office:
        raise ValueError("Le nombre de présents doit être compris entre 0 et le nombre de membres en exercice.")
    return QuorumCheck(
        members_in_office=members_in_office,
        present=present,
        quorum_required=None if second_convocation else quorum_required(members_in_office),
        article=article,
    )
