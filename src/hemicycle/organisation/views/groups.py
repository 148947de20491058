from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles

from .. import actions
from ..forms import GroupForm
from ..models import PoliticalGroup
from .common import ADMIN, VIEWERS, page, run_action


@roles(*VIEWERS)
def group_list(request):
    groups = PoliticalGroup.objects.filter(authority=request.authority).annotate(size=Count("members"))
    return page(request, "organisation/group_list.html", _("Groupes politiques"), groups=groups)


@roles(*VIEWERS)
def group_detail(request, pk):
    group = for_authority(PoliticalGroup, request, pk=pk)
    return page(request, "organisation/group_detail.html", group.name, group=group,
                members=group.members.all())


@roles(*ADMIN)
def group_edit(request, pk=None):
    group = for_authority(PoliticalGroup, request, pk=pk) if pk else None
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        saved = run_action(form, actions.save_group, request.user, request.authority, group, **form.cleaned_data)
        if saved:
            messages.success(request, _("Groupe %(name)s enregistré.") % {"name": saved.short_name})
            return redirect("organisation:group", pk=saved.pk)
    title = _("Modifier le groupe %(name)s") % {"name": group.short_name} if group else _("Nouveau groupe politique")
    return page(request, "organisation/group_form.html", title, form=form, group=group)
