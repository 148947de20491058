"""The procès-verbal of a sitting (L2121-15) and its list of deliberations (L2121-25).

``build_body(sitting)`` reads the sitting's data — attendance and its events, proxies,
withdrawals, ballots and votes, amendments, committee opinions — and returns the structured
body stored in ``Minutes.body``: everything L2121-15 requires (date and times, president,
members present / represented / absent, secretaries, quorum at the opening and per item,
agenda, requests for particular ballots, results, and for public ballots the names and votes)
plus the parts the secretariat writes: an introduction, a conclusion and, per item, the
substance of the debates. The body is plain JSON: the HTML page and the PDF are both
rendered from it, so they always say the same thing, and once the minutes are adopted the
body is frozen.

The legal computations are those of ``hemicycle.rules`` (quorum, proxies); this module only
gathers facts and calls them.

PDFs are made with Typst like the acts (``documents/render.py``): a fixed template in
``sittings/typst/`` and the data as JSON in ``sys.inputs``, so nothing a user typed is ever
read as Typst markup.
"""

import datetime
import json
import re
import threading
from collections import defaultdict
from pathlib import Path

import typst
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.documents.render import RenderError, french_date
from hemicycle.rules.outcome import Vote as VoteValue
from hemicycle.rules.proxies import Proxy as RuleProxy
from hemicycle.rules.proxies import check_proxies
from hemicycle.rules.quorum import check_quorum, members_in_office

from .models import AgendaItem, Attendance, Ballot, Convocation, Proxy, Sitting, Vote, Withdrawal

BODY_VERSION = 1
PUBLIC_METHODS = (Ballot.Method.ROLL_CALL, Ballot.Method.ELECTRONIC, Ballot.Method.BY_GROUP)
EXAMINED_STATES = (
    AgendaItem.State.ADOPTED, AgendaItem.State.REJECTED, AgendaItem.State.ELECTED, AgendaItem.State.NO_QUORUM,
    AgendaItem.State.WITHDRAWN, AgendaItem.State.POSTPONED, AgendaItem.State.NOTED,
)
NOT_TAKEN_UP = (AgendaItem.State.PENDING, AgendaItem.State.WITHDRAWN, AgendaItem.State.POSTPONED)
LIST_DELAY_DAYS = 7  # L2121-25: the list is put online within one week of the sitting
MAX_TEXT = 50_000  # characters of a debate summary, an introduction or a conclusion

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value) -> str:
    """Text as the secretariat typed it: control characters removed, line breaks normalised."""
    return _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n").strip()


def member_name(member) -> str:
    return " ".join(p for p in (member.civility, member.first_name, member.last_name) if p)


def _time_text(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.hour} h {local.minute:02d}"


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def outcome_label(outcome: str) -> str:
    return {
        "adopted": _("Adopté"), "rejected": _("Rejeté"), "elected": _("Désignation faite"),
        "not_elected": _("Aucun candidat désigné"), "no_quorum": _("Quorum non atteint"),
        "invalid": _("Vote irrégulier"),
    }.get(outcome, outcome or "")


# --- Who was there, and when -----------------------------------------------------------------

class _Presence:
    """Who was physically in the room at a given moment, from the arrivals and departures
    (AttendanceEvent), else from the roll call's times and status (Attendance)."""

    def __init__(self, sitting: Sitting, member_ids):
        self.member_ids = list(member_ids)
        self.events = defaultdict(list)
        for event in sitting.attendance_events.order_by("at", "pk"):
            self.events[event.member_id].append((event.at, event.kind))
        self.attendance = {a.member_id: a for a in sitting.attendances.all()}

    def attended(self, member_id) -> bool:
        """In the room at some point of the sitting."""
        if any(kind == "arrive" for _, kind in self.events.get(member_id, ())):
            return True
        a = self.attendance.get(member_id)
        return a is not None and a.status in (Attendance.Status.PRESENT, Attendance.Status.LEFT)

    def present_at(self, member_id, moment, *, opening: bool = False) -> bool:
        events = self.events.get(member_id)
        if events:
            if moment is None:
                return events[0][1] == "arrive" if opening else events[-1][1] == "arrive"
            state = False
            for at, kind in events:
                if at > moment:
                    break
                state = kind == "arrive"
            return state
        a = self.attendance.get(member_id)
        if a is None or a.status not in (Attendance.Status.PRESENT, Attendance.Status.LEFT):
            return False
        if moment is None:
            return opening or a.status == Attendance.Status.PRESENT
        arrived = a.arrived_at is None or a.arrived_at <= moment
        not_left = a.left_at is None or a.left_at > moment
        if a.status == Attendance.Status.LEFT and a.left_at is None:
            not_left = opening
        return arrived and not_left

    def present_set(self, moment, *, opening: bool = False) -> set:
        return {m for m in self.member_ids if self.present_at(m, moment, opening=opening)}

    def movements(self, member_id) -> list[tuple]:
        return self.events.get(member_id, [])


