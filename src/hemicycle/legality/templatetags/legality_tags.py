"""``{% legality_panel act %}``: the legality control panel of the act page (legality/_act_panel.html)."""

from django import template

from ..panel import KIND_LABELS, panel_context

register = template.Library()


@register.inclusion_tag("legality/_act_panel.html", takes_context=True)
def legality_panel(context, act):
    request = context.get("request")
    ctx = panel_context(request.user, act)
    ctx["request"] = request
    ctx["csrf_token"] = context.get("csrf_token")
    return ctx


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
