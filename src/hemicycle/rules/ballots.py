"""Which ballot an item must be voted by, from the members' requests.

- Ordinary votes are public, by show of hands, unless a request is made.
- Scrutin public (names and votes entered in the register) when a quarter of the members
  present ask for it (L2121-21, communes and Conseil de Paris) or a sixth (L3121-15,
  départements): ``Regime.public_ballot_fraction``.
- Scrutin secret when a third of the members present ask for it, and for every appointment
  ("nomination ou présentation") — unless the assembly decides unanimously not to vote by
  secret ballot where no text requires it (L2121-21): ``Regime.secret_ballot_fraction``.
- Both asked: the secret ballot prevails in communes (Rép. min. JO Sénat 25/06/2009 n° 8312;
  AN 30/05/2006 n° 85018); in départements the public ballot prevails (AN QE 46449):
  ``Regime.secret_prevails_over_public``.

"Members present" are those physically in the room when the item is taken up (an interested
member who withdrew is not present); a request needs at least one member, so that nothing
is triggered when nobody is present.
"""

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from hemicycle.rules.regime import Regime


class Ballot(StrEnum):
    SHOW_OF_HANDS = "show_of_hands"  # vote à main levée: totals only
    PUBLIC = "public"  # scrutin public: each member's name and vote in the register
    SECRET = "secret"  # scrutin secret: ballots in an urn


def reaches(requests: int, present: int, fraction: Fraction) -> bool:
    """At least ``fraction`` of the members present asked (and at least one did)."""
    return requests >= 1 and requests * fraction.denominator >= fraction.numerator * present


@dataclass(frozen=True)
class BallotDecision:
    ballot: Ballot
    public_requested: bool  # the public-ballot threshold is reached
    secret_requested: bool  # the secret-ballot threshold is reached
    reason: str  # French, for the minutes
    article: str


def required_ballot(
    *,
    present: int,
    public_requests: int,
    secret_requests: int,
    regime: Regime,
    appointment: bool = False,
    unanimous_open_vote: bool = False,
) -> BallotDecision:
    """The ballot the law imposes on one item."""
    article = regime.ballot_article
    public = reaches(public_requests, present, regime.public_ballot_fraction)
    secret = reaches(secret_requests, present, regime.secret_ballot_fraction)
    if appointment and not unanimous_open_vote:
        return BallotDecision(Ballot.SECRET, public, secret, "Nomination : scrutin secret.", article)
    if secret and public:
        if regime.secret_prevails_over_public:
            return BallotDecision(
                Ballot.SECRET, public, secret, "Scrutin public et scrutin secret demandés : le scrutin secret l'emporte.",
                article,
            )
        return BallotDecision(
            Ballot.PUBLIC, public, secret, "Scrutin public et scrutin secret demandés : le scrutin public l'emporte.",
            article,
        )
    if secret:
        return BallotDecision(
            Ballot.SECRET, public, secret,
            f"Scrutin secret demandé par {secret_requests} membre(s) sur {present} présent(s) "
            f"(seuil : {regime.secret_ballot_fraction}).",
            article,
        )
    if public:
        return BallotDecision(
            Ballot.PUBLIC, public, secret,
            f"Scrutin public demandé par {public_requests} membre(s) sur {present} présent(s) "
            f"(seuil : {regime.public_ballot_fraction}).",
            article,
        )
    if appointment:
        return BallotDecision(
            Ballot.SHOW_OF_HANDS, public, secret,
            "Nomination : l'assemblée a décidé à l'unanimité de ne pas voter au scrutin secret.", article,
        )
    return BallotDecision(Ballot.SHOW_OF_HANDS, public, secret, "Vote à main levée.", article)
