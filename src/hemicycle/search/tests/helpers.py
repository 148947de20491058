"""Acts for the search tests, made through the real actions (so the signals index them)."""

import datetime

from django.utils import timezone

from hemicycle.acts.actions import create_act
from hemicycle.core.roles import Role


def act(world, object, *, user=Role.DRAFTER, department="DAC", **data):
    data.setdefault("visas", ["Vu le code général des collectivités territoriales"])
    data.setdefault("considerants", ["Considérant l'intérêt local"])
    data.setdefault("articles", ["La présente décision est approuvée."])
    return create_act(world.users[user], department=world.departments[department], year=2026, object=object, **data)


def decide(act, day: datetime.date):
    """A final document with its decision date (as documents.final does)."""
    from hemicycle.documents.models import FinalDocument

    return FinalDocument.objects.create(authority=act.authority, act=act, decision_date=day)


def publish(world, act, *, masks=(), object=None):
    """A publication row as publication.actions.publish leaves it (masked passages first)."""
    from hemicycle.publication.models import Masking, Publication

    user = world.users[Role.SECRETARIAT]
    for field, passage in masks:
        Masking.objects.create(act=act, field=field, text=passage, created_by=user)
    return Publication.objects.create(
        authority=act.authority, act=act, published_at=timezone.now(), published_by=user, author_name="Anne Martin",
        author_capacity="Maire", object=object or act.object, nature=act.nature, decision_date=datetime.date(2026, 3, 2),
        pdf_sha256="0" * 64, source_sha256="0" * 64, masked=bool(masks))
