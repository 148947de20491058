"""What the public may see: adapters over the apps that decide it (publication, legality).

The publication app decides when an act is published (``publication.models.Publication``);
until an act is published its signed original is not public. While no Publication model
exists (the publication app being built), an act counts as published once its final document
is signed — the state in which the portal publishes it."""

from django.apps import apps
from django.db.models import Exists, OuterRef

from hemicycle.documents.models import FinalDocument
from hemicycle.legality.models import Transmission


def publication_model():
    try:
        return apps.get_model("publication", "Publication")
    except LookupError:
        return None


def _publication_filter(model) -> dict:
    """Conditions a Publication row must meet to count (withdrawn ones do not)."""
    names = {f.name for f in model._meta.get_fields()}
    conditions = {}
    if "withdrawn_at" in names:
        conditions["withdrawn_at__isnull"] = True
    if "published_at" in names:
        conditions["published_at__isnull"] = False
    if "state" in names:
        choices = dict(model._meta.get_field("state").choices or [])
        if "published" in choices:
            conditions["state"] = "published"
    return conditions


def published(outer: str = "pk"):
    """An ``Exists`` expression: the act named by ``OuterRef(outer)`` is published."""
    model = publication_model()
    if model is not None:
        return Exists(model.objects.filter(act=OuterRef(outer), **_publication_filter(model)))
    return Exists(FinalDocument.objects.filter(act=OuterRef(outer), state=FinalDocument.State.SIGNED))


def published_at_by_act(act_ids) -> dict:
    """act id → date-time of publication (None when unknown)."""
    model = publication_model()
    if model is None:
        rows = FinalDocument.objects.filter(act_id__in=act_ids, state=FinalDocument.State.SIGNED)
        return dict(rows.values_list("act_id", "signed_at"))
    names = {f.name for f in model._meta.get_fields()}
    qs = model.objects.filter(act_id__in=act_ids, **_publication_filter(model))
    if "published_at" in names:
        return dict(qs.values_list("act_id", "published_at"))
    return {act_id: None for act_id in qs.values_list("act_id", flat=True)}


def acknowledged_states() -> tuple:
    """Transmission states that follow the prefecture's acknowledgement (legality.actions
    keeps the list: a request for pieces after the ARActe keeps the act acknowledged)."""
    try:
        from hemicycle.legality.actions import ACKNOWLEDGED_STATES
    except ImportError:
        return (Transmission.State.ACKNOWLEDGED, Transmission.State.REQUEST_PENDING)
    return tuple(ACKNOWLEDGED_STATES)


def acknowledged_transmissions():
    """Transmissions carrying an acknowledgement, as legality.actions.executory_info reads them
    (one query for many acts instead of one per act)."""
    return (Transmission.objects.filter(state__in=acknowledged_states(), received_on__isnull=False)
            .exclude(id_acte=""))


def acknowledgements(act_ids) -> dict:
    """act id → {"id_acte", "received_on"} of its acknowledgement (the latest attempt)."""
    rows = (acknowledged_transmissions().filter(act_id__in=list(act_ids))
            .order_by("act_id", "attempt").values_list("act_id", "id_acte", "received_on"))
    return {act_id: {"id_acte": id_acte, "received_on": received_on} for act_id, id_acte, received_on in rows}


def published_object(outer: str = "pk"):
    """A Subquery giving the object as published (personal data masked), or None when the
    publication app keeps no such field."""
    from django.db.models import Subquery

    model = publication_model()
    if model is None or "object" not in {f.name for f in model._meta.get_fields()}:
        return None
    return Subquery(model.objects.filter(act=OuterRef(outer), **_publication_filter(model)).values("object")[:1])


def published_objects(act_ids) -> dict:
    """act id → the object as published (masked), for the published ones among act_ids."""
    model = publication_model()
    if model is None or "object" not in {f.name for f in model._meta.get_fields()}:
        return {}
    return dict(model.objects.filter(act_id__in=list(act_ids), **_publication_filter(model))
                .values_list("act_id", "object"))
