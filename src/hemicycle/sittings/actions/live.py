"""The live sitting: roll call, officers, opening and closing, items taken up, speakers,
conflicts of interest, items withdrawn or postponed.

Every change goes through one function here (or in ``votes.py`` for ballots): it checks that
the user belongs to the secretariat of the sitting's authority, runs in a transaction, writes
the journal, and bumps ``Sitting.live_version`` so that the public screen refreshes.
The legal computations (quorum, proxies, conflicts) are those of ``hemicycle.rules``; the
read helpers below only gather the facts the rules need from the database.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from hemicycle.acts.actions import set_state
from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role
from hemicycle.journal.services import record
from hemicycle.notifications.services import notify
from hemicycle.rules.conflicts import must_withdraw
from hemicycle.rules.errors import fr_date
from hemicycle.rules.proxies import Proxy as RuleProxy
from hemicycle.rules.proxies import check_proxies
from hemicycle.rules.quorum import check_quorum, members_in_office, present_for_item

from ..models import (AgendaItem, Attendance, AttendanceEvent, Ballot, Convocation, Interest, Motion, Proxy, Sitting,
                      Withdrawal)

LIVE_STATES = (Sitting.State.OPEN, Sitting.State.SUSPENDED)
FINISHED_STATES = (Sitting.State.CLOSED, Sitting.State.NO_QUORUM)
UNDECIDED_ITEM_STATES = (AgendaItem.State.PENDING, AgendaItem.State.IN_DEBATE, AgendaItem.State.VOTING)
NO_VOTE_KINDS = (AgendaItem.Kind.INFORMATION, AgendaItem.Kind.QUESTION)


# --- Rights and small helpers ------------------------------------------------------------

def can_run(user, sitting: Sitting) -> bool:
    """The secretariat of the sitting's authority runs the sitting."""
    return (user.is_authenticated and user.authority_id is not None and user.authority_id == sitting.authority_id
            and user.has_role(Role.SECRETARIAT))


def check_secretariat(user, sitting: Sitting) -> None:
    if not can_run(user, sitting):
        raise PermissionDenied("Seul le secrétariat des assemblées de la collectivité conduit la séance.")


def locked(sitting: Sitting) -> Sitting:
    """The sitting row, locked for the rest of the transaction (serialises live changes)."""
    return Sitting.objects.select_for_update().select_related("assembly", "authority").get(pk=sitting.pk)


def bump(sitting: Sitting) -> None:
    """Tell the public screens that something changed (inside the change's transaction)."""
    Sitting.objects.filter(pk=sitting.pk).update(live_version=F("live_version") + 1)


def member_label(member) -> str:
    return f"{member.first_name} {member.last_name}".strip()


def assembly_members(sitting: Sitting) -> list:
    return list(sitting.assembly.members().select_related("group").order_by("last_name", "first_name", "pk"))


def labels_for(members) -> dict[int, str]:
    """Readable, unique labels for the rules' messages ("Marie Dupont"; homonyms get their number)."""
    counts = Counter(member_label(m) for m in members)
    return {m.pk: member_label(m) if counts[member_label(m)] == 1 else f"{member_label(m)} (n° {m.pk})"
            for m in members}


def _member_of(sitting: Sitting, member, what: str = "Cet élu"):
    if member is None or not sitting.assembly.members().filter(pk=member.pk).exists():
        raise ValidationError(f"{what} ne siège pas dans cette assemblée.")


# --- Facts for the rules -----------------------------------------------------------------

def present_ids(sitting: Sitting) -> set[int]:
    """Members physically in the room now (roll call)."""
    member_ids = sitting.assembly.members().values_list("pk", flat=True)
    return set(Attendance.objects.filter(sitting=sitting, status=Attendance.Status.PRESENT, member_id__in=member_ids)
               .values_list("member_id", flat=True))


def withdrawn_ids(item: AgendaItem | None) -> set[int]:
    if item is None:
        return set()
    return set(item.withdrawals.values_list("member_id", flat=True))


