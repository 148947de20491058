"""Import of historical sittings from sitting records (docs/sitting-record.md, docs/sitting-import.md).

The record is read and judged by ``hemicycle.rules.replay`` — the same rules as a live
sitting — and only then written to the database: the sitting (closed), its roll call, the
proxies the rules accept, the agenda items (no act: historical items are titled by their
reference and object), withdrawals, one ballot per item with the tallies and the outcome
computed by the rules, the names and votes of public ballots, and the minutes drafted from
all that. A record with legal errors is refused unless ``accept_errors``; the errors are then
kept in the minutes ("Irrégularités relevées à l'import").

Members are matched by name within the authority: the record's ``name`` is compared with
"first name last name" and with "last name first name" of each member of the authority,
ignoring case, accents, hyphens, apostrophes and repeated spaces. Exactly one member must
match; two matches is an ambiguity (refused); no match is refused unless ``create_members``,
which creates the member (first word = first name, the rest = last name, birth date from the
record).

Idempotent: the key is authority + assembly + date. Importing the same file again changes
nothing; another record for a sitting already imported, or for a sitting created in
Hémicycle, is refused.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from hemicycle.journal.models import JournalEntry
from hemicycle.journal.services import record as journal
from hemicycle.organisation.models import Member
from hemicycle.rules.outcome import Tally
from hemicycle.rules.outcome import Vote as VoteValue
from hemicycle.rules.regime import AuthorityKind
from hemicycle.rules.replay import RecordError, read, replay

from .models import (
    AgendaItem, Assembly, Attendance, Ballot, ItemConcern, Minutes, Proxy, Sitting, Vote, Withdrawal,
)

IMPORT_ACTION = "sitting.imported"
METHODS = {
    "show_of_hands": Ballot.Method.SHOW_OF_HANDS,
    "public": Ballot.Method.ROLL_CALL,
    "secret": Ballot.Method.SECRET,
    "appointment": Ballot.Method.APPOINTMENT,
}
STATES = {
    "adopted": AgendaItem.State.ADOPTED, "rejected": AgendaItem.State.REJECTED,
    "elected": AgendaItem.State.ELECTED, "not_elected": AgendaItem.State.REJECTED,
    "no_quorum": AgendaItem.State.NO_QUORUM,
}
ASSEMBLY_NAMES = {
    AuthorityKind.COMMUNE: "Conseil municipal", AuthorityKind.PARIS: "Conseil de Paris",
    AuthorityKind.DEPARTEMENT: "Conseil départemental", AuthorityKind.REGION: "Conseil régional",
    AuthorityKind.EPCI: "Conseil communautaire",
}
# Errors of rules.replay that mean "this vote was not counted", by whom they name.
OWNER_ERRORS = {"invalid_vote_value", "vote_cast_by_other", "vote_with_refused_proxy", "vote_without_proxy",
                "withdrawn_member_voted", "unknown_member"}
CASTER_ERRORS = {"proxy_holder_mismatch", "proxy_holder_withdrawn"}


class ImportRefused(Exception):
    """The record is not imported; the message is French and says why."""


@dataclass
class ImportResult:
    sitting: Sitting
    created: bool
    message: str
    members_created: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def normalise_name(name: str) -> str:
    """"Élise  Fontaine-Roux" → "elise fontaine roux": the key names are matched on."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-'’.]", " ", text).split())


def file_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _legal_errors(result: dict) -> list[dict]:
    """Every error of the replay, each with where it was found."""
    errors = [{**e, "where": "convocation"} for e in result["convocation"]["errors"]]
    errors += [{**e, "where": "séance"} for e in result["errors"]]
    for item in result["items"]:
        errors += [{**e, "where": item["ref"], "message": f"{item['ref']} : {e['message']}"} for e in item["errors"]]
    return errors


def _council(authority, kind: AuthorityKind, seats: int, vacancies: int) -> Assembly:
    assembly = Assembly.objects.filter(authority=authority, kind=Assembly.Kind.COUNCIL).order_by("pk").first()
    if assembly is None:
        assembly = Assembly.objects.create(authority=authority, kind=Assembly.Kind.COUNCIL,
                                           name=ASSEMBLY_NAMES.get(kind, "Conseil"), seats=seats, vacancies=vacancies)
    return assembly


