"""Members vote at the same moment from their devices: every vote is kept once, none is lost,
a double tap records one vote, and the count is right when the president closes."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import Vote


@pytest.mark.django_db(transaction=True)
def test_simultaneous_electronic_votes():
    from hemicycle.core.testing import build_world
    from hemicycle.sittings.samples_live import live_world

    world = build_world()
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=12)
    live.take_up_item(clerk, sw.items[0])
    ballot = votes.open_ballot(clerk, sw.items[0], method="electronic")
    users = []
    for i, member in enumerate(sw.members):
        user = world.users[Role.MEMBER] if i == 0 else make_user(world.authority, f"elu-{i}", [Role.MEMBER])
        member.user = user
        member.save()
        users.append(user)
    errors, refused = [], []

    def worker(user, value):
        try:
            for _ in range(2):  # a double tap
                try:
                    votes.cast_vote(user, ballot, value=value)
                except ValidationError:
                    refused.append(user.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(u, "pour" if i % 3 else "contre")) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(refused) == 12 and Vote.objects.filter(ballot=ballot).count() == 12
    ballot = votes.close_electronic(clerk, ballot)
    assert (ballot.pour, ballot.contre) == (8, 4) and ballot.outcome == "adopted"