@dataclass
class QuorumState:
    """The quorum now, for the sitting or for one item (rules.quorum)."""

    in_office: int | None
    present: int
    required: int | None  # None: no quorum needed (second convocation) or unknown seats
    met: bool
    second_convocation: bool
    withdrawn: int = 0
    error: str = ""

    @property
    def message(self) -> str:
        if self.error:
            return self.error
        if self.second_convocation:
            return (f"Seconde convocation (L2121-17) : l'assemblée délibère quel que soit le nombre de présents "
                    f"({self.present} présent(s)).")
        withdrawn = f", hors {self.withdrawn} élu(s) déporté(s)" if self.withdrawn else ""
        if self.met:
            return (f"Quorum atteint : {self.present} présent(s){withdrawn}, il en faut {self.required} "
                    f"sur {self.in_office} en exercice.")
        return (f"Quorum non atteint : {self.present} présent(s){withdrawn}, il en faut {self.required} sur "
                f"{self.in_office} en exercice (les pouvoirs ne comptent pas).")

    def as_dict(self) -> dict:
        return {"in_office": self.in_office, "present": self.present, "required": self.required, "met": self.met,
                "second_convocation": self.second_convocation, "withdrawn": self.withdrawn, "message": self.message}


def quorum(sitting: Sitting, item: AgendaItem | None = None, *, present: set[int] | None = None) -> QuorumState:
    """Majority of the members in office physically present (L2121-17), the members withdrawn
    from ``item`` not counted; none needed after a second convocation."""
    present = present_ids(sitting) if present is None else present
    withdrawn = withdrawn_ids(item)
    in_room = present_for_item({str(m) for m in present}, {str(m) for m in withdrawn})
    assembly = sitting.assembly
    try:
        in_office = members_in_office(assembly.seat_count, assembly.vacancies)
    except ValueError as exc:
        return QuorumState(None, len(in_room), None, sitting.second_convocation, sitting.second_convocation,
                           len(present & withdrawn),
                           error=f"Nombre de membres en exercice inconnu : {exc} Renseignez les sièges de l'assemblée.")
    counted = min(len(in_room), in_office)
    check = check_quorum(members_in_office=in_office, present=counted, second_convocation=sitting.second_convocation,
                         article=assembly.regime.quorum_article)
    state = QuorumState(in_office, counted, check.quorum_required, check.quorum_met, sitting.second_convocation,
                        len(present & withdrawn))
    if len(in_room) > in_office:
        state.error = (f"{len(in_room)} élus inscrits présents pour {in_office} membres en exercice : vérifiez les "
                       "sièges et les vacances de l'assemblée.")
    return state


@dataclass
class ProxyRow:
    proxy: Proxy
    consecutive: int
    valid: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class ProxyState:
    valid: dict[int, int]  # mandator id → holder id, usable now
    rows: list[ProxyRow]


def consecutive_sittings(sitting: Sitting, proxy_sitting_ids: set[int], order: list[int]) -> int:
    """Length of the run of consecutive sittings of the assembly, this one included, that the
    proxy was given for (L2121-20: at most three, except illness)."""
    if sitting.pk not in order:
        return 1
    i = order.index(sitting.pk)
    run, j = 1, i - 1
    while j >= 0 and order[j] in proxy_sitting_ids:
        run, j = run + 1, j - 1
    j = i + 1
    while j < len(order) and order[j] in proxy_sitting_ids:
        run, j = run + 1, j + 1
    return run


