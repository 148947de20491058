"""Test helpers of the open-data app: acts of a decided sitting taken through signature,
publication and the prefecture's acknowledgement, without the network.

    decided = build_decided_sitting(world)
    publish_act(world, act, item)                 # signed final (publication.testing) + publish()
    acknowledge(world, act, received_on=date)     # an acknowledged Transmission (ARActe received)
"""

import datetime
import uuid

from hemicycle.core.roles import Role
from hemicycle.legality.models import Transmission


def publish_act(world, act, item=None):
    from hemicycle.publication.actions import publish
    from hemicycle.publication.testing import make_signed_final

    make_signed_final(act, item=item, signer=world.users[Role.SIGNATORY])
    return publish(world.users[Role.SECRETARIAT], act)


def item_of(decided, act):
    return next(item for item in decided.items if item.act_id == act.pk)


def acknowledge(world, act, *, received_on: datetime.date, id_acte: str = "") -> Transmission:
    authority = world.authority
    reference = act.reference.replace(" ", "_")
    return Transmission.objects.create(
        authority=authority, act=act, attempt=1, state=Transmission.State.ACKNOWLEDGED,
        idempotency_key=uuid.uuid4().hex, operator_id="42",
        id_acte=id_acte or f"{authority.department_code}-{authority.siren}-{received_on:%Y%m%d}-{reference}-{act.nature}",
        received_on=received_on, created_by=world.users[Role.SECRETARIAT])
