"""The sitting half of the demo commune: its assemblies, a council sitting held six weeks ago,
the next one convened, and a later one whose agenda is being prepared.

Everything is done through the product's actions (``sittings/actions``: agenda, convocation,
live, votes, minutes, proxies, interests), as the secretariat, the administrator and the
members would do it in the interface, so that every object carries its journal entries,
notifications and proofs.

The past sitting is replayed at its own dates: ``DemoClock`` sets the time Django reads
(``django.utils.timezone.now``) to each moment of that history — acts drafted and approved in
office hours, agenda three weeks before, convocation two weeks before, roll call at 18 h 15 on
the day, minutes the day after — so
that the actions check the law against the dates they would have had (the convocation delay,
the proxies given before the sitting), and the journal, the attendance, the ballots and the
minutes carry those times. The clock only goes forward and never beyond the real time, so the
journal stays in chronological order. The one thing that keeps the real time of loading is the
RFC 3161 token of each convocation manifest: a timestamp cannot be backdated.

The convocation e-mails go through the dummy mail backend while loading (the members and
their addresses are fictional): each is recorded as sent and accepted, as with a real server.
"""

import datetime
from dataclasses import dataclass, field

from django.test.utils import override_settings
from django.utils import timezone

from hemicycle.documents.render import french_date
from hemicycle.organisation.models import PoliticalGroup
from hemicycle.sittings.actions import agenda, interests, live, proxies, votes
from hemicycle.sittings.actions import convocation as convocation_actions
from hemicycle.sittings.actions import minutes as minutes_actions
from hemicycle.sittings.convocation_documents import default_letter_text
from hemicycle.sittings.models import (
    AgendaItem, Assembly, Attendance, Ballot, Convocation, ConvocationRecipient, Sitting,
)

DAY = datetime.timedelta(days=1)
PLACE = "Salle du conseil municipal, hôtel de ville"
START = datetime.time(18, 30)
PAST_ACTS = 8  # ready acts of the loader's plan that the past sitting deliberates
CONVENED_DAYS_BEFORE = 14  # the past sitting's convocation left two weeks before it

# Members by their index in the loader's list (0 is the mayor, 2 the deputy « adjointe », 30 the
# « elu » demo user; 0–26 sit in the majority group, 27–48 in the four others).
MAYOR, DEPUTY, ELU = 0, 2, 30
SECRETARY = 48
PROXY_MANDATOR, PROXY_HOLDER = 12, 5  # past sitting: excused, represented
EXCUSED, ABSENT = (12, 44), (40, 45)
LATE, LEAVES = 41, 38  # arrives during item 2, leaves during item 4
INTERESTED = 7  # withdraws from item 5 (conflict of interest)
ELU_HOLDER = 34  # holds the elu's proxy for the next sitting
UNOPENED = (40, 44, 45, 47)  # did not open the past convocation's link

PAST_SECTIONS = ["Finances et ressources humaines", "Finances et ressources humaines",
                 "Urbanisme et cadre de vie", "Urbanisme et cadre de vie",
                 "Culture, sport et solidarités", "Culture, sport et solidarités",
                 "Culture, sport et solidarités", "Culture, sport et solidarités"]
DEPARTMENT_ORDER = ["DFIN", "DRH", "DAJ", "DU", "DVD", "DAC", "DJS", "DASES", "DFPE"]
SECTION_OF = {"DFIN": "Finances, ressources humaines et affaires générales",
              "DRH": "Finances, ressources humaines et affaires générales",
              "DAJ": "Finances, ressources humaines et affaires générales",
              "DU": "Urbanisme et cadre de vie", "DVD": "Urbanisme et cadre de vie",
              "DAC": "Culture, sport, solidarités et familles", "DJS": "Culture, sport, solidarités et familles",
              "DASES": "Culture, sport, solidarités et familles", "DFPE": "Culture, sport, solidarités et familles"}
QUESTIONS = "Questions orales"
UPCOMING_CONCERN = "Les Restos du quartier"


# --- The clock ------------------------------------------------------------------------------

