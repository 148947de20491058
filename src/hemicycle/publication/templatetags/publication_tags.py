"""``{% publication_panel act %}``: the « Publication » section of the act's page."""

from django import template

from hemicycle.documents.models import FinalDocument

from .. import actions
from ..models import Masking, PartnerNotification, Publication

register = template.Library()


@register.inclusion_tag("publication/_act_panel.html", takes_context=True)
def publication_panel(context, act):
    request = context.get("request")
    user = getattr(request, "user", None)
    publication = Publication.objects.filter(act=act).select_related("published_by").first()
    document = FinalDocument.objects.filter(act=act).first()
    signed = document is not None and document.is_signed and bool(document.signed_sha256)
    manage = user is not None and actions.can_manage(user, act)
    individual = act.nature in actions.NOT_PUBLISHED_NATURES
    online = publication is not None and publication.withdrawn_at is None
    return {
        "request": request, "act": act, "publication": publication, "online": online,
        "document": document, "signed": signed, "manage": manage, "individual": individual,
        "refusal": actions.publish_refusal(act, document if signed else None) if not online else "",
        "masks": Masking.objects.filter(act=act).count(),
        "suggestions": len(actions.suggestions(act)) if manage and not individual else 0,
        "notifications": list(PartnerNotification.objects.filter(act=act)),
        "executory": actions.executory_mention(act, publication) if online else "",
        "csrf_token": context.get("csrf_token"),
    }
