"""Conflicts of interest: who must withdraw from an item, and which votes they taint.

- L2131-11: "Sont illégales les délibérations auxquelles ont pris part un ou plusieurs membres
  du conseil intéressés à l'affaire qui en fait l'objet, soit en leur nom personnel, soit comme
  mandataires." Taking part includes the debate, not only the vote.
- Code pénal, art. 432-12 (prise illégale d'intérêts): 5 years and €500,000 — e.g. board
  members of an association voting its subsidy (Cass. crim. 22 oct. 2008 n° 08-82068).
- An interested member therefore leaves the room, does not vote, and does not vote through a
  proxy either way: his proxy holder does not vote for him, and if he holds a colleague's
  proxy he does not use it on that item (AN QE 20278).
- Interests come from the register of members' declared interests (associations, companies,
  bodies where they sit). Organisations are compared by name or id, ignoring case, accents
  and extra spaces; the list is a warning tool — a human still judges interests that no
  register records.
"""

import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from hemicycle.rules.errors import RuleError

ARTICLE = "L2131-11 ; code pénal, art. 432-12"


def normalise(name: str) -> str:
    """Compare organisation names without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True)
class Withdrawal:
    member: str
    organisations: tuple[str, ...]  # the concerned organisations the member declared, as the item names them

    @property
    def reason(self) -> str:
        return f"{self.member} est intéressé(e) à l'affaire ({', '.join(self.organisations)}) : il/elle doit se retirer."


def must_withdraw(interests: Mapping[str, Iterable[str]], concerned: Iterable[str]) -> list[Withdrawal]:
    """Members whose declared interests meet the item's concerned organisations, in the mapping's order."""
    wanted = {}
    for name in concerned:
        wanted.setdefault(normalise(name), name)
    wanted.pop("", None)
    withdrawals = []
    for member, declared in interests.items():
        hits = sorted({wanted[key] for key in map(normalise, declared) if key in wanted})
        if hits:
            withdrawals.append(Withdrawal(member, tuple(hits)))
    return withdrawals


def barred_vote(owner: str, caster: str, barred: Collection[str]) -> RuleError | None:
    """The breach when a vote involves an interested member: ``owner`` is the member whose vote it
    is, ``caster`` who cast it (the owner himself, or his proxy holder)."""
    if owner in barred:
        how = "" if caster == owner else f" par l'intermédiaire de {caster}, porteur de son pouvoir"
        return RuleError(
            "withdrawn_member_voted",
            f"{owner}, intéressé(e) à l'affaire, a voté{how} : ce vote n'est pas compté et la délibération est exposée "
            f"à l'annulation.",
            ARTICLE, owner,
        )
    if caster in barred:
        return RuleError(
            "proxy_holder_withdrawn",
            f"{caster}, intéressé(e) à l'affaire, a utilisé le pouvoir de {owner} : ce vote n'est pas compté.",
            ARTICLE, caster,
        )
    return None