def proxies(sitting: Sitting, *, present: set[int] | None = None, members=None) -> ProxyState:
    """The proxies given for this sitting, sorted by rules.proxies.check_proxies into usable and
    refused ones (in the order the secretariat received them), each refusal with its reasons."""
    present = present_ids(sitting) if present is None else present
    members = assembly_members(sitting) if members is None else members
    labels = labels_for(members)
    given = list(Proxy.objects.filter(authority=sitting.authority, sittings=sitting, revoked_at__isnull=True)
                 .select_related("mandator", "holder").prefetch_related("sittings").order_by("given_at", "pk"))
    order = list(Sitting.objects.filter(assembly=sitting.assembly).order_by("date", "start_time", "pk")
                 .values_list("pk", flat=True))

    def label(member):
        return labels.get(member.pk) or f"{member_label(member)} (n° {member.pk})"

    rule_proxies, consecutive = [], []
    for p in given:
        run = consecutive_sittings(sitting, {s.pk for s in p.sittings.all()}, order)
        consecutive.append(run)
        rule_proxies.append(RuleProxy(mandator=label(p.mandator), holder=label(p.holder), sittings=run,
                                      illness=p.illness))
    check = check_proxies(rule_proxies, members=set(labels.values()),
                          present={labels[m] for m in present if m in labels}, regime=sitting.assembly.regime)
    rows, valid = [], {}
    for p, rp, run in zip(given, rule_proxies, consecutive):
        ok = check.valid.get(rp.mandator) == rp.holder and rp not in check.refused
        reasons = [] if ok else list(dict.fromkeys(
            e.message for e in check.errors if e.member in (rp.mandator, rp.holder) and rp.mandator in e.message))
        rows.append(ProxyRow(p, run, ok, reasons))
        if ok:
            valid[p.mandator_id] = p.holder_id
    return ProxyState(valid, rows)


@dataclass
class Flag:
    member: object
    organisations: tuple[str, ...]
    withdrawn: Withdrawal | None


def conflicts(item: AgendaItem, *, members=None) -> list[Flag]:
    """Members whose declared interests meet the organisations the item concerns
    (rules.conflicts.must_withdraw): they must withdraw (L2131-11)."""
    concerned = [c.organisation for c in item.concerns.all()]
    if not concerned:
        return []
    sitting = item.sitting
    members = assembly_members(sitting) if members is None else members
    by_id = {m.pk: m for m in members}
    day = sitting.date
    declared: dict[str, list[str]] = {str(m.pk): [] for m in members}
    for member_id, organisation in (Interest.objects.filter(member_id__in=by_id)
                                    .filter(Q(since__isnull=True) | Q(since__lte=day))
                                    .filter(Q(until__isnull=True) | Q(until__gte=day))
                                    .values_list("member_id", "organisation")):
        declared[str(member_id)].append(organisation)
    withdrawals = {w.member_id: w for w in item.withdrawals.all()}
    return [Flag(by_id[int(w.member)], w.organisations, withdrawals.get(int(w.member)))
            for w in must_withdraw(declared, concerned)]


@dataclass
class Voter:
    owner: object  # the member whose vote it is
    caster: object  # who casts it: the owner, or the holder of his proxy

    @property
    def by_proxy(self) -> bool:
        return self.owner.pk != self.caster.pk


def voters(sitting: Sitting, item: AgendaItem, *, members=None) -> list[Voter]:
    """Who may vote on the item now: members in the room who did not withdraw, and the absent
    members whose proxy is usable, when neither they nor their holder withdrew (L2131-11)."""
    members = assembly_members(sitting) if members is None else members
    by_id = {m.pk: m for m in members}
    present = present_ids(sitting)
    barred = withdrawn_ids(item)
    result = [Voter(m, m) for m in members if m.pk in present and m.pk not in barred]
    for mandator, holder in proxies(sitting, present=present, members=members).valid.items():
        if mandator not in barred and holder not in barred and mandator in by_id and holder in by_id:
            result.append(Voter(by_id[mandator], by_id[holder]))
    return result


NOTIFICATION_KIND = "sitting"


def tell_drafter(user, item: AgendaItem, what: str) -> None:
    """The drafter of an act learns what the sitting did with it (adopted, rejected, withdrawn,
    postponed)."""
    if item.act_id is None:
        return
    act = item.act
    notify([act.drafter], NOTIFICATION_KIND,
           f"{act.reference} — {what} en séance du {item.sitting.date:%d/%m/%Y} (point n° {item.position}).",
           act=act, url=reverse("acts:detail", args=[act.slug]), exclude=user)


def item_decided(user, item: AgendaItem) -> None:
    """What follows an item's decision elsewhere: the adoption of minutes (sittings.actions.minutes)."""
    from .minutes import on_item_decided

    on_item_decided(item, actor=user)


