"""Vœux: those of the member's group ("Mes vœux"), and filing a new one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core.access import roles
from hemicycle.core.roles import Role
from hemicycle.sittings.models import Motion

from .. import visibility
from ..actions import file_motion
from ..forms import MotionForm, add_action_error
from .common import explain_denial


def _sittings(member):
    return (visibility.visible_sittings(member).filter(date__gte=timezone.localdate(),
                                                       state__in=visibility.UPCOMING_STATES)
            .order_by("date", "start_time"))


@roles(Role.MEMBER)
@explain_denial
def motions(request):
    member = visibility.member_for(request)
    mine = Motion.objects.filter(authority_id=member.authority_id)
    mine = mine.filter(group=member.group) if member.group_id else mine.filter(filed_by=request.user)
    mine = list(mine.select_related("group", "filed_by", "target", "target__sitting", "target__sitting__assembly")
                .prefetch_related("agenda_items__sitting").order_by("-filed_at")[:200])
    return render(request, "portal/motions.html", {"title": _("Mes vœux"), "member": member, "motions": mine})


@roles(Role.MEMBER)
@explain_denial
def motion_new(request):
    member = visibility.member_for(request)
    sittings = _sittings(member)
    if request.method == "POST":
        form = MotionForm(request.POST, sittings=sittings)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                motion = file_motion(request.user, member, cd["sitting"], title=cd["title"],
                                     considerants=form.considerant_list(), text=cd["text"])
            except (ValidationError, PermissionDenied) as exc:
                add_action_error(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, _("Vœu « %(title)s » déposé au nom du groupe %(group)s.")
                                 % {"title": motion.title, "group": member.group})
                return redirect("portal:motions")
        status = 400
    else:
        initial = {}
        wanted = request.GET.get("seance")
        if wanted:
            initial["sitting"] = sittings.filter(slug=wanted).first()
        form = MotionForm(initial=initial, sittings=sittings)
        status = 200
    return render(request, "portal/motion_form.html", {
        "title": _("Déposer un vœu"), "member": member, "form": form}, status=status)
