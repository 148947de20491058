"""The secretariat's console during the sitting: /seances/<slug>/console/ (opening, roll call,
proxies, officers, quorum, the agenda) and /seances/<slug>/console/point/<pk>/ (one item:
debate, speaker, withdrawals, amendments, putting to the vote).

Each form posts an ``op`` to the page that shows it; the view parses it, calls one action of
``sittings.actions`` and redirects. A refused action re-renders the page with the message
and everything that was typed.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles
from hemicycle.core.roles import Role
from hemicycle.organisation.models import PoliticalGroup

from ..actions import live, votes
from ..models import AgendaItem, Attendance, Ballot, Sitting, Withdrawal

SITTING_RELATED = ("assembly", "authority", "current_item", "president")


def get_sitting(request, slug: str) -> Sitting:
    return for_authority(Sitting.objects.select_related(*SITTING_RELATED), request, slug=slug)


def get_item(sitting: Sitting, pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("act", "motion", "rapporteur"), sitting=sitting, pk=pk)


def member_from(sitting: Sitting, value, *, required: bool = True):
    """A member of the sitting's assembly from a posted id (ValidationError otherwise)."""
    if value in (None, ""):
        if required:
            raise ValidationError(_("Choisissez un élu."))
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Élu inconnu.")) from None
    member = sitting.assembly.members().filter(pk=pk).first()
    if member is None:
        raise ValidationError(_("Cet élu ne siège pas dans cette assemblée."))
    return member


def members_from(sitting: Sitting, values) -> list:
    return [member_from(sitting, v) for v in values if v not in (None, "")]


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Action non autorisée.")


# --- The console -----------------------------------------------------------------------------

def console_context(request, sitting: Sitting, **extra) -> dict:
    members = live.assembly_members(sitting)
    member_ids = {m.pk for m in members}
    attendance = {a.member_id: a for a in sitting.attendances.all()}
    present = {pk for pk, a in attendance.items() if a.status == Attendance.Status.PRESENT and pk in member_ids}
    proxy_state = live.proxies(sitting, present=present, members=members)
    gives = {row.proxy.mandator_id: row for row in proxy_state.rows}
    holds = {}
    for row in proxy_state.rows:
        holds.setdefault(row.proxy.holder_id, []).append(row)
    roll = [{"member": m, "attendance": attendance.get(m.pk),
             "status": attendance[m.pk].status if m.pk in attendance else "",
             "gives": gives.get(m.pk), "holds": holds.get(m.pk, [])} for m in members]
    items = list(sitting.items.select_related("act", "motion", "rapporteur")
                 .prefetch_related("concerns", "withdrawals"))
    agenda = [{"item": i, "flags": live.conflicts(i, members=members)} for i in items]
    started = sitting.state in live.LIVE_STATES
    return {
        "title": _("Console de séance — %(sitting)s") % {"sitting": sitting},
        "sitting": sitting, "members": members, "roll": roll, "present_count": len(present),
        "quorum": live.quorum(sitting, present=present),
        "item_quorum": live.quorum(sitting, sitting.current_item, present=present) if sitting.current_item else None,
        "proxy_rows": proxy_state.rows, "agenda": agenda, "started": started,
        "can_open": sitting.state in (Sitting.State.PLANNED, Sitting.State.CONVENED),
        "before_the_day": timezone.localdate() < sitting.date,
        "convened": live.convened(sitting),
        "secretaries": list(sitting.secretaries.all()),
        "events": sitting.attendance_events.select_related("member", "during_item").order_by("at", "pk"),
        "open_ballot": live.open_ballot_of(sitting),
        "statuses": Attendance.Status,
        "posted": extra.pop("posted", None),
        **extra,
    }


