"""Which legal regime applies to an assembly, from the authority's kind and population.

Sources (rules.md, "Regimes" and "Convocation"):
- conseil municipal: CGCT L2121-1 ff.; communes < 3,500 inhabitants: 3 jours francs
  (L2121-11); >= 3,500: 5 jours francs and a note explicative de synthèse (L2121-12).
- Conseil de Paris: L2512-1, L2512-2 (commune rules first, département rules as fallback);
  its règlement intérieur sets 12 jours francs (15 for public-service delegations).
- conseil départemental: L3121-1 ff.; reports sent 12 days before (L3121-19); public
  ballot at 1/6 of members present (L3121-15), which prevails over a secret-ballot request
  (AN QE 46449 — the CGCT sets no secret-ballot threshold there; [VERIFY]); one delegation
  of vote per member (L3121-16, wording [VERIFY]).
- EPCI follow the rules of communes (L5211-1) with the threshold of their largest member;
  régions (L4132-18) are given the départements' 12 days here — [VERIFY] in legal_rules.md,
  hence settings rather than hard-coded law where a règlement intérieur may be stricter.

A règlement intérieur may make these stricter, never looser: see ``Regime.tightened``.
Uncertain points are settings here (rules.md: "make them configurable rather than
hard-coded"): proxies per holder (the COVID-era 2 ended 31 July 2022), proxy validity, the
public/secret priority, and the article cited for each rule.
"""

from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction


class AuthorityKind(StrEnum):
    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    PARIS = "paris"
    EPCI = "epci"
    REGION = "region"

    @property
    def label(self) -> str:
        return {
            "commune": "Commune",
            "departement": "Département",
            "paris": "Ville de Paris",
            "epci": "EPCI",
            "region": "Région",
        }[self.value]


@dataclass(frozen=True)
class Regime:
    """The settings of an assembly's legal regime."""

    name: str
    convocation_days: int  # jours francs between sending and sitting
    synthesis_note_required: bool  # note explicative de synthèse (L2121-12)
    public_ballot_fraction: Fraction  # of members present asking for a public ballot
    secret_ballot_fraction: Fraction  # of members present asking for a secret ballot
    max_proxies_per_holder: int  # L2121-20
    proxy_max_consecutive_sittings: int  # L2121-20
    urgency_min_days: int = 1
    article: str = ""
    # Second convocation after a failed quorum: "à trois jours au moins d'intervalle", read as
    # jours francs between sending and sitting (L2121-17, CE 16 juin 1997 Pfister n° 142691).
    second_convocation_days: int = 3
    # Public-service delegations (Conseil de Paris RI: 15 jours francs); 0 = the general delay.
    delegation_convocation_days: int = 0
    # Both ballots asked: secret wins in communes (Rép. min. Sénat 25/06/2009 n° 8312); the
    # public ballot wins in départements (AN QE 46449) — [VERIFY], hence a setting.
    secret_prevails_over_public: bool = True
    # Articles cited in errors, per regime.
    convocation_article: str = "L2121-11"
    quorum_article: str = "L2121-17"
    proxy_article: str = "L2121-20"
    majority_article: str = "L2121-20"
    ballot_article: str = "L2121-21"

    def tightened(self, **changes) -> "Regime":
        """A stricter copy for a règlement intérieur; refuses anything looser than the law."""
        new = replace(self, **changes)
        if new.convocation_days < self.convocation_days:
            raise ValueError("Le règlement intérieur ne peut pas réduire le délai de convocation.")
        if self.synthesis_note_required and not new.synthesis_note_required:
            raise ValueError("La note explicative de synthèse est obligatoire pour ce régime.")
        if new.public_ballot_fraction > self.public_ballot_fraction:
            raise ValueError("Le règlement intérieur ne peut pas rendre le scrutin public plus difficile à obtenir.")
        if new.secret_ballot_fraction > self.secret_ballot_fraction:
            raise ValueError("Le règlement intérieur ne peut pas rendre le scrutin secret plus difficile à obtenir.")
        if new.max_proxies_per_holder > self.max_proxies_per_holder:
            raise ValueError("Le règlement intérieur ne peut pas autoriser plus de pouvoirs par élu.")
        if new.proxy_max_consecutive_sittings > self.proxy_max_consecutive_sittings:
            raise ValueError("Le règlement intérieur ne peut pas allonger la durée de validité des pouvoirs.")
        if new.urgency_min_days < self.urgency_min_days:
            raise ValueError("Le règlement intérieur ne peut pas réduire le délai minimal en cas d'urgence.")
        if new.second_convocation_days < self.second_convocation_days:
            raise ValueError("Le règlement intérieur ne peut pas réduire le délai de la seconde convocation.")
        if new.delegation_convocation_days < self.delegation_convocation_days:
            raise ValueError(
                "Le règlement intérieur ne peut pas réduire le délai des délégations de service public."
            )
        if new.secret_prevails_over_public != self.secret_prevails_over_public:
            raise ValueError("L'ordre de priorité entre scrutin public et scrutin secret relève de la loi.")
        return new


SMALL_COMMUNE_THRESHOLD = 3_500  # L2121-11 / L2121-12


def regime_for(kind: AuthorityKind, population: int) -> Regime:
    """The legal regime of the deliberative assembly of an authority."""
    kind = AuthorityKind(kind)
    if kind is AuthorityKind.PARIS:
        return Regime(
            name="Conseil de Paris", convocation_days=12, synthesis_note_required=True,
            public_ballot_fraction=Fraction(1, 4), secret_ballot_fraction=Fraction(1, 3),
            max_proxies_per_holder=1, proxy_max_consecutive_sittings=3,
            delegation_convocation_days=15,
            article="L2512-1, L2512-2, règlement intérieur du Conseil de Paris",
            convocation_article="règlement intérieur du Conseil de Paris, art. 1 (plancher : L2121-12)",
        )
    if kind in (AuthorityKind.DEPARTEMENT, AuthorityKind.REGION):
        return Regime(
            name="Conseil départemental" if kind is AuthorityKind.DEPARTEMENT else "Conseil régional",
            convocation_days=12, synthesis_note_required=True,
            public_ballot_fraction=Fraction(1, 6), secret_ballot_fraction=Fraction(1, 3),
            max_proxies_per_holder=1, proxy_max_consecutive_sittings=3,
            article="L3121-19, L3121-15" if kind is AuthorityKind.DEPARTEMENT else "L4132-18",
            secret_prevails_over_public=False,
            convocation_article="L3121-19" if kind is AuthorityKind.DEPARTEMENT else "L4132-18",
            # Régions: the départements' articles by analogy until checked ([VERIFY]).
            quorum_article="L3121-14", proxy_article="L3121-16",
            majority_article="L3121-14, L3121-15", ballot_article="L3121-15",
        )
    large = population >= SMALL_COMMUNE_THRESHOLD
    return Regime(
        name=("Conseil communautaire" if kind is AuthorityKind.EPCI else "Conseil municipal")
        + (" (3 500 habitants et plus)" if large else " (moins de 3 500 habitants)"),
        convocation_days=5 if large else 3,
        synthesis_note_required=large,
        public_ballot_fraction=Fraction(1, 4), secret_ballot_fraction=Fraction(1, 3),
        max_proxies_per_holder=1, proxy_max_consecutive_sittings=3,
        article="L2121-12" if large else "L2121-11",
        convocation_article="L2121-12" if large else "L2121-11",
    )
