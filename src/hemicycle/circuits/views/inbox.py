"""The bannette: what waits for the user in the circuits, in three tabs."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from hemicycle.core.access import login_only

from ..inbox import inbox_sections

TABS = ("attente", "renvois", "retard")


@login_only
def inbox(request):
    context = inbox_sections(request.user, limit=None)
    tab = request.GET.get("onglet", "")
    if tab not in TABS:
        counts = context["inbox_counts"]
        tab = "attente" if counts["to_approve"] or not counts["sent_back"] else "renvois"
    context.update(title=_("Bannette"), tab=tab)
    return render(request, "circuits/inbox.html", context)
