"""Committee opinions per item, and organisations an item concerns (for conflict flags)."""

import datetime
from html import unescape

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Committee
from hemicycle.sittings.actions import agenda as actions
from hemicycle.sittings.models import CommitteeOpinion, ItemConcern
from hemicycle.sittings.testing import build_sitting_world, ready_act


@pytest.fixture
def sw(world):
    return build_sitting_world(world, members=5, acts=1)


def test_record_replace_and_remove_a_committee_opinion(world, sw, client):
    item = sw.items[0]
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda_opinion", args=[sw.sitting.slug, item.pk])
    day = sw.sitting.date - datetime.timedelta(days=7)
    response = client.post(url, {"committee": world.committee.pk, "opinion": "favourable",
                                 "given_on": day.isoformat(), "note": "Unanimité"})
    assert response.status_code == 302
    opinion = CommitteeOpinion.objects.get(item=item)
    assert (opinion.committee, opinion.opinion, opinion.given_on, opinion.note) == (
        world.committee, "favourable", day, "Unanimité")
    client.post(url, {"committee": world.committee.pk, "opinion": "reserved"})
    assert list(CommitteeOpinion.objects.filter(item=item).values_list("opinion", flat=True)) == ["reserved"]
    entries = JournalEntry.objects.filter(action="agenda.opinion_recorded").order_by("seq")
    assert [e.data["opinion"] for e in entries] == ["favourable", "reserved"]
    assert entries.last().data["previous"] == "favourable" and entries.last().object_id == str(sw.sitting.pk)
    page = unescape(client.get(reverse("sittings:detail", args=[sw.sitting.slug])).content.decode())
    assert f"Avis {world.committee.short_name} : Réservé" in page
    opinion = CommitteeOpinion.objects.get(item=item)
    client.post(reverse("sittings:agenda_opinion_delete", args=[sw.sitting.slug, item.pk, opinion.pk]))
    assert not CommitteeOpinion.objects.exists()
    assert JournalEntry.objects.filter(action="agenda.opinion_removed").exists()


def test_opinions_of_several_committees(world, sw):
    finance = Committee.objects.create(authority=world.authority, name="Finances", short_name="FIN")
    user = world.users[Role.SECRETARIAT]
    actions.record_opinion(user, sw.items[0], committee=world.committee, opinion="favourable")
    actions.record_opinion(user, sw.items[0], committee=finance, opinion="unfavourable")
    assert sorted(sw.items[0].opinions.values_list("opinion", flat=True)) == ["favourable", "unfavourable"]


def test_bad_opinions_are_refused_with_the_form_kept(world, other_world, sw, client):
    item = sw.items[0]
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda_opinion", args=[sw.sitting.slug, item.pk])
    after = sw.sitting.date + datetime.timedelta(days=1)
    response = client.post(url, {"committee": world.committee.pk, "opinion": "favourable",
                                 "given_on": after.isoformat(), "note": "Note tapée"})
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "ne peut pas être postérieur à la séance" in page and "Note tapée" in page
    foreign = Committee.objects.get(authority=other_world.authority)
    response = client.post(url, {"committee": foreign.pk, "opinion": "favourable"})
    assert response.status_code == 400
    assert not CommitteeOpinion.objects.exists()


def test_concerned_organisations_with_suggestions(world, client):
    sw = build_sitting_world(world, members=5, acts=0)
    act = ready_act(world, "Attribution d'une subvention à l'association Les Amis du Théâtre pour la saison 2027")
    item = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [act])[0]
    client.force_login(world.users[Role.SECRETARIAT])
    page = unescape(client.get(reverse("sittings:agenda_item", args=[sw.sitting.slug, item.pk])).content.decode())
    assert "Ajouter « Association Les Amis du Théâtre »" in page
    url = reverse("sittings:agenda_concern", args=[sw.sitting.slug, item.pk])
    assert client.post(url, {"organisation": "Association Les Amis du Théâtre"}).status_code == 302
    assert list(ItemConcern.objects.filter(item=item).values_list("organisation", flat=True)) == [
        "Association Les Amis du Théâtre"]
    duplicate = client.post(url, {"organisation": "association les amis du théâtre"})
    assert duplicate.status_code == 400 and "déjà indiqué" in unescape(duplicate.content.decode())
    entry = JournalEntry.objects.get(action="agenda.concern_added")
    assert entry.object_id == str(sw.sitting.pk) and entry.data["organisation"] == "Association Les Amis du Théâtre"
    concern = ItemConcern.objects.get(item=item)
    client.post(reverse("sittings:agenda_concern_delete", args=[sw.sitting.slug, item.pk, concern.pk]))
    assert not ItemConcern.objects.exists()
    assert JournalEntry.objects.filter(action="agenda.concern_removed").exists()


@pytest.mark.parametrize("text, expected", [
    ("Subvention à l'association Les Amis du Théâtre pour la saison 2027", ["Association Les Amis du Théâtre"]),
    ("Convention avec « Paris Habitat » relative aux logements", ["Paris Habitat"]),
    ("Subventions à l'association Sport pour tous, à la Fondation Abbé Pierre et au Club des aînés.",
     ["Association Sport pour tous", "Fondation Abbé Pierre", "Club des aînés"]),
    ("Budget primitif 2027", []),
])
def test_suggestions_from_the_object(text, expected):
    assert actions.suggest_concerns(text) == expected
