"""Convocation delays, counted in jours francs.

- Jours francs: neither the day of sending nor the day of the sitting counts (CE 3 juin 1983
  Dame Vincent), so with a delay of N jours francs the convocation must be sent at the latest
  on the sitting date minus (N + 1) calendar days. Week-ends and holidays count.
- Communes < 3,500 inhabitants: 3 jours francs (L2121-11); ≥ 3,500: 5 jours francs (L2121-12);
  départements: reports 12 days before (L3121-19); Conseil de Paris: 12 jours francs, 15 for
  public-service delegations (règlement intérieur, art. 1). The figures come from the
  ``Regime`` (rules/regime.py), which a règlement intérieur may only tighten.
- Urgency (L2121-11 al. 2, L2121-12 al. 3, L3121-19): the delay may be shortened, never below
  one jour franc (``Regime.urgency_min_days``); the mayor or president reports the urgency at
  the opening and the assembly rules on it, and may postpone the discussion.
- Second convocation after a failed quorum (L2121-17, L3121-14): "à trois jours au moins
  d'intervalle" — read as 3 jours francs between sending and sitting (CE 16 juin 1997 Pfister
  n° 142691); the convocation can only follow the failed sitting; no quorum is then required
  (for the items of the first agenda). Urgency cannot shorten this delay.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from hemicycle.rules.errors import RuleError, fr_date
from hemicycle.rules.regime import Regime


def jours_francs(sent: date, sitting: date) -> int:
    """Number of full days between sending and sitting, both days excluded (negative if late)."""
    return (sitting - sent).days - 1


def latest_send_date(sitting: date, days: int) -> date:
    """Last day on which a convocation may leave for a delay of ``days`` jours francs."""
    return sitting - timedelta(days=days + 1)


@dataclass(frozen=True)
class ConvocationCheck:
    required_days: int
    latest_send_date: date
    sent: date | None
    jours_francs: int | None
    urgency: bool
    urgency_vote_required: bool  # the assembly must rule on the urgency at the opening
    second_convocation: bool
    quorum_required: bool  # False after a second convocation (L2121-17)
    article: str
    errors: list[RuleError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def check_convocation(
    *,
    sitting: date,
    sent: date | None,
    regime: Regime,
    urgency: bool = False,
    urgency_approved: bool | None = None,
    second_convocation: bool = False,
    failed_sitting: date | None = None,
    public_service_delegation: bool = False,
) -> ConvocationCheck:
    """Was the convocation to ``sitting`` sent in time under ``regime``?

    ``urgency_approved`` is the assembly's vote on the urgency at the opening: None while not
    yet known (no error, the flag ``urgency_vote_required`` says it must happen), False when
    the assembly refused the urgency (the shortened delay then cannot be relied on).
    ``public_service_delegation`` applies the longer delay of ``Regime.delegation_convocation_days``
    when the regime has one (Conseil de Paris: 15 jours francs).
    """
    errors: list[RuleError] = []
    if second_convocation:
        required, article = regime.second_convocation_days, regime.quorum_article
        label = "seconde convocation après défaut de quorum"
    elif urgency:
        required, article = regime.urgency_min_days, regime.convocation_article
        label = "urgence"
    else:
        required, article = regime.convocation_days, regime.convocation_article
        label = ""
        if public_service_delegation and regime.delegation_convocation_days > required:
            required = regime.delegation_convocation_days
            label = "délégation de service public"
    latest = latest_send_date(sitting, required)
    counted = None
    if sent is None:
        errors.append(RuleError("convocation_missing", "La date d'envoi de la convocation n'est pas connue.", article))
    else:
        counted = jours_francs(sent, sitting)
        if sent > sitting:
            errors.append(RuleError(
                "convocation_after_sitting",
                f"Convocation envoyée le {fr_date(sent)}, après la séance du {fr_date(sitting)}.",
                article,
            ))
        elif sent > latest:
            why = f" ({label})" if label else ""
            errors.append(RuleError(
                "convocation_too_late",
                f"Convocation envoyée le {fr_date(sent)} : {max(counted, 0)} jour(s) franc(s) avant la séance "
                f"du {fr_date(sitting)}, il en faut {required}{why} — envoi au plus tard le {fr_date(latest)}.",
                article,
            ))
    if second_convocation:
        if failed_sitting is None:
            errors.append(RuleError(
                "failed_sitting_missing",
                "Seconde convocation : la date de la séance sans quorum doit être indiquée.",
                regime.quorum_article,
            ))
        elif sent is not None and sent < failed_sitting:
            errors.append(RuleError(
                "second_convocation_before_failure",
                f"La seconde convocation ({fr_date(sent)}) ne peut précéder la séance sans quorum "
                f"du {fr_date(failed_sitting)}.",
                regime.quorum_article,
            ))
    if urgency and not second_convocation and urgency_approved is False:
        errors.append(RuleError(
            "urgency_rejected",
            "L'assemblée n'a pas admis l'urgence : les affaires ne peuvent être délibérées dans le délai abrégé.",
            regime.convocation_article,
        ))
    return ConvocationCheck(
        required_days=required,
        latest_send_date=latest,
        sent=sent,
        jours_francs=counted,
        urgency=urgency,
        urgency_vote_required=urgency and not second_convocation,
        second_convocation=second_convocation,
        quorum_required=not second_convocation,
        article=article,
        errors=errors,
    )