def open_ballot_of(sitting: Sitting):
    return (Ballot.objects.filter(item__sitting=sitting, state=Ballot.State.OPEN)
            .select_related("item", "amendment").first())


# --- Roll call and officers -------------------------------------------------------------

ATTENDANCE_LABELS = {"present": "présent(e)", "absent": "absent(e)", "excused": "excusé(e)", "left": "parti(e)"}


@transaction.atomic
def set_attendance(user, sitting: Sitting, member, status: str) -> Attendance:
    """Roll call: present, absent, excused; during the sitting an arrival or a departure
    (recorded as an AttendanceEvent with the item under way, so that each item's quorum can
    be recomputed)."""
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state in FINISHED_STATES:
        raise ValidationError("La séance est terminée : la feuille de présence ne se modifie plus ici.")
    _member_of(sitting, member)
    if status not in Attendance.Status.values:
        raise ValidationError("État de présence inconnu.")
    attendance, _ = Attendance.objects.select_for_update().get_or_create(sitting=sitting, member=member)
    old = attendance.status
    started = sitting.state in LIVE_STATES
    if started and old == Attendance.Status.PRESENT and status != Attendance.Status.PRESENT:
        status = Attendance.Status.LEFT  # leaving once the sitting is open is a departure
    if not started and status == Attendance.Status.LEFT:
        status = Attendance.Status.ABSENT
    if old == status:
        return attendance
    now = timezone.now()
    kind = None
    if status == Attendance.Status.PRESENT:
        attendance.arrived_at = attendance.arrived_at or now
        attendance.left_at = None
        kind = "arrive"
    elif old == Attendance.Status.PRESENT:
        kind = "leave"
        if started:
            attendance.left_at = now
        else:  # a correction of the roll call before the opening
            attendance.arrived_at = None
    attendance.status = status
    attendance.save()
    if kind:
        AttendanceEvent.objects.create(sitting=sitting, member=member, kind=kind, at=now,
                                       during_item=sitting.current_item if started else None)
    record("sitting.attendance", actor=user, obj=sitting,
           data={"member": member.pk, "name": member_label(member), "from": old, "to": status, "event": kind,
                 "during_item": sitting.current_item_id if started else None})
    bump(sitting)
    return attendance


@transaction.atomic
def set_officers(user, sitting: Sitting, *, president, secretaries) -> Sitting:
    """The president of the sitting and its secretary or secretaries, chosen among the members
    (L2121-14, L2121-15)."""
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state in FINISHED_STATES:
        raise ValidationError("La séance est terminée.")
    if president is None:
        raise ValidationError("Choisissez le président de séance.")
    _member_of(sitting, president, "Le président choisi")
    secretaries = list(dict.fromkeys(secretaries or []))
    for secretary in secretaries:
        _member_of(sitting, secretary, "Le secrétaire choisi")
    if len(secretaries) > 5:
        raise ValidationError("Au plus cinq secrétaires de séance.")
    before = {"president": sitting.president_id,
              "secretaries": sorted(sitting.secretaries.values_list("pk", flat=True))}
    sitting.president = president
    sitting.save(update_fields=["president"])
    sitting.secretaries.set(secretaries)
    after = {"president": president.pk, "secretaries": sorted(s.pk for s in secretaries)}
    if after != before:
        record("sitting.officers", actor=user, obj=sitting,
               data={**after, "names": {"president": member_label(president),
                                        "secretaries": [member_label(s) for s in secretaries]}})
        bump(sitting)
    return sitting


# --- Opening, suspension, closing ----------------------------------------------------------

def convened(sitting: Sitting) -> bool:
    return (sitting.state == Sitting.State.CONVENED
            or Convocation.objects.filter(sitting=sitting, kind=Convocation.Kind.CONVOCATION,
                                          state=Convocation.State.SENT).exists())