def _console_op(request, sitting: Sitting, op: str) -> str:
    """Run one console operation; returns the success message."""
    user, data = request.user, request.POST
    if op == "open":
        state = live.open_sitting(user, sitting)
        return _("La séance est ouverte. %(quorum)s") % {"quorum": state.message}
    if op == "no_quorum":
        live.record_no_quorum(user, sitting)
        return _("Absence de quorum constatée : la séance n'a pas lieu ; convoquez à nouveau (L2121-17).")
    if op == "suspend":
        live.suspend_sitting(user, sitting)
        return _("La séance est suspendue.")
    if op == "resume":
        state = live.resume_sitting(user, sitting)
        return _("La séance reprend. %(quorum)s") % {"quorum": state.message}
    if op == "close":
        live.close_sitting(user, sitting, postpone_remaining=bool(data.get("postpone_remaining")))
        return _("La séance est levée.")
    if op == "attendance":
        member = member_from(sitting, data.get("member"))
        attendance = live.set_attendance(user, sitting, member, data.get("status", ""))
        return _("%(member)s : %(status)s.") % {"member": member, "status": attendance.get_status_display().lower()}
    if op == "officers":
        live.set_officers(user, sitting, president=member_from(sitting, data.get("president")),
                          secretaries=members_from(sitting, data.getlist("secretaries")))
        return _("Bureau de la séance enregistré.")
    if op == "speaker":
        live.set_speaker(user, sitting, data.get("speaker_text", ""),
                         member_from(sitting, data.get("speaker_member"), required=False))
        return _("Orateur affiché.")
    if op == "take_up":
        item = get_item(sitting, _int(data.get("item")))
        state = live.take_up_item(user, item)
        if not state.met:
            messages.warning(request, blocked(state))
        return _("Point n° %(n)s appelé.") % {"n": item.position}
    raise ValidationError(_("Opération inconnue."))


def blocked(state) -> str:
    return _("%(quorum)s Ce point ne peut pas être mis aux voix.") % {"quorum": state.message}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Valeur invalide.")) from None


@roles(Role.SECRETARIAT)
def console(request, slug):
    sitting = get_sitting(request, slug)
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            message = _console_op(request, sitting, op)
        except (ValidationError, PermissionDenied) as exc:
            sitting = get_sitting(request, slug)
            return render(request, "sittings/live_console.html",
                          console_context(request, sitting, error=error_text(exc), posted=request.POST),
                          status=403 if isinstance(exc, PermissionDenied) else 400)
        messages.success(request, message)
        if op == "take_up":
            return redirect("sittings:live_item", slug=sitting.slug, pk=_int(request.POST.get("item")))
        anchor = {"attendance": "#appel", "officers": "#bureau", "speaker": "#orateur"}.get(op, "")
        return redirect(reverse("sittings:live_console", kwargs={"slug": sitting.slug}) + anchor)
    return render(request, "sittings/live_console.html", console_context(request, sitting))


# --- One item --------------------------------------------------------------------------------

