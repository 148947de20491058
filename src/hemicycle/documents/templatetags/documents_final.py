"""The "Document définitif" section of the act page: ``{% load documents_final %}{% final_panel act %}``.

Shown when the act has a final document, and to the secretariat on an arrêté ready to be
established outside a sitting."""

from django import template
from django.utils import timezone

from hemicycle.acts.models import ActState

from .. import final
from ..models import FinalDocument

register = template.Library()


@register.inclusion_tag("documents/_act_final.html", takes_context=True)
def final_panel(context, act):
    user = context["request"].user
    document = (FinalDocument.objects.select_related("item__sitting").filter(act=act).first()
                if act.pk else None)
    can_finalize = (act.nature in final.ARRETE_NATURES and final.can_prepare(user, act.authority_id)
                    and act.state in (ActState.READY, ActState.ADOPTED)
                    and (document is None or (document.item_id is None and not final.is_locked(document)))
                    and not act.agenda_items.exists())
    return {
        "act": act, "document": document, "can_finalize": can_finalize, "today": timezone.localdate(),
        "can_read": document is not None and final.can_read(user, act),
        "can_view_sitting": final.can_view_finals(user, act.authority_id),
        "show": document is not None or can_finalize,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("documents/_sitting_finals_link.html", takes_context=True)
def sitting_finals_link(context, sitting):
    """On the sitting page of a closed sitting: the link to its final documents."""
    from hemicycle.sittings.models import Sitting

    user = context["request"].user
    show = sitting.state == Sitting.State.CLOSED and final.can_view_finals(user, sitting.authority_id)
    return {"sitting": sitting, "show": show, "progress": final.sitting_progress(sitting) if show else None}
