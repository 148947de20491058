from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from hemicycle.accounts.models import User
from hemicycle.core.access import for_authority, roles

from .. import actions
from ..forms import UserForm
from .common import ADMIN, page, run_action


@roles(*ADMIN)
def user_list(request):
    users = (User.objects.filter(authority=request.authority)
             .select_related("department").prefetch_related("role_assignments__department"))
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(first_name__icontains=query)
                             | Q(last_name__icontains=query) | Q(email__icontains=query))
    with_totp = set(TOTPDevice.objects.filter(user__authority=request.authority, confirmed=True)
                    .values_list("user_id", flat=True))
    return page(request, "organisation/user_list.html", _("Utilisateurs"), users=users, query=query,
                with_totp=with_totp)


@roles(*ADMIN)
def user_edit(request, pk=None):
    target = for_authority(User, request, pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=target, authority=request.authority)
    if request.method == "POST" and form.is_valid():
        saved = run_action(form, actions.save_user, request.user, request.authority, target,
                           roles=form.roles(), password=form.cleaned_data["password"], **form.identity())
        if saved:
            messages.success(request, _("Compte %(name)s enregistré.") % {"name": saved.username})
            return redirect("organisation:users")
    title = _("Modifier le compte %(name)s") % {"name": target.username} if target else _("Nouveau compte")
    has_totp = bool(target and TOTPDevice.objects.filter(user=target, confirmed=True).exists())
    return page(request, "organisation/user_form.html", title, form=form, target=target, has_totp=has_totp)


@roles(*ADMIN)
def user_toggle(request, pk):
    target = for_authority(User, request, pk=pk)
    if request.method != "POST":
        return redirect("organisation:user_edit", pk=target.pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_user_active(request.user, target, active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("Compte %(name)s réactivé.") if active else _("Compte %(name)s désactivé."))
                         % {"name": target.username})
    return redirect("organisation:users")


@roles(*ADMIN)
def user_reset_totp(request, pk):
    target = for_authority(User, request, pk=pk)
    if request.method != "POST":
        return redirect("organisation:user_edit", pk=target.pk)
    if actions.reset_user_second_factor(request.user, target):
        messages.success(request, _("La double authentification de %(name)s est retirée.") % {"name": target.username})
    return redirect("organisation:user_edit", pk=target.pk)