class DemoClock:
    """Sets the time Django reads while the past is replayed; ``stop()`` goes back to the real
    time. Used as a context manager, which always restores the real clock."""

    def __init__(self):
        self._real = None
        self.moment: datetime.datetime | None = None

    def __enter__(self):
        self._real = timezone.now
        timezone.now = self._now
        return self

    def __exit__(self, *exc):
        timezone.now = self._real
        self.moment = None
        return False

    def _now(self) -> datetime.datetime:
        return self.moment if self.moment is not None else self._real()

    @property
    def running(self) -> bool:
        return self.moment is not None

    def set(self, moment: datetime.datetime) -> None:
        if self.moment is not None and moment < self.moment:
            raise ValueError(f"Le temps de la démonstration ne recule pas ({moment} avant {self.moment}).")
        if moment > self._real():
            raise ValueError(f"Le temps de la démonstration ne dépasse pas l'heure réelle ({moment}).")
        self.moment = moment.astimezone(datetime.UTC)  # as timezone.now() gives it (the journal hashes it)

    def advance(self, **delta) -> None:
        if self.moment is not None:
            self.set(self.moment + datetime.timedelta(**delta))

    def advance_office(self, **delta) -> None:
        """Advance, then, outside office hours (8 h 30 – 19 h, Monday to Friday), to the next
        working morning."""
        if self.moment is None:
            return
        moment = timezone.localtime(self.moment + datetime.timedelta(**delta))
        if moment.hour >= 19 or moment.weekday() >= 5 or (moment.hour, moment.minute) < (8, 30):
            day = moment.date() + (DAY if moment.hour >= 8 else datetime.timedelta(0))
            while day.weekday() >= 5:
                day += DAY
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))
        self.set(moment)

    def stop(self) -> None:
        self.moment = None


def _thursday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 3) % 7)


def _thursday_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(3 - day.weekday()) % 7)


@dataclass
class Calendar:
    """The demo's dates, from the day it is loaded: council sittings on Thursdays."""

    today: datetime.date
    past: datetime.date  # about six weeks ago
    upcoming: datetime.date  # in about three weeks
    planned: datetime.date  # in about eight weeks

    @classmethod
    def around(cls, today: datetime.date) -> "Calendar":
        return cls(today=today, past=_thursday_before(today - 42 * DAY), upcoming=_thursday_after(today + 19 * DAY),
                   planned=_thursday_after(today + 54 * DAY))

    def at(self, day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))

    def before_past(self, days: int, hour: int, minute: int = 0) -> datetime.datetime:
        return self.at(self.past - days * DAY, hour, minute)

    @property
    def setup(self) -> datetime.datetime:
        """When the demo authority's history starts (people, circuits, assemblies)."""
        return self.before_past(42, 9)

    @property
    def first_acts(self) -> datetime.datetime:
        return self.before_past(41, 9)


# --- People and assemblies ------------------------------------------------------------------

@dataclass
class Cast:
    authority: object
    admin: object
    secretariat: object
    members: list
    groups: list
    committees: list
    council: Assembly | None = None
    committee_assemblies: list = field(default_factory=list)

    @property
    def majority(self) -> PoliticalGroup:
        return self.groups[0]

    def group(self, short_name: str) -> PoliticalGroup:
        return next(g for g in self.groups if g.short_name == short_name)


def assemblies(cast: Cast) -> None:
    """The municipal council (49 seats) and two of its committees, set up by the administrator."""
    cast.council = agenda.save_assembly(cast.admin, cast.authority, kind=Assembly.Kind.COUNCIL,
                                        name="Conseil municipal", seats=cast.authority.seats)
    for committee in cast.committees[:2]:
        name = committee.name.split("—", 1)[-1].strip()
        cast.committee_assemblies.append(agenda.save_assembly(
            cast.admin, cast.authority, kind=Assembly.Kind.COMMITTEE, committee=committee,
            name=f"Commission {name[0].lower()}{name[1:]}"))


# --- Small helpers ----------------------------------------------------------------------------

def _quiet_mail():
    """The fictional members' e-mails are handed to the dummy backend while loading."""
    return override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}})


