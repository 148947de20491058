"""Vœux filed by a group and questions, as agenda items."""

from html import unescape

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import PoliticalGroup
from hemicycle.sittings.actions import agenda as actions
from hemicycle.sittings.models import AgendaItem, Motion
from hemicycle.sittings.testing import build_sitting_world


@pytest.fixture
def sw(world):
    return build_sitting_world(world, members=5, acts=2)


def test_the_secretariat_registers_a_voeu_filed_by_a_group(world, sw, client):
    group = PoliticalGroup.objects.get(authority=world.authority)
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda_motion", args=[sw.sitting.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"group": group.pk, "title": "Vœu relatif aux pistes cyclables",
                                 "text": "Le conseil émet le vœu que…", "section": "Vœux"})
    assert response.status_code == 302
    item = AgendaItem.objects.get(sitting=sw.sitting, kind=AgendaItem.Kind.MOTION)
    assert item.position == 3 and item.section == "Vœux" and item.title == "Vœu relatif aux pistes cyclables"
    motion = item.motion
    assert motion.group == group and motion.filed_by == world.users[Role.SECRETARIAT]
    assert motion.text == "Le conseil émet le vœu que…" and motion.state == Motion.State.FILED
    entry = JournalEntry.objects.get(action="agenda.motion_filed")
    assert entry.object_id == str(sw.sitting.pk) and entry.data["group"] == group.short_name
    page = unescape(client.get(reverse("sittings:detail", args=[sw.sitting.slug])).content.decode())
    assert "Vœu relatif aux pistes cyclables" in page and f"Déposé par le groupe {group.name}" in page


def test_a_voeu_without_group_or_text_is_refused_keeping_the_input(world, sw, client):
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_motion", args=[sw.sitting.slug]),
                           {"title": "Mon titre de vœu", "text": ""})
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Mon titre de vœu" in page
    assert not Motion.objects.exists()


def test_a_voeu_of_another_authoritys_group_is_refused(world, other_world, sw):
    foreign = PoliticalGroup.objects.get(authority=other_world.authority)
    with pytest.raises(Exception, match="Choisissez le groupe"):
        actions.file_motion(world.users[Role.SECRETARIAT], sw.sitting, group=foreign, title="T", text="X")


def test_a_removed_voeu_can_be_put_back_on_an_agenda(world, sw, client):
    group = PoliticalGroup.objects.get(authority=world.authority)
    user = world.users[Role.SECRETARIAT]
    item = actions.file_motion(user, sw.sitting, group=group, title="Vœu sur l'eau", text="Texte")
    motion = item.motion
    actions.remove_item(user, item)
    assert Motion.objects.filter(pk=motion.pk, state=Motion.State.FILED).exists()
    client.force_login(user)
    page = unescape(client.get(reverse("sittings:agenda", args=[sw.sitting.slug])).content.decode())
    assert "Vœux déposés non inscrits" in page and "Vœu sur l'eau" in page
    response = client.post(reverse("sittings:agenda_motion_add", args=[sw.sitting.slug, motion.pk]))
    assert response.status_code == 302
    assert AgendaItem.objects.filter(sitting=sw.sitting, motion=motion).count() == 1
    response = client.post(reverse("sittings:agenda_motion_add", args=[sw.sitting.slug, motion.pk]))
    assert response.status_code == 400 and "déjà inscrit" in unescape(response.content.decode())


def test_a_question_is_an_item_with_a_title_and_a_text(world, sw, client):
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda_question", args=[sw.sitting.slug])
    response = client.post(url, {"title": "Question sur la piscine", "text": "Quand rouvrira-t-elle ?"})
    assert response.status_code == 302
    item = AgendaItem.objects.get(sitting=sw.sitting, kind=AgendaItem.Kind.QUESTION)
    assert (item.title, item.text, item.position) == ("Question sur la piscine", "Quand rouvrira-t-elle ?", 3)
    assert JournalEntry.objects.get(action="agenda.question_added").data["item"] == item.pk
    refused = client.post(url, {"title": "Sans texte", "text": "  "})
    assert refused.status_code == 400 and "Sans texte" in unescape(refused.content.decode())
    assert AgendaItem.objects.filter(kind=AgendaItem.Kind.QUESTION).count() == 1
