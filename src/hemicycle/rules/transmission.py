"""Transmission to the prefect's legality control: which acts, which deadlines, when executory.

Sources (rules.md "Legality control"; reference/legal_rules.md §4):

- L2131-2 (communes; départements L3131-2, régions L4141-2, EPCI L5211-3 by reference) lists the
  acts transmitted to the prefect:
  1° the council's deliberations and the decisions taken by delegation (L2122-22), except
  deliberations on road and parking fee tariffs, the classement / déclassement of communal roads,
  alignment and levelling plans, opening / straightening / widening of roads (a), and those on
  promotion ratios and on affiliation to (or optional missions of) a centre de gestion (b);
  2° the mayor's regulatory and individual police decisions, except those on traffic and parking
  (unless a sanction under L2212-2-1) and temporary drinking-place authorisations for events;
  3° regulatory acts in every other field;
  4° loan agreements, public contracts and framework agreements of at least the threshold of
  D2131-5-1 (the EU formalised-procedure threshold for supplies and services, €221,000 HT for
  2024-25 — a setting: ``DEFAULT_CONTRACT_THRESHOLD``, [VERIFY] for 2026-27), partnership contracts,
  concessions including public-service delegations, development concessions;
  5° individual decisions on appointment, recruitment (including by contract) and dismissal of
  non-tenured staff, except for temporary or seasonal needs;
  6° building permits and other land-use authorisations, certificats d'urbanisme.
- Other acts are executory once published or notified; the prefect may ask for them (L2131-3).
  Acts taken in the name of the State and private-law acts are outside this regime (L2131-4).
- Individual decisions are transmitted within 15 days of their signature (L2131-2 II, placement
  [VERIFY] in legal_rules.md): :func:`individual_deadline`, :func:`individual_alert`.
- L2131-1: an act listed in L2131-2 is executory once published (or notified) AND received by the
  prefecture; the others once published or notified: :func:`executory_date`.
- L2131-6: the prefect may refer the act to the administrative court within two months of its
  reception (CE 6 July 2007 n° 298744). A request for missing pieces made within those two months
  restarts them from the reception of the pieces or of the refusal (CE 13 Jan. 1988); a recours
  gracieux (lettre d'observations) made within them interrupts them, and two new months run from
  its explicit rejection — the collectivité's answer — or implicit rejection, two months of silence
  (CE 1 July 1988 n° 89692 Montauban). A mere courrier asking for explanations does not prolong
  them (CE 15 May 2013 n° 357031). The court counts this delay as a délai franc ending on the
  last day, carried to the next working day when it falls on a Saturday, Sunday or public
  holiday (code de procédure civile art. 642, applied by administrative courts): both are settings
  of :func:`defere_window` (``franc``, ``extend_to_working_day``).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

DEFAULT_CONTRACT_THRESHOLD = Decimal("221000")  # D2131-5-1, € HT, 2024-25 [VERIFY]
INDIVIDUAL_DELAY_DAYS = 15
DEFERE_MONTHS = 2

ARTICLE_BY_KIND = {"commune": "L2131-2", "paris": "L2131-2", "departement": "L3131-2", "region": "L4141-2",
                   "epci": "L5211-3 et L2131-2"}


class Exemption(StrEnum):
    """Deliberations L2131-2 1° leaves out."""

    ROAD_TARIFFS = "road_tariffs"  # tarifs des droits de voirie et de stationnement (a)
    ROAD_CLASSIFICATION = "road_classification"  # classement, déclassement, plans d'alignement… (a)
    PROMOTION_RATIOS = "promotion_ratios"  # taux de promotion pour l'avancement de grade (b)
    MANAGEMENT_CENTRE = "management_centre"  # affiliation / désaffiliation au centre de gestion (b)


class Subject(StrEnum):
    """What an arrêté or a contract is about, when it matters for L2131-2."""

    OTHER = "other"
    POLICE = "police"  # 2°
    TRAFFIC_PARKING = "traffic_parking"  # 2° exception (circulation et stationnement)
    TRAFFIC_SANCTION = "traffic_sanction"  # 2°: a sanction under L2212-2-1 stays transmitted
    TEMPORARY_DRINKING = "temporary_drinking"  # 2° exception (débits de boissons temporaires)
    STAFF_NON_TENURED = "staff_non_tenured"  # 5°
    STAFF_TEMPORARY = "staff_temporary"  # 5° exception (besoins temporaires ou saisonniers)
    STAFF_TENURED = "staff_tenured"  # not listed
    PLANNING_PERMIT = "planning_permit"  # 6°
    LOAN = "loan"  # 4°, with the threshold
    PUBLIC_CONTRACT = "public_contract"  # 4°, with the threshold
    CONCESSION = "concession"  # 4°: concessions, DSP, marchés de partenariat, concessions d'aménagement
    STATE_NAME = "state_name"  # L2131-4: taken in the name of the State
    PRIVATE_LAW = "private_law"  # L2131-4: private-law acts


# @CTES matières that tell the subject of an act without asking (acts/data classification).
SUBJECT_BY_MATIERE = {"4.1": Subject.STAFF_TENURED, "4.2": Subject.STAFF_NON_TENURED,
                      "6.1": Subject.POLICE, "2.2": Subject.PLANNING_PERMIT, "7.3": Subject.LOAN,
                      "1.1": Subject.PUBLIC_CONTRACT, "1.2": Subject.CONCESSION}


def subject_from_matiere(code: str) -> Subject:
    """The subject suggested by a @CTES matière ("4.2.1" → non-tenured staff), else OTHER."""
    parts = (code or "").split(".")
    return SUBJECT_BY_MATIERE.get(".".join(parts[:2]), Subject.OTHER)


@dataclass(frozen=True)
class Obligation:
    required: bool
    article: str
    reason: str  # French, for the act page
    individual: bool = False  # the 15-day delay applies

    def as_dict(self) -> dict:
        return {"required": self.required, "article": self.article, "reason": self.reason,
                "individual": self.individual}


def must_transmit(nature: str, *, subject: Subject = Subject.OTHER, exemption: Exemption | None = None,
                  amount: Decimal | None = None, authority_kind: str = "commune",
                  contract_threshold: Decimal = DEFAULT_CONTRACT_THRESHOLD,
                  by_delegation: bool = False) -> Obligation:
    """Whether an act must be transmitted to the prefect (L2131-2 and its equivalents).

    ``nature`` is the @CTES nature (DE délibération, AR réglementaire, AI individuel, CC contrat,
    BF budgétaire, AU autre); ``by_delegation`` marks a decision taken under L2122-22."""
    article = ARTICLE_BY_KIND.get(authority_kind, "L2131-2")
    if subject in (Subject.STATE_NAME, Subject.PRIVATE_LAW):
        why = "pris au nom de l'État" if subject == Subject.STATE_NAME else "de droit privé"
        return Obligation(False, "L2131-4", f"Acte {why} : hors du contrôle de légalité.")
    if nature in ("DE", "BF") or by_delegation:
        if exemption is not None and not by_delegation:
            reasons = {Exemption.ROAD_TARIFFS: "tarifs des droits de voirie et de stationnement",
                       Exemption.ROAD_CLASSIFICATION: "classement, déclassement ou alignement des voies communales",
                       Exemption.PROMOTION_RATIOS: "taux de promotion pour l'avancement de grade",
                       Exemption.MANAGEMENT_CENTRE: "affiliation au centre de gestion"}
            return Obligation(False, f"{article} 1°",
                              f"Délibération exclue de la transmission ({reasons[exemption]}) : exécutoire dès sa "
                              "publication (L2131-3).")
        what = "Décision prise par délégation (L2122-22)" if by_delegation else "Délibération"
        return Obligation(True, f"{article} 1°", f"{what} : à transmettre au contrôle de légalité.")
    if nature in ("AR", "AI"):
        individual = nature == "AI"
        if subject in (Subject.TRAFFIC_PARKING, Subject.TEMPORARY_DRINKING):
            what = ("police de la circulation et du stationnement" if subject == Subject.TRAFFIC_PARKING
                    else "autorisation temporaire de débit de boissons")
            return Obligation(False, f"{article} 2°", f"Décision de {what} : exclue de la transmission.")
        if subject in (Subject.POLICE, Subject.TRAFFIC_SANCTION):
            return Obligation(True, f"{article} 2°", "Décision de police : à transmettre.", individual)
        if nature == "AR":
            return Obligation(True, f"{article} 3°", "Acte réglementaire : à transmettre.")
        if subject == Subject.STAFF_NON_TENURED:
            return Obligation(True, f"{article} 5°",
                              "Nomination, recrutement ou licenciement d'un agent non titulaire : à transmettre "
                              "dans les 15 jours de la signature.", True)
        if subject == Subject.PLANNING_PERMIT:
            return Obligation(True, f"{article} 6°", "Autorisation d'urbanisme : à transmettre dans les 15 jours "
                              "de la signature.", True)
        if subject == Subject.STAFF_TEMPORARY:
            return Obligation(False, f"{article} 5°", "Recrutement pour un besoin temporaire ou saisonnier : "
                              "exclu de la transmission.")
        return Obligation(False, "L2131-3", "Décision individuelle non listée par L2131-2 : exécutoire dès sa "
                          "notification ; le préfet peut en demander communication.")
    if nature == "CC":
        if subject == Subject.CONCESSION:
            return Obligation(True, f"{article} 4°", "Concession, délégation de service public ou marché de "
                              "partenariat : à transmettre quel que soit le montant.")
        if amount is None:
            return Obligation(True, f"{article} 4° ; D2131-5-1",
                              "Montant du contrat inconnu : à transmettre par précaution (seuil de "
                              f"{contract_threshold:,.0f} € HT).".replace(",", " "))
        if Decimal(amount) >= contract_threshold:
            return Obligation(True, f"{article} 4° ; D2131-5-1",
                              f"Contrat d'au moins {contract_threshold:,.0f} € HT : à transmettre.".replace(",", " "))
        return Obligation(False, f"{article} 4° ; D2131-5-1",
                          f"Contrat de moins de {contract_threshold:,.0f} € HT : non transmis "
                          "(L2131-3).".replace(",", " "))
    return Obligation(False, "L2131-3", "Acte non listé par L2131-2 : exécutoire dès sa publication ou sa "
                      "notification ; le préfet peut en demander communication.")


# --- 15 days for individual decisions ---------------------------------------------------------------

def individual_deadline(signed_on: date) -> date:
    """Last day to transmit an individual decision: 15 days after its signature (L2131-2 II)."""
    return signed_on + timedelta(days=INDIVIDUAL_DELAY_DAYS)


class Alert(StrEnum):
    NONE = "none"
    SOON = "soon"  # a few days left
    LAST_DAY = "last_day"
    OVERDUE = "overdue"


def individual_alert(signed_on: date, today: date, *, transmitted: bool = False, warn_days: int = 5) -> Alert:
    """How urgent the transmission of an individual decision is on ``today``."""
    if transmitted:
        return Alert.NONE
    left = (individual_deadline(signed_on) - today).days
    if left < 0:
        return Alert.OVERDUE
    if left == 0:
        return Alert.LAST_DAY
    if left <= warn_days:
        return Alert.SOON
    return Alert.NONE


# --- Executory character ---------------------------------------------------------------------------------

def executory_date(*, must_be_transmitted: bool, published_on: date | None, received_on: date | None) -> date | None:
    """The day the act becomes executory (L2131-1): publication or notification, and for acts
    listed in L2131-2 also reception by the prefecture — the later of the two. None until then."""
    if published_on is None:
        return None
    if not must_be_transmitted:
        return published_on
    if received_on is None:
        return None
    return max(published_on, received_on)


# --- The two-month déféré window (L2131-6) --------------------------------------------------------------

class EventKind(StrEnum):
    PIECES_REQUESTED = "pieces_requested"  # DemandePieceComplementaire (3-1)
    PIECES_SENT = "pieces_sent"  # PieceComplementaire (3-4) received by the prefecture
    PIECES_REFUSED = "pieces_refused"  # RefusPieceComplementaire (3-3)
    OBSERVATIONS = "observations"  # LettreObservations (4-1): recours gracieux
    OBSERVATIONS_ANSWERED = "observations_answered"  # Reponse / RejetLettreObservations (4-4, 4-3)
    LETTER = "letter"  # CourrierSimple: does not prolong (CE 15 May 2013)


@dataclass(frozen=True)
class Event:
    kind: EventKind
    on: date


@dataclass(frozen=True)
class DefereWindow:
    start: date | None  # the day the current two months run from
    last_day: date | None  # last day the prefect may refer the act; None while suspended
    suspended: bool  # waiting for pieces, or for the answer to observations
    article: str
    explanation: str  # French
    restarts: list = field(default_factory=list)  # [(date, reason)]

    def open_on(self, day: date) -> bool:
        return self.suspended or (self.last_day is not None and day <= self.last_day)

    def days_left(self, day: date) -> int | None:
        return None if self.last_day is None else (self.last_day - day).days


def add_months(day: date, months: int) -> date:
    """Same day number ``months`` later, or the month's last day (31 Jan + 1 month → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> set[date]:
    """French national public holidays (code du travail L3133-1)."""
    e = easter(year)
    return {date(year, 1, 1), e + timedelta(days=1), date(year, 5, 1), date(year, 5, 8), e + timedelta(days=39),
            e + timedelta(days=50), date(year, 7, 14), date(year, 8, 15), date(year, 11, 1), date(year, 11, 11),
            date(year, 12, 25)}


