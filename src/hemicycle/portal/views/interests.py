"""Declared interests: the member's list, declaring, correcting and ending one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core.access import roles
from hemicycle.core.roles import Role
from hemicycle.sittings.actions.interests import declare_interest, end_interest, update_interest
from hemicycle.sittings.models import Interest

from .. import visibility
from ..forms import InterestEndForm, InterestForm, add_action_error
from .common import explain_denial


def _own_interest(request, pk) -> tuple:
    """The interest, if it is the member's own: any other (a colleague's, another authority's)
    is a 404."""
    interest = get_object_or_404(Interest.objects.select_related("member"), pk=pk,
                                 member__authority_id=getattr(request.authority, "pk", None))
    member = visibility.member_for(request)
    if interest.member_id != member.pk:
        raise Http404
    return member, interest


def _list_context(member, **extra) -> dict:
    today = timezone.localdate()
    interests = list(member.interests.order_by("organisation", "pk"))
    current = [i for i in interests if i.until is None or i.until >= today]
    ended = [i for i in interests if i.until is not None and i.until < today]
    return {"title": _("Mes intérêts déclarés"), "member": member, "current": current, "ended": ended, **extra}


@roles(Role.MEMBER)
@explain_denial
def interests(request):
    member = visibility.member_for(request)
    if request.method == "POST":
        form = InterestForm(request.POST)
        if form.is_valid():
            try:
                interest = declare_interest(request.user, member, **form.cleaned_data)
            except ValidationError as exc:
                add_action_error(form, exc)
            else:
                messages.success(request, _("Intérêt déclaré : %(org)s.") % {"org": interest.organisation})
                return redirect("portal:interests")
        return render(request, "portal/interests.html", _list_context(member, form=form), status=400)
    return render(request, "portal/interests.html", _list_context(member, form=InterestForm()))


@roles(Role.MEMBER)
@explain_denial
def interest_edit(request, pk):
    member, interest = _own_interest(request, pk)
    if request.method == "POST":
        form = InterestForm(request.POST)
        if form.is_valid():
            try:
                update_interest(request.user, interest, **form.cleaned_data)
            except ValidationError as exc:
                add_action_error(form, exc)
            else:
                messages.success(request, _("Déclaration mise à jour."))
                return redirect("portal:interests")
        status = 400
    else:
        form = InterestForm(initial={"organisation": interest.organisation, "role": interest.role,
                                     "since": interest.since, "until": interest.until})
        status = 200
    return render(request, "portal/interest_edit.html", {
        "title": _("Modifier une déclaration"), "member": member, "interest": interest, "form": form,
        "end_form": InterestEndForm()}, status=status)


@roles(Role.MEMBER)
@explain_denial
def interest_end(request, pk):
    member, interest = _own_interest(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = InterestEndForm(request.POST)
    if form.is_valid():
        try:
            end_interest(request.user, interest, until=form.cleaned_data["until"])
        except ValidationError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("Fin de la fonction enregistrée : %(org)s.") % {"org": interest.organisation})
            return redirect("portal:interests")
    return render(request, "portal/interest_edit.html", {
        "title": _("Modifier une déclaration"), "member": member, "interest": interest,
        "form": InterestForm(initial={"organisation": interest.organisation, "role": interest.role,
                                      "since": interest.since, "until": interest.until}),
        "end_form": form}, status=400)