def sitting_members(sitting: Sitting, *, roll_call_only: bool = False) -> list:
    """The members called to the sitting: the assembly's members and anyone on its roll call;
    for an imported sitting, the members of the record only (all on its roll call)."""
    from django.db.models import Q

    from hemicycle.organisation.models import Member

    ids = list(sitting.attendances.values_list("member_id", flat=True))
    if roll_call_only and ids:
        qs = Member.objects.filter(pk__in=ids)
    else:
        qs = Member.objects.filter(Q(pk__in=sitting.assembly.members().values("pk")) | Q(pk__in=ids))
    return list(qs.select_related("group").order_by("last_name", "first_name", "pk"))


def in_office(sitting: Sitting) -> int:
    assembly = sitting.assembly
    seats = assembly.seat_count
    try:
        return members_in_office(seats, assembly.vacancies)
    except ValueError:
        return max(seats, 1)


def _quorum(sitting: Sitting, present: int) -> dict:
    office = in_office(sitting)
    check = check_quorum(members_in_office=office, present=min(present, office),
                         second_convocation=sitting.second_convocation,
                         article=sitting.assembly.regime.quorum_article)
    return {"present": present, "members_in_office": office, "required": check.quorum_required,
            "met": check.quorum_met, "article": check.article}


# --- The body ------------------------------------------------------------------------------

def _member_ref(member) -> dict:
    return {"id": member.pk, "name": member_name(member), "group": member.group.short_name if member.group_id else ""}


def _proxies(sitting: Sitting, members_by_id: dict, presence: _Presence, labels: dict):
    """Proxies of the sitting sorted by rules.proxies: usable ones, and refusals with the rule."""
    proxies = list(Proxy.objects.filter(sittings=sitting, revoked_at__isnull=True)
                   .select_related("mandator", "holder").order_by("given_at", "pk"))
    attended = {m for m in members_by_id if presence.attended(m)}
    to_check = [p for p in proxies if p.mandator_id not in attended]
    rule_proxies = [RuleProxy(mandator=labels.get(p.mandator_id, str(p.mandator)),
                              holder=labels.get(p.holder_id, str(p.holder)),
                              sittings=max(p.sittings.count(), 1), illness=p.illness) for p in to_check]
    check = check_proxies(rule_proxies, members=set(labels.values()),
                          present={labels[m] for m in attended if m in labels},
                          regime=sitting.assembly.regime)
    by_label = {v: k for k, v in labels.items()}
    valid = {by_label[mandator]: by_label[holder] for mandator, holder in check.valid.items()
             if mandator in by_label and holder in by_label}
    late = {p.mandator_id: p.holder_id for p in proxies if p.mandator_id in attended}
    refusals = [{"message": e.message, "article": e.article} for e in check.errors]
    return valid, late, refusals


def _names(ids, members_by_id: dict) -> list[str]:
    names = []
    for raw in ids or []:
        try:
            key = int(raw)
        except (TypeError, ValueError):
            key = raw
        member = members_by_id.get(key)
        names.append(member_name(member) if member is not None else _("membre n° %(id)s") % {"id": raw})
    return names


