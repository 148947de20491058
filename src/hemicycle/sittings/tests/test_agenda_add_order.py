"""Acts ticked in the agenda builder are put on the agenda in the order of the list (the order
they were posted in), not in the acts' default order (newest first)."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.sittings.testing import build_sitting_world, ready_act


@pytest.mark.django_db
def test_ticked_acts_keep_the_order_of_the_list(client, world):
    sw = build_sitting_world(world, members=5, acts=0)
    first, second, third = (ready_act(world, f"Projet n° {n}") for n in (1, 2, 3))
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_add", args=[sw.sitting.slug]),
                           {"acts": [str(first.pk), str(second.pk), str(third.pk), str(first.pk)]})
    assert response.status_code == 302
    items = list(sw.sitting.items.order_by("position"))
    assert [(i.position, i.act_id) for i in items] == [(1, first.pk), (2, second.pk), (3, third.pk)]


@pytest.mark.django_db
def test_the_builder_lists_acts_in_the_order_they_are_added(client, world):
    sw = build_sitting_world(world, members=5, acts=0)
    acts = [ready_act(world, f"Projet n° {n}") for n in (1, 2, 3)]
    client.force_login(world.users[Role.SECRETARIAT])
    html = client.get(reverse("sittings:agenda", args=[sw.sitting.slug])).content.decode()
    listed = sorted(acts, key=lambda a: html.index(f'id="act-{a.pk}"'))
    client.post(reverse("sittings:agenda_add", args=[sw.sitting.slug]), {"acts": [str(a.pk) for a in listed]})
    assert [i.act_id for i in sw.sitting.items.order_by("position")] == [a.pk for a in listed]
    assert [a.pk for a in listed] == [a.pk for a in acts]  # the list shows them by reference
