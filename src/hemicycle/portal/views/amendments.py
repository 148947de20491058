"""Amendments from the members' portal: on an act of a sitting the member sits in, once the
convocation is sent and until the act is voted, a member files an amendment in the name of his
political group, and may withdraw his own before it is voted. The rules are those of
``sittings.actions.votes.file_amendment`` / ``withdraw_amendment``, the secretariat's console
(sittings:live_item) shows them with their author and group."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hemicycle.core.access import roles
from hemicycle.core.roles import Role
from hemicycle.sittings.actions.votes import amendable, describe_target, file_amendment, withdraw_amendment
from hemicycle.sittings.models import Amendment, Ballot

from .. import visibility
from ..forms import AmendmentForm, add_action_error
from .common import explain_denial, member_sitting

PART_LABELS = (("visas", gettext_lazy("Visas")), ("considerants", gettext_lazy("Considérants")),
               ("articles", gettext_lazy("Articles")))


def _item(sitting, pk):
    """An item of the sitting shown to its members (on a sent convocation), or 404."""
    item = visibility.visible_items(sitting).filter(pk=pk).first()
    if item is None:
        raise Http404
    item.sitting = sitting
    return item


def _page(request, member, sitting, item, form, status=200):
    readable = item.act_id is not None and visibility.can_see_act_document(member, item.act, sitting)
    amendments = list(item.amendments.select_related("group", "member").order_by("number"))
    for a in amendments:
        a.target_label = describe_target(a.target)
        a.mine = a.member_id == member.pk
        a.withdrawable = (a.mine and a.state == Amendment.State.FILED
                          and not a.ballots.filter(state=Ballot.State.OPEN).exists())
    text = []
    if readable:
        for key, label in PART_LABELS:
            text.append({"key": key, "label": label, "lines": list(getattr(item.act, key))})
    problem = amendable(item)
    return render(request, "portal/amendments.html", {
        "title": _("Amendements — point n° %(n)s") % {"n": item.position}, "member": member, "sitting": sitting,
        "item": item, "form": form, "amendments": amendments, "text": text, "readable": readable,
        "problem": problem, "can_file": readable and not problem,
        "confidential": item.act_id is not None and not readable,
    }, status=status)


@roles(Role.MEMBER)
@explain_denial
def item_amendments(request, slug, pk):
    member, sitting = member_sitting(request, slug)
    item = _item(sitting, pk)
    if request.method == "POST":
        if item.act_id is None or not visibility.can_see_act_document(member, item.act, sitting):
            raise PermissionDenied(_("Ce projet est confidentiel : il ne vous est pas communiqué, vous ne pouvez "
                                     "pas l'amender d'ici."))
        form = AmendmentForm(request.POST)
        if form.is_valid():
            target, text = form.target()
            try:
                amendment = file_amendment(request.user, item, target=target, new_text=text, member=member,
                                           explanation=form.cleaned_data["explanation"])
            except ValidationError as exc:
                add_action_error(form, exc)
            else:
                group = _(" au nom du groupe %(g)s") % {"g": member.group} if member.group_id else ""
                messages.success(request, _("Amendement n° %(n)s déposé%(group)s.")
                                 % {"n": amendment.number, "group": group})
                return redirect("portal:item_amendments", slug=sitting.slug, pk=item.pk)
        return _page(request, member, sitting, item, form, status=400)
    return _page(request, member, sitting, item, AmendmentForm())


@roles(Role.MEMBER)
@explain_denial
def amendment_withdraw(request, pk):
    amendment = get_object_or_404(Amendment.objects.select_related("item", "item__sitting"),
                                  item__sitting__authority=request.authority, pk=pk)
    member = visibility.member_for(request)
    if amendment.member_id != member.pk:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        withdraw_amendment(request.user, amendment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Amendement n° %(n)s retiré.") % {"n": amendment.number})
    return redirect("portal:item_amendments", slug=amendment.item.sitting.slug, pk=amendment.item_id)
