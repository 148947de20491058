"""A sitting opens on its day, or later — never before (its members were convened for that
day; a sitting adjourned to the next day is a new sitting). The failure for lack of quorum is
not recorded before the day either."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.rules.errors import fr_date
from hemicycle.sittings.actions import live
from hemicycle.sittings.models import Sitting
from hemicycle.sittings.samples_live import live_world


def _dated(sw, days_from_today: int) -> Sitting:
    """The sitting's date moved to today + ``days_from_today`` (today is the day before the
    sitting when it is 1, the day after when it is -1)."""
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    Sitting.objects.filter(pk=sw.sitting.pk).update(date=day)
    return Sitting.objects.get(pk=sw.sitting.pk)


@pytest.mark.parametrize("days_from_today, opens", [
    (1, False),    # the day before the sitting: refused
    (30, False),   # weeks before: refused
    (0, True),     # the day of the sitting
    (-1, True),    # the day after (a sitting held late, e.g. after midnight, is still that sitting)
])
def test_opening_only_from_the_sitting_day(world, days_from_today, opens):
    sw = live_world(world, members=9, present=7, open_it=False)
    sitting = _dated(sw, days_from_today)
    clerk = world.users[Role.SECRETARIAT]
    if opens:
        live.open_sitting(clerk, sitting)
        assert Sitting.objects.get(pk=sitting.pk).state == Sitting.State.OPEN
        assert JournalEntry.objects.filter(action="sitting.opened").count() == 1
    else:
        with pytest.raises(ValidationError) as refused:
            live.open_sitting(clerk, sitting)
        message = " ".join(refused.value.messages)
        assert f"La séance est convoquée pour le {fr_date(sitting.date)}" in message
        assert "elle ne peut pas être ouverte avant ce jour" in message
        assert f"nous sommes le {fr_date(timezone.localdate())}" in message
        assert Sitting.objects.get(pk=sitting.pk).state == Sitting.State.CONVENED
        assert not JournalEntry.objects.filter(action="sitting.opened").exists()


@pytest.mark.parametrize("days_from_today, recorded", [(1, False), (0, True), (-1, True)])
def test_no_quorum_only_from_the_sitting_day(world, days_from_today, recorded):
    sw = live_world(world, members=9, present=3, open_it=False)
    sitting = _dated(sw, days_from_today)
    clerk = world.users[Role.SECRETARIAT]
    if recorded:
        live.record_no_quorum(clerk, sitting)
        assert Sitting.objects.get(pk=sitting.pk).state == Sitting.State.NO_QUORUM
    else:
        with pytest.raises(ValidationError, match="l'absence de quorum ne peut pas être constatée avant ce jour"):
            live.record_no_quorum(clerk, sitting)
        assert Sitting.objects.get(pk=sitting.pk).state == Sitting.State.CONVENED


def test_console_says_why_the_sitting_cannot_open_yet(client, world):
    sw = live_world(world, members=9, present=7, open_it=False)
    sitting = _dated(sw, 1)
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:live_console", kwargs={"slug": sitting.slug})
    page = client.get(url).content.decode()
    assert f"La séance pourra être ouverte le {fr_date(sitting.date)}" in page
    response = client.post(url, {"op": "open"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "elle ne peut pas être ouverte avant ce jour" in html
    assert Sitting.objects.get(pk=sitting.pk).state == Sitting.State.CONVENED