def _convene(user, sitting: Sitting, *, paper_on: datetime.date, clock: DemoClock | None = None) -> Convocation:
    """Write the letter, generate the documents (here, synchronously), send with proof."""
    convocation = convocation_actions.save_convocation(user, sitting, letter_text=default_letter_text(sitting))
    convocation_actions.start_generation(user, convocation)
    state = convocation_actions.run_generation(convocation.pk)
    convocation.refresh_from_db()
    if state != Convocation.State.READY:
        raise RuntimeError(f"Documents de la convocation non générés : {convocation.error}")
    if clock is not None:
        clock.advance(minutes=20)
    convocation = convocation_actions.send_convocation(user, convocation)
    with _quiet_mail():
        convocation_actions.deliver_emails(convocation.pk)
    if clock is not None:
        clock.advance(hours=5)
    paper = list(convocation.recipients.filter(channel=ConvocationRecipient.Channel.PAPER).values_list("pk", flat=True))
    if paper:
        convocation_actions.record_paper_posting(user, convocation, paper, paper_on)
    return convocation


def _values(voters, rule) -> dict[int, str]:
    """{owner pk: vote} for the voters of an item, as ``rule(member)`` says."""
    return {v.owner.pk: rule(v.owner) for v in voters}


def _totals(values: dict[int, str]) -> dict[str, int]:
    counts = {"pour": 0, "contre": 0, "abstention": 0, "nppv": 0}
    for value in values.values():
        counts[value] += 1
    return counts


def _by_group(positions: dict[str, str], default: str = "pour"):
    """A rule: each member votes with his group (short names → vote)."""
    return lambda member: positions.get(member.group.short_name if member.group_id else "", default)


# --- The past sitting -------------------------------------------------------------------------

def _past_order(acts: list) -> list:
    """The past agenda: finance and staff, town planning, then culture and solidarity; the act
    naming an organisation (the conflict of interest) at position 5."""
    acts = sorted(acts, key=_department_rank)
    concerned = next((a for a in acts if agenda.suggest_concerns(a.object)), None)
    if concerned is not None and len(acts) >= 5:
        acts.remove(concerned)
        acts.insert(4, concerned)
    return acts


