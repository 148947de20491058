"""Ballots: which ballot the requests impose, opening a vote, the members' electronic votes,
closing with the result the rules compute, amendments and vœux.

- The ballot required by the members' requests is ``rules.ballots.required_ballot``; the
  console proposes it and a vote cannot be opened in a form the requests exclude.
- The outcome is ``rules.outcome.decide`` (adopted iff POUR > CONTRE; tie: the president's
  vote in a public vote, rejected in a secret ballot); appointments ``rules.appointments.elect``.
- Interested members (``Withdrawal``) neither vote nor use a proxy on the item
  (``rules.conflicts.barred_vote``), whatever the form of the vote.
- Electronic vote: each member votes once from his device, and once more for the colleague
  whose proxy he holds. A vote is final once cast: it cannot be changed before the close
  (what the member sees on his screen is what the register will hold; a mistaken vote is
  corrected by the member's declaration in the minutes, not silently).
- Amendments are voted before the act they amend; an adopted amendment changes the act's text
  as a new version "Amendement n° N adopté".
- Adopted vœux are numbered "2026 V. 12" per authority and year, without gaps.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from hemicycle.acts.actions import set_state
from hemicycle.acts.content import clean_lines
from hemicycle.acts.models import Act, ActState, ActVersion, NumberingCounter
from hemicycle.journal.services import record
from hemicycle.notifications.services import notify
from hemicycle.rules.appointments import elect
from hemicycle.rules.ballots import Ballot as Required
from hemicycle.rules.ballots import BallotDecision, required_ballot
from hemicycle.rules.conflicts import barred_vote
from hemicycle.rules.errors import fr_date
from hemicycle.rules.outcome import Tally, Vote as VoteValue, decide

from ..models import AgendaItem, Amendment, Ballot, Motion, Proxy, Sitting, Vote
from .live import (NO_VOTE_KINDS, NOTIFICATION_KIND, assembly_members, bump, can_run, check_secretariat, conflicts,
                   item_decided, labels_for, locked, member_label, present_ids, proxies, quorum, tell_drafter,
                   voters, withdrawn_ids)
from .proxies import secretariat_users

VALUES = tuple(v.value for v in VoteValue)
M = Ballot.Method
PUBLIC_FORMS = (M.BY_GROUP, M.ROLL_CALL, M.ELECTRONIC)
ALLOWED_METHODS = {
    Required.SHOW_OF_HANDS: (M.SHOW_OF_HANDS, *PUBLIC_FORMS),
    Required.PUBLIC: PUBLIC_FORMS,
    Required.SECRET: (M.SECRET,),
}
PROPOSED_METHOD = {Required.SHOW_OF_HANDS: M.SHOW_OF_HANDS, Required.PUBLIC: M.ROLL_CALL, Required.SECRET: M.SECRET}
VOTE_ROW_METHODS = (M.BY_GROUP, M.ROLL_CALL, M.ELECTRONIC)
TOTALS_METHODS = (M.SHOW_OF_HANDS, M.SECRET)
MAX_ROUNDS = 3
PARTS = {"visas": ("visa", "nouveau visa"), "considerants": ("considérant", "nouveau considérant"),
         "articles": ("article", "nouvel article")}


# --- Which ballot --------------------------------------------------------------------------

@dataclass
class Proposal:
    decision: BallotDecision
    method: str  # the form the console proposes
    allowed: tuple  # the forms the requests allow
    in_room: set[int]


def propose(sitting: Sitting, item: AgendaItem, *, public=(), secret=(), appointment: bool = False,
            unanimous_open_vote: bool = False) -> Proposal:
    """The ballot the requests impose on the item (L2121-21: a quarter of the members present
    for a public ballot, a third for a secret one, secret prevailing in communes; appointments
    by secret ballot), counting only requests of members in the room."""
    in_room = present_ids(sitting) - withdrawn_ids(item)
    decision = required_ballot(
        present=len(in_room), public_requests=len(set(public) & in_room), secret_requests=len(set(secret) & in_room),
        regime=sitting.assembly.regime, appointment=appointment, unanimous_open_vote=unanimous_open_vote)
    if appointment:
        return Proposal(decision, M.APPOINTMENT, (M.APPOINTMENT,), in_room)
    return Proposal(decision, PROPOSED_METHOD[decision.ballot], ALLOWED_METHODS[decision.ballot], in_room)


# --- Amendment targets ------------------------------------------------------------------------

def parse_target(target: str) -> tuple[str, int | None]:
    """"articles:2" → ("articles", 2); "considerants:new" → ("considerants", None)."""
    part, _, where = (target or "").partition(":")
    if part not in PARTS:
        raise ValidationError("Partie visée inconnue : visas, considérants ou articles.")
    if where == "new":
        return part, None
    try:
        index = int(where)
    except ValueError:
        raise ValidationError("Indiquez le numéro de la partie visée, ou « nouveau ».") from None
    if index < 1:
        raise ValidationError("Le numéro de la partie visée commence à 1.")
    return part, index


def describe_target(target: str) -> str:
    try:
        part, index = parse_target(target)
    except ValidationError:
        return target
    return PARTS[part][1] if index is None else f"{PARTS[part][0]} {index}"


def _check_target(act: Act, part: str, index: int | None, new_text: str, number=None) -> None:
    label = f"L'amendement n° {number}" if number else "L'amendement"
    if index is None and not new_text:
        raise ValidationError(f"{label} ajoute une partie : sa rédaction est obligatoire.")
    if index is not None and index > len(getattr(act, part)):
        raise ValidationError(f"{label} vise le {PARTS[part][0]} {index}, qui n'existe pas dans le texte actuel "
                              f"({len(getattr(act, part))} {PARTS[part][0]}(s)).")


MAX_AMENDMENT_TEXT = 20000
AMENDABLE_ITEM_STATES = (AgendaItem.State.PENDING, AgendaItem.State.IN_DEBATE)
AMENDABLE_SITTING_STATES = (Sitting.State.PLANNED, Sitting.State.CONVENED, Sitting.State.OPEN,
                            Sitting.State.SUSPENDED)


def amendable(item: AgendaItem) -> str:
    """Why the item cannot be amended now ("" when it can): an act on the agenda, of a sitting
    not finished, not yet voted — nor being voted (an amendment on it is put to the vote)."""
    if item.kind != AgendaItem.Kind.ACT or item.act_id is None:
        return "Seul un projet de délibération peut être amendé."
    if item.sitting.state not in AMENDABLE_SITTING_STATES or item.state not in AMENDABLE_ITEM_STATES:
        return "Ce point n'est plus en discussion : il ne peut plus être amendé."
    return ""


def _check_filer(user, sitting: Sitting, item: AgendaItem, member):
    """Who may file: the secretariat (for any group, naming the member who handed it in or
    not); a member of the sitting's assembly for himself, in the name of his group, on an item
    of the convocation he received."""
    if can_run(user, sitting):
        if member is not None and not sitting.assembly.members().filter(pk=member.pk).exists():
            raise ValidationError("Cet élu ne siège pas dans cette assemblée.")
        return
    if member is None or member.user_id is None or member.user_id != user.pk:
        raise PermissionDenied("Un élu dépose un amendement en son nom ; le secrétariat des assemblées peut "
                               "enregistrer ceux qui lui sont remis.")
    if member.authority_id != sitting.authority_id or not sitting.assembly.members().filter(pk=member.pk).exists():
        raise PermissionDenied("Vous ne siégez pas à l'assemblée de cette séance.")
    if not item.on_convocation:
        raise ValidationError("Ce point ne figure pas sur une convocation envoyée : il ne peut pas encore être "
                              "amendé.")


@transaction.atomic
def file_amendment(user, item: AgendaItem, *, target: str, new_text: str = "", number: int | None = None,
                   group=None, explanation: str = "", member=None) -> Amendment:
    """File an amendment on an act on the agenda (replace, delete or add a visa, considérant
    or article), before or during the sitting, while the act is not voted. It must be voted
    before the act.

    Filed by the secretariat (``group`` and ``number`` as given, ``member`` optional: who
    handed it in), or by a member from the portal (``member`` is the user's own record: it is
    filed in the name of his political group, numbered next; the secretariat is told)."""
    sitting = locked(item.sitting)
    item = AgendaItem.objects.select_related("act", "sitting").get(pk=item.pk)
    item.sitting = sitting
    _check_filer(user, sitting, item, member)
    by_member = not can_run(user, sitting)
    problem = amendable(item)
    if problem:
        raise ValidationError(problem)
    part, index = parse_target(target)
    new_text = (clean_lines([new_text]) or [""])[0]
    explanation = (explanation or "").strip()
    if len(new_text) > MAX_AMENDMENT_TEXT or len(explanation) > MAX_AMENDMENT_TEXT:
        raise ValidationError(f"Le texte et l'exposé d'un amendement ne dépassent pas {MAX_AMENDMENT_TEXT} caractères.")
    _check_target(item.act, part, index, new_text)
    if by_member:
        group, number = member.group, None
    elif group is None and member is not None:
        group = member.group
    if group is not None and group.authority_id != sitting.authority_id:
        raise ValidationError("Groupe inconnu.")
    taken = set(item.amendments.values_list("number", flat=True))
    if number is None:
        number = max(taken, default=0) + 1
    elif number < 1:
        raise ValidationError("Le numéro d'amendement commence à 1.")
    elif number in taken:
        raise ValidationError(f"L'amendement n° {number} existe déjà sur ce point.")
    amendment = Amendment.objects.create(item=item, number=number, group=group, filed_by=user, member=member,
                                         target=f"{part}:{'new' if index is None else index}", new_text=new_text,
                                         explanation=explanation)
    record("sitting.amendment_filed", actor=user, obj=item,
           data={"amendment": amendment.pk, "number": number, "target": amendment.target,
                 "group": group.short_name if group else None, "deletion": not new_text,
                 "member": member.pk if member else None, "member_name": str(member) if member else None,
                 "from_portal": by_member})
    if by_member:
        group_label = f" du groupe {group.short_name}" if group else ""
        notify(secretariat_users(sitting.authority), NOTIFICATION_KIND,
               f"Amendement n° {number}{group_label} déposé par {member} sur le point n° {item.position} "
               f"({item.title}) de la séance du {fr_date(sitting.date)}.",
               act=item.act, url=reverse("sittings:live_item", kwargs={"slug": sitting.slug, "pk": item.pk}),
               exclude=user)
    bump(sitting)
    return amendment


@transaction.atomic
def withdraw_amendment(user, amendment: Amendment) -> Amendment:
    """Withdraw an amendment not yet voted: the secretariat (the author withdraws it orally in
    the sitting), or the member who filed it, from the portal."""
    sitting = locked(amendment.item.sitting)
    amendment = (Amendment.objects.select_for_update(of=("self",)).select_related("member", "item")
                 .get(pk=amendment.pk))
    by_member = not can_run(user, sitting)
    if by_member and (amendment.member is None or amendment.member.user_id is None
                      or amendment.member.user_id != user.pk):
        raise PermissionDenied("Seul l'élu qui a déposé cet amendement, ou le secrétariat des assemblées, peut le "
                               "retirer.")
    if amendment.state != Amendment.State.FILED:
        raise ValidationError("Cet amendement n'est plus en discussion.")
    if amendment.ballots.filter(state=Ballot.State.OPEN).exists():
        raise ValidationError("Cet amendement est en cours de vote.")
    amendment.state = Amendment.State.WITHDRAWN
    amendment.save(update_fields=["state"])
    record("sitting.amendment_withdrawn", actor=user, obj=amendment.item,
           data={"number": amendment.number, "amendment": amendment.pk, "from_portal": by_member})
    if by_member:
        item = amendment.item
        notify(secretariat_users(sitting.authority), NOTIFICATION_KIND,
               f"Amendement n° {amendment.number} retiré par {amendment.member} (point n° {item.position}, séance du "
               f"{fr_date(sitting.date)}).",
               url=reverse("sittings:live_item", kwargs={"slug": sitting.slug, "pk": item.pk}), exclude=user)
    bump(sitting)
    return amendment


def apply_amendment(user, amendment: Amendment) -> ActVersion:
    """An adopted amendment changes the act's text (the act is on the agenda, so drafters can
    no longer edit it: this is the only way its text changes during the sitting)."""
    act = Act.objects.select_for_update().get(pk=amendment.item.act_id)
    part, index = parse_target(amendment.target)
    _check_target(act, part, index, amendment.new_text, amendment.number)
    lines = list(getattr(act, part))
    if index is None:
        lines.append(amendment.new_text)
    elif amendment.new_text:
        lines[index - 1] = amendment.new_text
    else:
        del lines[index - 1]
    setattr(act, part, lines)
    act.lock_version += 1
    act.save(update_fields=[part, "lock_version", "updated_at"])
    number = (act.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ActVersion.objects.create(act=act, number=number, author=user, content=act.content_snapshot(),
                                        summary=f"Amendement n° {amendment.number} adopté")
    record("act.amended", actor=user, obj=act,
           data={"amendment": amendment.pk, "number": amendment.number, "target": amendment.target,
                 "version": number, "item": amendment.item_id})
    return version


# --- Appointment candidates --------------------------------------------------------------------

MAX_CANDIDATE_NAME = 200


@dataclass(frozen=True)
class OtherCandidate:
    """A candidate who does not sit in the assembly: the law lets the assembly appoint anyone
    eligible to the seat (a qualified person in an outside body, a school board…), not only
    its members (L2121-21, L2121-33). The birth date decides a tie at the third round."""

    name: str
    birth_date: datetime.date | None = None


def _other_candidates(given, member_labels) -> list[OtherCandidate]:
    """Clean the free-text candidates: a name each (≤ 200 characters), distinct from each other
    and from the members' names (the count of each round is kept by name), a birth date not in
    the future."""
    taken = {label.casefold() for label in member_labels}
    found: list[OtherCandidate] = []
    for entry in given:
        if isinstance(entry, OtherCandidate):
            name, born = entry.name, entry.birth_date
        elif isinstance(entry, str):
            name, born = entry, None
        else:
            name, born = entry
        name = " ".join((name or "").split())
        if not name:
            continue
        if len(name) > MAX_CANDIDATE_NAME:
            raise ValidationError(f"Le nom d'un candidat ne dépasse pas {MAX_CANDIDATE_NAME} caractères.")
        if born is not None and born > timezone.localdate():
            raise ValidationError(f"Date de naissance de {name} dans le futur.")
        if name.casefold() in taken:
            raise ValidationError(f"« {name} » porte le nom d'un élu de l'assemblée ou d'un autre candidat : "
                                  "choisissez l'élu dans la liste, ou distinguez le nom (par exemple « … "
                                  "(personnalité qualifiée) »).")
        taken.add(name.casefold())
        found.append(OtherCandidate(name, born))
    return found


@dataclass(frozen=True)
class Candidate:
    key: str  # the member's id, or "x0", "x1"… for the other candidates of the round
    label: str
    birth_date: datetime.date | None
    member: object = None


def round_candidates(results: dict, members: dict, labels: dict) -> list[Candidate]:
    """The candidates of one appointment round: members of the assembly, then the others."""
    found = [Candidate(str(pk), labels[pk], members[pk].birth_date, members[pk])
             for pk in results.get("candidates", []) if pk in members]
    for i, other in enumerate(results.get("others", [])):
        born = other.get("birth_date")
        found.append(Candidate(f"x{i}", other["name"], datetime.date.fromisoformat(born) if born else None))
    return found


# --- Opening a vote ------------------------------------------------------------------------

@transaction.atomic
def open_ballot(user, item: AgendaItem, *, method: str, public_requesters=(), secret_requesters=(),
                amendment: Amendment | None = None, candidates=(), other_candidates=(),
                unanimous_open_vote: bool = False, confirm_no_conflict: bool = False) -> Ballot:
    """Put the item (or one of its amendments) to the vote. Refused without quorum for the item
    (L2121-17), while an amendment is unvoted (for the act itself), in a form the members'
    requests exclude (L2121-21), and while a flagged interested member has not withdrawn
    unless the clerk confirms he is not interested (L2131-11)."""
    sitting = locked(item.sitting)
    check_secretariat(user, sitting)
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("act", "motion").get(pk=item.pk)
    if sitting.state != Sitting.State.OPEN:
        raise ValidationError("La séance n'est pas en cours.")
    if sitting.current_item_id != item.pk or item.state != AgendaItem.State.IN_DEBATE:
        raise ValidationError("Appelez d'abord ce point : seul le point en débat peut être mis aux voix.")
    if item.kind in NO_VOTE_KINDS:
        raise ValidationError("Une communication ou une question ne se vote pas : l'assemblée en prend acte.")
    if Ballot.objects.filter(item__sitting=sitting, state=Ballot.State.OPEN).exists():
        raise ValidationError("Un vote est déjà ouvert dans cette séance.")
    if method not in M.values:
        raise ValidationError("Mode de scrutin inconnu.")
    appointment = method == M.APPOINTMENT
    if amendment is not None:
        amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if amendment.item_id != item.pk:
            raise ValidationError("Cet amendement ne porte pas sur ce point.")
        if amendment.state != Amendment.State.FILED:
            raise ValidationError(f"L'amendement n° {amendment.number} n'est plus en discussion.")
        if appointment:
            raise ValidationError("Un amendement ne se vote pas comme une désignation.")
        part, index = parse_target(amendment.target)
        _check_target(item.act, part, index, amendment.new_text, amendment.number)
    else:
        pending = list(item.amendments.filter(state=Amendment.State.FILED).values_list("number", flat=True))
        if pending:
            raise ValidationError("Les amendements sont votés avant le projet : amendement(s) n° "
                                  f"{', '.join(map(str, pending))} encore à voter ou à retirer.")
    rounds_done, others = 0, []
    if appointment:
        rounds_done = item.ballots.filter(method=M.APPOINTMENT, state=Ballot.State.CLOSED).count()
        if rounds_done >= MAX_ROUNDS:
            raise ValidationError(f"Au plus {MAX_ROUNDS} tours de scrutin (L2121-21).")
        candidates = list(dict.fromkeys(candidates))
        seated = assembly_members(sitting)
        members = {m.pk for m in seated}
        if any(c.pk not in members for c in candidates):
            raise ValidationError("Un candidat ne siège pas dans cette assemblée.")
        others = _other_candidates(other_candidates, labels_for(seated).values())
        if not candidates and not others:
            raise ValidationError("Indiquez au moins un candidat.")
    elif other_candidates:
        raise ValidationError("Des candidats ne se présentent qu'à une désignation.")
    elif item.ballots.filter(method=M.APPOINTMENT).exists():
        raise ValidationError("Ce point est une désignation : ouvrez le tour suivant.")

    present = present_ids(sitting)
    state = quorum(sitting, item, present=present)
    if not state.met:
        raise ValidationError(state.message + " Le point ne peut pas être mis aux voix : attendez le retour "
                                              "d'élus ou reportez le point.")
    withdrawn = withdrawn_ids(item)
    members = assembly_members(sitting)
    labels = labels_for(members)
    unresolved = [f for f in conflicts(item, members=members) if f.withdrawn is None and f.member.pk in present]
    if unresolved and not confirm_no_conflict:
        names = "; ".join(f"{labels[f.member.pk]} ({', '.join(f.organisations)})" for f in unresolved)
        raise ValidationError(f"Élus signalés comme intéressés à l'affaire et non retirés : {names}. Enregistrez "
                              "leur retrait, ou confirmez qu'ils ne sont pas intéressés (L2131-11).",
                              code="conflicts")
    public = list(dict.fromkeys(int(m.pk if hasattr(m, "pk") else m) for m in public_requesters))
    secret = list(dict.fromkeys(int(m.pk if hasattr(m, "pk") else m) for m in secret_requesters))
    in_room = present - withdrawn
    outside = [labels.get(m, str(m)) for m in public + secret if m not in in_room]
    if outside:
        raise ValidationError("Seuls les membres présents dans la salle demandent un scrutin : "
                              f"{', '.join(dict.fromkeys(outside))}.")
    proposal = propose(sitting, item, public=public, secret=secret, appointment=appointment,
                       unanimous_open_vote=unanimous_open_vote)
    if method not in proposal.allowed:
        raise ValidationError(f"{proposal.decision.reason} Le vote « {M(method).label} » n'est pas possible ; "
                              f"modes permis : {', '.join(str(M(m).label).lower() for m in proposal.allowed)}.")
    usable = voters(sitting, item, members=members)
    ballot = Ballot.objects.create(
        item=item, amendment=amendment, method=method, round=rounds_done + 1 if appointment else 1,
        public_requests=len(public), secret_requests=len(secret), requesters={"public": public, "secret": secret},
        opened_at=timezone.now(), present=len(in_room), represented=sum(1 for v in usable if v.by_proxy),
        results={"quorum": state.as_dict(), "required": proposal.decision.ballot.value,
                 "required_reason": proposal.decision.reason, "article": proposal.decision.article,
                 "candidates": [c.pk for c in candidates] if appointment else [],
                 "others": [{"name": o.name, "birth_date": o.birth_date.isoformat() if o.birth_date else None}
                            for o in others] if appointment else [],
                 "unanimous_open_vote": bool(unanimous_open_vote),
                 "confirmed_not_interested": [f.member.pk for f in unresolved]})
    item.state = AgendaItem.State.VOTING
    fields = ["state"]
    if amendment is None and item.debate_ended_at is None:
        item.debate_ended_at = timezone.now()
        fields.append("debate_ended_at")
    item.save(update_fields=fields)
    record("sitting.ballot_opened", actor=user, obj=item,
           data={"ballot": ballot.pk, "method": method, "round": ballot.round,
                 "amendment": amendment.number if amendment else None, "requests": ballot.requesters,
                 "required": proposal.decision.ballot.value, "quorum": state.as_dict(),
                 "confirmed_not_interested": [f.member.pk for f in unresolved]})
    bump(sitting)
    return ballot


@transaction.atomic
def cancel_ballot(user, ballot: Ballot) -> None:
    """An open vote opened by mistake (wrong form) is cancelled before anybody voted."""
    sitting = locked(ballot.item.sitting)
    check_secretariat(user, sitting)
    ballot = Ballot.objects.select_for_update().select_related("item").get(pk=ballot.pk)
    if ballot.state != Ballot.State.OPEN:
        raise ValidationError("Ce vote est clos : il ne peut plus être annulé.")
    if ballot.votes.exists():
        raise ValidationError("Des élus ont déjà voté : ce vote ne peut plus être annulé, clôturez-le.")
    item = ballot.item
    record("sitting.ballot_cancelled", actor=user, obj=item, data={"ballot": ballot.pk, "method": ballot.method})
    ballot.delete()
    item.state = AgendaItem.State.IN_DEBATE
    item.save(update_fields=["state"])
    bump(sitting)


# --- Electronic votes from the members' devices -------------------------------------------

@dataclass
class VoteChoice:
    owner: object
    caster: object
    vote: Vote | None
    refusal: str = ""

    @property
    def by_proxy(self) -> bool:
        return self.owner.pk != self.caster.pk


def electronic_choices(sitting: Sitting, member, ballot: Ballot) -> list[VoteChoice]:
    """What the member may vote on the open electronic ballot: his own vote, and the vote of
    the colleague whose proxy he holds, each with the reason when refused.

    Runs on every opening of the voting page and every vote, for each of the members at once
    when a ballot opens: it reads only what this member's choices need (the assembly's members
    are loaded only when proxies were given for the sitting)."""
    if not sitting.assembly.members().filter(pk=member.pk).exists():
        return [VoteChoice(member, member, None, "Vous ne siégez pas dans cette assemblée.")]
    present = present_ids(sitting)
    barred = {str(m) for m in withdrawn_ids(ballot.item)}
    held, by_id, labels = [], {}, {}
    if Proxy.objects.filter(sittings=sitting, revoked_at__isnull=True).exists():
        members = assembly_members(sitting)
        labels = labels_for(members)
        by_id = {m.pk: m for m in members}
        held = [mandator for mandator, holder in proxies(sitting, present=present, members=members).valid.items()
                if holder == member.pk]
    existing = {v.member_id: v for v in ballot.votes.filter(member_id__in=[member.pk, *held])}
    choices = []
    own_refusal = ""
    if member.pk not in present:
        own_refusal = "Vous n'êtes pas inscrit(e) présent(e) : seul un élu présent dans la salle vote."
    elif str(member.pk) in barred:
        own_refusal = ("Vous vous êtes retiré(e) de ce point (intérêt à l'affaire, L2131-11) : vous ne prenez part "
                       "ni au débat ni au vote.")
    choices.append(VoteChoice(member, member, existing.get(member.pk), own_refusal))
    for mandator in held:
        error = barred_vote(str(mandator), str(member.pk), barred)
        refusal = ""
        if error is not None:
            refusal = (f"{labels[mandator]} s'est retiré(e) de ce point : son pouvoir ne sert pas (L2131-11)."
                       if str(mandator) in barred else
                       f"Retiré(e) de ce point, vous ne pouvez pas utiliser le pouvoir de {labels[mandator]} "
                       "(L2131-11).")
        choices.append(VoteChoice(by_id[mandator], member, existing.get(mandator), refusal))
    return choices


@transaction.atomic
def cast_vote(user, ballot: Ballot, *, value: str, for_member=None) -> Vote:
    """A member votes on the open electronic ballot from his device, for himself or for the
    absent colleague whose proxy he holds. Once per member whose vote it is; final."""
    member = getattr(user, "member", None) if user.is_authenticated else None
    if member is None:
        raise PermissionDenied("Votre compte n'est pas rattaché à un élu.")
    ballot = (Ballot.objects.select_for_update().select_related("item__sitting__assembly", "item__sitting__authority")
              .get(pk=ballot.pk))
    sitting = ballot.item.sitting
    if member.authority_id != sitting.authority_id or user.authority_id != sitting.authority_id:
        raise PermissionDenied("Cette séance n'est pas celle de votre collectivité.")
    if ballot.method != M.ELECTRONIC:
        raise ValidationError("Ce vote ne se fait pas depuis les terminaux des élus.")
    if ballot.state != Ballot.State.OPEN:
        raise ValidationError("Le vote est clos : votre vote n'a pas été enregistré.")
    if sitting.state != Sitting.State.OPEN:
        raise ValidationError("La séance n'est pas en cours.")
    if value not in VALUES:
        raise ValidationError("Choisissez pour, contre, abstention ou ne prend pas part au vote.")
    try:
        owner_id = member.pk if for_member is None else int(getattr(for_member, "pk", for_member))
    except (TypeError, ValueError):
        raise ValidationError("Élu inconnu.") from None
    choice = next((c for c in electronic_choices(sitting, member, ballot) if c.owner.pk == owner_id), None)
    if choice is None:
        raise ValidationError("Vous ne portez pas de pouvoir valable de cet élu pour cette séance.")
    if choice.refusal:
        raise ValidationError(choice.refusal)
    if choice.vote is not None:
        raise ValidationError("Ce vote a déjà été enregistré : un vote est définitif." if not choice.by_proxy else
                              f"Le vote de {member_label(choice.owner)} a déjà été enregistré : un vote est définitif.")
    try:
        with transaction.atomic():
            vote = Vote.objects.create(ballot=ballot, member=choice.owner, cast_by=member, value=value)
    except IntegrityError:
        raise ValidationError("Ce vote a déjà été enregistré : un vote est définitif.") from None
    record("sitting.vote_cast", actor=user, obj=ballot.item,
           data={"ballot": ballot.pk, "member": choice.owner.pk, "cast_by": member.pk, "value": value})
    bump(sitting)
    return vote


# --- Closing a vote ----------------------------------------------------------------------------

def _locked_open(user, ballot: Ballot, methods) -> tuple[Sitting, Ballot]:
    sitting = locked(ballot.item.sitting)
    check_secretariat(user, sitting)
    ballot = (Ballot.objects.select_for_update(of=("self",)).select_related("item__act", "item__motion", "amendment")
              .get(pk=ballot.pk))
    if ballot.state != Ballot.State.OPEN:
        raise ValidationError("Ce vote est déjà clos.")
    if ballot.method not in methods:
        raise ValidationError("Ce mode de saisie ne correspond pas au mode de scrutin.")
    return sitting, ballot


def _count(value, label: str) -> int:
    try:
        n = int(str(value).strip() or 0)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} : un nombre entier est attendu.") from None
    if n < 0:
        raise ValidationError(f"{label} : le nombre ne peut pas être négatif.")
    return n


@transaction.atomic
def close_with_totals(user, ballot: Ballot, *, pour, contre, abstention, nppv=0, president_vote: str = "") -> Ballot:
    """Show of hands or secret ballot: the totals counted in the room. For a show of hands the
    president's own vote is asked when there is a tie (his voice is decisive); a secret ballot
    has no casting vote."""
    sitting, ballot = _locked_open(user, ballot, TOTALS_METHODS)
    counts = {"pour": _count(pour, "Pour"), "contre": _count(contre, "Contre"),
              "abstention": _count(abstention, "Abstentions" if ballot.method == M.SHOW_OF_HANDS else
                                   "Blancs et nuls"),
              "nppv": _count(nppv, "Ne prennent pas part au vote")}
    tally = Tally(**counts)
    usable = voters(sitting, ballot.item)
    if tally.votes > len(usable):
        raise ValidationError(f"{tally.votes} voix saisies pour {len(usable)} votants possibles (présents non retirés "
                              "et pouvoirs valables) : vérifiez le décompte.")
    president = None
    if ballot.method == M.SHOW_OF_HANDS:
        president_vote = (president_vote or "").strip()
        if president_vote and president_vote not in VALUES:
            raise ValidationError("Vote du président inconnu.")
        can_vote = any(v.owner.pk == sitting.president_id and not v.by_proxy for v in usable)
        if president_vote and not can_vote:
            raise ValidationError("Le président de séance n'est pas votant sur ce point (absent ou retiré).")
        if president_vote and counts[president_vote] < 1:
            raise ValidationError("Le vote indiqué pour le président n'apparaît pas dans le décompte.")
        if tally.exprimes and tally.pour == tally.contre and can_vote and not president_vote:
            raise ValidationError("Partage égal des voix : indiquez le vote du président de séance, dont la voix est "
                                  "prépondérante (L2121-20).", code="president_vote")
        president = president_vote or None
    return _finish(user, sitting, ballot, tally, president_vote=president, extra={})


def _owner_label(labels, pk) -> str:
    return labels.get(pk, f"élu n° {pk}")


def _refuse_unknown(sitting, item, labels, owners, usable) -> None:
    """Votes entered for members who may not vote on the item: say why (L2131-11, L2121-20)."""
    allowed = {v.owner.pk for v in usable}
    barred = {str(m) for m in withdrawn_ids(item)}
    valid_proxies = proxies(sitting).valid
    for owner in owners:
        if owner in allowed:
            continue
        holder = valid_proxies.get(owner, owner)
        error = barred_vote(str(owner), str(holder), barred)
        if error is not None:
            raise ValidationError(f"{_owner_label(labels, owner)} : retiré(e) de ce point ou pouvoir porté par un élu "
                                  "retiré, ce vote ne peut pas être enregistré (L2131-11).")
        raise ValidationError(f"{_owner_label(labels, owner)} n'est pas votant : absent(e) sans pouvoir valable "
                              "(L2121-20).")


def _record_rows(ballot: Ballot, usable, values: dict[int, str]) -> None:
    Vote.objects.bulk_create([Vote(ballot=ballot, member=v.owner, cast_by=v.caster, value=values[v.owner.pk])
                              for v in usable])


def _president_own_vote(sitting: Sitting, ballot: Ballot) -> str | None:
    if sitting.president_id is None:
        return None
    return (Vote.objects.filter(ballot=ballot, member_id=sitting.president_id, cast_by_id=sitting.president_id)
            .values_list("value", flat=True).first())


@transaction.atomic
def close_roll_call(user, ballot: Ballot, *, votes: dict[int, str]) -> Ballot:
    """Roll call: one answer per voter, proxy holders answering again for their mandator."""
    sitting, ballot = _locked_open(user, ballot, (M.ROLL_CALL,))
    members = assembly_members(sitting)
    labels = labels_for(members)
    usable = voters(sitting, ballot.item, members=members)
    votes = {int(k): (v or "").strip() for k, v in votes.items() if (v or "").strip()}
    _refuse_unknown(sitting, ballot.item, labels, votes, usable)
    missing = [_owner_label(labels, v.owner.pk) for v in usable if v.owner.pk not in votes]
    if missing:
        raise ValidationError(f"Vote non saisi pour : {', '.join(missing)} (choisissez « ne prend pas part au vote » "
                              "le cas échéant).")
    if any(v not in VALUES for v in votes.values()):
        raise ValidationError("Valeur de vote inconnue.")
    _record_rows(ballot, usable, votes)
    tally = Tally.of(votes[v.owner.pk] for v in usable)
    return _finish(user, sitting, ballot, tally, president_vote=_president_own_vote(sitting, ballot), extra={})


NO_GROUP = "0"


@transaction.atomic
def close_by_group(user, ballot: Ballot, *, positions: dict[str, str], exceptions: dict[int, str]) -> Ballot:
    """Vote by political group: one position per group (key: group id, "0" for members without
    a group), and members who voted otherwise; each member's vote is recorded by name."""
    sitting, ballot = _locked_open(user, ballot, (M.BY_GROUP,))
    members = assembly_members(sitting)
    labels = labels_for(members)
    usable = voters(sitting, ballot.item, members=members)
    known = {str(v.owner.group_id or NO_GROUP) for v in usable}
    positions = {str(k): (v or "").strip() for k, v in positions.items() if (v or "").strip() and str(k) in known}
    exceptions = {int(k): (v or "").strip() for k, v in exceptions.items() if (v or "").strip()}
    if any(v not in VALUES for v in [*positions.values(), *exceptions.values()]):
        raise ValidationError("Valeur de vote inconnue.")
    _refuse_unknown(sitting, ballot.item, labels, exceptions, usable)
    values, missing = {}, []
    for v in usable:
        key = str(v.owner.group_id or NO_GROUP)
        value = exceptions.get(v.owner.pk) or positions.get(key)
        if not value:
            missing.append(v.owner.group.short_name if v.owner.group_id else "non inscrits")
        values[v.owner.pk] = value
    if missing:
        raise ValidationError(f"Position non indiquée pour : {', '.join(dict.fromkeys(missing))}.")
    _record_rows(ballot, usable, values)
    tally = Tally.of(values.values())
    groups = {m.group_id: m.group for m in members if m.group_id}
    extra = {"groups": {(groups[int(k)].short_name if k != NO_GROUP and int(k) in groups else "non inscrits"): value
                        for k, value in positions.items()},
             "exceptions": {_owner_label(labels, k): value for k, value in exceptions.items()}}
    return _finish(user, sitting, ballot, tally, president_vote=_president_own_vote(sitting, ballot), extra=extra)