def _ballot(ballot: Ballot, members_by_id: dict, votes_by_ballot: dict) -> dict:
    public = ballot.method in PUBLIC_METHODS
    requesters = ballot.requesters if isinstance(ballot.requesters, dict) else {}
    data = {
        "id": ballot.pk,
        "method": ballot.method,
        "method_label": Ballot.Method(ballot.method).label if ballot.method in Ballot.Method.values else ballot.method,
        "round": ballot.round,
        "public": public,
        "secret": ballot.method == Ballot.Method.SECRET,
        "requests": {
            "public": _names(requesters.get("public"), members_by_id),
            "secret": _names(requesters.get("secret"), members_by_id),
            "public_count": ballot.public_requests or len(requesters.get("public") or []),
            "secret_count": ballot.secret_requests or len(requesters.get("secret") or []),
        },
        "opened_at": _time_text(ballot.opened_at), "closed_at": _time_text(ballot.closed_at),
        "present": ballot.present, "represented": ballot.represented,
        "pour": ballot.pour, "contre": ballot.contre, "abstention": ballot.abstention, "nppv": ballot.nppv,
        "exprimes": ballot.pour + ballot.contre,
        "outcome": ballot.outcome, "outcome_label": outcome_label(ballot.outcome),
        "casting_vote_used": ballot.casting_vote_used,
        "elected": ballot.elected,
        "votes": [],
        "groups": [],
        "rounds": [],
        "non_voters": [],
        "closed": ballot.state == Ballot.State.CLOSED,
    }
    if public:
        votes = []
        for vote in votes_by_ballot.get(ballot.pk, []):
            member = members_by_id.get(vote.member_id) or vote.member
            votes.append({
                "sort": (member.last_name.casefold(), member.first_name.casefold()),
                "member": member_name(member),
                "group": member.group.short_name if member.group_id else "",
                "value": vote.value,
                "value_label": VoteValue(vote.value).label if vote.value in tuple(VoteValue) else vote.value,
                "cast_by": member_name(vote.cast_by) if vote.cast_by_id != vote.member_id else "",
                "choice": vote.choice,
            })
        votes.sort(key=lambda v: v.pop("sort"))
        data["votes"] = votes
        if ballot.method == Ballot.Method.BY_GROUP:
            groups: dict[str, dict] = {}
            for v in votes:
                g = groups.setdefault(v["group"] or _("Sans groupe"), {"group": v["group"] or _("Sans groupe"),
                                                                         "pour": 0, "contre": 0, "abstention": 0,
                                                                         "nppv": 0})
                if v["value"] in g:
                    g[v["value"]] += 1
            data["groups"] = sorted(groups.values(), key=lambda g: g["group"])
    results = ballot.results if isinstance(ballot.results, dict) else {}
    rounds = results.get("rounds")  # imported sittings: every round of the appointment on one ballot
    if not isinstance(rounds, list) and isinstance(results.get("round_result"), dict) and results["round_result"]:
        rounds = [{**results["round_result"], "round": ballot.round}]  # live sittings: one ballot per round
    non_voters = results.get("non_voters")
    if public and isinstance(non_voters, list):
        data["non_voters"] = [str(n) for n in non_voters]
    if isinstance(rounds, list):
        for n, r in enumerate(rounds, start=1):
            if not isinstance(r, dict):
                continue
            counts = r.get("counts") if isinstance(r.get("counts"), dict) else {}
            data["rounds"].append({
                "round": r.get("round", n),
                "counts": [{"candidate": str(k), "votes": v} for k, v in
                           sorted(counts.items(), key=lambda kv: (-int(kv[1] or 0), str(kv[0])))],
                "exprimes": r.get("exprimes"), "blank": r.get("blank"),
                "majority_needed": r.get("majority_needed"), "elected": r.get("elected") or "",
                "tied": [str(t) for t in r.get("tied") or []],
            })
    return data


