"""Proxies (pouvoirs): the member's proxies given and held, giving one, revoking one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles
from hemicycle.core.roles import Role
from hemicycle.organisation.models import Member
from hemicycle.rules.errors import fr_date
from hemicycle.sittings.actions.proxies import give_proxy, revoke_proxy
from hemicycle.sittings.models import Proxy

from .. import visibility
from ..forms import ProxyForm, add_action_error
from .common import explain_denial


def _upcoming_sittings(member):
    return (visibility.visible_sittings(member).filter(date__gte=timezone.localdate(),
                                                       state__in=visibility.UPCOMING_STATES)
            .order_by("date", "start_time"))


def _colleagues(member):
    return (Member.objects.filter(authority_id=member.authority_id).exclude(pk=member.pk)
            .select_related("group").order_by("last_name", "first_name"))


def _revocable(proxy) -> bool:
    return any(visibility.is_upcoming(s) for s in proxy.sittings.all())


@roles(Role.MEMBER)
@explain_denial
def proxies(request):
    member = visibility.member_for(request)
    sittings = _upcoming_sittings(member)
    if request.method == "POST":
        form = ProxyForm(request.POST, colleagues=_colleagues(member), sittings=sittings)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                proxy = give_proxy(request.user, mandator=member, holder=cd["holder"], sittings=list(cd["sittings"]),
                                   illness=cd["illness"])
            except ValidationError as exc:
                add_action_error(form, exc)
            else:
                days = ", ".join(fr_date(s.date) for s in proxy.sittings.order_by("date"))
                messages.success(request, _("Pouvoir donné à %(holder)s pour la séance du %(days)s.")
                                 % {"holder": proxy.holder, "days": days})
                return redirect("portal:proxies")
        status = 400
    else:
        initial = {}
        wanted = request.GET.get("seance")
        if wanted:
            initial["sittings"] = list(sittings.filter(slug=wanted))
        form = ProxyForm(initial=initial, colleagues=_colleagues(member), sittings=sittings)
        status = 200
    given = list(Proxy.objects.filter(mandator=member).select_related("holder").prefetch_related("sittings")
                 .order_by("-given_at")[:100])
    held = list(Proxy.objects.filter(holder=member).select_related("mandator").prefetch_related("sittings")
                .order_by("-given_at")[:100])
    for proxy in given:
        proxy.revocable = proxy.revoked_at is None and _revocable(proxy)
    return render(request, "portal/proxies.html", {
        "title": _("Mes pouvoirs"), "member": member, "form": form, "given": given, "held": held,
        "has_sittings": sittings.exists(), "article": member.authority.regime.proxy_article,
    }, status=status)


@roles(Role.MEMBER)
@explain_denial
def proxy_revoke(request, pk):
    proxy = for_authority(Proxy, request, pk=pk)
    member = visibility.member_for(request)
    if proxy.mandator_id != member.pk:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        revoke_proxy(request.user, proxy)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Pouvoir à %(holder)s révoqué pour les séances à venir.") % {"holder": proxy.holder})
    return redirect("portal:proxies")
