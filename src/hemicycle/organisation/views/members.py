from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles

from .. import actions
from ..forms import MandateForm, MemberForm
from ..models import Mandate, Member
from .common import ADMIN, VIEWERS, page, run_action


@roles(*VIEWERS)
def member_list(request):
    members = (Member.objects.filter(authority=request.authority).select_related("group", "user")
               .prefetch_related("committees", Prefetch("mandates", queryset=Mandate.objects.filter(end_date__isnull=True))))
    return page(request, "organisation/member_list.html", _("Élus"), members=members)


@roles(*VIEWERS)
def member_detail(request, pk):
    member = for_authority(Member.objects.select_related("group", "user"), request, pk=pk)
    return page(request, "organisation/member_detail.html", str(member), member=member,
                mandates=member.mandates.all(), committees=member.committees.all(),
                mandate_form=MandateForm())


@roles(*ADMIN)
def member_edit(request, pk=None):
    member = for_authority(Member, request, pk=pk) if pk else None
    form = MemberForm(request.POST or None, instance=member, authority=request.authority)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        committees = list(data.pop("committees"))
        saved = run_action(form, actions.save_member, request.user, request.authority, member,
                           committees=committees, **data)
        if saved:
            messages.success(request, _("Élu %(name)s enregistré.") % {"name": saved})
            return redirect("organisation:member", pk=saved.pk)
    title = _("Modifier l'élu %(name)s") % {"name": member} if member else _("Nouvel élu")
    return page(request, "organisation/member_form.html", title, form=form, member=member)


@roles(*ADMIN)
def mandate_edit(request, pk, mandate_pk=None):
    member = for_authority(Member, request, pk=pk)
    mandate = get_object_or_404(Mandate, member=member, pk=mandate_pk) if mandate_pk else None
    form = MandateForm(request.POST or None, instance=mandate)
    if request.method == "POST" and form.is_valid():
        if run_action(form, actions.save_mandate, request.user, member, mandate, **form.cleaned_data):
            messages.success(request, _("Mandat enregistré."))
            return redirect("organisation:member", pk=member.pk)
    title = _("Modifier un mandat de %(name)s") % {"name": member} if mandate else _("Nouveau mandat de %(name)s") % {"name": member}
    return page(request, "organisation/mandate_form.html", title, form=form, member=member, mandate=mandate)


@roles(*ADMIN)
def mandate_delete(request, pk, mandate_pk):
    member = for_authority(Member, request, pk=pk)
    mandate = get_object_or_404(Mandate, member=member, pk=mandate_pk)
    if request.method != "POST":
        return redirect("organisation:member", pk=member.pk)
    actions.delete_mandate(request.user, mandate)
    messages.success(request, _("Mandat supprimé."))
    return redirect("organisation:member", pk=member.pk)
