"""The public live screen of a sitting (/seances/<slug>/ecran/) and its JSON state
(/seances/<slug>/ecran.json), for the room, the website and the press.

Built for many viewers polling every second: the JSON endpoint reads only the sitting's
``live_version`` (one indexed query) and answers 304 when the viewer already has it; the
payload is built once per version and kept in Django's cache (locmem by default). Every live
action bumps ``live_version``. Sittings held in camera (huis clos) have no public screen.
In production most of these polls do not even reach this view: ``sittings.live_fastpath``
answers them in front of Django, with the same answers (304, or ``payload_body``).
"""

import json
import threading

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hemicycle.core.access import public

from ..actions import live
from ..models import AgendaItem, Ballot, Proxy, Sitting

CACHE_SECONDS = 600
OUTCOMES = {"adopted": "Adopté", "rejected": "Rejeté", "elected": "Élu(e)", "not_elected": "Pas d'élu à ce tour"}


def _sittings_for(request, slug: str):
    """Sittings this public URL may mean: ?collectivite=<authority slug>, else the visitor's own
    authority, else the only authority with a sitting of that slug."""
    qs = Sitting.objects.filter(slug=slug)
    authority_slug = request.GET.get("collectivite")
    if authority_slug:
        return qs.filter(authority__slug=authority_slug)
    if getattr(request, "authority", None) is not None:
        return qs.filter(authority=request.authority)
    return qs


def _one(rows):
    rows = list(rows[:2])
    return rows[0] if len(rows) == 1 else None


def cache_key(pk: int, version: int) -> str:
    return f"hemicycle:sittings:live:{pk}:{version}"


_building: dict[str, threading.Lock] = {}
_building_guard = threading.Lock()


def cached_payload(pk: int, version: int) -> dict:
    """The live state of the sitting at ``version``, built once and cached. When a vote changes
    the version, the many requests that ask for it at once in this process wait for a single
    build instead of each building it."""
    key = cache_key(pk, version)
    payload = cache.get(key)
    if payload is not None:
        return payload
    with _building_guard:
        lock = _building.setdefault(key, threading.Lock())
    try:
        with lock:
            payload = cache.get(key)
            if payload is None:
                payload = build_payload(Sitting.objects.select_related("assembly", "authority", "current_item")
                                        .get(pk=pk))
                payload["version"] = version
                cache.set(key, payload, CACHE_SECONDS)
    finally:
        with _building_guard:
            _building.pop(key, None)
    return payload


def payload_body(pk: int, version: int) -> bytes:
    """The JSON ``screen_json`` serves for the sitting at ``version``, as bytes, for
    ``sittings.live_fastpath``: the last one is kept per sitting in this process and served again
    while the version is unchanged."""
    served = latest_bodies.get(pk)
    if served is not None and served[0] == version:
        return served[1]
    body = json.dumps(cached_payload(pk, version), ensure_ascii=False).encode("utf-8")
    current = latest_bodies.get(pk)
    if current is None or current[0] <= version:
        latest_bodies[pk] = (version, body)
    return body


# The last JSON body served for each sitting, with its version, in this process.
latest_bodies: dict[int, tuple[int, bytes]] = {}


def _iso(value):
    return value.isoformat() if value else None


def voter_count(sitting: Sitting, item: AgendaItem) -> int:
    """``len(live.voters(sitting, item))``; without any proxy given for the sitting (the usual
    case) counted from ids alone, without loading the members: every vote cast bumps the
    version, so this runs once per vote in each server process."""
    if Proxy.objects.filter(sittings=sitting, revoked_at__isnull=True).exists():
        return len(live.voters(sitting, item))
    return len(live.present_ids(sitting) - live.withdrawn_ids(item))


def _ballot_payload(ballot: Ballot | None, sitting: Sitting) -> dict | None:
    if ballot is None:
        return None
    subject = f"Amendement n° {ballot.amendment.number}" if ballot.amendment_id else ballot.item.title
    data = {"id": ballot.pk, "state": ballot.state, "state_label": str(ballot.get_state_display()),
            "method": ballot.method, "method_label": str(ballot.get_method_display()), "subject": subject,
            "round": ballot.round if ballot.method == Ballot.Method.APPOINTMENT else None,
            "opened_at": _iso(ballot.opened_at), "closed_at": _iso(ballot.closed_at)}
    if ballot.state == Ballot.State.OPEN:
        if ballot.method == Ballot.Method.ELECTRONIC:
            data["votes_cast"] = ballot.votes.count()
            data["voters"] = voter_count(sitting, ballot.item)
        return data
    if ballot.method == Ballot.Method.APPOINTMENT:
        data["results"] = {"counts": ballot.results.get("counts", {}), "blank": ballot.results.get("blank", 0),
                           "elected": ballot.elected, "outcome": ballot.outcome,
                           "outcome_label": OUTCOMES.get(ballot.outcome, "")}
    else:
        data["results"] = {"pour": ballot.pour, "contre": ballot.contre, "abstention": ballot.abstention,
                           "nppv": ballot.nppv, "exprimes": ballot.pour + ballot.contre, "outcome": ballot.outcome,
                           "outcome_label": OUTCOMES.get(ballot.outcome, ""),
                           "casting_vote_used": ballot.casting_vote_used,
                           "reason": ballot.results.get("reason", "")}
    return data


