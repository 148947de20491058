"""References stay gap-free and unique when many drafters create acts at the same time."""

import threading

import pytest
from django.db import close_old_connections

from hemicycle.acts.actions import create_act
from hemicycle.acts.models import Act


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_is_gap_free():
    from hemicycle.core.testing import build_world

    world = build_world()
    drafter, dept = world.users["drafter"], world.departments["DAC"]
    errors = []

    def worker():
        try:
            for _ in range(5):
                create_act(drafter, department=dept, year=2026, object="Acte concurrent")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(int(r.rsplit(" ", 1)[1]) for r in Act.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, 21))
