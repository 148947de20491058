"""Adoption of the minutes at the next sitting: an agenda item, then published once adopted."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions.minutes import generate, on_item_decided
from hemicycle.sittings.models import AgendaItem, Minutes
from hemicycle.sittings.samples_minutes import build_held_sitting


@pytest.fixture
def held(world):
    held = build_held_sitting(world, next_sitting=True)
    generate(held.sitting, actor=world.users[Role.SECRETARIAT])
    return held


def _submit(client, world, held):
    client.force_login(world.users[Role.SECRETARIAT])
    return client.post(reverse("sittings:minutes_submit", kwargs={"slug": held.sitting.slug}), follow=True)


def test_submit_puts_the_adoption_first_on_the_next_agenda(client, world, held):
    response = _submit(client, world, held)
    assert "inscrit en tête de l&#x27;ordre du jour" in response.content.decode()
    minutes = Minutes.objects.get(sitting=held.sitting)
    item = minutes.adopted_at_item
    assert item.sitting == held.next_sitting and item.kind == AgendaItem.Kind.MINUTES and item.act is None
    assert item.position == 1
    assert item.title.startswith("Adoption du procès-verbal de la séance du ")
    assert [i.title for i in held.next_sitting.items.order_by("position")] == [item.title, "Compte administratif 2025"]
    assert minutes.state == Minutes.State.SUBMITTED and minutes.current_state == Minutes.State.SUBMITTED
    assert JournalEntry.objects.filter(action="minutes.submitted").exists()
    # Submitting twice is refused.
    again = _submit(client, world, held)
    assert "déjà inscrit" in again.content.decode()
    assert AgendaItem.objects.filter(kind=AgendaItem.Kind.MINUTES).count() == 1


def test_submit_refused_without_a_next_sitting(client, world, held):
    held.next_sitting.delete()
    response = _submit(client, world, held)
    assert "Aucune prochaine séance" in response.content.decode()
    assert not AgendaItem.objects.filter(kind=AgendaItem.Kind.MINUTES).exists()
    assert Minutes.objects.get(sitting=held.sitting).state == Minutes.State.DRAFT


def test_on_item_decided_adopts_and_publishes(client, world, held):
    _submit(client, world, held)
    minutes = Minutes.objects.get(sitting=held.sitting)
    public_url = reverse("sittings:minutes_public", kwargs={"slug": held.sitting.slug})
    client.logout()
    assert client.get(public_url).status_code == 404  # not adopted: not online

    item = minutes.adopted_at_item
    item.state = AgendaItem.State.ADOPTED
    item.save()
    assert on_item_decided(item) == minutes
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.ADOPTED and minutes.adopted_at is not None
    assert JournalEntry.objects.filter(action="minutes.adopted").exists()

    response = client.get(public_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mme Anne Lefèvre" in html and "Adopté en séance du" in html
    pdf = client.get(reverse("sittings:minutes_public_pdf", kwargs={"slug": held.sitting.slug}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_state_is_computed_even_if_nobody_called_on_item_decided(client, world, held):
    _submit(client, world, held)
    minutes = Minutes.objects.get(sitting=held.sitting)
    AgendaItem.objects.filter(pk=minutes.adopted_at_item_id).update(state=AgendaItem.State.ADOPTED)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.SUBMITTED and minutes.current_state == Minutes.State.ADOPTED
    page = client.get(reverse("sittings:minutes", kwargs={"slug": held.sitting.slug}))
    assert "Procès-verbal : Adopté" in page.content.decode()
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.ADOPTED  # the secretariat's page persisted it


def test_rejected_minutes_go_back_to_draft(client, world, held):
    _submit(client, world, held)
    minutes = Minutes.objects.get(sitting=held.sitting)
    item = minutes.adopted_at_item
    item.state = AgendaItem.State.REJECTED
    item.save()
    on_item_decided(item)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.DRAFT and minutes.current_state == Minutes.State.DRAFT


def test_other_items_are_ignored(world, held):
    item = held.items[0]
    assert on_item_decided(item) is None
