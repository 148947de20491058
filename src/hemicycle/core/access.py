"""Access rules. Every view declares one; tests walk every URL × every role against them.

- ``@public``: anyone, logged in or not.
- ``@login_only``: any logged-in user of an authority.
- ``@roles(Role.X, …)``: logged-in users holding one of the roles.
- ``@login_pending_otp``: any logged-in user, even before the second factor (the TOTP
  verification page itself, logout).
A user with a confirmed TOTP device must pass the second factor (accounts:otp_verify) before
any page other than ``@public`` and ``@login_pending_otp`` ones.
Objects are always fetched through ``for_authority`` so that another authority's objects
answer 404, never 200: data does not leak between authorities.
"""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset = frozenset()  # empty with public=False: any logged-in authority user
    before_second_factor: bool = False  # reachable before the TOTP verification

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated or not user.is_active or user.authority_id is None:
            return False
        return not self.roles or user.has_role(*self.roles)

    def describe(self) -> str:
        if self.public:
            return "public"
        return "roles: " + ", ".join(sorted(self.roles)) if self.roles else "authentifié"


def needs_second_factor(user) -> bool:
    """A user with a confirmed TOTP device who has not yet given a code in this session."""
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def _guard(rule: AccessRule):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rule.public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
                if not rule.before_second_factor and needs_second_factor(request.user):
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('accounts:otp_verify')}?{query}")
                if not rule.allows(request.user):
                    raise PermissionDenied("Vous n'avez pas accès à cette page.")
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


public = _guard(AccessRule(public=True))
login_only = _guard(AccessRule())
login_pending_otp = _guard(AccessRule(before_second_factor=True))


def roles(*role_names):
    return _guard(AccessRule(roles=frozenset(role_names)))


def for_authority(queryset_or_model, request, **lookup):
    """Get one object of the user's authority, or 404 (also for other authorities' objects)."""
    authority = getattr(request, "authority", None)
    if authority is None:
        raise Http404
    qs = queryset_or_model._default_manager.all() if hasattr(queryset_or_model, "_default_manager") else queryset_or_model
    return get_object_or_404(qs, authority=authority, **lookup)


def require(condition: bool, message: str = "Action non autorisée.") -> None:
    if not condition:
        raise PermissionDenied(message)