def build_body(sitting: Sitting, previous: dict | None = None) -> dict:
    """The structured procès-verbal of ``sitting``. ``previous`` is the stored body: its
    introduction, conclusion, import notes and debate summaries are kept (regeneration only
    redoes the factual part)."""
    previous = previous or {}
    sitting = (Sitting.objects.select_related("assembly", "authority", "president", "president__group")
               .get(pk=sitting.pk))
    members = sitting_members(sitting, roll_call_only=isinstance(previous.get("import"), dict))
    members_by_id = {m.pk: m for m in members}
    for extra in [sitting.president, *sitting.secretaries.all()]:
        if extra is not None:
            members_by_id.setdefault(extra.pk, extra)
    labels = _unique_labels(members_by_id)
    presence = _Presence(sitting, [m.pk for m in members])
    items = list(sitting.items.select_related("act", "motion", "rapporteur").order_by("position", "pk"))

    # Opening: who was in the room when the president opened the sitting.
    opening_moment = sitting.opened_at
    present_at_opening = presence.present_set(opening_moment, opening=True)
    if not present_at_opening and opening_moment is not None:
        starts = [i.debate_started_at for i in items if i.debate_started_at]
        present_at_opening = presence.present_set(min(starts) if starts else None, opening=True)

    valid_proxies, late_proxies, refusals = _proxies(sitting, members_by_id, presence, labels)
    present, represented, absent = [], [], []
    for m in members:
        ref = _member_ref(m)
        if presence.attended(m.pk):
            moves = []
            for at, kind in presence.movements(m.pk):
                moves.append({"kind": kind, "at": _time_text(at)})
            a = presence.attendance.get(m.pk)
            if not moves and a is not None:
                if a.arrived_at and sitting.opened_at and a.arrived_at > sitting.opened_at:
                    moves.append({"kind": "arrive", "at": _time_text(a.arrived_at)})
                if a.left_at:
                    moves.append({"kind": "leave", "at": _time_text(a.left_at)})
            if moves and moves[0]["kind"] == "arrive" and m.pk in present_at_opening:
                moves = moves[1:]  # the arrival at the roll call is not a movement
            holder = late_proxies.get(m.pk)
            present.append({**ref, "movements": moves,
                            "proxy_to": member_name(members_by_id[holder]) if holder in members_by_id else ""})
        elif m.pk in valid_proxies:
            represented.append({**ref, "holder": member_name(members_by_id[valid_proxies[m.pk]])})
        else:
            a = presence.attendance.get(m.pk)
            absent.append({**ref, "excused": a is not None and a.status == Attendance.Status.EXCUSED})

    convocation = (Convocation.objects.filter(sitting=sitting, kind=Convocation.Kind.CONVOCATION,
                                              sent_at__isnull=False).order_by("sent_at").first())
    previous_items = {str(i.get("id")): i for i in previous.get("items", []) if isinstance(i, dict)}
    withdrawals = defaultdict(list)
    for w in (Withdrawal.objects.filter(item__sitting=sitting).select_related("member")
              .order_by("member__last_name", "member__first_name", "pk")):
        withdrawals[w.item_id].append(w)
    ballots = defaultdict(list)
    all_ballots = list(Ballot.objects.filter(item__sitting=sitting).order_by("pk"))
    for b in all_ballots:
        ballots[(b.item_id, b.amendment_id)].append(b)
    votes_by_ballot = defaultdict(list)
    public_ids = [b.pk for b in all_ballots if b.method in PUBLIC_METHODS]
    if public_ids:
        for v in Vote.objects.filter(ballot_id__in=public_ids).select_related("member", "member__group", "cast_by"):
            votes_by_ballot[v.ballot_id].append(v)

    body_items = []
    for item in items:
        # The quorum of a deliberation is the one at its vote (L2121-17): a member who left
        # during the debate is not counted; without a vote, the quorum when the item was called.
        moment = min((b.opened_at for b in ballots.get((item.pk, None), []) if b.opened_at),
                     default=None) or item.debate_started_at
        item_withdrawals = withdrawals.get(item.pk, [])
        withdrawn_ids = {w.member_id for w in item_withdrawals}
        in_room = presence.present_set(moment) - withdrawn_ids
        taken_up = moment is not None or item.state not in NOT_TAKEN_UP
        summary = (clean_text(item.debate_summary)
                   or clean_text(previous_items.get(str(item.pk), {}).get("debate_summary")))
        body_items.append({
            "id": item.pk,
            "position": item.position,
            "number": item.number,
            "section": item.section,
            "kind": item.kind,
            "kind_label": AgendaItem.Kind(item.kind).label if item.kind in AgendaItem.Kind.values else item.kind,
            "title": item.title,
            "reference": item.act.reference if item.act_id else (item.motion.number if item.motion_id else ""),
            "rapporteur": member_name(item.rapporteur) if item.rapporteur_id else "",
            "state": item.state,
            "state_label": AgendaItem.State(item.state).label if item.state in AgendaItem.State.values else item.state,
            "debate_started_at": _time_text(item.debate_started_at),
            "debate_ended_at": _time_text(item.debate_ended_at),
            "opinions": [
                {"committee": o.committee.name, "opinion": o.opinion,
                 "opinion_label": o.get_opinion_display(), "note": o.note,
                 "given_on": french_date(o.given_on) if o.given_on else ""}
                for o in item.opinions.select_related("committee").order_by("pk")
            ],
            "withdrawals": [
                {"member": member_name(w.member), "kind": w.kind, "kind_label": w.get_kind_display(),
                 "reason": w.reason}
                for w in item_withdrawals
            ],
            "quorum": _quorum(sitting, len(in_room)) if taken_up else None,
            "amendments": [
                {"number": a.number, "group": a.group.name if a.group_id else "", "target": a.target,
                 "new_text": a.new_text, "explanation": a.explanation, "state": a.state,
                 "state_label": a.get_state_display(),
                 "ballots": [_ballot(b, members_by_id, votes_by_ballot) for b in ballots.get((item.pk, a.pk), [])]}
                for a in item.amendments.select_related("group").order_by("number", "pk")
            ],
            "ballots": [_ballot(b, members_by_id, votes_by_ballot) for b in ballots.get((item.pk, None), [])],
            "debate_summary": summary,
        })

    texts = previous.get("texts") if isinstance(previous.get("texts"), dict) else {}
    body = {
        "version": BODY_VERSION,
        "generated_at": timezone.now().isoformat(),
        "authority": sitting.authority.name,
        "assembly": sitting.assembly.name,
        "sitting": {
            "slug": sitting.slug,
            "date": sitting.date.isoformat(),
            "date_text": french_date(sitting.date),
            "scheduled_time": (f"{sitting.start_time.hour} h {sitting.start_time.minute:02d}"
                               if sitting.start_time else ""),
            "place": sitting.place,
            "public": sitting.public,
            "urgency": sitting.urgency,
            "second_convocation": sitting.second_convocation,
            "state": sitting.state,
            "state_label": sitting.get_state_display(),
            "opened_at": _time_text(sitting.opened_at),
            "closed_at": _time_text(sitting.closed_at),
            "opened_at_iso": _iso(sitting.opened_at),
            "closed_at_iso": _iso(sitting.closed_at),
            "convocation_sent_on": french_date(timezone.localtime(convocation.sent_at).date()) if convocation else "",
        },
        "president": member_name(sitting.president) if sitting.president_id else "",
        "secretaries": [member_name(m) for m in sitting.secretaries.order_by("last_name", "first_name")],
        "members_in_office": in_office(sitting),
        "present": present,
        "represented": represented,
        "absent": absent,
        "proxy_refusals": refusals,
        "quorum": {"opening": _quorum(sitting, len(present_at_opening))},
        "agenda": [{"position": i.position, "section": i.section, "title": i.title,
                    "reference": i.act.reference if i.act_id else ""} for i in items],
        "items": body_items,
        "texts": {"introduction": clean_text(texts.get("introduction")),
                  "conclusion": clean_text(texts.get("conclusion"))},
    }
    if isinstance(previous.get("import"), dict):
        body["import"] = previous["import"]
    return json.loads(json.dumps(body, default=str))  # lazy labels become plain strings