@transaction.atomic
def close_electronic(user, ballot: Ballot) -> Ballot:
    """The president closes the electronic vote: the votes cast are counted; members who did
    not vote are listed as such."""
    sitting, ballot = _locked_open(user, ballot, (M.ELECTRONIC,))
    members = assembly_members(sitting)
    labels = labels_for(members)
    cast = list(ballot.votes.all())
    voted = {v.member_id for v in cast}
    usable = voters(sitting, ballot.item, members=members)
    tally = Tally.of(v.value for v in cast)
    extra = {"non_voters": [_owner_label(labels, v.owner.pk) for v in usable if v.owner.pk not in voted]}
    return _finish(user, sitting, ballot, tally, president_vote=_president_own_vote(sitting, ballot), extra=extra)


@transaction.atomic
def close_appointment_round(user, ballot: Ballot, *, counts: dict[int, object], blank=0) -> Ballot:
    """One round of an appointment: votes per candidate and blank/null ballots. Elected with the
    absolute majority at rounds 1 and 2, the relative majority at round 3, the oldest on a tie
    (rules.appointments.elect, L2121-21)."""
    sitting, ballot = _locked_open(user, ballot, (M.APPOINTMENT,))
    item = ballot.item
    members = {m.pk: m for m in assembly_members(sitting)}
    labels = labels_for(members.values())
    counts = {str(k): v for k, v in counts.items()}
    candidates = round_candidates(ballot.results, members, labels)
    numbers = {c.label: _count(counts.get(c.key, 0), c.label) for c in candidates}
    blank = _count(blank, "Blancs et nuls")
    usable = voters(sitting, item)
    total = sum(numbers.values()) + blank
    if total > len(usable):
        raise ValidationError(f"{total} bulletins saisis pour {len(usable)} votants possibles : vérifiez le décompte.")
    ballot.results["counts"] = numbers
    ballot.results["blank"] = blank
    previous = list(item.ballots.filter(method=M.APPOINTMENT, state=Ballot.State.CLOSED).order_by("round"))
    rounds = [_round_ballots(b.results) for b in previous] + [_round_ballots(ballot.results)]
    birth_dates = {}
    for b in [*previous, ballot]:
        for candidate in round_candidates(b.results, members, labels):
            birth_dates[candidate.label] = candidate.birth_date
    result = elect(rounds, birth_dates=birth_dates, article=sitting.assembly.regime.ballot_article)
    this_round = result.rounds[-1] if result.rounds else None
    ballot.results["round_result"] = this_round.as_dict() if this_round else {}
    ballot.results["errors"] = [e.message for e in result.errors]
    ballot.results["exprimes"] = this_round.exprimes if this_round else 0
    ballot.present = len(present_ids(sitting) - withdrawn_ids(item))
    ballot.represented = sum(1 for v in usable if v.by_proxy)
    ballot.state = Ballot.State.CLOSED
    ballot.closed_at = timezone.now()
    elected_now = result.elected is not None and result.round == ballot.round
    if elected_now:
        ballot.outcome = "elected"
        ballot.elected = result.elected
        _settle_item(user, sitting, item, adopted=True, elected=True)
    else:
        ballot.outcome = "not_elected"
        item.state = AgendaItem.State.IN_DEBATE
        item.save(update_fields=["state"])
    ballot.save()
    record("sitting.ballot_closed", actor=user, obj=item,
           data={"ballot": ballot.pk, "method": ballot.method, "round": ballot.round,
                 "counts": ballot.results["counts"], "blank": blank, "elected": ballot.elected,
                 "errors": ballot.results["errors"]})
    bump(sitting)
    return ballot