def match_members(authority, members, *, create: bool) -> tuple[dict, list[str]]:
    """Record member id → Member of the authority (see the module docstring for the rule)."""
    index: dict[str, list] = {}
    for member in Member.objects.filter(authority=authority):
        for key in {normalise_name(f"{member.first_name} {member.last_name}"),
                    normalise_name(f"{member.last_name} {member.first_name}")}:
            index.setdefault(key, []).append(member)
    matched, missing, ambiguous, taken = {}, [], [], {}
    for rm in members:
        found = {m.pk: m for m in index.get(normalise_name(rm.name), [])}
        if len(found) > 1:
            ambiguous.append(f"{rm.name} ({', '.join(str(m) for m in found.values())})")
        elif len(found) == 1:
            member = next(iter(found.values()))
            if member.pk in taken:
                ambiguous.append(f"{rm.name} (même élu que {taken[member.pk]})")
            taken[member.pk] = rm.name
            matched[rm.id] = member
        else:
            missing.append(rm)
    if ambiguous:
        raise ImportRefused("Élus ambigus (plusieurs correspondances) : " + " ; ".join(ambiguous) + ".")
    created = []
    if missing and not create:
        raise ImportRefused(
            "Élus introuvables dans la collectivité : " + ", ".join(rm.name for rm in missing)
            + ". Créez-les dans l'organisation, ou relancez avec --create-members pour les créer.")
    for rm in missing:
        first, _, last = rm.name.strip().partition(" ")
        member = Member.objects.create(authority=authority, civility="", first_name=first[:100],
                                       last_name=(last or first)[:100], birth_date=rm.birth_date)
        matched[rm.id] = member
        created.append(rm.name)
    return matched, created


def _with_names(message: str, names: dict) -> str:
    """The rules speak of members by their record id ("m02"): the minutes give their names."""
    if not names:
        return message
    ids = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in ids) + r")(?![\w-])")
    return pattern.sub(lambda m: names[m.group(1)], message)


def _already_imported(sitting: Sitting):
    return (JournalEntry.objects.filter(action=IMPORT_ACTION, object_type=sitting._meta.label_lower,
                                        object_id=str(sitting.pk)).order_by("seq").first())