def hold_past_sitting(cast: Cast, clock: DemoClock, cal: Calendar, acts: list) -> Sitting:
    """A council sitting about six weeks ago, from its agenda to its published list of
    deliberations: 8 acts and a vœu, convened in time with proof, roll call with absences, an
    excused member represented, a late arrival and a departure, votes by group, by show of
    hands (with an amendment, and a tie decided by the president), by secret ballot, by roll
    call (an interested member withdrawn), electronically; one item postponed; minutes drafted
    with the substance of the debates."""
    sec, day = cast.secretariat, cal.past
    members = dict(enumerate(cast.members))

    # Three weeks before: the agenda, its sections and a vœu filed by a group.
    clock.set(cal.before_past(21, 9, 30))
    sitting = agenda.save_sitting(sec, cast.authority, assembly=cast.council, date=day, start_time=START,
                                  place=PLACE)
    items = agenda.add_acts(sec, sitting, _past_order(acts))
    for section in dict.fromkeys(PAST_SECTIONS):
        agenda.set_section(sec, sitting, [it for it, s in zip(items, PAST_SECTIONS) if s == section], section)
    clock.advance(hours=2)
    motion_item = agenda.file_motion(
        sec, sitting, group=cast.group("BES"), section="Vœux",
        title="Vœu relatif à la gratuité des transports scolaires pour les élèves des écoles élémentaires",
        text="Le conseil municipal émet le vœu que l'autorité organisatrice des mobilités étudie, dès la rentrée "
             "prochaine, la gratuité des transports scolaires pour les élèves des écoles élémentaires de Belval-sur-"
             "Loire, et que la Ville soit associée aux travaux.")

    # The next day: a member's declaration of interest, received on paper, and the organisation
    # the fifth item concerns.
    clock.set(cal.before_past(20, 10))
    concern_item = items[4]
    found = agenda.suggest_concerns(concern_item.act.object)
    organisation = found[0] if found else "Union sportive de Belval"
    interested = members[INTERESTED]
    interests.declare_interest(sec, interested, organisation=organisation, role="Trésorier",
                               since=datetime.date(day.year - 2, 9, 1))
    agenda.add_concern(sec, concern_item, organisation)

    # Two weeks before (the law asks for 5 jours francs): documents and sending with proof.
    clock.set(cal.before_past(CONVENED_DAYS_BEFORE, 10))
    convocation = _convene(sec, sitting, paper_on=day - CONVENED_DAYS_BEFORE * DAY, clock=clock)

    # The following days: members open their personal link, some read the documents.
    recipients = list(convocation.recipients.filter(channel=ConvocationRecipient.Channel.EMAIL)
                      .exclude(member__in=[members[i] for i in UNOPENED]).select_related("member")
                      .order_by("member__last_name", "member__first_name"))
    documents = ["dossier-de-seance", "note-de-synthese", "ordre-du-jour"]
    for n, recipient in enumerate(recipients):  # eleven a day, from 8 h to 21 h
        opened_on = day - (CONVENED_DAYS_BEFORE - 1 - n // 11) * DAY
        clock.set(cal.at(opened_on, 8) + datetime.timedelta(minutes=7 + 78 * (n % 11)))
        convocation_actions.record_opening(recipient)
        if n % 3 != 2:
            clock.advance(minutes=4)
            convocation_actions.record_consultation(recipient, documents[n % len(documents)])

    # The committees' opinions, recorded by the secretariat.
    clock.set(cal.before_past(6, 9))
    for n, item in enumerate(items):
        committee = item.act.committees.order_by("pk").first() or cast.committees[0]
        reserved = n == 2
        agenda.record_opinion(
            sec, item, committee=committee, opinion="reserved" if reserved else "favourable",
            given_on=day - (8 if committee.short_name in ("C1", "C2") else 7) * DAY,
            note="Réserve du groupe Union pour Belval sur le prix de cession." if reserved else "")

    # Three days before: an adjoint who will be away gives his proxy from the portal.
    clock.set(cal.before_past(3, 11, 20))
    mandator = members[PROXY_MANDATOR]
    proxies.give_proxy(mandator.user, mandator=mandator, holder=members[PROXY_HOLDER], sittings=[sitting])

    # The day: roll call from 18 h 15.
    clock.set(cal.at(day, 18, 15))
    for i, member in members.items():
        if i in EXCUSED:
            status = Attendance.Status.EXCUSED
        elif i in ABSENT or i == LATE:
            status = Attendance.Status.ABSENT
        else:
            status = Attendance.Status.PRESENT
            clock.advance(seconds=19)
        live.set_attendance(sec, sitting, member, status)
    clock.set(cal.at(day, 18, 31))
    live.set_officers(sec, sitting, president=members[MAYOR], secretaries=[members[SECRETARY]])
    clock.set(cal.at(day, 18, 33))
    live.open_sitting(sec, sitting)

    def take(item, hour, minute):
        clock.set(cal.at(day, hour, minute))
        live.take_up_item(sec, item)
        item.refresh_from_db()

    def at(hour, minute):
        clock.set(cal.at(day, hour, minute))

    def voters(item):
        return live.voters(sitting, item)

    opposition = [m for i, m in members.items() if m.group_id != cast.majority.pk]

    def present_opposition(item):
        present = live.present_ids(sitting) - live.withdrawn_ids(item)
        return [o for o in opposition if o.pk in present]

    # 1. Vote by group.
    item = items[0]
    take(item, 18, 35)
    at(18, 44)
    live.set_speaker(sec, sitting, member=next(o for o in opposition if o.group.short_name == "UPB"))
    at(18, 52)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.BY_GROUP)
    at(18, 54)
    positions = {"BEC": "pour", "UPB": "contre", "BES": "abstention", "APB": "contre", "NI": "pour"}
    upb = [o for o in present_opposition(item) if o.group.short_name == "UPB"]
    votes.close_by_group(sec, ballot, positions={str(g.pk): positions[g.short_name] for g in cast.groups},
                         exceptions={upb[-1].pk: "abstention"} if upb else {})

    # 2. An amendment adopted, then the act, by show of hands; a member arrives late.
    item = items[1]
    take(item, 18, 56)
    at(19, 2)
    live.set_attendance(sec, sitting, members[LATE], Attendance.Status.PRESENT)
    at(19, 5)
    amendment = votes.file_amendment(
        sec, item, target="articles:2", group=cast.group("UPB"),
        new_text="Le maire est autorisé à signer la convention annexée à la présente délibération, après avis du "
                 "comité social territorial.",
        explanation="Associer le comité social territorial avant la signature.")
    at(19, 12)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.SHOW_OF_HANDS, amendment=amendment)
    at(19, 13)
    counts = _totals(_values(voters(item), _by_group({"BES": "abstention"})))
    votes.close_with_totals(sec, ballot, **counts)
    at(19, 16)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.SHOW_OF_HANDS)
    at(19, 17)
    counts = _totals(_values(voters(item), _by_group({"UPB": "abstention", "APB": "contre"})))
    votes.close_with_totals(sec, ballot, **counts)

    # 3. Secret ballot asked by a third of the members present: the sale is rejected.
    item = items[2]
    take(item, 19, 20)
    at(19, 38)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.SECRET, secret_requesters=present_opposition(item))
    at(19, 52)
    n = len(voters(item))
    contre = (n - 2) // 2 + 1
    votes.close_with_totals(sec, ballot, pour=n - 2 - contre, contre=contre, abstention=2)

    # 4. Electronic vote from the members' devices; a member leaves before it.
    item = items[3]
    take(item, 19, 55)
    at(20, 6)
    live.set_attendance(sec, sitting, members[LEAVES], Attendance.Status.ABSENT)
    at(20, 15)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.ELECTRONIC)
    rule = _by_group({"UPB": "contre", "APB": "abstention"})
    for n, voter in enumerate(voters(item)):
        if n == 7:
            continue  # one member does not vote: listed as such in the minutes
        clock.advance(seconds=3)
        votes.cast_vote(voter.caster.user, ballot, value=rule(voter.owner),
                        for_member=voter.owner if voter.by_proxy else None)
    at(20, 18)
    votes.close_electronic(sec, ballot)

    # 5. Conflict of interest: the treasurer of the organisation leaves the room; roll call asked
    # by a quarter of the members present.
    item = items[4]
    take(item, 20, 20)
    at(20, 21)
    live.record_withdrawal(sec, item, interested, reason=f"Trésorier de l'organisme « {organisation} »")
    at(20, 34)
    requesters = present_opposition(item)[:12]
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.ROLL_CALL, public_requesters=requesters)
    at(20, 45)
    votes.close_roll_call(sec, ballot, votes=_values(voters(item), _by_group({"UPB": "contre", "NI": "abstention"})))

    # 6. Show of hands.
    item = items[5]
    take(item, 20, 47)
    at(20, 55)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.SHOW_OF_HANDS)
    counts = _totals(_values(voters(item), _by_group({"UPB": "abstention"})))
    votes.close_with_totals(sec, ballot, **counts)

    # 7. A tie, decided by the president's casting vote (L2121-20).
    item = items[6]
    take(item, 20, 58)
    at(21, 10)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.SHOW_OF_HANDS)
    n = len(voters(item))
    side = n // 2 - 4
    at(21, 11)
    votes.close_with_totals(sec, ballot, pour=side, contre=side, abstention=n - 2 * side, president_vote="pour")

    # 8. Postponed at the rapporteur's request: the act is ready again for a later sitting.
    item = items[7]
    at(21, 14)
    live.postpone_item(sec, item, reason="Reporté à la demande du rapporteur : la convention n'est pas encore "
                                         "signée par l'association.")

    # 9. The vœu, by show of hands: adopted and numbered.
    item = motion_item
    take(item, 21, 16)
    at(21, 30)
    ballot = votes.open_ballot(sec, item, method=Ballot.Method.SHOW_OF_HANDS)
    counts = _totals(_values(voters(item), _by_group({"UPB": "contre", "APB": "abstention"})))
    votes.close_with_totals(sec, ballot, **counts)

    at(21, 36)
    live.close_sitting(sec, sitting)

    # The next day: the minutes with the substance of the debates; the list of deliberations online.
    clock.set(cal.at(day + DAY, 9, 40))
    sitting.refresh_from_db()
    minutes = minutes_actions.draft_minutes(sec, sitting)
    clock.advance(minutes=50)
    minutes_actions.update_minutes(
        sec, minutes, lock_version=minutes.lock_version,
        introduction=f"Le conseil municipal de Belval-sur-Loire s'est réuni le {french_date(day)} à 18 h 30, "
                     f"{PLACE.lower()}, sur la convocation adressée par le maire le "
                     f"{french_date(day - CONVENED_DAYS_BEFORE * DAY)}.",
        conclusion="L'ordre du jour étant épuisé, le maire lève la séance.",
        summaries=_debate_summaries(sitting, cast, organisation))
    clock.advance(minutes=30)
    minutes_actions.publish_list(sec, sitting)
    sitting.refresh_from_db()
    return sitting