def check_sitting_day(sitting: Sitting, refused: str = "elle ne peut pas être ouverte") -> None:
    """A sitting is held on the day it was convened for, or later: never before (the members
    were convened for that day, L2121-10). A sitting adjourned to the next day is a new
    sitting, with its own date."""
    today = timezone.localdate()
    if today < sitting.date:
        raise ValidationError(f"La séance est convoquée pour le {fr_date(sitting.date)} : {refused} avant ce jour "
                              f"(nous sommes le {fr_date(today)}).")


@transaction.atomic
def open_sitting(user, sitting: Sitting) -> QuorumState:
    """"Ouvrir la séance": on the day of the sitting or later, only with the quorum
    (L2121-17), unless second convocation."""
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state not in (Sitting.State.PLANNED, Sitting.State.CONVENED):
        raise ValidationError(f"La séance est {sitting.get_state_display().lower()} : elle ne peut pas être ouverte.")
    check_sitting_day(sitting)
    if not convened(sitting):
        raise ValidationError("La convocation de cette séance n'a pas été envoyée (L2121-10) : "
                              "la séance ne peut pas être ouverte.")
    if sitting.president_id is None:
        raise ValidationError("Désignez le président de séance avant d'ouvrir la séance.")
    present = present_ids(sitting)
    if sitting.president_id not in present:
        raise ValidationError("Le président de séance n'est pas inscrit présent.")
    state = quorum(sitting, present=present)
    if not state.met:
        raise ValidationError(state.message + " La séance ne peut pas être ouverte : constatez l'absence de quorum "
                                              "pour convoquer à nouveau (L2121-17).")
    sitting.state = Sitting.State.OPEN
    sitting.opened_at = timezone.now()
    sitting.save(update_fields=["state", "opened_at"])
    valid = proxies(sitting, present=present).valid
    record("sitting.opened", actor=user, obj=sitting,
           data={"quorum": state.as_dict(), "present": sorted(present),
                 "proxies": {str(k): v for k, v in sorted(valid.items())}})
    bump(sitting)
    return state


@transaction.atomic
def record_no_quorum(user, sitting: Sitting) -> Sitting:
    """The quorum is not met at the opening: the sitting fails (state NO_QUORUM); its items go
    back to be put on the agenda of the second convocation (acts back to "ready")."""
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state not in (Sitting.State.PLANNED, Sitting.State.CONVENED):
        raise ValidationError("Seule une séance qui n'a pas été ouverte peut être constatée sans quorum.")
    check_sitting_day(sitting, "l'absence de quorum ne peut pas être constatée")
    state = quorum(sitting)
    if state.met:
        raise ValidationError("Le quorum est atteint : ouvrez la séance.")
    now = timezone.now()
    sitting.state = Sitting.State.NO_QUORUM
    sitting.closed_at = now
    sitting.save(update_fields=["state", "closed_at"])
    for item in sitting.items.select_related("act", "motion").filter(state=AgendaItem.State.PENDING):
        item.state = AgendaItem.State.NO_QUORUM
        item.save(update_fields=["state"])
        if item.act_id and item.act.state == ActState.ON_AGENDA:
            set_state(item.act, ActState.READY, actor=user, reason="Séance sans quorum : à inscrire à nouveau")
        item_decided(user, item)
    record("sitting.no_quorum", actor=user, obj=sitting, data={"quorum": state.as_dict(), "present": state.present})
    bump(sitting)
    return sitting


@transaction.atomic
def suspend_sitting(user, sitting: Sitting) -> Sitting:
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state != Sitting.State.OPEN:
        raise ValidationError("Seule une séance en cours peut être suspendue.")
    if open_ballot_of(sitting):
        raise ValidationError("Un vote est ouvert : clôturez-le avant de suspendre la séance.")
    sitting.state = Sitting.State.SUSPENDED
    sitting.save(update_fields=["state"])
    record("sitting.suspended", actor=user, obj=sitting)
    bump(sitting)
    return sitting


@transaction.atomic
def resume_sitting(user, sitting: Sitting) -> QuorumState:
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state != Sitting.State.SUSPENDED:
        raise ValidationError("La séance n'est pas suspendue.")
    sitting.state = Sitting.State.OPEN
    sitting.save(update_fields=["state"])
    state = quorum(sitting, sitting.current_item)
    record("sitting.resumed", actor=user, obj=sitting, data={"quorum": state.as_dict()})
    bump(sitting)
    return state