def build_payload(sitting: Sitting) -> dict:
    """Everything the screen shows, as plain JSON data (no names of individual votes)."""
    item = sitting.current_item
    ballot = live.open_ballot_of(sitting)
    if ballot is None and item is not None:
        ballot = (item.ballots.filter(state=Ballot.State.CLOSED).select_related("item", "amendment")
                  .order_by("-closed_at", "-pk").first())
    state = live.quorum(sitting, item)
    item_data = None
    if item is not None:
        item = AgendaItem.objects.select_related("act", "motion", "rapporteur").get(pk=item.pk)
        item_data = {"position": item.position, "number": item.number, "title": item.title,
                     "kind": item.kind, "kind_label": str(item.get_kind_display()),
                     "reference": item.act.reference if item.act_id else (item.motion.number if item.motion_id else ""),
                     "state": item.state, "state_label": str(item.get_state_display()),
                     "rapporteur": live.member_label(item.rapporteur) if item.rapporteur_id else "",
                     "debate_started_at": _iso(item.debate_started_at)}
    decided = (sitting.items.filter(number__isnull=False).order_by("-number")[:5])
    return {
        "sitting": {"title": str(sitting), "date": sitting.date.isoformat(), "place": sitting.place,
                    "state": sitting.state, "state_label": str(sitting.get_state_display()),
                    "opened_at": _iso(sitting.opened_at), "closed_at": _iso(sitting.closed_at)},
        "speaker": sitting.speaker if sitting.state in live.LIVE_STATES else "",
        "item": item_data,
        "quorum": {"present": state.present, "required": state.required, "in_office": state.in_office,
                   "met": state.met, "message": state.message},
        "ballot": _ballot_payload(ballot, sitting),
        "decided": [{"number": i.number, "position": i.position, "title": i.title, "state": i.state,
                     "state_label": str(i.get_state_display())} for i in decided],
    }


def stream_url(sitting: Sitting) -> str:
    """The push channel of this sitting's live state (``hemicycle live_push``), or "" when none is
    configured or the sitting is held in camera: the pages then poll."""
    base = getattr(settings, "HEMICYCLE_LIVE_PUSH_URL", "")
    if not base or not sitting.public:
        return ""
    return f"{base}/seances/{sitting.slug}/ecran/flux?collectivite={sitting.authority.slug}"


HUIS_CLOS = gettext_lazy("Cette séance se tient à huis clos : elle n'a pas d'écran public.")


@public
def screen(request, slug):
    sitting = _one(_sittings_for(request, slug).select_related("assembly", "authority"))
    if sitting is None:
        raise Http404(_("Séance introuvable."))
    if not sitting.public:
        return render(request, "sittings/live_screen_closed.html",
                      {"title": _("Séance à huis clos"), "message": HUIS_CLOS}, status=404)
    payload = cached_payload(sitting.pk, sitting.live_version)
    json_url = reverse("sittings:live_screen_json", kwargs={"slug": sitting.slug})
    json_url += f"?collectivite={sitting.authority.slug}"
    return render(request, "sittings/live_screen.html", {
        "title": _("En direct — %(sitting)s") % {"sitting": sitting}, "sitting": sitting, "payload": payload,
        "json_url": json_url, "stream_url": stream_url(sitting), "authority": sitting.authority})


@public
def screen_json(request, slug):
    """The live state: one indexed query for the version; 304 when unchanged; cached payload."""
    row = _one(_sittings_for(request, slug).values_list("pk", "live_version", "public"))
    if row is None:
        return JsonResponse({"error": "Séance introuvable."}, status=404)
    pk, version, is_public = row
    if not is_public:
        return JsonResponse({"error": str(HUIS_CLOS)}, status=404)
    etag = f'"{pk}.{version}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=headers)
    payload = cached_payload(pk, version)
    return HttpResponse(json.dumps(payload, ensure_ascii=False), content_type="application/json", headers=headers)
