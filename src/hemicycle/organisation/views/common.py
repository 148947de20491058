"""Small helpers shared by the organisation pages."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from hemicycle.core.roles import Role

from ..forms import add_action_error

ADMIN = (Role.ADMINISTRATOR,)
VIEWERS = (Role.ADMINISTRATOR, Role.SECRETARIAT)


SECTIONS = (("department", "departments"), ("user", "users"), ("member", "members"), ("mandate", "members"),
            ("group", "groups"), ("committee", "committees"), ("classification", "classification"),
            ("authority", "authority"), ("numbering", "numbering"))


def _section(request) -> str:
    url_name = request.resolver_match.url_name if request.resolver_match else ""
    return next((section for prefix, section in SECTIONS if url_name.startswith(prefix)), "home")


def page(request, template: str, title: str, status: int = 200, **context):
    context.setdefault("can_manage", request.user.has_role(Role.ADMINISTRATOR))
    context.setdefault("section", _section(request))
    return render(request, template, {"title": title, **context}, status=status)


def run_action(form, action, *args, **kwargs):
    """Call an action; on ValidationError put its messages on the form and return None."""
    try:
        return action(*args, **kwargs)
    except ValidationError as exc:
        add_action_error(form, exc)
        return None