def _debate_summaries(sitting: Sitting, cast: Cast, organisation: str) -> dict[int, str]:
    """The substance of the debates, as the secretariat writes it from its notes."""
    def name(member):
        return f"{member.civility} {member.last_name}" if member else "Le rapporteur"

    upb = [m for m in cast.members if m.group_id and m.group.short_name == "UPB"]
    bes = [m for m in cast.members if m.group_id and m.group.short_name == "BES"]
    apb = [m for m in cast.members if m.group_id and m.group.short_name == "APB"]
    mayor = cast.members[MAYOR]
    texts = [
        "{rap} présente le projet. {upb} regrette l'absence de simulation par foyer et annonce le vote contre de son "
        "groupe. {bes} indique que son groupe s'abstiendra. Le maire rappelle que les taux sont inchangés depuis "
        "trois ans.",
        "{rap} présente le projet. {upb} défend l'amendement n° 1 de son groupe, qui associe le comité social "
        "territorial avant la signature ; le rapporteur s'en remet à la sagesse de l'assemblée.",
        "{rap} présente la cession. {upb} conteste le prix retenu, inférieur selon lui à l'estimation du marché, et "
        "demande avec d'autres élus un vote au scrutin secret.",
        "{rap} présente le programme de travaux. {apb} demande que la rue des Tilleuls soit traitée en priorité ; "
        "le rapporteur indique qu'elle figure dans la seconde tranche.",
        "{rap} présente la convention. {interested}, trésorier de l'organisme « {organisation} », quitte la salle "
        "avant le débat et ne prend pas part au vote. {upb} demande, avec des élus de l'opposition, un vote par "
        "appel nominal.",
        "{rap} présente les nouveaux tarifs. Sans observation, le projet est mis aux voix.",
        "{rap} présente les tarifs. {apb} et {upb} jugent la hausse trop forte pour les familles. Les voix étant "
        "partagées, la voix du président est prépondérante.",
        "Le rapporteur demande le report du point, la convention n'étant pas encore signée par l'association.",
        "{bes} présente le vœu de son groupe. {mayor} indique que la majorité y est favorable.",
    ]
    words = {"upb": name(upb[0] if upb else None), "bes": name(bes[0] if bes else None),
             "apb": name(apb[0] if apb else None), "mayor": f"{mayor.civility} le maire",
             "interested": name(cast.members[INTERESTED]), "organisation": organisation}
    summaries = {}
    for item, text in zip(sitting.items.select_related("rapporteur").order_by("position"), texts):
        summaries[item.pk] = text.format(rap=name(item.rapporteur), **words)
    return summaries