@transaction.atomic
def close_sitting(user, sitting: Sitting, *, postpone_remaining: bool = False) -> Sitting:
    """"Lever la séance": every item must have been decided, withdrawn or postponed (or be
    postponed now, on request)."""
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state not in LIVE_STATES:
        raise ValidationError("La séance n'est pas en cours.")
    if open_ballot_of(sitting):
        raise ValidationError("Un vote est ouvert : clôturez-le avant de lever la séance.")
    if not sitting.secretaries.exists():
        raise ValidationError("Désignez le secrétaire de séance (L2121-15) avant de lever la séance.")
    remaining = list(sitting.items.select_related("act", "motion").filter(state__in=UNDECIDED_ITEM_STATES))
    if remaining and not postpone_remaining:
        listed = ", ".join(str(i.position) for i in remaining)
        raise ValidationError(f"Points non traités (n° {listed}) : reportez-les ou retirez-les, ou cochez "
                              "« reporter les points restants ».")
    for item in remaining:
        _postpone(user, item, AgendaItem.State.POSTPONED, "Séance levée avant l'examen du point")
    sitting.state = Sitting.State.CLOSED
    sitting.closed_at = timezone.now()
    sitting.current_item = None
    sitting.speaker = ""
    sitting.save(update_fields=["state", "closed_at", "current_item", "speaker"])
    record("sitting.closed", actor=user, obj=sitting, data={"postponed": [i.pk for i in remaining]})
    bump(sitting)
    return sitting


# --- Items ----------------------------------------------------------------------------------

def _item_in_live_sitting(user, item: AgendaItem) -> tuple[Sitting, AgendaItem]:
    sitting = locked(item.sitting)
    check_secretariat(user, sitting)
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("act", "motion").get(pk=item.pk)
    if item.sitting_id != sitting.pk:
        raise ValidationError("Ce point n'appartient pas à cette séance.")
    return sitting, item


@transaction.atomic
def take_up_item(user, item: AgendaItem) -> QuorumState:
    """The president calls the item: debate starts now; the quorum is checked again for it
    (L2121-17), interested members who withdrew not counted. Without quorum the item stays
    blocked: no vote can be opened on it."""
    sitting, item = _item_in_live_sitting(user, item)
    if sitting.state != Sitting.State.OPEN:
        raise ValidationError("La séance n'est pas en cours (ouvrez-la ou reprenez-la).")
    if item.state != AgendaItem.State.PENDING:
        raise ValidationError(f"Ce point est déjà {item.get_state_display().lower()}.")
    if not item.on_convocation:
        raise ValidationError("Ce point ne figure pas sur la convocation (L2121-10) : il ne peut pas être délibéré.")
    if item.kind != AgendaItem.Kind.URGENCY:
        urgency = sitting.items.filter(kind=AgendaItem.Kind.URGENCY).exclude(
            state__in=(AgendaItem.State.WITHDRAWN,)).first()
        if urgency is not None and urgency.state != AgendaItem.State.ADOPTED:
            if urgency.state in UNDECIDED_ITEM_STATES:
                raise ValidationError("Convocation en urgence : l'assemblée se prononce d'abord sur l'urgence "
                                      f"(point n° {urgency.position}, L2121-12).")
            raise ValidationError("L'urgence n'a pas été reconnue : les points ne peuvent pas être délibérés, "
                                  "reportez-les (L2121-12).")
    current = sitting.current_item
    if current is not None and current.pk != item.pk and current.state in (AgendaItem.State.IN_DEBATE,
                                                                           AgendaItem.State.VOTING):
        raise ValidationError(f"Le point n° {current.position} est encore en cours : terminez-le (vote, retrait ou "
                              "report) avant d'appeler le suivant.")
    item.state = AgendaItem.State.IN_DEBATE
    item.debate_started_at = timezone.now()
    item.debate_ended_at = None
    item.save(update_fields=["state", "debate_started_at", "debate_ended_at"])
    sitting.current_item = item
    sitting.speaker = member_label(item.rapporteur) if item.rapporteur_id else ""
    sitting.save(update_fields=["current_item", "speaker"])
    state = quorum(sitting, item)
    record("sitting.item_taken_up", actor=user, obj=item,
           data={"sitting": sitting.pk, "position": item.position, "quorum": state.as_dict(),
                 "present": sorted(present_ids(sitting) - withdrawn_ids(item))})
    bump(sitting)
    return state


