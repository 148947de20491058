"""Agenda builder: only ready acts can be added; adding/removing changes the act's state;
removal is refused once the item is on a sent convocation; additions after it are flagged."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hemicycle.acts.actions import create_act, set_state
from hemicycle.acts.models import Act, ActState
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions import agenda as actions
from hemicycle.sittings.models import AgendaItem, Convocation
from hemicycle.sittings.testing import build_sitting_world, ready_act


def text(response) -> str:
    return unescape(response.content.decode())


WARNING = "Cet élément n'est pas sur la convocation : envoyez un additif avant la séance (L2121-10)"


@pytest.fixture
def sw(world):
    return build_sitting_world(world, members=5, acts=0)


def ready_dfpe_act(world, object_text):
    act = create_act(world.users["drafter2"], department=world.departments["DFPE"], object=object_text)
    with transaction.atomic():
        set_state(act, ActState.READY, actor=world.users[Role.SECRETARIAT], reason="test")
    return act


def send_convocation(sitting):
    convocation = Convocation.objects.create(sitting=sitting, state=Convocation.State.SENT, sent_at=timezone.now())
    items = list(sitting.items.all())
    convocation.items.set(items)
    sitting.items.update(on_convocation=True)
    sitting.state = sitting.State.CONVENED
    sitting.save(update_fields=["state"])
    return convocation


def test_adding_a_ready_act_puts_it_on_the_agenda(world, sw, client):
    act = ready_act(world, "Subvention à l'association « Les Amis du Théâtre »")
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_add", args=[sw.sitting.slug]), {"acts": [act.pk]})
    assert response.status_code == 302
    item = AgendaItem.objects.get(sitting=sw.sitting, act=act)
    assert item.title == act.object and item.position == 1 and item.kind == AgendaItem.Kind.ACT
    assert item.on_convocation is False
    assert Act.objects.get(pk=act.pk).state == ActState.ON_AGENDA
    # Journal: the agenda change on the sitting, the state change on the act.
    added = JournalEntry.objects.get(action="agenda.item_added")
    assert added.object_type == "sittings.sitting" and added.object_id == str(sw.sitting.pk)
    assert added.data["act"] == act.reference
    changed = JournalEntry.objects.filter(action="act.state_changed", object_id=str(act.pk)).last()
    assert changed.object_type == "acts.act" and changed.data["to"] == ActState.ON_AGENDA


def test_the_rapporteur_of_the_act_becomes_the_items(world, sw):
    act = ready_act(world, "Convention avec le conservatoire")
    Act.objects.filter(pk=act.pk).update(rapporteur=sw.members[2])
    act.refresh_from_db()
    item = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [act])[0]
    assert item.rapporteur == sw.members[2]


def test_a_draft_act_is_refused_with_a_french_message(world, sw, client):
    draft = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], object="Projet en cours")
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_add", args=[sw.sitting.slug]), {"acts": [draft.pk]})
    assert response.status_code == 400
    assert "n'est pas prêt pour la séance (état : Brouillon)" in text(response)
    assert not AgendaItem.objects.filter(act=draft).exists()
    assert Act.objects.get(pk=draft.pk).state == ActState.DRAFT


def test_one_bad_act_adds_nothing(world, sw):
    good = ready_act(world, "Acte prêt")
    draft = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], object="Brouillon")
    with pytest.raises(ValidationError):
        actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [good, draft])
    assert not sw.sitting.items.exists()
    assert Act.objects.get(pk=good.pk).state == ActState.READY


def test_an_act_already_on_an_agenda_cannot_be_added_twice(world, sw):
    act = ready_act(world, "Acte prêt")
    actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [act])
    with pytest.raises(ValidationError, match="Inscrit à l'ordre du jour"):
        actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [act])
    assert sw.sitting.items.count() == 1


def test_another_authoritys_act_is_not_found(world, other_world, sw, client):
    foreign = ready_act(other_world, "Acte d'une autre collectivité")
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_add", args=[sw.sitting.slug]), {"acts": [foreign.pk]})
    assert response.status_code == 400
    assert not AgendaItem.objects.filter(act=foreign).exists()
    with pytest.raises(ValidationError, match="n'appartient pas à votre collectivité"):
        actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [foreign])


def test_only_ready_acts_are_offered(world, sw, client):
    ready = ready_act(world, "Acte prêt à inscrire")
    create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], object="Brouillon invisible")
    client.force_login(world.users[Role.SECRETARIAT])
    page = text(client.get(reverse("sittings:agenda", args=[sw.sitting.slug])))
    assert "Acte prêt à inscrire" in page and ready.reference in page
    assert "Brouillon invisible" not in page


def test_candidates_can_be_filtered(world, sw, client):
    dac = ready_act(world, "Culture : saison théâtrale")
    dfpe = ready_dfpe_act(world, "Crèche municipale")
    dfpe.committees.add(world.committee)
    Act.objects.filter(pk=dfpe.pk).update(rapporteur=sw.members[1])
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda", args=[sw.sitting.slug])
    by_department = text(client.get(url, {"f": "1", "department": world.departments["DFPE"].pk}))
    assert dfpe.reference in by_department and dac.reference not in by_department
    by_committee = text(client.get(url, {"f": "1", "committee": world.committee.pk}))
    assert dfpe.reference in by_committee and dac.reference not in by_committee
    by_rapporteur = text(client.get(url, {"f": "1", "rapporteur": sw.members[1].pk}))
    assert dfpe.reference in by_rapporteur and dac.reference not in by_rapporteur
    by_text = text(client.get(url, {"f": "1", "q": "théâtrale"}))
    assert dac.reference in by_text and dfpe.reference not in by_text
    Act.objects.filter(pk=dac.pk).update(target_sitting_type="standing_committee")
    by_type = text(client.get(url, {"f": "1", "type": "council"}))
    assert dfpe.reference in by_type and dac.reference not in by_type
    Act.objects.filter(pk=dfpe.pk).update(target_sitting_date=sw.sitting.date)
    by_date = text(client.get(url, {"f": "1", "date": sw.sitting.date.isoformat()}))
    assert dfpe.reference in by_date and dac.reference not in by_date


def test_removing_before_the_convocation_makes_the_act_ready_again(world, sw, client):
    first, second = ready_act(world, "Premier"), ready_act(world, "Second")
    items = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [first, second])
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_remove", args=[sw.sitting.slug, items[0].pk]))
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=items[0].pk).exists()
    assert Act.objects.get(pk=first.pk).state == ActState.READY
    assert AgendaItem.objects.get(pk=items[1].pk).position == 1  # no gap left
    removed = JournalEntry.objects.get(action="agenda.item_removed")
    assert removed.object_id == str(sw.sitting.pk) and removed.data["act"] == first.reference
    back = JournalEntry.objects.filter(action="act.state_changed", object_id=str(first.pk)).last()
    assert back.data == {"from": ActState.ON_AGENDA, "to": ActState.READY, "reason": back.data["reason"]}


def test_removal_after_the_convocation_is_refused(world, sw, client):
    act = ready_act(world, "Acte convoqué")
    item = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [act])[0]
    send_convocation(sw.sitting)
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_remove", args=[sw.sitting.slug, item.pk]))
    assert response.status_code == 400
    assert "figure sur la convocation envoyée" in text(response)
    assert "retiré ou reporté pendant la séance" in text(response)
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert Act.objects.get(pk=act.pk).state == ActState.ON_AGENDA
    assert not JournalEntry.objects.filter(action="agenda.item_removed").exists()


def test_adding_after_the_convocation_warns_that_an_addendum_is_needed(world, sw, client):
    actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [ready_act(world, "Acte convoqué")])
    send_convocation(sw.sitting)
    late = ready_act(world, "Acte tardif")
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_add", args=[sw.sitting.slug]), {"acts": [late.pk]}, follow=True)
    page = text(response)
    assert WARNING in page
    item = AgendaItem.objects.get(act=late)
    assert item.on_convocation is False and item.position == 2
    assert JournalEntry.objects.filter(action="agenda.item_added").last().data["after_convocation"] is True
    detail = text(client.get(reverse("sittings:detail", args=[sw.sitting.slug])))
    assert detail.count(WARNING) == 1  # only the late item carries it


def test_a_closed_sitting_agenda_is_frozen(world, sw):
    sw.sitting.state = sw.sitting.State.CLOSED
    sw.sitting.save()
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [ready_act(world, "Trop tard")])
