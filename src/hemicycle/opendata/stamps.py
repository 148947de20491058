"""Signal handlers keeping ``opendata.Stamp`` up to date (see models.py).

A save stamps the row itself and the rows whose OParl object shows it: an agenda item is
embedded in its meeting and linked from its paper, a ballot's results are shown on its agenda
item, an annex is a file of its paper, a mandate is a membership embedded in its person…
Votes and attendance are not watched one by one (a ballot is saved when it closes, a sitting
when it is closed), so the live sitting does not pay for them."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_save
from django.utils import timezone

from .models import Stamp

# Saving a sitting with one of these fields (or without update_fields) may change what the
# API shows of its agenda items and papers (visibility follows the convocation and huis clos).
SITTING_VISIBILITY_FIELDS = {"state", "public", "date", "start_time", "place"}


def label(model) -> str:
    return model._meta.label_lower


def touch(pairs) -> None:
    """Stamp (model label, pk) pairs as modified now (created now when first seen)."""
    now = timezone.now()
    rows = {(m, int(pk)) for m, pk in pairs if pk is not None}
    if not rows:
        return
    Stamp.objects.bulk_create(
        [Stamp(model=m, object_id=pk, created=now, modified=now) for m, pk in sorted(rows)],
        update_conflicts=True, unique_fields=["model", "object_id"], update_fields=["modified"])


def _self(instance):
    return [(label(type(instance)), instance.pk)]


def _authority(instance):
    return _self(instance)


def _mandate(instance):
    return _self(instance) + [("organisation.member", instance.member_id)]


def _sitting(instance, update_fields=None):
    pairs = _self(instance)
    if update_fields is None or SITTING_VISIBILITY_FIELDS & set(update_fields):
        AgendaItem = apps.get_model("sittings", "AgendaItem")
        for item_id, act_id in AgendaItem.objects.filter(sitting_id=instance.pk).values_list("pk", "act_id"):
            pairs.append(("sittings.agendaitem", item_id))
            if act_id:
                pairs.append(("acts.act", act_id))
    return pairs


def _item(instance):
    return _self(instance) + [("sittings.sitting", instance.sitting_id), ("acts.act", instance.act_id)]


def _ballot(instance):
    AgendaItem = apps.get_model("sittings", "AgendaItem")
    pairs = [("sittings.agendaitem", instance.item_id)]
    row = AgendaItem.objects.filter(pk=instance.item_id).values_list("sitting_id", "act_id").first()
    if row:
        pairs += [("sittings.sitting", row[0]), ("acts.act", row[1])]
    return pairs


def _convocation(instance):
    """A sent convocation or addendum makes its items (and their acts) public."""
    if instance.state != "sent":
        return []
    Sitting = apps.get_model("sittings", "Sitting")
    return _sitting(Sitting(pk=instance.sitting_id))


def _minutes(instance):
    return [("sittings.sitting", instance.sitting_id)]


def _annex(instance):
    return _self(instance) + [("acts.act", instance.act_id)]


def _act_child(instance):
    return [("acts.act", instance.act_id)]


WATCHED = {
    ("organisation", "Authority"): _authority,
    ("organisation", "Member"): _self,
    ("organisation", "Committee"): _self,
    ("organisation", "PoliticalGroup"): _self,
    ("organisation", "Mandate"): _mandate,
    ("sittings", "Assembly"): _self,
    ("sittings", "Sitting"): _sitting,
    ("sittings", "AgendaItem"): _item,
    ("sittings", "Ballot"): _ballot,
    ("sittings", "Minutes"): _minutes,
    ("sittings", "Convocation"): _convocation,
    ("acts", "Act"): _self,
    ("acts", "Annex"): _annex,
    ("documents", "FinalDocument"): _act_child,
    ("legality", "Transmission"): _act_child,
    ("publication", "Publication"): _act_child,
}


def _on_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    handler = _HANDLERS[sender]
    pairs = handler(instance, update_fields) if handler is _sitting else handler(instance)
    touch(pairs)


def _on_member_committees(sender, instance, action, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    Member = apps.get_model("organisation", "Member")
    if isinstance(instance, Member):
        touch([("organisation.member", instance.pk)])
    else:  # changed from the committee's side: pk_set holds members
        touch([("organisation.member", pk) for pk in (pk_set or ())])


_HANDLERS: dict = {}


def connect() -> None:
    for (app_label, model_name), handler in WATCHED.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:  # e.g. the publication app not built yet
            continue
        _HANDLERS[model] = handler
        post_save.connect(_on_save, sender=model, dispatch_uid=f"opendata-stamp-{app_label}.{model_name}")
    Member = apps.get_model("organisation", "Member")
    m2m_changed.connect(_on_member_committees, sender=Member.committees.through,
                        dispatch_uid="opendata-stamp-member-committees")