def _slug(authority, date) -> str:
    base = date.isoformat()
    slug, n = base, 2
    while Sitting.objects.filter(authority=authority, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _public_votes(ritem, res: dict, members: dict, present: set, proxies: dict, withdrawn: set):
    """(Member, caster Member, value) of the votes the rules counted; None if they cannot be told apart."""
    owner_errors = {e["member"] for e in res["errors"] if e["code"] in OWNER_ERRORS and e["member"]}
    caster_errors = {e["member"] for e in res["errors"] if e["code"] in CASTER_ERRORS and e["member"]}
    counted = []
    for cast in ritem.votes:
        value = cast.value.strip().lower() if isinstance(cast.value, str) else None
        if cast.owner not in members or value not in tuple(VoteValue):
            continue
        caster = cast.by or (cast.owner if cast.owner in present else proxies.get(cast.owner))
        if caster is None or caster not in members:
            continue
        if cast.owner in owner_errors or caster in caster_errors:
            continue
        if value == VoteValue.NPPV and (cast.owner in withdrawn or caster in withdrawn):
            continue  # a withdrawn member "ne prend pas part au vote": not counted by the rules
        counted.append((members[cast.owner], members[caster], value))
    tally = Tally.of(v for _, _, v in counted)
    if (tally.pour, tally.contre, tally.abstention, tally.nppv) != (res["pour"], res["contre"], res["abstention"],
                                                                    res["nppv"]):
        return None
    return counted


def import_record(authority, data, *, raw: bytes, actor=None, create_members: bool = False,
                  accept_errors: bool = False) -> ImportResult:
    """Import one sitting record into ``authority``. Raises ``ImportRefused`` (French)."""
    try:
        r = read(data)
        result = replay(data)
    except RecordError as exc:
        raise ImportRefused(f"Relevé de séance illisible : {exc}") from None
    digest = file_digest(raw)
    errors = _legal_errors(result)
    if errors and not accept_errors:
        shown = "\n".join(f"  - {e['message']} ({e['article']})" for e in errors[:20])
        more = f"\n  … et {len(errors) - 20} autre(s)." if len(errors) > 20 else ""
        raise ImportRefused(
            f"Le relevé contient {len(errors)} erreur(s) de droit :\n{shown}{more}\n"
            "Import refusé. Relancez avec --accept-errors pour l'importer en l'état : les erreurs seront consignées "
            "au procès-verbal.")

    with transaction.atomic():
        assembly = _council(authority, r.kind, r.seats, r.vacancies)
        existing = Sitting.objects.filter(authority=authority, assembly=assembly, date=r.date).first()
        if existing is not None:
            entry = _already_imported(existing)
            if entry is None:
                raise ImportRefused(
                    f"Une séance de « {assembly.name} » du {r.date:%d/%m/%Y} existe déjà dans Hémicycle "
                    f"({existing.slug}) : elle n'est pas remplacée par un import.")
            if entry.data.get("sha256") != digest:
                raise ImportRefused(
                    f"La séance du {r.date:%d/%m/%Y} a déjà été importée depuis un autre relevé "
                    f"(empreinte {entry.data.get('sha256', '?')[:12]}…) : elle n'est pas remplacée.")
            return ImportResult(existing, False, f"Séance du {r.date:%d/%m/%Y} déjà importée ({existing.slug}) : "
                                                 "rien n'est modifié.")

        members, created = match_members(authority, r.members, create=create_members)
        president = next((members[m.id] for m in r.members if m.president and m.id in members), None)
        sitting = Sitting.objects.create(
            authority=authority, assembly=assembly, slug=_slug(authority, r.date), date=r.date, public=True,
            state=Sitting.State.CLOSED, urgency=r.urgency, second_convocation=r.second_convocation,
            president=president)

        present = {m for m, v in r.attendance.items() if v == "present" and m in members}
        for rm in r.members:
            status = Attendance.Status.PRESENT if rm.id in present else Attendance.Status.ABSENT
            Attendance.objects.create(sitting=sitting, member=members[rm.id], status=status)
        valid_proxies = {}
        for proxy, verdict in zip(r.proxies, result["proxies"], strict=True):
            if not verdict["valid"] or proxy.mandator not in members or proxy.holder not in members:
                continue
            if actor is None:
                raise ImportRefused("Le relevé contient des pouvoirs : indiquez avec --user l'utilisateur du "
                                    "secrétariat qui les enregistre.")
            row = Proxy.objects.create(authority=authority, mandator=members[proxy.mandator],
                                       holder=members[proxy.holder], illness=proxy.illness, given_by=actor)
            row.sittings.add(sitting)
            valid_proxies[proxy.mandator] = proxy.holder

        number = 0
        for position, (ritem, res) in enumerate(zip(r.items, result["items"], strict=True), start=1):
            outcome = res["outcome"] if res["outcome"] != "invalid" else res["counted_outcome"]
            state = STATES.get(outcome, AgendaItem.State.REJECTED)
            if state != AgendaItem.State.NO_QUORUM:
                number += 1
            title = f"{ritem.ref} — {ritem.object}" if ritem.object else ritem.ref
            item = AgendaItem.objects.create(
                sitting=sitting, position=position, kind=AgendaItem.Kind.ACT, title=title[:500], state=state,
                number=number if state != AgendaItem.State.NO_QUORUM else None, on_convocation=True)
            for organisation in ritem.concerned:
                ItemConcern.objects.create(item=item, organisation=organisation[:300])
            withdrawn = set(res["withdrawn"])
            for member_id in res["withdrawn"]:
                interested = member_id in res["must_withdraw"]
                reason = ("Intérêt déclaré : " + ", ".join(ritem.concerned)) if interested else ""
                Withdrawal.objects.create(item=item, member=members[member_id], kind=Withdrawal.Kind.LEFT_ROOM,
                                          reason=reason[:300])
            method = METHODS.get(ritem.ballot, Ballot.Method.SHOW_OF_HANDS)
            requesters = {k: [members[m].pk for m in ids if m in members] for k, ids in ritem.requests.items()}
            ballot = Ballot.objects.create(
                item=item, method=method, round=max(len(res["rounds"]), 1), state=Ballot.State.CLOSED,
                public_requests=len(ritem.requests["public"]), secret_requests=len(ritem.requests["secret"]),
                requesters=requesters, present=res["present"], represented=res["represented"],
                pour=res["pour"], contre=res["contre"], abstention=res["abstention"], nppv=res["nppv"],
                outcome=res["outcome"], casting_vote_used=res["casting_vote_used"], elected=res["elected"] or "",
                results={"rounds": res["rounds"], "ballot_required": res["ballot_required"],
                         "ballot_reason": res["ballot_reason"], "counted_outcome": res["counted_outcome"],
                         "errors": res["errors"], "ref": ritem.ref})
            if method == Ballot.Method.ROLL_CALL:
                counted = _public_votes(ritem, res, members, present, valid_proxies, withdrawn)
                if counted is None:
                    errors.append({"code": "votes_not_imported", "article": "L2121-21", "where": ritem.ref,
                                   "member": None,
                                   "message": f"{ritem.ref} : les votes nominatifs n'ont pas pu être rapprochés des "
                                              "totaux calculés ; seuls les totaux sont repris."})
                else:
                    for member, caster, value in counted:
                        Vote.objects.create(ballot=ballot, member=member, cast_by=caster, value=value)

        from .actions.minutes import generate

        names = {rm.id: rm.name for rm in r.members}
        # The import notes go in first: the minutes keep them, and list the record's members only.
        Minutes.objects.create(sitting=sitting, body={"import": {
            "sha256": digest, "imported_at": timezone.now().isoformat(),
            "errors": [{"message": _with_names(e["message"], names), "article": e["article"], "code": e["code"]}
                       for e in errors],
            "opening": result["opening"], "convocation": result["convocation"],
        }})
        generate(sitting, actor=actor)
        journal(IMPORT_ACTION, actor=actor, authority=authority, obj=sitting, data={
            "sha256": digest, "items": len(r.items), "errors": len(errors), "accepted_errors": bool(errors),
            "members_created": created, "assembly": assembly.pk})
    message = (f"Séance du {r.date:%d/%m/%Y} importée ({sitting.slug}) : {len(r.members)} élus, {len(r.items)} affaires"
               + (f", {len(created)} élu(s) créé(s)" if created else "")
               + (f", {len(errors)} erreur(s) de droit consignée(s) au procès-verbal" if errors else "") + ".")
    return ImportResult(sitting, True, message, created, errors)
