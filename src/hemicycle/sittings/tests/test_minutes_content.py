"""The procès-verbal drafted from the sitting's data holds every element L2121-15 requires."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions.minutes import draft_minutes
from hemicycle.sittings.models import AgendaItem, Minutes
from hemicycle.sittings.samples_minutes import build_held_sitting


@pytest.fixture
def held(world):
    return build_held_sitting(world)


def _draft(client, world, held):
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:minutes_draft", kwargs={"slug": held.sitting.slug}))
    assert response.status_code == 302
    return Minutes.objects.get(sitting=held.sitting)


def test_body_has_every_element(client, world, held):
    body = _draft(client, world, held).body
    m = held.members
    assert body["sitting"]["date"] == held.sitting.date.isoformat()
    assert body["sitting"]["opened_at"] == "18 h 32" and body["sitting"]["closed_at"] == "21 h 05"
    assert body["president"] == "Mme Anne Lefèvre"
    assert body["secretaries"] == ["M. Bruno Garnier"]
    present = {p["name"] for p in body["present"]}
    assert present == {"Mme Anne Lefèvre", "M. Bruno Garnier", "Mme Chantal Roux", "M. David Mercier",
                       "Mme Élise Fontaine", "M. François Girard", "Mme Élue2 Conseillère2"}
    leaver = next(p for p in body["present"] if p["name"] == "Mme Élue2 Conseillère2")
    assert leaver["movements"] == [{"kind": "leave", "at": "20 h 10"}]
    assert body["represented"] == [{"id": m[6].pk, "name": "Mme Élue0 Conseillère0", "group": "MAJ",
                                    "holder": "M. Bruno Garnier"}]
    assert [(a["name"], a["excused"]) for a in body["absent"]] == [("Mme Élue1 Conseillère1", True)]
    assert body["quorum"]["opening"] == {"present": 7, "members_in_office": 9, "required": 5, "met": True,
                                         "article": "L2121-17"}
    assert [a["title"] for a in body["agenda"]] == [
        "Budget supplémentaire 2026", "Subvention à l'association Les Amis du Moulin",
        "Cession de la parcelle AB 112", "Tarifs de la cantine scolaire"]

    budget, subsidy, sale, canteen = body["items"]
    assert budget["rapporteur"] == "Mme Chantal Roux"
    assert budget["opinions"][0]["committee"] == "Commission culture"
    assert budget["opinions"][0]["opinion_label"] == "Favorable"
    amendment = budget["amendments"][0]
    assert amendment["number"] == 1 and amendment["state_label"] == "Adopté"
    assert amendment["ballots"][0]["pour"] == 6 and amendment["ballots"][0]["outcome_label"] == "Adopté"
    assert budget["ballots"][0]["method"] == "show_of_hands" and budget["ballots"][0]["votes"] == []

    # Withdrawal for a conflict of interest, and the quorum of the item without the withdrawn member.
    assert subsidy["withdrawals"] == [{"member": "M. David Mercier", "kind": "left_room",
                                       "kind_label": "A quitté la salle", "reason": "Président de l'association"}]
    assert subsidy["quorum"]["present"] == 6
    roll_call = subsidy["ballots"][0]
    assert roll_call["public"] and roll_call["method_label"] == "Par appel nominal"
    assert roll_call["requests"]["public"] == ["Mme Élise Fontaine", "M. François Girard"]
    assert (roll_call["pour"], roll_call["contre"], roll_call["abstention"]) == (3, 3, 1)
    assert roll_call["casting_vote_used"] and roll_call["outcome"] == "adopted"
    votes = {v["member"]: (v["value"], v["cast_by"]) for v in roll_call["votes"]}
    assert votes["Mme Anne Lefèvre"] == ("pour", "")
    assert votes["Mme Élue0 Conseillère0"] == ("contre", "M. Bruno Garnier")  # cast by the proxy holder
    assert "M. David Mercier" not in votes and len(votes) == 7

    # Secret ballot: requested by a third of those present, totals only, no names.
    secret = sale["ballots"][0]
    assert secret["secret"] and secret["votes"] == []
    assert secret["requests"]["secret"] == ["Mme Chantal Roux", "Mme Élise Fontaine", "M. François Girard"]
    assert (secret["pour"], secret["contre"], secret["outcome"]) == (3, 4, "rejected")
    assert sale["quorum"]["present"] == 6  # Élue2 left before the item
    assert canteen["state_label"] == "Reporté" and canteen["ballots"] == []
    assert all("debate_summary" in i for i in body["items"])
    assert JournalEntry.objects.filter(action="minutes.drafted", object_id=str(held.sitting.pk)).exists()


def test_page_shows_the_minutes(client, world, held):
    _draft(client, world, held)
    response = client.get(reverse("sittings:minutes", kwargs={"slug": held.sitting.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Mme Anne Lefèvre", "M. Bruno Garnier", "pouvoir à M. Bruno Garnier", "Mme Élue1 Conseillère1",
                 "excusé(e)", "Quorum à l'ouverture", "7 présents pour 5 requis", "Par appel nominal",
                 "Scrutin public demandé par", "Scrutin secret demandé par",
                 "Scrutin secret : seuls les totaux sont consignés.", "M. Bruno Garnier, porteur du pouvoir",
                 "voix du président de séance a été prépondérante", "Amendement n° 1",
                 "Président de l&#x27;association",
                 "Commission culture", "Synthèse des débats à rédiger.", "Projet"]:
        assert text in html, text


def test_redrafting_keeps_the_edited_texts(client, world, held):
    minutes = _draft(client, world, held)
    budget = held.items[0]
    AgendaItem.objects.filter(pk=budget.pk).update(debate_summary="M. Girard regrette la hausse.")
    minutes.body["texts"]["introduction"] = "Mme Lefèvre ouvre la séance."
    minutes.save()
    budget.refresh_from_db()
    budget.title = "Budget supplémentaire 2026 (modifié)"
    budget.save()
    redrafted = draft_minutes(world.users[Role.SECRETARIAT], held.sitting)
    assert redrafted.lock_version == minutes.lock_version + 1
    assert redrafted.body["texts"]["introduction"] == "Mme Lefèvre ouvre la séance."
    assert redrafted.body["items"][0]["debate_summary"] == "M. Girard regrette la hausse."
    assert redrafted.body["items"][0]["title"] == "Budget supplémentaire 2026 (modifié)"


def test_no_minutes_before_the_sitting(client, world, held):
    held.sitting.state = "planned"
    held.sitting.save()
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:minutes_draft", kwargs={"slug": held.sitting.slug}), follow=True)
    assert "n&#x27;a pas encore eu lieu" in response.content.decode()
    assert not Minutes.objects.filter(sitting=held.sitting).exists()


def test_panel_on_the_sitting_hub(client, world, held):
    client.force_login(world.users[Role.SECRETARIAT])
    hub = reverse("sittings:detail", kwargs={"slug": held.sitting.slug})
    html = client.get(hub).content.decode()
    assert "Après la séance" in html and "non établi" in html
    _draft(client, world, held)
    html = client.get(hub).content.decode()
    assert reverse("sittings:minutes", kwargs={"slug": held.sitting.slug}) in html
    assert "Projet" in html and "non publiée" in html