def item_context(request, sitting: Sitting, item: AgendaItem, **extra) -> dict:
    posted = extra.pop("posted", None)
    members = live.assembly_members(sitting)
    present = live.present_ids(sitting)
    withdrawn = live.withdrawn_ids(item)
    in_room = [m for m in members if m.pk in present and m.pk not in withdrawn]
    method = (posted.get("method") if posted else "") or ""
    public = [v for v in map(_safe_int, posted.getlist("public")) if v is not None] if posted else []
    secret = [v for v in map(_safe_int, posted.getlist("secret")) if v is not None] if posted else []
    unanimous = bool(posted.get("unanimous_open_vote")) if posted else False
    proposal = votes.propose(sitting, item, public=public, secret=secret,
                             appointment=method == Ballot.Method.APPOINTMENT, unanimous_open_vote=unanimous)
    amendments = list(item.amendments.select_related("group", "member").prefetch_related("ballots"))
    for a in amendments:
        a.target_label = votes.describe_target(a.target)
        a.closed_ballot = next((b for b in a.ballots.all() if b.state == Ballot.State.CLOSED), None)
    ballots = list(item.ballots.select_related("amendment").order_by("pk"))
    flags = live.conflicts(item, members=members)
    return {
        "title": _("Point n° %(n)s — %(title)s") % {"n": item.position, "title": item.title},
        "sitting": sitting, "item": item, "members": members, "in_room": in_room,
        "quorum": live.quorum(sitting, item, present=present),
        "flags": flags, "withdrawals": item.withdrawals.select_related("member"),
        "withdrawal_kinds": Withdrawal.Kind.choices,
        "amendments": amendments, "filed_amendments": [a for a in amendments if a.state == a.State.FILED],
        "ballots": ballots, "open_ballot": next((b for b in ballots if b.state == Ballot.State.OPEN), None),
        "sitting_open_ballot": live.open_ballot_of(sitting),
        "proposal": proposal, "methods": Ballot.Method.choices,
        "selected_method": _selected_method(method, proposal, computed=extra.get("computed", False)),
        "public_ids": set(public), "secret_ids": set(secret),
        "candidate_ids": {_safe_int(v) for v in posted.getlist("candidates")} if posted else set(),
        "groups": PoliticalGroup.objects.filter(authority=sitting.authority),
        "parts": votes.PARTS, "is_current": sitting.current_item_id == item.pk,
        "undecided": item.state in live.UNDECIDED_ITEM_STATES,
        "votable": item.kind not in live.NO_VOTE_KINDS,
        "appointment_rounds": [b for b in ballots if b.method == Ballot.Method.APPOINTMENT],
        "posted": posted,
        **extra,
    }


def _selected_method(posted: str, proposal, *, computed: bool) -> str:
    """The form of vote shown selected: what was posted, except after « Calculer le scrutin
    requis » when the requests exclude it — then the form they impose (a browser always posts
    the select's value, « à main levée » by default)."""
    if not posted or (computed and posted not in proposal.allowed):
        return proposal.method
    return posted


def _safe_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _amendment_target(data) -> tuple[str, str]:
    part = data.get("part", "")
    operation = data.get("operation", "replace")
    text = data.get("new_text", "")
    if operation == "add":
        return f"{part}:new", text
    where = (data.get("index") or "").strip()
    if not where:
        raise ValidationError(_("Indiquez le numéro de la partie modifiée."))
    if operation == "delete":
        return f"{part}:{where}", ""
    if not text.strip():
        raise ValidationError(_("Saisissez la nouvelle rédaction (ou choisissez « supprimer »)."))
    return f"{part}:{where}", text


def other_candidates(text: str) -> list[tuple[str, datetime.date | None]]:
    """Candidates who do not sit in the assembly, one a line: "Name" or "Name ; dd/mm/yyyy"
    (the birth date decides a tie at the third round)."""
    found = []
    for n, line in enumerate((text or "").splitlines(), 1):
        name, _sep, born = line.partition(";")
        if not name.strip() and not born.strip():
            continue
        if not name.strip():
            raise ValidationError(_("Candidats extérieurs, ligne %(n)s : indiquez le nom.") % {"n": n})
        day = None
        if born.strip():
            try:
                day = datetime.datetime.strptime(born.strip(), "%d/%m/%Y").date()
            except ValueError:
                raise ValidationError(_("Candidats extérieurs, ligne %(n)s : date de naissance « %(d)s » invalide "
                                        "(jj/mm/aaaa).") % {"n": n, "d": born.strip()}) from None
        found.append((name, day))
    return found


