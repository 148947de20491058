"""Shared helpers of the portal views."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority
from hemicycle.sittings.models import Sitting

from .. import visibility


def member_sitting(request, slug):
    """The member and one of the sittings of their assemblies. The sitting is looked up first
    (another authority's sitting is a 404 for everyone); a sitting of an assembly the member
    does not sit in is a 404 too."""
    sitting = for_authority(Sitting.objects.select_related("assembly", "assembly__authority", "president"),
                            request, slug=slug)
    member = visibility.member_for(request)
    if not visibility.sits_in(member, sitting.assembly):
        raise Http404
    return member, sitting


def explain_denial(view):
    """A refusal decided inside a view (no member record, a confidential document) is shown
    with its reason, in French, on a 403 page (the project's default 403 page says nothing)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            message = str(exc) or _("Vous n'avez pas accès à cette page.")
            return render(request, "portal/denied.html", {"title": _("Accès refusé"), "message": message}, status=403)

    return wrapped
