"""Paper proxies: /seances/<slug>/console/pouvoirs/, from the roll call of the console.

A member who hands a written proxy (pouvoir écrit, L2121-20) to the secretariat — by post
before the sitting, or at the roll call — has it recorded here: mandator, holder, the named
sittings of the assembly, illness. It goes through ``sittings.actions.proxies.give_proxy`` with
``paper=True``: the same rules as a proxy given from the portal (one per holder, at most three
consecutive sittings unless illness), the journal naming the clerk who recorded it. A proxy of
the sitting is revoked here too (``revoke_proxy``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from hemicycle.core.access import roles
from hemicycle.core.roles import Role
from hemicycle.organisation.forms import DsfrMixin, add_action_error
from hemicycle.rules.errors import fr_date

from ..actions import live
from ..actions.proxies import UPCOMING_STATES, give_proxy, may_take_proxies, revoke_proxy
from ..models import Proxy, Sitting
from .live import _safe_int, get_sitting


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        group = f" ({member.group.short_name})" if member.group_id else ""
        return f"{member.civility} {member.first_name} {member.last_name}{group}"


class SittingsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, sitting):
        time = f" à {sitting.start_time:%H}h{sitting.start_time:%M}" if sitting.start_time else ""
        return f"{fr_date(sitting.date)}{time}"


class PaperProxyForm(DsfrMixin, forms.Form):
    mandator = MemberField(label=_l("Élu qui donne pouvoir (mandant)"), queryset=None,
                           empty_label=_l("— Choisissez l'élu —"),
                           error_messages={"required": _l("Choisissez l'élu qui donne pouvoir.")})
    holder = MemberField(label=_l("Collègue qui votera en son nom (mandataire)"), queryset=None,
                         empty_label=_l("— Choisissez le collègue —"),
                         error_messages={"required": _l("Choisissez le collègue qui porte le pouvoir.")})
    sittings = SittingsField(label=_l("Séances nommées dans le pouvoir"), queryset=None,
                             widget=forms.CheckboxSelectMultiple,
                             help_text=_l("Les séances de cette assemblée pour lesquelles le pouvoir écrit est "
                                          "donné."),
                             error_messages={"required": _l("Choisissez au moins une séance.")})
    illness = forms.BooleanField(label=_l("Maladie dûment constatée"), required=False,
                                 help_text=_l("Sans maladie dûment constatée, un pouvoir ne vaut que pour trois "
                                              "séances consécutives au plus."))

    def __init__(self, *args, members, sittings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandator"].queryset = members
        self.fields["holder"].queryset = members
        self.fields["sittings"].queryset = sittings


def _upcoming(sitting: Sitting):
    """The sittings of the assembly a written proxy can still be given for (rules of
    give_proxy): those to come, and this one while it is held today."""
    today = timezone.localdate()
    current = Q(pk=sitting.pk) if may_take_proxies(sitting, today, paper=True) else Q(pk__in=[])
    return (Sitting.objects.filter(Q(assembly=sitting.assembly, state__in=UPCOMING_STATES, date__gte=today) | current)
            .order_by("date", "start_time", "pk"))


def _page(request, sitting: Sitting, form, status=200, error=""):
    members = live.assembly_members(sitting)
    state = live.proxies(sitting, members=members)
    revoked = list(Proxy.objects.filter(sittings=sitting, revoked_at__isnull=False)
                   .select_related("mandator", "holder", "given_by").order_by("given_at", "pk"))
    rows = []
    for row in state.rows:
        proxy = row.proxy
        rows.append({"row": row, "paper": proxy.given_by_id != proxy.mandator.user_id,
                     "revocable": any(s.state in UPCOMING_STATES and s.date >= timezone.localdate()
                                      for s in proxy.sittings.all())})
    return render(request, "sittings/live_proxies.html", {
        "title": _("Pouvoirs remis sur papier — %(sitting)s") % {"sitting": sitting},
        "sitting": sitting, "form": form, "rows": rows, "revoked": revoked, "error": error,
        "can_give": may_take_proxies(sitting, timezone.localdate(), paper=True),
        "article": sitting.assembly.regime.proxy_article,
    }, status=status)


@roles(Role.SECRETARIAT)
def paper_proxies(request, slug):
    sitting = get_sitting(request, slug)
    members = sitting.assembly.members().select_related("group").order_by("last_name", "first_name", "pk")
    upcoming = _upcoming(sitting)
    if request.method == "POST" and request.POST.get("op") == "revoke":
        proxy = get_object_or_404(Proxy.objects.select_related("mandator", "holder"), authority=request.authority,
                                  sittings=sitting, pk=_safe_int(request.POST.get("proxy")) or 0)
        try:
            revoke_proxy(request.user, proxy)
        except (ValidationError, PermissionDenied) as exc:
            form = PaperProxyForm(members=members, sittings=upcoming, initial={"sittings": [sitting]})
            return _page(request, sitting, form, status=400, error=" ".join(getattr(exc, "messages", [str(exc)])))
        messages.success(request, _("Pouvoir de %(mandator)s à %(holder)s révoqué pour les séances à venir.")
                         % {"mandator": proxy.mandator, "holder": proxy.holder})
        return redirect(reverse("sittings:live_proxies", kwargs={"slug": sitting.slug}))
    if request.method == "POST":
        form = PaperProxyForm(request.POST, members=members, sittings=upcoming)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                proxy = give_proxy(request.user, mandator=cd["mandator"], holder=cd["holder"],
                                   sittings=list(cd["sittings"]), illness=cd["illness"], paper=True)
            except (ValidationError, PermissionDenied) as exc:
                add_action_error(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                days = ", ".join(fr_date(s.date) for s in proxy.sittings.order_by("date"))
                messages.success(request, _("Pouvoir écrit de %(mandator)s à %(holder)s enregistré : séance(s) du "
                                            "%(days)s.") % {"mandator": proxy.mandator, "holder": proxy.holder,
                                                            "days": days})
                return redirect(reverse("sittings:live_console", kwargs={"slug": sitting.slug}) + "#appel")
        return _page(request, sitting, form, status=400)
    initial = {"sittings": [sitting] if upcoming.filter(pk=sitting.pk).exists() else []}
    wanted = request.GET.get("mandant")
    if wanted and wanted.isdigit():
        initial["mandator"] = members.filter(pk=int(wanted)).first()
    return _page(request, sitting, PaperProxyForm(members=members, sittings=upcoming, initial=initial))