@transaction.atomic
def end_debate(user, item: AgendaItem) -> AgendaItem:
    sitting, item = _item_in_live_sitting(user, item)
    if item.state != AgendaItem.State.IN_DEBATE:
        raise ValidationError("Ce point n'est pas en débat.")
    item.debate_ended_at = timezone.now()
    item.save(update_fields=["debate_ended_at"])
    record("sitting.debate_ended", actor=user, obj=item, data={"sitting": sitting.pk})
    bump(sitting)
    return item


@transaction.atomic
def set_rapporteur(user, item: AgendaItem, member) -> AgendaItem:
    sitting, item = _item_in_live_sitting(user, item)
    if sitting.state in FINISHED_STATES:
        raise ValidationError("La séance est terminée.")
    if member is not None:
        _member_of(sitting, member, "Le rapporteur choisi")
    item.rapporteur = member
    item.save(update_fields=["rapporteur"])
    record("sitting.rapporteur", actor=user, obj=item, data={"member": member.pk if member else None})
    bump(sitting)
    return item


@transaction.atomic
def set_speaker(user, sitting: Sitting, text: str = "", member=None) -> Sitting:
    """Who has the floor, for the public screen (a member or free text)."""
    sitting = locked(sitting)
    check_secretariat(user, sitting)
    if sitting.state not in LIVE_STATES:
        raise ValidationError("La séance n'est pas en cours.")
    if member is not None:
        _member_of(sitting, member, "L'orateur choisi")
        text = f"{member.civility} {member_label(member)}".strip()
        if member.group_id:
            text += f" ({member.group.short_name})"
    text = " ".join((text or "").split())
    if len(text) > 200:
        raise ValidationError("Le nom de l'orateur ne peut pas dépasser 200 caractères.")
    sitting.speaker = text
    sitting.save(update_fields=["speaker"])
    record("sitting.speaker", actor=user, obj=sitting, data={"speaker": text, "member": member.pk if member else None})
    bump(sitting)
    return sitting


@transaction.atomic
def record_withdrawal(user, item: AgendaItem, member, *, kind: str = Withdrawal.Kind.LEFT_ROOM,
                      reason: str = "") -> Withdrawal:
    """A member interested in the item leaves the room or does not take part (L2131-11): he
    neither votes nor uses a proxy on it, and is not counted for its quorum."""
    sitting, item = _item_in_live_sitting(user, item)
    if sitting.state in FINISHED_STATES or item.state not in UNDECIDED_ITEM_STATES:
        raise ValidationError("Ce point n'est plus en discussion.")
    if item.ballots.filter(state=Ballot.State.OPEN).exists():
        raise ValidationError("Un vote est ouvert sur ce point : un retrait s'enregistre avant le vote.")
    _member_of(sitting, member)
    if kind not in Withdrawal.Kind.values:
        raise ValidationError("Type de retrait inconnu.")
    reason = " ".join((reason or "").split())[:300]
    withdrawal, created = Withdrawal.objects.update_or_create(item=item, member=member,
                                                              defaults={"kind": kind, "reason": reason})
    record("sitting.withdrawal", actor=user, obj=item,
           data={"member": member.pk, "name": member_label(member), "kind": kind, "reason": reason,
                 "created": created})
    bump(sitting)
    return withdrawal