# --- The next sitting, convened ---------------------------------------------------------------

def _fresh_first(ready) -> list:
    """Ready acts, those whose object no agenda has carried yet first (the demo's vocabulary
    repeats some objects: the same tariffs are not voted twice in two months)."""
    ready = list(ready.select_related("department").order_by("pk"))
    seen = set(AgendaItem.objects.filter(act__authority_id__in={a.authority_id for a in ready})
               .values_list("act__object", flat=True))
    fresh = []
    for act in ready:
        fresh.append((act.object in seen, act.pk, act))
        seen.add(act.object)
    return [act for _, _, act in sorted(fresh, key=lambda row: row[:2])]


def _department_rank(act) -> tuple:
    code = act.department.code
    return (DEPARTMENT_ORDER.index(code) if code in DEPARTMENT_ORDER else 99, act.pk)


def convene_upcoming(cast: Cast, cal: Calendar, past: Sitting, elu_user, count: int = 10) -> Sitting:
    """The next council sitting, in about three weeks: 10 ready acts (the one postponed first),
    the adoption of the past sitting's minutes, an oral question, sections, committee opinions,
    an organisation concerned by an item; convened today (two members on paper). The ``elu``
    demo member has opened it, declared an interest in that organisation and given a proxy."""
    sec, m = cast.secretariat, cast.members
    sitting = agenda.save_sitting(sec, cast.authority, assembly=cast.council, date=cal.upcoming, start_time=START,
                                  place=PLACE)
    ready = _fresh_first(agenda.ready_acts(sitting))
    postponed = [a for a in ready if a.agenda_items.filter(state=AgendaItem.State.POSTPONED).exists()]
    chosen = postponed + [a for a in ready if a not in postponed][: count - len(postponed)]
    items = agenda.add_acts(sec, sitting, sorted(chosen, key=_department_rank))
    for section in dict.fromkeys(SECTION_OF.get(i.act.department.code, "") for i in items):
        agenda.set_section(sec, sitting, [i for i in items if SECTION_OF.get(i.act.department.code, "") == section],
                           section)
    agenda.add_question(sec, sitting, section=QUESTIONS,
                        title="Question orale du groupe Union pour Belval sur l'éclairage public nocturne",
                        text="Le groupe Union pour Belval demande au maire quel bilan la Ville tire de l'extinction de "
                             "l'éclairage public entre 1 h et 5 h, en matière d'économies comme de sécurité, et si "
                             "elle envisage de l'étendre aux quartiers périphériques.")
    minutes_actions.submit_minutes(sec, past.minutes)
    for n, item in enumerate(items):
        committee = item.act.committees.order_by("pk").first() or cast.committees[0]
        agenda.record_opinion(
            sec, item, committee=committee, opinion="reserved" if n == 3 else "favourable",
            given_on=cal.today - (2 if committee.short_name in ("C1", "C2") else 1) * DAY,
            note="Avis réservé dans l'attente du chiffrage définitif." if n == 3 else "Avis unanime.")
    concerned = next((i for i in items if i.act.department.code == "DASES" and i.act not in postponed), items[-1])
    agenda.add_concern(sec, concerned, UPCOMING_CONCERN)

    convocation = _convene(sec, sitting, paper_on=cal.today)

    # Members open their link; the « elu » demo member reads the pack, declares an interest and
    # gives a proxy for this sitting from the portal.
    elu = m[ELU]
    for member in [m[MAYOR], m[DEPUTY], *m[3:12:2], elu]:
        recipient = convocation.recipients.filter(member=member, channel=ConvocationRecipient.Channel.EMAIL).first()
        if recipient is not None:
            convocation_actions.record_opening(recipient)
            if member == elu:
                convocation_actions.record_consultation(recipient, "dossier-de-seance")
    interests.declare_interest(elu_user, elu, organisation=UPCOMING_CONCERN, role="Membre du conseil d'administration",
                               since=datetime.date(cal.today.year - 1, 1, 15))
    proxies.give_proxy(elu_user, mandator=elu, holder=m[ELU_HOLDER], sittings=[sitting])
    sitting.refresh_from_db()
    return sitting


def plan_later(cast: Cast, cal: Calendar, count: int = 3) -> Sitting:
    """A council sitting in about two months whose agenda is being prepared (not convened):
    a few ready acts, some already under a section; other ready acts stay available."""
    sec = cast.secretariat
    sitting = agenda.save_sitting(sec, cast.authority, assembly=cast.council, date=cal.planned, start_time=START,
                                  place=PLACE)
    ready = _fresh_first(agenda.ready_acts(sitting))[:count]
    items = agenda.add_acts(sec, sitting, ready)
    agenda.set_section(sec, sitting, items[:2], "Affaires soumises au conseil")
    return sitting


# --- Everything, for the loader ---------------------------------------------------------------

@dataclass
class DemoSittings:
    past: Sitting
    upcoming: Sitting
    planned: Sitting
