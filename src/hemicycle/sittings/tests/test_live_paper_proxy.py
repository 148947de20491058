"""Written proxies handed in on paper, recorded by the secretariat from the roll call page:
the same action and rules as the portal's (one proxy per holder, at most three consecutive
sittings unless illness), journaled with the clerk who recorded it; revoked there too."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification
from hemicycle.sittings.actions import live
from hemicycle.sittings.actions.proxies import give_proxy
from hemicycle.sittings.models import Attendance, Proxy, Sitting
from hemicycle.sittings.samples_live import live_world


@pytest.fixture
def roll(world):
    """A convened sitting today, 9 members, nobody pointed yet."""
    return live_world(world, members=9, present=0, open_it=False)


def _url(sitting):
    return reverse("sittings:live_proxies", kwargs={"slug": sitting.slug})


def _later_sittings(sw, n):
    """``n`` later sittings of the same assembly, ten days apart (consecutive with this one)."""
    later = []
    for i in range(1, n + 1):
        day = sw.sitting.date + datetime.timedelta(days=10 * i)
        later.append(Sitting.objects.create(authority=sw.sitting.authority, assembly=sw.assembly,
                                            slug=f"{day.isoformat()}-suite", date=day))
    return later


def test_record_a_paper_proxy_from_the_roll_call(client, world, roll):
    sw, clerk = roll, world.users[Role.SECRETARIAT]
    mandator, holder = sw.members[5], sw.members[6]
    mandator.user = make_user(world.authority, "elu-mandant", [Role.MEMBER])
    mandator.save(update_fields=["user"])
    client.force_login(clerk)
    console = client.get(reverse("sittings:live_console", kwargs={"slug": sw.sitting.slug})).content.decode()
    assert f"{_url(sw.sitting)}?mandant={mandator.pk}" in console  # "Pouvoir écrit" on the roll call
    form = client.get(f"{_url(sw.sitting)}?mandant={mandator.pk}").content.decode()
    assert f'<option value="{mandator.pk}" selected>' in form
    assert f'value="{sw.sitting.pk}"' in form and "checked" in form  # this sitting ticked

    response = client.post(_url(sw.sitting), {"mandator": mandator.pk, "holder": holder.pk,
                                              "sittings": [sw.sitting.pk]})
    assert response.status_code == 302 and response["Location"].endswith("/console/#appel")
    proxy = Proxy.objects.get()
    assert (proxy.mandator, proxy.holder, proxy.given_by, proxy.illness) == (mandator, holder, clerk, False)
    assert list(proxy.sittings.all()) == [sw.sitting]
    entry = JournalEntry.objects.get(action="sitting.proxy_given")
    assert entry.actor == clerk and entry.data["paper"] is True and entry.data["mandator"] == mandator.pk
    assert Notification.objects.filter(user=mandator.user, message__contains="enregistré par le secrétariat").exists()

    # At the sitting: the mandator absent, the holder present, the proxy counts.
    for member in sw.members[:5] + [holder]:
        live.set_attendance(clerk, sw.sitting, member, Attendance.Status.PRESENT)
    live.set_attendance(clerk, sw.sitting, mandator, Attendance.Status.ABSENT)
    assert live.proxies(Sitting.objects.get(pk=sw.sitting.pk)).valid == {mandator.pk: holder.pk}
    page = client.get(_url(sw.sitting)).content.decode()
    assert "papier" in page and "valable" in page and str(clerk) in page


def test_one_proxy_per_holder(client, world, roll):
    sw = roll
    give_proxy(world.users[Role.SECRETARIAT], mandator=sw.members[5], holder=sw.members[6], sittings=[sw.sitting],
               paper=True)
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(_url(sw.sitting), {"mandator": sw.members[7].pk, "holder": sw.members[6].pk,
                                              "sittings": [sw.sitting.pk]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "porte déjà un pouvoir" in html and "L2121-20" in html
    assert f'<option value="{sw.members[7].pk}" selected>' in html  # what was chosen is kept
    assert Proxy.objects.count() == 1


@pytest.mark.parametrize("later, illness, accepted", [
    (2, False, True),    # 3 consecutive sittings: the most without illness
    (3, False, False),   # 4: refused
    (3, True, True),     # 4 with duly established illness
])
def test_at_most_three_consecutive_sittings_unless_illness(client, world, roll, later, illness, accepted):
    sw = roll
    sittings = [sw.sitting, *_later_sittings(sw, later)]
    client.force_login(world.users[Role.SECRETARIAT])
    data = {"mandator": sw.members[5].pk, "holder": sw.members[6].pk, "sittings": [s.pk for s in sittings]}
    if illness:
        data["illness"] = "on"
    response = client.post(_url(sw.sitting), data)
    if accepted:
        assert response.status_code == 302
        assert Proxy.objects.get().sittings.count() == len(sittings)
    else:
        assert response.status_code == 400
        assert "plus de 3 séances consécutives, sauf maladie dûment constatée" in response.content.decode()
        assert not Proxy.objects.exists()


def test_revoke_from_the_page(client, world, roll):
    sw, clerk = roll, world.users[Role.SECRETARIAT]
    mandator = sw.members[5]
    mandator.user = make_user(world.authority, "elu-mandant", [Role.MEMBER])
    mandator.save(update_fields=["user"])
    proxy = give_proxy(mandator.user, mandator=mandator, holder=sw.members[6], sittings=[sw.sitting])
    client.force_login(clerk)
    response = client.post(_url(sw.sitting), {"op": "revoke", "proxy": proxy.pk})
    assert response.status_code == 302
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None
    entry = JournalEntry.objects.get(action="sitting.proxy_revoked")
    assert entry.actor == clerk and entry.data["by_mandator"] is False
    assert Notification.objects.filter(user=mandator.user, message__contains="révoqué par le secrétariat").exists()
    assert "révoqué le" in client.get(_url(sw.sitting)).content.decode()
    again = client.post(_url(sw.sitting), {"op": "revoke", "proxy": proxy.pk})
    assert again.status_code == 400 and "déjà été révoqué" in again.content.decode()


def test_during_the_sitting_only_a_written_proxy_of_a_member_who_leaves(client, world, roll):
    """Once the sitting is open, a member who has to leave hands a written proxy to the
    secretariat, which records it for the rest of the sitting; from the portal it is too late."""
    sw, clerk = roll, world.users[Role.SECRETARIAT]
    for member in sw.members[:8]:
        live.set_attendance(clerk, sw.sitting, member, Attendance.Status.PRESENT)
    live.open_sitting(clerk, Sitting.objects.get(pk=sw.sitting.pk))
    leaving, holder = sw.members[7], sw.members[6]
    with pytest.raises(ValidationError, match="pouvoir écrit remis au secrétariat"):
        give_proxy(clerk, mandator=leaving, holder=holder, sittings=[sw.sitting])  # not on paper
    client.force_login(clerk)
    page = client.get(_url(sw.sitting)).content.decode()
    assert "un pouvoir se donne avant la séance" not in page
    response = client.post(_url(sw.sitting), {"mandator": leaving.pk, "holder": holder.pk,
                                              "sittings": [sw.sitting.pk]})
    assert response.status_code == 302
    proxy = Proxy.objects.get(mandator=leaving, holder=holder)
    assert list(proxy.sittings.all()) == [Sitting.objects.get(pk=sw.sitting.pk)]


def test_only_the_secretariat_records_paper_proxies(world, roll):
    sw = roll
    member = sw.members[0]  # the world's member user
    with pytest.raises(PermissionDenied):
        give_proxy(member.user, mandator=member, holder=sw.members[1], sittings=[sw.sitting], paper=True)
    with pytest.raises(PermissionDenied):
        give_proxy(member.user, mandator=sw.members[2], holder=sw.members[1], sittings=[sw.sitting])
