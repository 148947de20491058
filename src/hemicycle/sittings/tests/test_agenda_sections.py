"""Sections (rubriques): set on checked items, shown as groups on the sitting's agenda."""

from html import unescape

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions import agenda as actions
from hemicycle.sittings.models import AgendaItem
from hemicycle.sittings.testing import build_sitting_world


@pytest.fixture
def sw(world):
    return build_sitting_world(world, members=5, acts=3)


def test_checked_items_go_into_a_section(world, sw, client):
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda_section", args=[sw.sitting.slug])
    response = client.post(url, {"items": [sw.items[0].pk, sw.items[1].pk], "section": "  Culture   et patrimoine "})
    assert response.status_code == 302
    sections = dict(AgendaItem.objects.filter(sitting=sw.sitting).values_list("pk", "section"))
    assert sections == {sw.items[0].pk: "Culture et patrimoine", sw.items[1].pk: "Culture et patrimoine",
                        sw.items[2].pk: ""}
    entry = JournalEntry.objects.get(action="agenda.section_set")
    assert entry.object_id == str(sw.sitting.pk) and entry.data["section"] == "Culture et patrimoine"
    # An empty section takes items out of their rubrique.
    client.post(url, {"items": [sw.items[1].pk], "section": ""})
    assert AgendaItem.objects.get(pk=sw.items[1].pk).section == ""


def test_no_item_checked_keeps_what_was_typed(world, sw, client):
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_section", args=[sw.sitting.slug]), {"section": "Finances"})
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Cochez au moins un point" in page
    assert 'value="Finances"' in page


def test_the_agenda_shows_sections_as_groups(world, sw, client):
    user = world.users[Role.SECRETARIAT]
    actions.set_section(user, sw.sitting, sw.items[:2], "Culture")
    actions.set_section(user, sw.sitting, sw.items[2:], "Petite enfance")
    client.force_login(user)
    page = unescape(client.get(reverse("sittings:detail", args=[sw.sitting.slug])).content.decode())
    culture, enfance = page.index('<h3 class="fr-h5">Culture</h3>'), page.index('<h3 class="fr-h5">Petite enfance</h3>')
    assert culture < page.index(sw.items[0].title) < page.index(sw.items[1].title) < enfance
    assert enfance < page.index(sw.items[2].title)


def test_section_of_one_item_from_its_page(world, sw, client):
    client.force_login(world.users[Role.SECRETARIAT])
    item = sw.items[0]
    response = client.post(reverse("sittings:agenda_item", args=[sw.sitting.slug, item.pk]),
                           {"title": item.title, "section": "Urbanisme", "rapporteur": sw.members[1].pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.section == "Urbanisme" and item.rapporteur == sw.members[1]
    assert JournalEntry.objects.get(action="agenda.item_updated").data["item"] == item.pk
