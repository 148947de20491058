from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles

from .. import actions
from ..forms import CommitteeForm
from ..models import Committee
from .common import ADMIN, VIEWERS, page, run_action


@roles(*VIEWERS)
def committee_list(request):
    committees = Committee.objects.filter(authority=request.authority).annotate(size=Count("members"))
    return page(request, "organisation/committee_list.html", _("Commissions"), committees=committees)


@roles(*VIEWERS)
def committee_detail(request, pk):
    committee = for_authority(Committee, request, pk=pk)
    return page(request, "organisation/committee_detail.html", committee.name, committee=committee,
                members=committee.members.select_related("group"))


@roles(*ADMIN)
def committee_edit(request, pk=None):
    committee = for_authority(Committee, request, pk=pk) if pk else None
    form = CommitteeForm(request.POST or None, instance=committee, authority=request.authority)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        members = list(data.pop("members"))
        saved = run_action(form, actions.save_committee, request.user, request.authority, committee,
                           members=members, **data)
        if saved:
            messages.success(request, _("Commission %(name)s enregistrée.") % {"name": saved.short_name})
            return redirect("organisation:committee", pk=saved.pk)
    title = _("Modifier la commission %(name)s") % {"name": committee.short_name} if committee else _("Nouvelle commission")
    return page(request, "organisation/committee_form.html", title, form=form, committee=committee)
