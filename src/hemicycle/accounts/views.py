from base64 import b64encode
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device

from hemicycle.core.access import login_only, login_pending_otp, needs_second_factor, public

from . import actions
from .forms import LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    """Password first; a user with a confirmed TOTP device then goes to the code page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("Connexion")}

    def form_valid(self, form):
        response = super().form_valid(form)
        if user_has_device(form.get_user(), confirmed=True):
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('accounts:otp_verify')}?{query}")
        return response


login = public(LoginView.as_view())
logout = login_pending_otp(auth_views.LogoutView.as_view())


def _safe_next(request, default="core:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _client_ip(request) -> str:
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


@login_pending_otp
def otp_verify(request):
    """Second step of the login: the code of the authentication application."""
    next_url = _safe_next(request)
    if not needs_second_factor(request.user):
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = actions.verify_second_factor(request.user, form.cleaned_data["token"], ip=_client_ip(request))
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "accounts/otp_verify.html", {"title": _("Double authentification"), "form": form,
                                                        "next": next_url})


@login_only
def account(request):
    """The user's account: identity, roles, and the TOTP second factor (staff)."""
    user = request.user
    form = TokenForm(request.POST or None)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "start":
        try:
            actions.start_totp_enrolment(user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("accounts:account")
    if step == "cancel":
        actions.cancel_totp_enrolment(user)
        messages.info(request, _("Activation annulée."))
        return redirect("accounts:account")
    if step in ("confirm", "disable") and form.is_valid():
        try:
            if step == "confirm":
                device = actions.confirm_totp_enrolment(user, form.cleaned_data["token"])
                otp_login(request, device)  # this session has just proved the second factor
                messages.success(request, _("La double authentification est activée. Elle vous sera demandée "
                                            "à chaque connexion."))
            else:
                actions.disable_totp(user, form.cleaned_data["token"])
                messages.success(request, _("La double authentification est désactivée."))
            return redirect("accounts:account")
        except ValidationError as exc:
            form.add_error("token", exc)
    confirmed = actions.confirmed_device(user)
    pending = None if confirmed else actions.pending_device(user)
    context = {"title": _("Mon compte"), "form": form, "confirmed": confirmed, "pending": pending,
               "assignments": user.role_assignments.select_related("department"),
               "can_enrol": user.is_staff_user}
    if pending is not None:
        context["qr_data_uri"] = "data:image/svg+xml;base64," + b64encode(actions.qr_code_svg(pending)).decode("ascii")
        context["secret"] = actions.secret_text(pending)
        context["otpauth_url"] = pending.config_url
    return render(request, "accounts/account.html", context)