def next_working_day(day: date) -> date:
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day += timedelta(days=1)
    return day


def _end(start: date, franc: bool, extend: bool) -> date:
    last = add_months(start, DEFERE_MONTHS) + timedelta(days=1 if franc else 0)
    return next_working_day(last) if extend else last


def defere_window(received_on: date | None, events=(), *, franc: bool = True,
                  extend_to_working_day: bool = True) -> DefereWindow:
    """The period in which the prefect may refer the act to the administrative court (L2131-6).

    ``events`` are the prefecture's requests and the collectivité's answers, in any order; only a
    request made while the window is open counts (a late one changes nothing)."""
    article = "L2131-6"
    if received_on is None:
        return DefereWindow(None, None, False, article, "Le délai de déféré court à partir de la réception de l'acte "
                            "en préfecture : l'acte n'a pas encore été reçu.")
    start, restarts = received_on, []
    pending: EventKind | None = None
    pending_since: date | None = None
    for event in sorted(events, key=lambda e: e.on):
        if pending is None:
            if event.kind in (EventKind.PIECES_REQUESTED, EventKind.OBSERVATIONS) \
                    and event.on <= _end(start, franc, extend_to_working_day):
                pending, pending_since = event.kind, event.on
            continue
        if pending == EventKind.PIECES_REQUESTED and event.kind in (EventKind.PIECES_SENT, EventKind.PIECES_REFUSED):
            what = "des pièces complémentaires" if event.kind == EventKind.PIECES_SENT else "du refus de les fournir"
            start, pending = event.on, None
            restarts.append((event.on, f"Réception {what} (demande du {pending_since:%d/%m/%Y})"))
        elif pending == EventKind.OBSERVATIONS and event.kind == EventKind.OBSERVATIONS_ANSWERED:
            start, pending = event.on, None
            restarts.append((event.on, f"Réponse à la lettre d'observations du {pending_since:%d/%m/%Y}"))
    if pending == EventKind.OBSERVATIONS:
        # Without an answer, the recours gracieux is implicitly rejected after two months of silence.
        implicit = add_months(pending_since, DEFERE_MONTHS)
        start = implicit
        restarts.append((implicit, f"Rejet implicite de la lettre d'observations du {pending_since:%d/%m/%Y} "
                                   "(deux mois sans réponse)"))
        pending = None
    if pending == EventKind.PIECES_REQUESTED:
        return DefereWindow(start, None, True, article,
                            f"Pièces complémentaires demandées le {pending_since:%d/%m/%Y} : le délai de deux mois "
                            "repartira de leur réception par la préfecture.", restarts)
    last = _end(start, franc, extend_to_working_day)
    return DefereWindow(start, last, False, article,
                        f"Le préfet peut déférer l'acte au tribunal administratif jusqu'au {last:%d/%m/%Y} "
                        f"(deux mois à compter du {start:%d/%m/%Y}).", restarts)