def _item_op(request, sitting: Sitting, item: AgendaItem, op: str):
    """Run one item operation; returns (message, redirect url or None)."""
    user, data = request.user, request.POST
    if op == "take_up":
        state = live.take_up_item(user, item)
        if not state.met:
            messages.warning(request, blocked(state))
        return _("Point appelé : débat ouvert."), None
    if op == "end_debate":
        live.end_debate(user, item)
        return _("Fin des débats enregistrée."), None
    if op == "rapporteur":
        live.set_rapporteur(user, item, member_from(sitting, data.get("rapporteur"), required=False))
        return _("Rapporteur enregistré."), None
    if op == "speaker":
        live.set_speaker(user, sitting, data.get("speaker_text", ""),
                         member_from(sitting, data.get("speaker_member"), required=False))
        return _("Orateur affiché."), None
    if op == "withdrawal":
        member = member_from(sitting, data.get("member"))
        live.record_withdrawal(user, item, member, kind=data.get("kind", Withdrawal.Kind.LEFT_ROOM),
                               reason=data.get("reason", ""))
        return _("Retrait de %(member)s enregistré.") % {"member": member}, None
    if op == "cancel_withdrawal":
        member = member_from(sitting, data.get("member"))
        live.cancel_withdrawal(user, item, member)
        return _("Retrait de %(member)s annulé.") % {"member": member}, None
    if op == "postpone":
        live.postpone_item(user, item, reason=data.get("reason", ""), no_quorum=bool(data.get("no_quorum")))
        return _("Point reporté."), None
    if op == "withdraw":
        live.withdraw_item(user, item, reason=data.get("reason", ""))
        return _("Point retiré de l'ordre du jour."), None
    if op == "note":
        live.note_item(user, item)
        return _("L'assemblée prend acte."), None
    if op == "amendment":
        target, text = _amendment_target(data)
        number = (data.get("number") or "").strip()
        group = None
        if data.get("group"):
            group = PoliticalGroup.objects.filter(authority=sitting.authority, pk=_safe_int(data["group"])).first()
            if group is None:
                raise ValidationError(_("Groupe inconnu."))
        amendment = votes.file_amendment(user, item, target=target, new_text=text,
                                         number=_int(number) if number else None, group=group,
                                         explanation=data.get("explanation", ""),
                                         member=member_from(sitting, data.get("member"), required=False))
        return _("Amendement n° %(n)s déposé.") % {"n": amendment.number}, None
    if op == "amendment_withdraw":
        amendment = get_object_or_404(item.amendments, pk=_safe_int(data.get("amendment")))
        votes.withdraw_amendment(user, amendment)
        return _("Amendement n° %(n)s retiré.") % {"n": amendment.number}, None
    if op == "open":
        amendment = None
        if data.get("subject", "item") != "item":
            amendment = get_object_or_404(item.amendments, pk=_safe_int(data.get("subject")))
        ballot = votes.open_ballot(
            user, item, method=data.get("method", ""),
            public_requesters=[v for v in map(_safe_int, data.getlist("public")) if v is not None],
            secret_requesters=[v for v in map(_safe_int, data.getlist("secret")) if v is not None],
            amendment=amendment, candidates=members_from(sitting, data.getlist("candidates")),
            other_candidates=(other_candidates(data.get("other_candidates", ""))
                              if data.get("method") == Ballot.Method.APPOINTMENT else ()),
            unanimous_open_vote=bool(data.get("unanimous_open_vote")),
            confirm_no_conflict=bool(data.get("confirm_no_conflict")))
        return (_("Vote ouvert (%(method)s).") % {"method": ballot.get_method_display().lower()},
                reverse("sittings:live_ballot", kwargs={"slug": sitting.slug, "pk": ballot.pk}))
    raise ValidationError(_("Opération inconnue."))


@roles(Role.SECRETARIAT)
def item_page(request, slug, pk):
    sitting = get_sitting(request, slug)
    item = get_item(sitting, pk)
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "compute":  # show which ballot the requests impose, keeping the form as typed
            return render(request, "sittings/live_item.html",
                          item_context(request, sitting, item, posted=request.POST, computed=True))
        try:
            message, url = _item_op(request, sitting, item, op)
        except (ValidationError, PermissionDenied) as exc:
            sitting = get_sitting(request, slug)
            item = get_item(sitting, pk)
            return render(request, "sittings/live_item.html",
                          item_context(request, sitting, item, error=error_text(exc), posted=request.POST),
                          status=403 if isinstance(exc, PermissionDenied) else 400)
        messages.success(request, message)
        return redirect(url or reverse("sittings:live_item", kwargs={"slug": sitting.slug, "pk": item.pk}))
    return render(request, "sittings/live_item.html", item_context(request, sitting, item))
