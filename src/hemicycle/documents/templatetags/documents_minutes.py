"""The "Signature du procès-verbal" section of the minutes page:
``{% load documents_minutes %}{% minutes_signature_panel minutes %}`` (documents/minutes_signing.py)."""

from django import template

from .. import minutes_signing

register = template.Library()


@register.inclusion_tag("documents/_minutes_signature_panel.html", takes_context=True)
def minutes_signature_panel(context, minutes):
    if minutes is None:
        return {"show": False}
    from hemicycle.sittings.models import Minutes

    user = context["request"].user
    adopted = minutes.current_state == Minutes.State.ADOPTED
    signed = minutes_signing.signed_record(minutes)
    return {
        "show": True, "sitting": minutes.sitting, "minutes": minutes, "signed": signed, "adopted": adopted,
        "rows": minutes_signing.signatory_rows(minutes, signed) if adopted else [],
        "can_sign": adopted and minutes_signing.can_sign_minutes(user, minutes),
        "can_prepare": adopted and signed is None and minutes_signing.can_prepare(user, minutes),
        "csrf_token": context.get("csrf_token"),
    }
