"""Votes: the secretariat's ballot page /seances/<slug>/vote/<pk>/ (entering the result in the
ballot's form, following an electronic vote, closing), and the members' voting page
/seances/<slug>/voter/ with its small state endpoint voter.json for the device to refresh.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hemicycle.core.access import roles
from hemicycle.core.roles import Role
from hemicycle.rules.outcome import Vote as VoteValue

from ..actions import live, votes
from ..models import Ballot, Sitting
from .live import error_text, get_sitting
from .screen import cached_payload, stream_url

VOTE_CHOICES = [(v.value, v.label) for v in VoteValue]
OUTCOME_LABELS = {"adopted": _("Adopté"), "rejected": _("Rejeté"), "elected": _("Élu(e)"),
                  "not_elected": _("Pas d'élu à ce tour")}


def get_ballot(sitting: Sitting, pk: int) -> Ballot:
    return get_object_or_404(Ballot.objects.select_related("item__act", "item__motion", "amendment"),
                             item__sitting=sitting, pk=pk)


def ballot_context(request, sitting: Sitting, ballot: Ballot, **extra) -> dict:
    posted = extra.pop("posted", None)
    members = live.assembly_members(sitting)
    by_id = {m.pk: m for m in members}
    labels = live.labels_for(members)
    usable = live.voters(sitting, ballot.item, members=members) if ballot.state == Ballot.State.OPEN else []
    cast = {v.member_id: v for v in ballot.votes.select_related("member", "cast_by")}
    rows = [{"voter": v, "label": labels[v.owner.pk], "vote": cast.get(v.owner.pk),
             "posted": posted.get(f"vote_{v.owner.pk}", "") if posted else "",
             "exception": posted.get(f"except_{v.owner.pk}", "") if posted else ""} for v in usable]
    groups = {}
    for v in usable:
        if v.owner.group_id:
            key, label = str(v.owner.group_id), f"{v.owner.group.name} ({v.owner.group.short_name})"
        else:
            key, label = votes.NO_GROUP, _("Non inscrits")
        groups.setdefault(key, {"key": key, "label": label, "count": 0,
                                "posted": posted.get(f"group_{key}", "") if posted else ""})
        groups[key]["count"] += 1
    candidates = [{"key": c.key, "label": c.label, "member": c.member,
                   "posted": posted.get(f"count_{c.key}", "") if posted else ""}
                  for c in votes.round_candidates(ballot.results, by_id, labels)]
    subject = (_("Amendement n° %(n)s") % {"n": ballot.amendment.number}) if ballot.amendment_id else ballot.item.title
    president_votes = any(v.owner.pk == sitting.president_id and not v.by_proxy for v in usable)
    return {
        "title": _("Vote — %(subject)s") % {"subject": subject},
        "sitting": sitting, "ballot": ballot, "item": ballot.item, "subject": subject,
        "rows": rows, "groups": list(groups.values()), "candidates": candidates,
        "voters_count": len(usable), "cast_count": len(cast),
        "cast_votes": sorted(cast.values(), key=lambda v: (v.member.last_name, v.member.first_name)),
        "vote_choices": VOTE_CHOICES, "president_votes": president_votes,
        "outcome_label": OUTCOME_LABELS.get(ballot.outcome, ""),
        "posted": posted, "M": Ballot.Method,
        **extra,
    }


def _close(request, ballot: Ballot) -> Ballot:
    data, user, method = request.POST, request.user, ballot.method
    if method in votes.TOTALS_METHODS:
        return votes.close_with_totals(user, ballot, pour=data.get("pour", ""), contre=data.get("contre", ""),
                                       abstention=data.get("abstention", ""), nppv=data.get("nppv", ""),
                                       president_vote=data.get("president_vote", ""))
    if method == Ballot.Method.ROLL_CALL:
        return votes.close_roll_call(user, ballot, votes=_prefixed(data, "vote_"))
    if method == Ballot.Method.BY_GROUP:
        positions = {k[len("group_"):]: v for k, v in data.items() if k.startswith("group_")}
        return votes.close_by_group(user, ballot, positions=positions, exceptions=_prefixed(data, "except_"))
    if method == Ballot.Method.ELECTRONIC:
        return votes.close_electronic(user, ballot)
    if method == Ballot.Method.APPOINTMENT:
        counts = {k[len("count_"):]: v for k, v in data.items() if k.startswith("count_")}
        return votes.close_appointment_round(user, ballot, counts=counts, blank=data.get("blank", ""))
    raise ValidationError(_("Mode de scrutin inconnu."))


def _prefixed(data, prefix: str) -> dict[int, str]:
    found = {}
    for key, value in data.items():
        if key.startswith(prefix):
            try:
                found[int(key[len(prefix):])] = value
            except ValueError:
                raise ValidationError(_("Formulaire invalide.")) from None
    return found


@roles(Role.SECRETARIAT)
def ballot_page(request, slug, pk):
    sitting = get_sitting(request, slug)
    ballot = get_ballot(sitting, pk)
    if request.method == "POST":
        op = request.POST.get("op", "close")
        try:
            if op == "cancel":
                votes.cancel_ballot(request.user, ballot)
                messages.success(request, _("Vote annulé."))
                return redirect("sittings:live_item", slug=sitting.slug, pk=ballot.item_id)
            ballot = _close(request, ballot)
        except (ValidationError, PermissionDenied) as exc:
            ballot = get_ballot(sitting, pk)
            return render(request, "sittings/live_ballot.html",
                          ballot_context(request, sitting, ballot, error=error_text(exc), posted=request.POST),
                          status=403 if isinstance(exc, PermissionDenied) else 400)
        label = OUTCOME_LABELS.get(ballot.outcome, ballot.outcome)
        messages.success(request, _("Vote clos : %(outcome)s.") % {"outcome": label.lower()})
        return redirect("sittings:live_ballot", slug=sitting.slug, pk=ballot.pk)
    context = ballot_context(request, sitting, ballot)
    if request.GET.get("fragment") == "tally":
        return render(request, "sittings/live_ballot_tally.html", context)
    return render(request, "sittings/live_ballot.html", context)


# --- The members' voting page ------------------------------------------------------------------

def member_of(request):
    try:
        member = request.user.member
    except ObjectDoesNotExist:
        member = None
    if member is None or member.authority_id != request.user.authority_id:
        raise PermissionDenied(_("Votre compte n'est pas rattaché à une fiche d'élu : demandez au secrétariat des "
                                 "assemblées de le relier."))
    return member


def current_electronic_ballot(sitting: Sitting):
    return (Ballot.objects.filter(item__sitting=sitting, method=Ballot.Method.ELECTRONIC)
            .select_related("item__act", "item__motion", "amendment").order_by("-pk").first())


def _cast(request, ballot, member) -> None:
    try:
        vote = votes.cast_vote(request.user, ballot, value=request.POST.get("value", ""),
                               for_member=request.POST.get("for_member") or None)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        who = "" if vote.member_id == member.pk else _(" pour %(m)s") % {"m": vote.member}
        messages.success(request, _("Vote enregistré%(who)s : %(value)s.") % {
            "who": who, "value": vote.get_value_display()})


@roles(Role.MEMBER)
def member_vote(request, slug):
    sitting = get_sitting(request, slug)
    member = member_of(request)
    ballot = current_electronic_ballot(sitting)
    if request.method == "POST":
        if ballot is None or str(ballot.pk) != request.POST.get("ballot"):
            messages.error(request, _("Ce vote n'est plus ouvert : votre vote n'a pas été enregistré."))
        else:
            _cast(request, ballot, member)
        if not request.htmx:
            return redirect("sittings:live_vote", slug=sitting.slug)
        ballot = current_electronic_ballot(sitting)  # the panel again, with the message, without a reload
    is_open = ballot is not None and ballot.state == Ballot.State.OPEN
    choices = votes.electronic_choices(sitting, member, ballot) if is_open else []
    subject = ""
    if ballot is not None:
        subject = (_("Amendement n° %(n)s — %(t)s") % {"n": ballot.amendment.number, "t": ballot.item.title}
                   if ballot.amendment_id else ballot.item.title)
    # With htmx (live.js when a ballot opens or closes, the vote buttons) only the panel is sent:
    # 163 devices asking at once must not each cost a whole page.
    template = "sittings/_live_vote_panel.html" if request.htmx else "sittings/live_vote.html"
    return render(request, template, {
        "fragment": bool(request.htmx),
        "title": _("Vote électronique — %(sitting)s") % {"sitting": sitting},
        "sitting": sitting, "member": member, "ballot": ballot, "is_open": is_open, "subject": subject,
        "choices": choices, "vote_choices": VOTE_CHOICES, "outcome_label": OUTCOME_LABELS.get(
            ballot.outcome if ballot else "", ""),
        "state_url": reverse("sittings:live_vote_state", kwargs={"slug": sitting.slug}),
        "stream_url": stream_url(sitting),
    })


@roles(Role.MEMBER)
def member_vote_state(request, slug):
    """What the member's device polls: the live version and the ballot under way (cheap: one
    query for the version, the payload cached per version)."""
    row = (Sitting.objects.filter(authority=request.authority, slug=slug).values_list("pk", "live_version").first()
           if request.authority else None)
    if row is None:
        return JsonResponse({"error": _("Séance introuvable.")}, status=404)
    member_of(request)
    payload = cached_payload(*row)
    ballot = payload.get("ballot") or {}
    return JsonResponse({"version": row[1], "ballot": ballot.get("id"), "state": ballot.get("state"),
                         "method": ballot.get("method")},
                        headers={"Cache-Control": "no-cache, private"})
