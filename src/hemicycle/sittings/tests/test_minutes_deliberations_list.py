"""The list of deliberations (L2121-25): published by the secretariat, public for public sittings."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.models import Minutes
from hemicycle.sittings.samples_minutes import build_held_sitting


def _urls(sitting):
    kw = {"slug": sitting.slug}
    return (reverse("sittings:deliberations_list", kwargs=kw), reverse("sittings:minutes_list_publish", kwargs=kw),
            reverse("sittings:minutes", kwargs=kw))


def test_publish_then_public_page(client, world):
    held = build_held_sitting(world)
    public_url, publish_url, page_url = _urls(held.sitting)
    assert client.get(public_url).status_code == 404  # not yet published

    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(page_url).content.decode()
    deadline = held.sitting.date + datetime.timedelta(days=7)
    assert f"À mettre en ligne au plus tard le <strong>{deadline:%d/%m/%Y}</strong>" in page
    assert "Non publiée" in page
    response = client.post(publish_url, follow=True)
    assert "La liste des délibérations est en ligne." in response.content.decode()
    minutes = Minutes.objects.get(sitting=held.sitting)  # created when needed
    assert minutes.list_published_at is not None
    assert "En ligne depuis le" in client.get(page_url).content.decode()
    entry = JournalEntry.objects.get(action="deliberations_list.published")
    assert entry.data["deadline"] == deadline.isoformat() and entry.data["late"] is False
    again = client.post(publish_url, follow=True)
    assert "déjà en ligne" in again.content.decode()

    client.logout()
    response = client.get(public_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert held.sitting.date.strftime("%d/%m/%Y") in html
    for title in ("Budget supplémentaire 2026", "Subvention à l&#x27;association Les Amis du Moulin",
                  "Cession de la parcelle AB 112", "Tarifs de la cantine scolaire"):
        assert title in html
    assert "Adopté" in html and "Rejeté" in html and "Reporté" in html
    assert "<td>3</td>" in html  # order number of the sale
    pdf = client.get(reverse("sittings:deliberations_list_pdf", kwargs={"slug": held.sitting.slug}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_huis_clos_sitting_is_not_public(client, world):
    held = build_held_sitting(world, public=False)
    public_url, publish_url, _ = _urls(held.sitting)
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(publish_url, follow=True)
    assert "huis clos" in response.content.decode()
    Minutes.objects.update_or_create(sitting=held.sitting, defaults={"list_published_at": held.sitting.closed_at})
    client.logout()
    assert client.get(public_url).status_code == 404
    assert client.get(reverse("sittings:deliberations_list_pdf", kwargs={"slug": held.sitting.slug})).status_code == 404


def test_not_before_the_sitting_is_closed(client, world):
    held = build_held_sitting(world)
    held.sitting.state = "open"
    held.sitting.save()
    _, publish_url, _ = _urls(held.sitting)
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(publish_url, follow=True)
    assert "n&#x27;est pas close" in response.content.decode()
    assert not Minutes.objects.filter(sitting=held.sitting, list_published_at__isnull=False).exists()


@pytest.mark.parametrize("logged_in", [False, True])
def test_same_slug_in_two_authorities(client, world, other_world, logged_in):
    mine = build_held_sitting(world, slug="2026-06-01")
    theirs = build_held_sitting(other_world, slug="2026-06-01")
    for held, w in ((mine, world), (theirs, other_world)):
        client.force_login(w.users[Role.SECRETARIAT])
        client.post(_urls(held.sitting)[1])
    client.logout()
    url = reverse("sittings:deliberations_list", kwargs={"slug": "2026-06-01"})
    if logged_in:
        client.force_login(world.users[Role.MEMBER])
        assert escape(world.authority.name) in client.get(url).content.decode()
    else:
        chooser = client.get(url).content.decode()
        assert "?collectivite=autreville" in chooser and "?collectivite=villeneuve" in chooser
    page = client.get(url + "?collectivite=autreville").content.decode()
    assert escape(other_world.authority.name) in page