@transaction.atomic
def cancel_withdrawal(user, item: AgendaItem, member) -> None:
    sitting, item = _item_in_live_sitting(user, item)
    if sitting.state in FINISHED_STATES or item.state not in UNDECIDED_ITEM_STATES:
        raise ValidationError("Ce point n'est plus en discussion.")
    if item.ballots.filter(state=Ballot.State.OPEN).exists():
        raise ValidationError("Un vote est ouvert sur ce point.")
    deleted, _ = Withdrawal.objects.filter(item=item, member=member).delete()
    if deleted:
        record("sitting.withdrawal_cancelled", actor=user, obj=item,
               data={"member": member.pk, "name": member_label(member)})
        bump(sitting)


def _postpone(user, item: AgendaItem, state: str, reason: str) -> None:
    item.state = state
    item.save(update_fields=["state"])
    if item.act_id and item.act.state == ActState.ON_AGENDA:
        set_state(item.act, ActState.READY, actor=user, reason=reason)
    record("sitting.item_postponed", actor=user, obj=item, data={"state": state, "reason": reason})
    item_decided(user, item)
    tell_drafter(user, item, "reporté" if state == AgendaItem.State.POSTPONED else "non délibéré faute de quorum")


def _check_can_leave(item: AgendaItem, sitting: Sitting) -> None:
    if sitting.state in FINISHED_STATES:
        raise ValidationError("La séance est terminée.")
    if item.state not in UNDECIDED_ITEM_STATES:
        raise ValidationError(f"Ce point est déjà {item.get_state_display().lower()}.")
    if item.ballots.filter(state=Ballot.State.OPEN).exists():
        raise ValidationError("Un vote est ouvert sur ce point : clôturez-le ou annulez-le d'abord.")


@transaction.atomic
def postpone_item(user, item: AgendaItem, *, reason: str = "", no_quorum: bool = False) -> AgendaItem:
    """The item is postponed to a later sitting (its act goes back to "ready" to be put on
    another agenda) — or, without quorum, recorded as not deliberated for that reason."""
    sitting, item = _item_in_live_sitting(user, item)
    _check_can_leave(item, sitting)
    reason = " ".join((reason or "").split())[:300]
    if no_quorum:
        if quorum(sitting, item).met:
            raise ValidationError("Le quorum est atteint pour ce point : il peut être mis aux voix.")
        _postpone(user, item, AgendaItem.State.NO_QUORUM, reason or "Quorum non atteint (L2121-17)")
    else:
        _postpone(user, item, AgendaItem.State.POSTPONED, reason or "Point reporté")
    bump(sitting)
    return item


@transaction.atomic
def withdraw_item(user, item: AgendaItem, *, reason: str = "") -> AgendaItem:
    """The item is withdrawn from the agenda (its act becomes "withdrawn", a vœu "retiré")."""
    sitting, item = _item_in_live_sitting(user, item)
    _check_can_leave(item, sitting)
    reason = " ".join((reason or "").split())[:300] or "Point retiré de l'ordre du jour"
    item.state = AgendaItem.State.WITHDRAWN
    item.save(update_fields=["state"])
    if item.act_id:
        set_state(item.act, ActState.WITHDRAWN, actor=user, reason=reason)
    if item.motion_id:
        Motion.objects.filter(pk=item.motion_id).update(state=Motion.State.WITHDRAWN)
        record("motion.withdrawn", actor=user, obj=item.motion, data={"item": item.pk})
    record("sitting.item_withdrawn", actor=user, obj=item, data={"reason": reason})
    item_decided(user, item)
    tell_drafter(user, item, "retiré de l'ordre du jour")
    bump(sitting)
    return item


@transaction.atomic
def note_item(user, item: AgendaItem) -> AgendaItem:
    """A communication or a question: the assembly takes note, nothing is voted."""
    sitting, item = _item_in_live_sitting(user, item)
    _check_can_leave(item, sitting)
    if item.kind not in NO_VOTE_KINDS:
        raise ValidationError("Seules les communications et les questions sont « prises acte » sans vote.")
    if item.state == AgendaItem.State.PENDING:
        raise ValidationError("Appelez d'abord ce point.")
    item.state = AgendaItem.State.NOTED
    item.debate_ended_at = item.debate_ended_at or timezone.now()
    item.save(update_fields=["state", "debate_ended_at"])
    record("sitting.item_noted", actor=user, obj=item)
    bump(sitting)
    return item
