"""Template tags of the convocation: the panel of the sitting page, and a dict lookup."""

from django import template
from django.db.models import Count, Q

from hemicycle.core.roles import Role

from ..models import Convocation

register = template.Library()


@register.inclusion_tag("sittings/convocation_panel_body.html", takes_context=True)
def convocation_panel(context, sitting):
    """The state of the sitting's convocations, for its hub page."""
    sent = list(sitting.convocations.filter(state=Convocation.State.SENT).order_by("sent_at", "pk").annotate(
        total=Count("recipients"), opened=Count("recipients", filter=Q(recipients__opened_at__isnull=False))))
    current = sitting.convocations.exclude(state=Convocation.State.SENT).order_by("-pk").first()
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "sitting": sitting, "sent": sent, "current": current,
        "pending": sitting.items.filter(on_convocation=False).count() if sent else 0,
        "can_manage": bool(user and user.is_authenticated and user.has_role(Role.SECRETARIAT)),
    }


@register.filter
def lookup(mapping, key):
    """``{{ labels|lookup:code }}``: the value for ``key``, or the key itself."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