def _round_ballots(results: dict) -> list[str | None]:
    ballots: list[str | None] = []
    for name, n in results.get("counts", {}).items():
        ballots.extend([name] * int(n))
    ballots.extend([None] * int(results.get("blank", 0)))
    return ballots


def _finish(user, sitting: Sitting, ballot: Ballot, tally: Tally, *, president_vote: str | None,
            extra: dict) -> Ballot:
    """Store the tally and the outcome rules.outcome.decide gives, then settle the amendment or
    the item (state, order number, act state, vœu number)."""
    item = ballot.item
    regime = sitting.assembly.regime
    secret = ballot.method == M.SECRET
    outcome = decide(tally, secret=secret, president_vote=president_vote, article=regime.majority_article)
    usable = voters(sitting, item)
    ballot.present = len(present_ids(sitting) - withdrawn_ids(item))
    ballot.represented = sum(1 for v in usable if v.by_proxy)
    ballot.pour, ballot.contre, ballot.abstention, ballot.nppv = tally.pour, tally.contre, tally.abstention, tally.nppv
    ballot.outcome = outcome.result
    ballot.casting_vote_used = outcome.casting_vote_used
    ballot.results.update({"reason": outcome.reason, "majority_article": outcome.article, "exprimes": tally.exprimes,
                           "president_vote": None if secret else president_vote, **extra})
    ballot.state = Ballot.State.CLOSED
    ballot.closed_at = timezone.now()
    ballot.save()
    if ballot.amendment_id:
        amendment = ballot.amendment
        amendment.state = Amendment.State.ADOPTED if outcome.adopted else Amendment.State.REJECTED
        amendment.save(update_fields=["state"])
        if outcome.adopted:
            apply_amendment(user, amendment)
        item.state = AgendaItem.State.IN_DEBATE
        item.save(update_fields=["state"])
    else:
        _settle_item(user, sitting, item, adopted=outcome.adopted)
    record("sitting.ballot_closed", actor=user, obj=item,
           data={"ballot": ballot.pk, "method": ballot.method, "amendment": ballot.amendment.number
                 if ballot.amendment_id else None, "pour": tally.pour, "contre": tally.contre,
                 "abstention": tally.abstention, "nppv": tally.nppv, "outcome": outcome.result,
                 "casting_vote_used": outcome.casting_vote_used, "reason": outcome.reason})
    bump(sitting)
    return ballot


