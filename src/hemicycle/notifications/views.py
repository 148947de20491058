"""The user's notifications: the list, and marking them as read (one, or all at once)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hemicycle.core.access import login_only

from . import services
from .models import Notification


@login_only
def notification_list(request):
    only_unread = request.GET.get("filtre") == "non-lues"
    qs = request.user.notifications.select_related("act")
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "title": _("Notifications"), "page": page, "only_unread": only_unread,
        "unread_count": request.user.notifications.filter(read_at__isnull=True).count()})


@login_only
@require_POST
def mark_read(request):
    """Mark one notification as read; with ``open``, go on to what it is about."""
    raw = request.POST.get("id", "")
    notification = get_object_or_404(Notification, pk=int(raw) if raw.isdigit() else 0, user=request.user)
    services.mark_read(request.user, [notification.pk])
    if request.POST.get("open") and notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect(_back_to_list(request))


@login_only
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(request, _("%(n)d notification(s) marquée(s) comme lue(s).") % {"n": count})
    return redirect(_back_to_list(request))


def _back_to_list(request) -> str:
    from django.urls import reverse

    url = reverse("notifications:list")
    if request.POST.get("filtre") == "non-lues":
        url += "?filtre=non-lues"
    return url
