"""Journal of authentication events: privileged logins, failed logins, lockouts (django-axes)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed

from hemicycle.core.roles import Role
from hemicycle.journal.services import record

PRIVILEGED_ROLES = (Role.SECRETARIAT, Role.ADMINISTRATOR, Role.SIGNATORY, Role.APPROVER)


def _ip(request) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def _user_named(username):
    from .models import User

    if not username:
        return None
    return User.objects.filter(username=username).select_related("authority").first()


def on_logged_in(sender, request, user, **kwargs):
    """A privileged login (secretariat, administrator, signatory, approver) is journaled."""
    if user.authority_id and user.has_role(*PRIVILEGED_ROLES):
        record("auth.login", actor=user, obj=user, data={"ip": _ip(request)})


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed password; attempts refused by a lockout are journaled as auth.locked_out instead."""
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    username = str((credentials or {}).get("username") or "")[:150]
    user = _user_named(username)
    record("auth.login_failed", authority=user.authority if user else None,
           object_type="accounts.user" if user else "", object_id=user.pk if user else "",
           object_label=username, data={"username": username, "ip": _ip(request)})


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """Too many failures: the account is locked for this address (and every try while locked)."""
    username = str(username or "")[:150]
    user = _user_named(username)
    record("auth.locked_out", authority=user.authority if user else None,
           object_type="accounts.user" if user else "", object_id=user.pk if user else "",
           object_label=username, data={"username": username, "ip": ip_address or _ip(request)})


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="hemicycle.accounts.on_logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="hemicycle.accounts.on_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="hemicycle.accounts.on_locked_out")