def _settle_item(user, sitting: Sitting, item: AgendaItem, *, adopted: bool, elected: bool = False) -> None:
    if elected:
        item.state = AgendaItem.State.ELECTED
    else:
        item.state = AgendaItem.State.ADOPTED if adopted else AgendaItem.State.REJECTED
    item.number = (AgendaItem.objects.filter(sitting=sitting).aggregate(n=Max("number"))["n"] or 0) + 1
    item.debate_ended_at = item.debate_ended_at or timezone.now()
    item.save(update_fields=["state", "number", "debate_ended_at"])
    if item.act_id:
        set_state(item.act, ActState.ADOPTED if adopted else ActState.REJECTED, actor=user,
                  reason=f"Séance du {sitting.date:%d/%m/%Y}, point n° {item.number}")
        tell_drafter(user, item, "adopté" if adopted else "rejeté")
    if item.motion_id:
        motion = Motion.objects.select_for_update().get(pk=item.motion_id)
        motion.state = Motion.State.ADOPTED if adopted else Motion.State.REJECTED
        if adopted and not motion.number:
            motion.number = next_motion_number(sitting.authority, sitting.date.year)
        motion.save(update_fields=["state", "number"])
        record("motion.adopted" if adopted else "motion.rejected", actor=user, obj=motion,
               data={"number": motion.number, "item": item.pk, "sitting": sitting.pk})
    item_decided(user, item)


def next_motion_number(authority, year: int) -> str:
    """"2026 V. 12": the next number of the authority's adopted vœux for the year, gap-free
    (the counter row is locked and rolled back with the transaction)."""
    assert transaction.get_connection().in_atomic_block
    scope = f"{year} V."
    counter = NumberingCounter.objects.select_for_update().filter(authority=authority, scope=scope).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = NumberingCounter.objects.create(authority=authority, scope=scope, value=0)
        except IntegrityError:
            counter = NumberingCounter.objects.select_for_update().get(authority=authority, scope=scope)
    NumberingCounter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
    counter.refresh_from_db(fields=["value"])
    return f"{year} V. {counter.value}"
