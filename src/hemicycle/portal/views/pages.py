"""The member's pages: home, sittings, one sitting (agenda and documents), committees."""

import datetime

from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.acts.models import Annex
from hemicycle.core.access import roles
from hemicycle.core.roles import Role
from hemicycle.rules.conflicts import must_withdraw
from hemicycle.sittings.actions.interests import interests_at
from hemicycle.sittings.actions.proxies import active_proxies
from hemicycle.sittings.actions.votes import amendable
from hemicycle.sittings.models import AgendaItem, Assembly, Proxy

from .. import documents, visibility
from ..models import PackText
from ..packs import ensure_indexed
from .common import explain_denial, member_sitting


def withdrawals_for(member, sitting, items) -> list[dict]:
    """Items of ``sitting`` the member must withdraw from (rules.conflicts.must_withdraw): the
    organisations each item concerns against the interests the member declared for that day."""
    declared = interests_at([member], sitting.date).get(member.pk, [])
    if not declared:
        return []
    found = []
    for item in items:
        concerned = [c.organisation for c in item.concerns.all()]
        if not concerned:
            continue
        for withdrawal in must_withdraw({str(member.pk): declared}, concerned):
            found.append({"item": item, "organisations": withdrawal.organisations})
    return found


def _items_with_documents(sitting):
    items = visibility.visible_items(sitting).annotate(amendment_count=Count("amendments", distinct=True))
    return items.prefetch_related(
        "concerns", "act__committees",
        Prefetch("act__annexes", queryset=Annex.objects.filter(removed_at__isnull=True).order_by("position", "pk")))


def sitting_rows(member, sitting, items) -> list[dict]:
    rows = []
    for item in items:
        row = {"item": item, "act": item.act, "doc_key": None, "annexes": [], "confidential": False,
               "amendments": getattr(item, "amendment_count", 0), "amendable": False}
        if item.act_id:
            item.sitting = sitting
            row["amendable"] = not amendable(item)
            if visibility.can_see_act_document(member, item.act, sitting):
                row["doc_key"] = f"acte-{item.pk}"
                row["annexes"] = visibility.visible_annexes(member, item.act, sitting)
                for annex in row["annexes"]:
                    annex.portal_key = f"annexe-{annex.pk}"
                hidden = [a for a in item.act.annexes.all() if a.removed_at is None and a not in row["annexes"]]
                row["hidden_annexes"] = len(hidden)
            else:
                row["confidential"] = True
        rows.append(row)
    return rows


def _my_proxies(member, sittings=None):
    given = Proxy.objects.filter(mandator=member, revoked_at__isnull=True).select_related("holder")
    held = Proxy.objects.filter(holder=member, revoked_at__isnull=True).select_related("mandator")
    if sittings is not None:
        given = given.filter(sittings__in=sittings).distinct()
        held = held.filter(sittings__in=sittings).distinct()
    return list(given.prefetch_related("sittings")), list(held.prefetch_related("sittings"))


@roles(Role.MEMBER)
@explain_denial
def home(request):
    member = visibility.member_for(request)
    today = timezone.localdate()
    upcoming = list(visibility.visible_sittings(member).filter(
        date__gte=today, state__in=visibility.UPCOMING_STATES).order_by("date", "start_time")[:10])
    cards = []
    warnings = []
    for sitting in upcoming:
        convened = visibility.is_convened(sitting)
        cards.append({"sitting": sitting, "convened": convened})
        if convened:
            items = list(visibility.visible_items(sitting).prefetch_related("concerns"))
            for found in withdrawals_for(member, sitting, items):
                warnings.append({"sitting": sitting, **found})
    given, held = _my_proxies(member, upcoming)
    live = list(visibility.visible_sittings(member).filter(state__in=visibility.LIVE_STATES)
                .order_by("date", "start_time")[:5])
    return render(request, "portal/home.html", {
        "title": _("Espace élu"), "member": member, "cards": cards, "warnings": warnings, "live": live,
        "proxies_given": given, "proxies_held": held,
        "committees": member.committees.all(),
    })


@roles(Role.MEMBER)
@explain_denial
def sittings(request):
    member = visibility.member_for(request)
    today = timezone.localdate()
    all_sittings = list(visibility.visible_sittings(member).order_by("-date", "-start_time")[:300])
    upcoming = sorted((s for s in all_sittings if s.date >= today), key=lambda s: (s.date, s.start_time or datetime.time.min))
    past = [s for s in all_sittings if s.date < today]
    return render(request, "portal/sittings.html", {
        "title": _("Mes séances"), "member": member, "upcoming": upcoming, "past": past})


@roles(Role.MEMBER)
@explain_denial
def sitting(request, slug):
    member, sitting = member_sitting(request, slug)
    convened = visibility.is_convened(sitting)
    items = list(_items_with_documents(sitting)) if convened else []
    packs = documents.pack_documents(member, sitting) if convened else []
    outline = []
    pack_docs = [d for d in packs if d.kind == "pack"]
    for doc in pack_docs:  # index the packs in the background now, so that a search finds them ready
        index = ensure_indexed(doc.sha256)
        if doc is pack_docs[0] and index.state == PackText.State.DONE:
            outline = [dict(entry, key=doc.key) for entry in index.outline]
    proxies = list(active_proxies(sitting))
    given = [p for p in proxies if p.mandator_id == member.pk]
    held = [p for p in proxies if p.holder_id == member.pk]
    return render(request, "portal/sitting.html", {
        "title": str(sitting), "member": member, "sitting": sitting, "convened": convened,
        "rows": sitting_rows(member, sitting, items), "packs": packs, "outline": outline[:300],
        "withheld": documents.withheld_packs(member, sitting) if convened else [],
        "withdrawals": withdrawals_for(member, sitting, items),
        "upcoming": visibility.is_upcoming(sitting), "live": sitting.state in visibility.LIVE_STATES,
        "proxy_given": given[:1], "proxies_held": held,
        "searchable": bool(pack_docs),
    })


@roles(Role.MEMBER)
@explain_denial
def committees(request):
    """The member's committee work: each committee, its members, its sittings, and the items
    referred to it on the agendas already sent."""
    member = visibility.member_for(request)
    today = timezone.localdate()
    blocks = []
    for committee in member.committees.prefetch_related("members").order_by("name"):
        assemblies = Assembly.objects.filter(authority_id=member.authority_id, committee=committee)
        sittings = list(visibility.visible_sittings(member).filter(assembly__in=assemblies).order_by("-date")[:20])
        referred = []
        for item in (AgendaItem.objects.filter(sitting__authority_id=member.authority_id, sitting__date__gte=today,
                                               act__committees=committee)
                     .select_related("act", "sitting", "sitting__assembly").order_by("sitting__date", "position")[:200]):
            if visibility.sits_in(member, item.sitting.assembly) and visibility.visible_items(item.sitting).filter(
                    pk=item.pk).exists():
                referred.append(item)
        blocks.append({"committee": committee, "members": list(committee.members.all()), "sittings": sittings,
                       "referred": referred})
    return render(request, "portal/committees.html", {
        "title": _("Mes commissions"), "member": member, "blocks": blocks})