def _unique_labels(members_by_id: dict) -> dict:
    """A readable, unique label per member (the rules speak of members by identifier)."""
    labels, seen = {}, defaultdict(int)
    for m in members_by_id.values():
        seen[member_name(m)] += 1
    for pk, m in members_by_id.items():
        name = member_name(m)
        labels[pk] = name if seen[name] == 1 else f"{name} (n° {pk})"
    return labels


# --- The list of deliberations (L2121-25) ------------------------------------------------------

def list_deadline(sitting: Sitting) -> datetime.date:
    """The day by which the list of deliberations must be online: one week after the sitting."""
    return sitting.date + datetime.timedelta(days=LIST_DELAY_DAYS)


def deliberations_list(sitting: Sitting) -> dict:
    """Date and object of every item examined, with its order number and what was decided."""
    items = []
    for item in sitting.items.filter(state__in=EXAMINED_STATES).select_related("act", "motion").order_by(
            "position", "pk"):
        items.append({
            "number": item.number,
            "position": item.position,
            "reference": item.act.reference if item.act_id else (item.motion.number if item.motion_id else ""),
            "title": item.title,
            "kind_label": AgendaItem.Kind(item.kind).label if item.kind in AgendaItem.Kind.values else item.kind,
            "state": item.state,
            "state_label": AgendaItem.State(item.state).label,
        })
    return json.loads(json.dumps({
        "authority": sitting.authority.name,
        "assembly": sitting.assembly.name,
        "date": sitting.date.isoformat(),
        "date_text": french_date(sitting.date),
        "items": items,
    }, default=str))


# --- PDF -------------------------------------------------------------------------------------

TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
_local = threading.local()


def _compiler(name: str) -> typst.Compiler:
    compilers = getattr(_local, "compilers", None)
    if compilers is None:
        compilers = _local.compilers = {}
    if name not in compilers:
        compilers[name] = typst.Compiler(str(TEMPLATE_DIR / name), root=str(TEMPLATE_DIR), ignore_system_fonts=True)
    return compilers[name]


def _render(template: str, data: dict) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return _compiler(template).compile(format="pdf", sys_inputs={"data": payload})
    except typst.TypstError as exc:
        raise RenderError(f"{exc.message} {exc.diagnostic}".strip()) from exc


def minutes_labels() -> dict:
    """The French words of the PDF (the template has no text of its own)."""
    return {
        "title": _("Procès-verbal"),
        "draft": _("Projet — non adopté"),
        "sitting_of": _("Séance du"),
        "page": _("page"),
        "opening": _("Ouverture de la séance"),
        "opened_at": _("Séance ouverte à"),
        "closed_at": _("Séance levée à"),
        "scheduled": _("convoquée à"),
        "place": _("Lieu"),
        "convocation": _("Convocation adressée le"),
        "president": _("Présidence"),
        "secretaries": _("Secrétaire(s) de séance"),
        "in_office": _("Membres en exercice"),
        "present": _("Présents"),
        "represented": _("Représentés"),
        "absent": _("Absents"),
        "excused": _("excusé(e)"),
        "holder": _("pouvoir à"),
        "arrive": _("arrivé(e) à"),
        "leave": _("parti(e) à"),
        "proxy_after": _("pouvoir à %s après son départ"),
        "quorum": _("Quorum"),
        "quorum_met": _("atteint"),
        "quorum_not_met": _("non atteint"),
        "quorum_none": _("non requis (seconde convocation)"),
        "required": _("requis"),
        "present_count": _("présents"),
        "agenda": _("Ordre du jour"),
        "items": _("Affaires examinées"),
        "rapporteur": _("Rapporteur"),
        "opinions": _("Avis des commissions"),
        "withdrawals": _("Retraits (conflit d'intérêts)"),
        "amendments": _("Amendements"),
        "amendment": _("Amendement n°"),
        "ballot": _("Vote"),
        "requests": _("Demandes de scrutin particulier"),
        "public_request": _("Scrutin public demandé par"),
        "secret_request": _("Scrutin secret demandé par"),
        "pour": _("Pour"),
        "contre": _("Contre"),
        "abstention": _("Abstention"),
        "nppv": _("Ne prend pas part au vote"),
        "exprimes": _("Suffrages exprimés"),
        "result": _("Résultat"),
        "casting": _("Partage égal des voix : la voix du président de séance a été prépondérante."),
        "names": _("Votes nominatifs"),
        "by": _("par"),
        "secret_note": _("Scrutin secret : seuls les totaux sont consignés."),
        "round": _("Tour"),
        "blank": _("blancs ou nuls"),
        "majority": _("majorité requise"),
        "elected": _("Désigné(e)"),
        "debates": _("Débats"),
        "no_debate": _("(synthèse des débats à rédiger)"),
        "introduction": _("Introduction"),
        "conclusion": _("Conclusion"),
        "signatures": _("Signatures"),
        "sign_president": _("Le président de séance"),
        "sign_secretary": _("Le(s) secrétaire(s) de séance"),
        "adopted_on": _("Adopté en séance du"),
        "represented_count": _("représentés"),
        "import_notes": _("Irrégularités relevées à l'import du relevé"),
        "proxy_refusals": _("Pouvoirs non retenus"),
        "none": _("néant"),
        "state": _("Suite donnée"),
        "group": _("Groupe"),
        "non_voters": _("N'ont pas pris part au vote électronique"),
    }


def render_minutes_pdf(minutes) -> bytes:
    """PDF of the procès-verbal from its stored body (marked as a draft until adopted)."""
    body = minutes.body or {}
    data = {
        **body,
        "adopted": minutes.current_state == minutes.State.ADOPTED,
        "adopted_on": _adoption_sitting_date(minutes),
        "labels": minutes_labels(),
    }
    data.setdefault("sitting", {})
    data.setdefault("items", [])
    return _render("minutes.typ", data)


def _adoption_sitting_date(minutes) -> str:
    item = minutes.adopted_at_item
    return french_date(item.sitting.date) if item is not None else ""


def render_list_pdf(sitting: Sitting) -> bytes:
    data = deliberations_list(sitting)
    data["labels"] = {
        "title": _("Liste des délibérations"), "sitting_of": _("Séance du"), "number": _("N° d'ordre"),
        "object": _("Objet"), "decision": _("Décision"), "article": _("Article L2121-25 du CGCT"),
        "page": _("page"), "empty": _("Aucune affaire examinée."),
    }
    return _render("minutes_list.typ", data)
